"""The ADQL corpus: valid queries are translated and run, invalid ones fail with ADQLError.

Valid cases (valid.adql) run on the fixture database; their result columns
must be named as the metadata says and, where the case gives them, hold the
expected rows.  Invalid cases (invalid.adql) must raise ADQLError with a line
and column — never another exception, never reach PostgreSQL.
"""

from __future__ import annotations

import datetime
import decimal

import pytest

from adql import ADQLError, translate
from tests.adql.conftest import run
from tests.adql.corpus import read_cases
from tests.adql.schema import TABLES

VALID = read_cases("valid.adql")
INVALID = read_cases("invalid.adql")


def normalise(value):
    """Values as the corpus writes them: floats to 6 decimals, ISO timestamps."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float | decimal.Decimal):
        return round(float(value), 6) + 0.0
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str):
        return value.rstrip()
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return value


def test_corpus_is_big_enough():
    assert len(VALID) >= 300
    assert len(INVALID) >= 150


@pytest.mark.parametrize("case", VALID, ids=lambda c: c.name)
def test_valid_query_runs(case, adql_db):
    translation = translate(case.query, TABLES)
    names, rows = run(adql_db, translation.sql)
    assert names == [c.name for c in translation.columns]
    if "columns" in case.headers:
        assert [n.strip() for n in names] == [
            n.strip() for n in case.headers["columns"].split(",")]
    if "count" in case.headers:
        assert len(rows) == int(case.headers["count"])
    expected = case.rows()
    if expected is not None:
        got = [normalise(list(row)) for row in rows]
        want = [normalise(row) for row in expected]
        if "unordered" in case.headers:
            got, want = sorted(got, key=repr), sorted(want, key=repr)
        assert got == want


@pytest.mark.parametrize("case", INVALID, ids=lambda c: c.name)
def test_invalid_query_fails_with_adqlerror(case):
    with pytest.raises(ADQLError) as info:
        translate(case.query, TABLES)
    error = info.value
    assert error.line is not None and error.column is not None
    assert f"line {error.line}, column {error.column}" in str(error)
    if "error" in case.headers:
        assert case.headers["error"].lower() in str(error).lower()
