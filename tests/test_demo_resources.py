"""The demo resources in inputs/: they validate, import, and agree across formats."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from engine.config import CHECKOUT_ROOT
from rd.loader import all_rd_files

INPUTS = CHECKOUT_ROOT / "inputs"


@pytest.fixture(scope="session")
def demo_data() -> Path:
    """The generated demo data (the set-up makes it; made here if missing)."""
    califa = INPUTS / "califa/data/califa_sample.csv"
    if not califa.exists() or not (INPUTS / "califa/data/califa_ids.csv").exists():
        subprocess.run([sys.executable, str(INPUTS / "califa/generate.py")], check=True)
    if not (INPUTS / "jplus/data/jplus.csv").exists():
        subprocess.run([sys.executable, str(INPUTS / "jplus/generate.py")], check=True)
    return INPUTS


@pytest.fixture
def demo_db(db, demo_data):
    db.env["DR_INPUTS_DIR"] = str(demo_data)
    return db


def test_every_rd_in_inputs_validates_against_dr_schema(tmp_path, db):
    xsd = tmp_path / "rd.xsd"
    result = db.cli("schema", "-o", str(xsd))
    assert result.status == 0, result.err
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    rds = all_rd_files(INPUTS)
    assert len(rds) >= 3
    for path in rds:
        doc = etree.parse(str(path))
        assert schema.validate(doc), (path, [str(e) for e in schema.error_log])


def test_dr_val_checks_every_rd_without_a_database(tmp_path):
    from tests.support import run_dr

    conf = tmp_path / "gavo.conf"
    conf.write_text(f"[general]\ninputsDir = {INPUTS}\n[db]\ndsn = host=/nonexistent\n")
    result = run_dr("val", config=conf)
    assert result.returncode == 0, result.stderr
    assert "califa/q: OK" in result.stdout and "jplus/q: OK" in result.stdout


def test_califa_imports_with_its_header_metadata_in_dc_and_tap_schema(demo_db):
    result = demo_db.cli("imp", "califa")
    assert result.status == 0, result.err
    assert "califa.main: 2,981 rows" in result.out
    [(meta,)] = demo_db.query("SELECT source_meta FROM dc.tables "
                              "WHERE table_name = 'califa.main'")
    assert {"AUTHOR", "SOURCE", "DATE", "VERSION", "COLAPRV", "PUBAPRV"} <= set(meta)
    [(author, version, colaprv, nrows)] = demo_db.query(
        "SELECT data_author, data_version, collab_approval, nrows "
        "FROM tap_schema.tables WHERE table_name = 'califa.main'")
    assert (author, version, colaprv, nrows) == (meta["AUTHOR"], meta["VERSION"],
                                                 meta["COLAPRV"], 2981)
    # A real galaxy, found through the identifiers table.
    rows = demo_db.query("SELECT m.name, round(m.ra::numeric, 3) FROM califa.ids i "
                         "JOIN califa.main m USING (califaid) WHERE i.ident = 'NGC 5947'")
    assert rows and rows[0][0] == "NGC 5947"


def test_the_csv_and_the_fits_version_give_the_same_table(demo_db):
    assert demo_db.cli("imp", "califa").status == 0
    result = demo_db.cli("imp", "califa/fits")
    assert result.status == 0, result.err
    cols = [r[0] for r in demo_db.query(
        "SELECT column_name FROM dc.columns WHERE table_name = 'califa.main' "
        "ORDER BY column_index")]
    select = ", ".join(cols)
    differences = demo_db.query(
        f"(SELECT {select} FROM califa.main EXCEPT "
        f" SELECT {select} FROM califa_fits.main_fits) UNION ALL "
        f"(SELECT {select} FROM califa_fits.main_fits EXCEPT "
        f" SELECT {select} FROM califa.main)")
    assert differences == []
    assert demo_db.query("SELECT count(*) FROM califa.main WHERE vmag IS NULL") == \
        demo_db.query("SELECT count(*) FROM califa_fits.main_fits WHERE vmag IS NULL")


def test_jplus_imports_its_filter_arrays(demo_db):
    result = demo_db.cli("imp", "jplus")
    assert result.status == 0, result.err
    [(n, dims)] = demo_db.query("SELECT count(*), max(array_length(flux, 1)) "
                                "FROM jplus.main")
    assert n >= 100000 and dims == 12
    assert demo_db.query("SELECT arraysize FROM tap_schema.columns WHERE "
                         "table_name = 'jplus.main' AND column_name = 'flux'") == [("12",)]


@pytest.mark.parametrize("name", ["califa_sample.csv", "califa_sample.fits"])
def test_gencol_prints_the_columns_a_source_declares(demo_db, name):
    result = demo_db.cli("gencol", str(INPUTS / "califa/data" / name))
    assert result.status == 0, result.err
    lines = result.out.strip().splitlines()
    assert len(lines) == 21
    assert lines[0].startswith('<column name="califaid" type="integer"')
    assert '<column name="ra" type="double precision" unit="deg"' in result.out
    etree.fromstring("<table>" + result.out + "</table>")


def test_gencol_explains_files_it_cannot_describe(demo_db, tmp_path):
    plain = tmp_path / "plain.csv"
    plain.write_text("a,b\n1,2\n")
    result = demo_db.cli("gencol", str(plain))
    assert result.status == 1
    assert "plain.csv: has no '# COLUMN1: name, type, unit, description' header" in \
        result.err
