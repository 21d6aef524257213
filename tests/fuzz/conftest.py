"""The fuzz tests' own database: the ADQL fixture schema (tests/adql/schema.py) and DR's
UDFs, where translations the fuzzers produce are run.

A database of its own (not tests/adql's ``adql_db``, whose name it would take
in a whole-suite run), made once per session from the session cluster's
template and dropped at the end.
"""

from __future__ import annotations

import os

import pytest

from tests.adql.fixturedb import fixture_database


@pytest.fixture(scope="session")
def fuzz_adql_db(pg_cluster):
    """An autocommit connection (10 s statement timeout) to the ADQL fixture schema."""
    with fixture_database(pg_cluster.dsn, f"fuzz_adql_{os.getpid()}") as conn:
        yield conn
