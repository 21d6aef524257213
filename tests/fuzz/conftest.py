"""The fuzz tests' own database: the ADQL fixture schema (tests/adql/schema.py) and DR's
UDFs, where translations the fuzzers produce are run.

A database of its own (not tests/adql's ``adql_db``, whose name it would take
in a whole-suite run), made once per session from the session cluster's
template and dropped at the end.
"""

from __future__ import annotations

import contextlib
import os

import psycopg2
import pytest

from adql import UDF_SQL
from engine.db.dsn import with_dbname
from tests.adql.schema import fixture_sql
from tests.support import TEMPLATE_DB


@pytest.fixture(scope="session")
def fuzz_adql_db(pg_cluster):
    """An autocommit connection (10 s statement timeout) to the ADQL fixture schema."""
    name = f"fuzz_adql_{os.getpid()}"
    admin_dsn = with_dbname(pg_cluster.dsn, "postgres")
    with contextlib.closing(psycopg2.connect(admin_dsn)) as admin:
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
