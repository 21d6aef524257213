"""Continuous release: updating data imports only new or changed sources."""

from __future__ import annotations

import pytest

from tests.ingest.resources import CATALOG_TABLE, catalog_rows, write_resource

UPDATING_DATA = """
  <data id="import" updating="True">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main"><rowmaker idmaps="*"/></make>
  </data>"""


@pytest.fixture
def inputs(db):
    path = db.home / "inputs"
    write_resource(path, "cat", CATALOG_TABLE + UPDATING_DATA,
                   {"data/night1.csv": catalog_rows(5, 1),
                    "data/night2.csv": catalog_rows(5, 101)})
    return path


def ids(db) -> list[int]:
    return [r[0] for r in db.query("SELECT id FROM cat.main ORDER BY id")]


def test_a_new_source_is_appended_and_known_ones_are_skipped(db, inputs):
    assert db.cli("imp", "cat").status == 0
    assert len(ids(db)) == 10
    (inputs / "cat/data/night3.csv").write_text(catalog_rows(3, 201))
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert "cat.main: 3 rows" in result.out
    assert "2 unchanged source(s) skipped" in result.out
    assert ids(db) == [1, 2, 3, 4, 5, 101, 102, 103, 104, 105, 201, 202, 203]
    assert db.query("SELECT nrows FROM tap_schema.tables "
                    "WHERE table_name = 'cat.main'") == [(13,)]


def test_a_changed_source_has_its_earlier_rows_replaced(db, inputs):
    assert db.cli("imp", "cat").status == 0
    (inputs / "cat/data/night1.csv").write_text(catalog_rows(2, 51))
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert ids(db) == [51, 52, 101, 102, 103, 104, 105]
    history = db.query("SELECT path, rows_in, superseded_by IS NOT NULL FROM dc.sources "
                       "ORDER BY source_id")
    assert history == [("data/night1.csv", 5, True), ("data/night2.csv", 5, False),
                       ("data/night1.csv", 2, False)]


def test_nothing_new_imports_nothing(db, inputs):
    assert db.cli("imp", "cat").status == 0
    result = db.cli("imp", "cat")
    assert result.status == 0 and "2 unchanged source(s) skipped" in result.out
    assert len(ids(db)) == 10


def test_a_failing_new_source_leaves_the_table_as_it_was(db, inputs):
    assert db.cli("imp", "cat").status == 0
    (inputs / "cat/data/night3.csv").write_text(catalog_rows(2, 301) + "x,1,2,3,n,{}\n")
    result = db.cli("imp", "cat")
    assert result.status == 1 and "night3.csv:4: column id" in result.err
    assert len(ids(db)) == 10
    assert db.query("SELECT count(*) FROM dc.sources") == [(2,)]


def test_the_hidden_source_column_stays_out_of_tap_schema(db, inputs):
    assert db.cli("imp", "cat").status == 0
    names = [r[0] for r in db.query("SELECT column_name FROM tap_schema.columns "
                                    "WHERE table_name = 'cat.main'")]
    assert "dr_srcid" not in names and "id" in names
