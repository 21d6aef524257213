"""dr imp with directGrammar: DaCHS booster inputs loaded without C."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from astropy.io import fits

from tests.ingest.resources import write_resource

DATA = Path(__file__).parent.parent / "grammars" / "data"
TABLE = """
  <table id="t" onDisk="True">
    <column name="id" type="integer"/>
    <column name="ra" type="double precision"/>
    <column name="mag" type="real"/>
    <column name="name" type="text"/>
  </table>"""



def _resource(inputs: Path, grammar: str, table: str = TABLE) -> Path:
    (inputs / "boost" / "res").mkdir(parents=True)
    for booster in (DATA / "boosters").iterdir():
        shutil.copy(booster, inputs / "boost" / "res" / booster.name)
    write_resource(inputs, "boost", table + f"""
      <data id="import">
        <sources pattern="data/*"/>
        {grammar}
        <make table="t"/>
      </data>""")
    return inputs / "boost" / "data"


def test_a_split_booster_input_loads_through_copy(db, inputs):
    data = _resource(inputs, '<directGrammar type="split" cBooster="res/split.c"/>')
    (data / "a.txt").write_text("1|10.5|12.25|first\n2|20.25|13|second, with comma\n")
    result = db.cli("imp", "boost")
    assert result.status == 0, result.err
    assert db.query("SELECT id, ra, mag, name FROM boost.t ORDER BY id") == [
        (1, 10.5, 12.25, "first"), (2, 20.25, 13.0, "second, with comma")]


def test_split_lines_copy_refuses_are_read_by_the_grammar(db, inputs):
    data = _resource(inputs, '<directGrammar type="split" cBooster="res/split.c" '
                             'autoNull="-"/>')
    shutil.copy(DATA / "direct_split.txt", data / "a.txt")
    result = db.cli("imp", "boost")
    assert result.status == 0, result.err
    assert db.query("SELECT id, mag, name FROM boost.t ORDER BY id") == [
        (1, 12.25, "first object"), (2, None, "second"), (3, 14.5, "")]


def test_a_bad_number_in_a_split_file_fails_naming_its_line(db, inputs):
    data = _resource(inputs, '<directGrammar type="split" cBooster="res/split.c"/>')
    (data / "a.txt").write_text("1|10.5|12.25|first\n2|x|13|second\n")
    result = db.cli("imp", "boost")
    assert result.status != 0
    assert "a.txt:2:" in result.err and "double precision" in result.err


def test_a_col_booster_input_loads_by_character_positions(db, inputs):
    table = TABLE.replace("</table>", '<column name="flag" type="boolean"/></table>')
    data = _resource(inputs, '<directGrammar type="col" cBooster="res/col.c"/>', table)
    shutil.copy(DATA / "direct_col.txt", data / "a.txt")
    result = db.cli("imp", "boost")
    assert result.status == 0, result.err
    assert db.query("SELECT id, ra, mag, name, flag FROM boost.t ORDER BY id") == [
        (1, 10.5, 12.25, "first object", True), (2, 20.25, None, "second", False),
        (3, 30.125, None, "third", True)]


def test_a_bin_booster_input_loads_as_numpy_records(db, inputs):
    table = TABLE.replace('name="name" type="text"', 'name="flag" type="smallint"')
    data = _resource(inputs, '<directGrammar type="bin" cBooster="res/bin.c"/>', table)
    records = np.zeros(2, np.dtype({"names": ["id", "ra", "mag", "flag"],
                                    "formats": ["=i4", "=f8", "=f4", ">i2"],
                                    "offsets": [0, 4, 12, 16], "itemsize": 24}))
    records["id"], records["ra"], records["mag"], records["flag"] = \
        [1, 2], [1.5, np.nan], [10, 11], [7, -300]
    (data / "a.bin").write_bytes(records.tobytes())
    result = db.cli("imp", "boost")
    assert result.status == 0, result.err
    assert db.query("SELECT id, ra, mag, flag FROM boost.t ORDER BY id") == [
        (1, 1.5, 10.0, 7), (2, None, 11.0, -300)]


def test_a_fits_booster_input_loads_through_the_fits_grammar(db, inputs):
    table = """<table id="t" onDisk="True"><column name="id" type="integer"/>
      <column name="flux" type="real"/><column name="note" type="text"/></table>"""
    data = _resource(inputs, '<directGrammar type="fits" cBooster="res/fits.c"/>', table)
    fits.BinTableHDU.from_columns([
        fits.Column(name="ID", format="J", array=[1, 2]),
        fits.Column(name="junk", format="E", array=[0, 0]),
        fits.Column(name="FLX", format="E", array=[1.5, np.nan])]).writeto(data / "a.fits")
    result = db.cli("imp", "boost")
    assert result.status == 0, result.err
    assert db.query("SELECT id, flux, note FROM boost.t ORDER BY id") == [
        (1, 1.5, None), (2, None, None)]


def test_a_booster_dr_cannot_follow_fails_the_import_naming_its_line(db, inputs):
    table = TABLE.replace('<column name="ra" type="double precision"/>', "").replace(
        '<column name="name" type="text"/>', "")
    data = _resource(inputs, '<directGrammar type="split" cBooster="res/modified.c"/>',
                     table)
    (data / "a.txt").write_text("1|2\n")
    assert db.cli("val", "boost").status == 0
    result = db.cli("imp", "boost")
    assert result.status != 0
    assert "modified.c:19: DR runs no C" in result.err
    assert "Traceback" not in result.err
