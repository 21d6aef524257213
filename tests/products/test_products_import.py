"""dc.products is kept in step by dr imp and dr drop; imports say when files are gone."""

from __future__ import annotations

import datetime

import psycopg2
import pytest

from engine.products.ancillary import row_files
from rd.loader import load_rd
from tests.ingest.resources import write_resource
from tests.products.productdata import PNG, write_fits, write_galaxies, write_images


@pytest.fixture
def inputs(db):
    path = db.home / "inputs"
    path.mkdir()
    return path


def products(db, table: str = "prods.images") -> dict[str, tuple]:
    return {row[0]: row[1:] for row in db.query(
        "SELECT accref, owner, embargo, access_path, mime, accsize, preview, "
        "preview_mime FROM dc.products WHERE source_table = %s", (table,))}


def test_import_publishes_one_product_per_file_as_dachs_defines_it(db, inputs):
    base = write_images(inputs)
    result = db.cli("imp", "prods")
    assert result.status == 0, result.err
    found = products(db)
    plain = base / "data" / "plain.fits"
    assert found["prods/data/plain.fits"] == (
        None, None, "prods/data/plain.fits", "image/fits", plain.stat().st_size,
        "AUTO", None)
    assert found["prods/data/secret.fits"][:2] == ("staff", datetime.date(2200, 1, 1))
    assert found["prods/data/pictured.fits"][5:] == ("prods/previews/pictured.png",
                                                     "image/png")
    assert found["prods/data/elsewhere.fits"][2] == "https://example.org/far/away.fits"
    assert len(found) == 8
    # The table's product columns come from //products#define's keys.
    assert db.query("SELECT accref, owner, embargo, mime, accsize, object FROM "
                    "prods.images WHERE accref = 'prods/data/secret.fits'") == [
        ("prods/data/secret.fits", "staff", datetime.date(2200, 1, 1), "image/fits",
         (base / "data" / "secret.fits").stat().st_size, "field 5")]
    # ...and are described as DaCHS describes them.
    assert db.query("SELECT column_name, datatype, unit, ucd FROM tap_schema.columns "
                    "WHERE table_name = 'prods.images' AND column_name IN "
                    "('accref', 'accsize', 'embargo') ORDER BY column_name") == [
        ("accref", "char", None, "meta.ref.url"),
        ("accsize", "long", "byte", "VOX:Image_FileSize"),
        ("embargo", "char", "a", None)]


def test_drop_removes_the_products_and_reimport_brings_them_back(db, inputs):
    write_images(inputs)
    assert db.cli("imp", "prods").status == 0
    assert len(products(db)) == 8
    result = db.cli("drop", "prods")
    assert result.status == 0, result.err
    assert db.query("SELECT count(*) FROM dc.products") == [(0,)]
    assert db.cli("imp", "prods").status == 0
    assert len(products(db)) == 8


def test_a_reimport_that_lost_a_file_says_so_and_unpublishes_it(db, inputs):
    base = write_images(inputs)
    assert db.cli("imp", "prods").status == 0
    (base / "data" / "doomed.fits").unlink()
    result = db.cli("imp", "prods")
    assert result.status == 0, result.err
    assert ("1 product(s) of prods.images are no longer published because their files "
            "are gone: prods/data/doomed.fits") in result.err
    assert "prods/data/doomed.fits" not in products(db)
    assert len(products(db)) == 7


def test_an_updating_import_names_products_whose_files_are_gone(db, inputs):
    body = """
      <table id="shots" onDisk="True" mixin="//products#table" primary="accref"/>
      <data id="import" updating="True">
        <sources pattern="data/*.fits"/>
        <embeddedGrammar>
          <iterator><code>yield {}</code></iterator>
          <rowfilter procDef="//products#define">
            <bind key="table">"\\schema.shots"</bind>
          </rowfilter>
        </embeddedGrammar>
        <make table="shots"/>
      </data>"""
    write_resource(inputs, "upd", body)
    write_fits(inputs / "upd" / "data" / "a.fits", 1)
    write_fits(inputs / "upd" / "data" / "b.fits", 2)
    assert db.cli("imp", "upd").status == 0
    (inputs / "upd" / "data" / "a.fits").unlink()
    write_fits(inputs / "upd" / "data" / "c.fits", 3)
    result = db.cli("imp", "upd")
    assert result.status == 0, result.err
    assert "the files of 1 product(s) of upd.shots are gone" in result.err
    assert "upd/data/a.fits" in result.err
    assert sorted(products(db, "upd.shots")) == [
        "upd/data/a.fits", "upd/data/b.fits", "upd/data/c.fits"]


def test_a_product_path_naming_no_file_is_reported_at_import(db, inputs):
    body = """
      <table id="listed" onDisk="True" mixin="//products#table" primary="accref">
        <column name="file" type="text"/>
      </table>
      <data id="import">
        <sources pattern="data/manifest.csv"/>
        <csvGrammar>
          <rowfilter procDef="//products#define">
            <bind key="table">"\\schema.listed"</bind>
            <bind key="accref">"man/" + @file</bind>
            <bind key="path">"man/files/" + @file</bind>
            <bind key="mime">"text/plain"</bind>
          </rowfilter>
        </csvGrammar>
        <make table="listed"><rowmaker idmaps="*"/></make>
      </data>"""
    write_resource(inputs, "man", body, {"data/manifest.csv": "file\nthere.txt\nlost.txt\n"})
    (inputs / "man" / "files").mkdir()
    (inputs / "man" / "files" / "there.txt").write_text("here\n")
    result = db.cli("imp", "man")
    assert result.status == 0, result.err
    assert ("1 product(s) of man.listed have no file; /getproduct answers 404 for them: "
            "man/files/lost.txt") in result.err
    assert sorted(products(db, "man.listed")) == ["man/lost.txt", "man/there.txt"]


@pytest.mark.parametrize("path", ["'../outside.fits'", "'/etc/passwd'",
                                  "'man/../../outside.fits'"])
def test_a_product_path_leaving_the_inputs_directory_fails_the_import(db, inputs, path):
    body = f"""
      <table id="bad" onDisk="True" mixin="//products#table" primary="accref"/>
      <data id="import">
        <sources pattern="data/*.fits"/>
        <embeddedGrammar>
          <iterator><code>yield {{}}</code></iterator>
          <rowfilter procDef="//products#define">
            <bind key="table">"\\schema.bad"</bind>
            <bind key="path">{path}</bind>
          </rowfilter>
        </embeddedGrammar>
        <make table="bad"/>
      </data>"""
    write_resource(inputs, "man", body)
    write_fits(inputs / "man" / "data" / "a.fits", 1)
    result = db.cli("imp", "man")
    assert result.status != 0
    assert "is not inside the inputs directory" in result.err
    assert "man/data/a.fits" in result.err
    assert db.query("SELECT count(*) FROM dc.products") == [(0,)]


def test_a_product_table_without_the_define_rowfilter_is_an_error(db, inputs):
    body = """
      <table id="bare" onDisk="True" mixin="//products#table">
        <column name="x" type="integer"/>
      </table>
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="bare"><rowmaker idmaps="x"/></make>
      </data>"""
    write_resource(inputs, "bare", body, {"data/a.csv": "x\n1\n"})
    result = db.cli("imp", "bare")
    assert result.status != 0
    assert "name no product" in result.err
    assert '//products#define' in result.err


def test_an_accref_of_another_table_is_not_taken_over(db, inputs):
    write_images(inputs)
    assert db.cli("imp", "prods").status == 0
    body = """
      <table id="thief" onDisk="True" mixin="//products#table"/>
      <data id="import">
        <sources pattern="data/*.fits"/>
        <embeddedGrammar>
          <iterator><code>yield {}</code></iterator>
          <rowfilter procDef="//products#define">
            <bind key="table">"\\schema.thief"</bind>
            <bind key="accref">"prods/data/plain.fits"</bind>
          </rowfilter>
        </embeddedGrammar>
        <make table="thief"/>
      </data>"""
    write_resource(inputs, "thief", body)
    write_fits(inputs / "thief" / "data" / "a.fits", 1)
    result = db.cli("imp", "thief")
    assert result.status != 0
    assert "already published by the table prods.images" in result.err
    assert products(db)["prods/data/plain.fits"][2] == "prods/data/plain.fits"


def test_rows_the_grammar_ignores_publish_no_product(db, inputs):
    body = """
      <table id="lights" onDisk="True" mixin="//products#table" primary="accref">
        <column name="kind" type="text"/>
      </table>
      <data id="import">
        <sources pattern="data/*.fits"/>
        <embeddedGrammar>
          <iterator><code>
            yield {"kind": "bias" if "bias" in self.sourceToken else "science"}
          </code></iterator>
          <ignoreOn><keyIs key="kind" value="bias"/></ignoreOn>
          <rowfilter procDef="//products#define">
            <bind key="table">"\\schema.lights"</bind>
          </rowfilter>
        </embeddedGrammar>
        <make table="lights"><rowmaker idmaps="*"/></make>
      </data>"""
    write_resource(inputs, "obs", body)
    write_fits(inputs / "obs" / "data" / "bias1.fits", 1)
    write_fits(inputs / "obs" / "data" / "m31.fits", 2)
    assert db.cli("imp", "obs").status == 0
    assert db.query("SELECT accref FROM obs.lights") == [("obs/data/m31.fits",)]
    assert list(products(db, "obs.lights")) == ["obs/data/m31.fits"]


def test_the_files_of_a_catalogue_row_are_listed_from_its_file_sets(db, inputs):
    write_galaxies(inputs)
    result = db.cli("imp", "gals")
    assert result.status == 0, result.err
    rd = load_rd("gals", inputs)
    main = next(t for t in rd.tables if t.id == "main")
    with db.connect() as conn, conn.cursor() as cur:
        files = row_files(cur, main, {"gal_id": 2}, rd.tables)
        none = row_files(cur, main, {"gal_id": 3}, rd.tables)
    assert [(f.product.accref, f.product.mime, f.row["kind"], f.table) for f in files] == [
        ("gals/ancillary/2/image.png", "image/png", "image", "gals.files"),
        ("gals/ancillary/2/notes.txt", "text/plain", "notes", "gals.files"),
        ("gals/ancillary/2/spectrum.fits", "image/fits", "spectrum", "gals.files")]
    assert files[0].product.accsize == len(PNG)
    assert none == []
    # The link is a real foreign key: a file of an unknown galaxy cannot be entered.
    with pytest.raises(psycopg2.errors.ForeignKeyViolation):
        db.query("INSERT INTO gals.files (accref, gal_id) VALUES ('x', 99)")


def test_an_embargo_that_is_no_date_fails_the_import_where_it_is(db, inputs):
    base = write_images(inputs)
    write_fits(base / "data" / "odd.fits", 9, EMBARGO="next spring")
    result = db.cli("imp", "prods")
    assert result.status != 0
    assert "prods/data/odd.fits" in result.err
    assert "'next spring', is not a date" in result.err
