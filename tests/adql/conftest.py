"""One database for the whole ADQL test package: the fixture schema plus adql.UDF_SQL.

Built once per session from the session cluster's template (pg_sphere
installed), because creating a database per query would dominate the run.
Tests get a connection in autocommit mode with a statement timeout.
"""

from __future__ import annotations

import os

import psycopg2
import pytest

from adql import UDF_SQL
from engine.db.dsn import with_dbname
from tests.adql.schema import TABLES, fixture_sql

TEMPLATE_DB = "dr_template"


@pytest.fixture(scope="session")
def adql_db(pg_cluster):
    """A connection to a database holding the ADQL fixture schema and DR's UDFs."""
    name = f"adql_{os.getpid()}"
    admin = psycopg2.connect(with_dbname(pg_cluster.dsn, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB} STRATEGY FILE_COPY")
    conn = psycopg2.connect(with_dbname(pg_cluster.dsn, name))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("CREATE SCHEMA IF NOT EXISTS dc")
        cur.execute(UDF_SQL)
        cur.execute(fixture_sql())
        cur.execute("SET statement_timeout = '10s'")
    yield conn
    conn.close()
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


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
