"""One database for the whole ADQL test package: the fixture schema plus adql.UDF_SQL.

Built once per session from the session cluster's template (pg_sphere
installed), because creating a database per query would dominate the run.
Tests get a connection in autocommit mode with a statement timeout.
"""

from __future__ import annotations

import os

import psycopg2
import pytest

from tests.adql.fixturedb import fixture_database
from tests.adql.schema import TABLES


@pytest.fixture(scope="session")
def adql_db(pg_cluster):
    """A connection to a database holding the ADQL fixture schema and DR's UDFs."""
    with fixture_database(pg_cluster.dsn, f"adql_{os.getpid()}") as conn:
        yield conn


@pytest.fixture(scope="session")
def tables():
    return TABLES


def run(conn, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of ``sql``; a PostgreSQL error fails with the SQL shown."""
    with conn.cursor() as cur:
        try:
            cur.execute(sql)
        except psycopg2.Error as exc:
            pytest.fail(f"PostgreSQL rejected the translation:\n{sql}\n{exc}")
        return [d.name for d in cur.description], cur.fetchall()
