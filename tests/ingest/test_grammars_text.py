"""dr imp with keyValueGrammar, freeREGrammar, voTableGrammar and nullGrammar."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.ingest.resources import write_resource

DATA = Path(__file__).parent.parent / "grammars" / "data"



def test_key_value_files_become_one_row_each(db, inputs):
    write_resource(inputs, "kv", """
      <table id="obs" onDisk="True">
        <column name="object" type="text"/>
        <column name="exptime" type="real"/>
        <column name="obsdate" type="date"/>
      </table>
      <data id="import">
        <sources pattern="data/*.txt"/>
        <keyValueGrammar><mapKeys>obsdate:obs-date</mapKeys></keyValueGrammar>
        <make table="obs"><rowmaker idmaps="object, exptime, obsdate"/></make>
      </data>""", {"data/b.txt": "object: M 31\nexptime = 3\nobs-date = 2020-01-02\n"})
    shutil.copy(DATA / "keyvalue_sample.txt", inputs / "kv" / "data" / "a.txt")
    result = db.cli("imp", "kv")
    assert result.status == 0, result.err
    assert db.query("SELECT object, exptime, obsdate::text FROM kv.obs ORDER BY object") == [
        ("M 31", 3.0, "2020-01-02"), ("NGC 4993", 120.5, "2017-08-18")]


def test_free_re_records_are_rows(db, inputs):
    write_resource(inputs, "fre", r"""
      <table id="t" onDisk="True">
        <column name="name" type="text"/><column name="mag" type="real"/>
      </table>
      <data id="import">
        <sources pattern="data/*.txt"/>
        <freeREGrammar stripTokens="True">
          <rowProduction>(?s).*?\.\.\n</rowProduction>
          <parseRE>(?s)name::(?P&lt;name>.*?)\nmag::(?P&lt;mag>.*?)\n</parseRE>
        </freeREGrammar>
        <make table="t"><rowmaker idmaps="*"/></make>
      </data>""")
    shutil.copy(DATA / "freere_sample.txt", inputs / "fre" / "data" / "a.txt")
    result = db.cli("imp", "fre")
    assert result.status == 0, result.err
    assert db.query("SELECT name, mag FROM fre.t ORDER BY name") == [
        ("alpha", 1.5), ("beta", None), ("gamma", 3.25)]


def test_votable_rows_load_typed_with_nulls_and_vectors(db, inputs):
    write_resource(inputs, "vot", """
      <table id="t" onDisk="True">
        <column name="id" type="integer"/>
        <column name="raj2000" type="double precision"/>
        <column name="bv" type="real"/>
        <column name="name" type="text"/>
        <column name="flux" type="real[3]"/>
        <column name="cls" type="smallint"/>
        <column name="ok" type="boolean"/>
      </table>
      <data id="import">
        <sources pattern="data/*.vot"/>
        <voTableGrammar/>
        <make table="t">
          <rowmaker idmaps="id, raj2000, name, flux, ok">
            <map key="bv" source="BxV"/>
            <map key="cls" source="class_"/>
          </rowmaker>
        </make>
      </data>""")
    shutil.copy(DATA / "votable_sample.vot", inputs / "vot" / "data" / "a.vot")
    result = db.cli("imp", "vot")
    assert result.status == 0, result.err
    assert db.query("SELECT id, raj2000, bv, name, flux, cls, ok FROM vot.t "
                    "ORDER BY raj2000 NULLS LAST") == [
        (1, 10.5, 0.25, "Vega", [1.0, 2.0, 3.0], 4, True),
        (None, 20.25, None, "Stern ü", [4.0, None, 6.0], None, False),
        (3, None, 1.5, None, None, 7, None)]


def test_a_bad_votable_fails_the_import_naming_file_and_line(db, inputs):
    write_resource(inputs, "vot", """
      <table id="t" onDisk="True"><column name="id" type="integer"/></table>
      <data id="import">
        <sources pattern="data/*.vot"/>
        <voTableGrammar/>
        <make table="t"><rowmaker idmaps="*"/></make>
      </data>""")
    shutil.copy(DATA / "votable_bad.vot", inputs / "vot" / "data" / "bad.vot")
    result = db.cli("imp", "vot")
    assert result.status != 0
    assert "bad.vot:9: is not a readable VOTable" in result.err
    assert "Traceback" not in result.err


def test_a_null_grammar_leaves_its_table_empty(db, inputs):
    write_resource(inputs, "nul", """
      <table id="t" onDisk="True"><column name="a" type="integer"/></table>
      <data id="import">
        <sources pattern="data/*.txt"/>
        <nullGrammar/>
        <make table="t"/>
      </data>""", {"data/x.txt": "anything\n"})
    result = db.cli("imp", "nul")
    assert result.status == 0, result.err
    assert db.query("SELECT count(*) FROM nul.t") == [(0,)]


def test_a_null_grammar_without_sources_makes_its_tables(db, inputs):
    write_resource(inputs, "nul", """
      <table id="users" onDisk="True"><column name="name" type="text"/></table>
      <table id="groups" onDisk="True"><column name="name" type="text"/></table>
      <data id="maketables">
        <nullGrammar/>
        <make table="users"/>
        <make table="groups"/>
      </data>""")
    result = db.cli("imp", "nul")
    assert result.status == 0, result.err
    assert db.query("SELECT count(*) FROM nul.users UNION ALL "
                    "SELECT count(*) FROM nul.groups") == [(0,), (0,)]
