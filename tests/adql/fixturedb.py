"""A database holding the ADQL fixture schema (tests/adql/schema.py) and DR's UDFs,
cloned from the session cluster's template: for tests/adql and tests/fuzz."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg2

from adql import UDF_SQL
from engine.db.dsn import with_dbname
from tests.adql.schema import fixture_sql
from tests.support import TEMPLATE_DB


@contextlib.contextmanager
def fixture_database(cluster_dsn: str, name: str) -> Iterator:
    """An autocommit connection (10 s statement timeout) to a new database ``name``
    with the fixture schema; the database is dropped afterwards."""
    with contextlib.closing(psycopg2.connect(with_dbname(cluster_dsn, "postgres"))) as admin:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB} STRATEGY FILE_COPY")
        conn = psycopg2.connect(with_dbname(cluster_dsn, name))
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("CREATE SCHEMA IF NOT EXISTS dc")
            cur.execute(UDF_SQL)
            cur.execute(fixture_sql())
            cur.execute("SET statement_timeout = '10s'")
        try:
            yield conn
        finally:
            conn.close()
            with admin.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
