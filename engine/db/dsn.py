"""Building and reading libpq connection strings."""

from __future__ import annotations


def _quote(value: str) -> str:
    if value and all(c not in value for c in " '\\"):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def make_dsn(**params: str | int) -> str:
    """A libpq key=value connection string, quoting values where libpq needs it."""
    return " ".join(f"{k}={_quote(str(v))}" for k, v in params.items() if v != "")


def with_dbname(dsn: str, dbname: str) -> str:
    """The same connection string pointing at another database."""
    from psycopg2.extensions import make_dsn as pg_make_dsn

    return pg_make_dsn(dsn, dbname=dbname)
