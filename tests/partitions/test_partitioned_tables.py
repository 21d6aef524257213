"""//scs#healpix-partitions makes a partitioned table; imports fill and replace it."""

from __future__ import annotations

import contextlib

import pytest

from engine.ingest.importer import import_rd
from rd.errors import DRError
from rd.loader import load_rd
from tests.partitions.conftest import write_catalog


def test_the_mixin_makes_a_partitioned_table_with_indexed_partitions(catalog):
    db, _, _ = catalog
    kinds = dict(db.query("SELECT relname, relkind FROM pg_class c JOIN pg_namespace n "
                          "ON n.oid = c.relnamespace WHERE nspname = 'pt' "
                          "AND relname IN ('part', 'ser', 'flat')"))
    assert kinds == {"part": "p", "ser": "p", "flat": "r"}
    for table, count in (("part", 8), ("ser", 5)):
        parts = db.query("SELECT c.relname, (SELECT count(*) FROM pg_index x "
                         "WHERE x.indrelid = c.oid) FROM pg_inherits i JOIN pg_class c "
                         "ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass "
                         "ORDER BY 1", (f"pt.{table}",))
        assert [p for p, _ in parts] == sorted(
            [f"{table}_p{k}" for k in range(count)] + [f"{table}_pnull"])
        # each partition: its primary key and the position index
        assert {n for _, n in parts} == {2}
    key = db.query("SELECT pg_get_partkeydef('pt.part'::regclass)")[0][0]
    assert key == 'RANGE (healpix_nest(3, spoint(radians(ra), radians("dec"))))'


def test_the_import_fills_the_partitions_by_cell(catalog):
    db, _, rows = catalog
    for table in ("part", "ser", "flat"):
        assert db.query(f"SELECT count(*) FROM pt.{table}")[0][0] == rows
    spread = db.query("SELECT tableoid::regclass::text, count(*), "
                      "min(healpix_nest(3, spoint(radians(ra), radians(dec)))), "
                      "max(healpix_nest(3, spoint(radians(ra), radians(dec)))) "
                      "FROM pt.part GROUP BY 1 ORDER BY 1")
    assert len(spread) == 9
    assert spread[-1][0] == "pt.part_pnull" and spread[-1][1:] == (1, None, None)
    for k, (_, count, low, high) in enumerate(spread[:-1]):
        assert count > 1000 and 96 * k <= low <= high < 96 * (k + 1)
    assert not db.query("SELECT relname FROM pg_class WHERE relname LIKE '%%dr_load%%' "
                        "OR relname LIKE '%%dr_new%%'")


@pytest.mark.parametrize("writers", ["2", "1"])
def test_a_failed_reimport_keeps_the_old_rows(catalog, writers):
    db, rd, rows = catalog
    base = db.home / "inputs" / "pt"
    rd_text = (base / "q.rd").read_text()
    try:
        write_catalog(base, bad=True)
        (base / "q.rd").write_text(rd_text.replace('writers="1"', f'writers="{writers}"'))
        with contextlib.closing(db.connect()) as conn, pytest.raises(DRError) as err:
            import_rd(conn, load_rd("pt", db.home / "inputs"))
        assert "b.csv" in str(err.value) and "east" in str(err.value)
    finally:
        (base / "q.rd").write_text(rd_text)
        write_catalog(base)
    for table in ("part", "ser", "flat"):
        assert db.query(f"SELECT count(*) FROM pt.{table}")[0][0] == rows
    assert not db.query("SELECT relname FROM pg_class WHERE relname LIKE '%%dr_load%%'")


def test_tap_schema_shows_the_table_once_and_no_partition(catalog):
    db, _, _ = catalog
    names = [r[0] for r in db.query("SELECT table_name FROM tap_schema.tables "
                                    "WHERE schema_name = 'pt' ORDER BY 1")]
    assert names == ["pt.flat", "pt.part", "pt.ser"]
    columns = db.query("SELECT column_name FROM tap_schema.columns "
                       "WHERE table_name = 'pt.part' ORDER BY 1")
    assert [c[0] for c in columns] == ["dec", "id", "mag", "ra"]
