"""Columns with DaCHS's delimited names (``quoted/B-V``): the RD accepts them (and
refuses other non-regular names, as DaCHS does), ``dr imp`` creates, fills and
indexes them under their exact names, ``dc.columns`` and TAP_SCHEMA name them as
ADQL must write them, and ADQL finds them case-sensitively."""

from __future__ import annotations

import contextlib

import pytest

from adql import ADQLError, translate
from engine.config import load_config
from engine.tap.tables import load_tap_tables, table_map
from tests.ingest.delimited_rd import write_delimited
from tests.ingest.resources import write_resource

STAR_COLUMNS = ["Star ID", "ra", "dec", "B-V", "Mixed Case", "select", "vmag"]



@pytest.fixture
def imported(db, inputs):
    write_delimited(inputs)
    result = db.cli("imp", "colours")
    assert result.status == 0, result.err
    return db


def test_the_table_has_the_delimited_names_exactly(imported):
    assert [r[0] for r in imported.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "'colours' AND table_name = 'stars' ORDER BY ordinal_position")] == STAR_COLUMNS
    assert imported.query('SELECT "Star ID", "B-V", "Mixed Case", "select", vmag '
                          'FROM colours.stars ORDER BY 1') == [
        (1, 0.65, "Sun Like", 10, 4.8), (2, -0.2, "Hot One", 20, 2.1),
        (3, 1.5, "Åsa", 30, 9.5)]
    assert imported.query('SELECT "Star ID", note FROM colours.notes ORDER BY 1') == [
        (1, "bright"), (3, "red")]


def test_keys_and_indexes_are_on_the_delimited_columns(imported):
    indexes = dict(imported.query(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'colours'"))
    assert indexes["stars_pkey"].endswith('USING btree ("Star ID")')
    assert indexes["stars_b-v_idx"].endswith('USING btree ("B-V")')
    assert indexes["stars_pos_idx"].endswith('(spoint(radians(ra), radians("dec")))')
    assert imported.query(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' "
        "AND conrelid = 'colours.notes'::regclass") == [
        ('FOREIGN KEY ("Star ID") REFERENCES colours.stars("Star ID")',)]


def test_metadata_names_them_as_adql_writes_them(imported):
    expected = ['"Star ID"', "ra", "dec", '"B-V"', '"Mixed Case"', '"select"', "vmag"]
    assert [r[0] for r in imported.query(
        "SELECT column_name FROM tap_schema.columns WHERE table_name = 'colours.stars' "
        "ORDER BY column_index")] == expected
    assert [r[0] for r in imported.query(
        "SELECT column_name FROM dc.columns WHERE table_name = 'colours.stars' "
        "ORDER BY column_index")] == expected
    assert imported.query(
        "SELECT column_name, indexed, datatype FROM tap_schema.columns WHERE "
        "table_name = 'colours.stars' AND column_name IN ('\"B-V\"', '\"Mixed Case\"', "
        "'\"Star ID\"') ORDER BY 1") == [
        ('"B-V"', 1, "float"), ('"Mixed Case"', 0, "unicodeChar"),
        ('"Star ID"', 1, "int")]
    assert imported.query(
        "SELECT from_column, target_column FROM tap_schema.key_columns JOIN "
        "tap_schema.keys USING (key_id) WHERE from_table = 'colours.notes'") == [
        ('"Star ID"', '"Star ID"')]
    assert imported.query("SELECT unicode_columns FROM dc.tables "
                          "WHERE table_name = 'colours.stars'") == [(["Mixed Case"],)]


@pytest.fixture
def tables(imported, monkeypatch):
    """The TAP tables as the server and async workers see them."""
    for key, value in imported.env.items():
        monkeypatch.setenv(key, value)
    with contextlib.closing(imported.connect()) as conn:
        return table_map(load_tap_tables(load_config().inputs_dir, conn))


def _run(db, tables, query: str) -> tuple[list[str], list[tuple]]:
    translation = translate(query, tables)
    return [c.name for c in translation.columns], db.query(translation.sql)


@pytest.mark.parametrize("query, names, rows", [
    ('SELECT "B-V" FROM colours.stars WHERE "Star ID" = 1', ["B-V"], [(0.65,)]),
    ('SELECT s."B-V", s."Mixed Case" FROM colours.stars AS s WHERE s."select" = 20',
     ["B-V", "Mixed Case"], [(-0.2, "Hot One")]),
    ('SELECT colours.stars."Star ID" FROM colours.stars WHERE vmag > 9',
     ["Star ID"], [(3,)]),
    ('SELECT "select" FROM colours.stars WHERE "Mixed Case" = \'Åsa\'', ["select"],
     [(30,)]),
    ('SELECT n.note FROM colours.notes AS n JOIN colours.stars AS s '
     'ON n."Star ID" = s."Star ID" WHERE s."B-V" > 1', ["note"], [("red",)]),
    ('SELECT TOP 1 * FROM colours.stars ORDER BY "Star ID"', STAR_COLUMNS,
     [(1, 10.0, 20.0, 0.65, "Sun Like", 10, 4.8)]),
    ('SELECT "B-V" AS bv, VMAG FROM colours.stars WHERE "Star ID" = 2', ["bv", "vmag"],
     [(-0.2, 2.1)]),
])
def test_adql_finds_delimited_columns_by_their_exact_names(imported, tables, query,
                                                          names, rows):
    columns, got = _run(imported, tables, query)
    assert columns == names
    assert got == rows


@pytest.mark.parametrize("query", [
    'SELECT "b-v" FROM colours.stars',
    'SELECT "mixed case" FROM colours.stars',
    'SELECT "SELECT" FROM colours.stars',
    'SELECT "Star id" FROM colours.stars',
])
def test_delimited_names_are_case_sensitive(tables, query):
    with pytest.raises(ADQLError, match="unknown column"):
        translate(query, tables)


@pytest.mark.parametrize("column, message", [
    ('<column name="B-V"/>', "'B-V' is not a valid column name"),
    ('<column name="nufnu_0.5keV"/>', "'nufnu_0.5keV' is not a valid column name"),
    ('<column name="quoted/"/>', "'quoted/' is not a valid column name"),
    ('<column name="quoted/ra"/><column name="ra"/>', "column 'ra' is defined twice"),
    ('<column name="quoted/x" type="real"/><column name="quoted/Y"/>'
     '<index columns="quoted/X"/>', "index column 'quoted/X' is not a column"),
])
def test_names_dachs_refuses_are_refused_with_file_line_and_element(db, inputs, column,
                                                                     message):
    path = write_resource(inputs, "bad", f'\n  <table id="t">{column}</table>')
    result = db.cli("val", "bad")
    assert result.status == 1
    assert f"{path}:2: <" in result.err and message in result.err, result.err
    assert "Traceback" not in result.err


def test_a_non_regular_name_hints_at_quoted(db, inputs):
    write_resource(inputs, "bad", '<table id="t"><column name="B-V"/></table>')
    result = db.cli("val", "-v", "bad")
    assert "quoted/B-V" in result.err


def test_delimited_names_with_dots_and_quotes_and_too_long_names(db, inputs):
    write_resource(inputs, "odd", """
      <table id="t" onDisk="True" adql="True">
        <column name="quoted/nufnu_0.5keV" type="real"/>
        <column name="quoted/a&quot;quote" type="integer"/>
      </table>
      <data id="d">
        <sources pattern="data/a.csv"/>
        <csvGrammar/>
        <make table="t">
          <rowmaker idmaps="quoted/a&quot;quote"><map key="quoted/nufnu_0.5keV"/></rowmaker>
        </make>
      </data>""", {"data/a.csv": 'nufnu_0.5keV,"a""quote"\n1.5,2\n'})
    result = db.cli("imp", "odd")
    assert result.status == 0, result.err
    assert db.query('SELECT "nufnu_0.5keV", "a""quote" FROM odd.t') == [(1.5, 2)]
    assert [r[0] for r in db.query(
        "SELECT column_name FROM tap_schema.columns WHERE table_name = 'odd.t' "
        "ORDER BY column_index")] == ['"nufnu_0.5keV"', '"a""quote"']
    long = "x" * 64
    write_resource(inputs, "long", f'<table id="t"><column name="quoted/{long}"/></table>')
    result = db.cli("val", "long")
    assert result.status == 1 and "longer than PostgreSQL's 63 bytes" in result.err


def test_delimited_position_columns_get_the_index_adql_uses(db, inputs, monkeypatch):
    write_resource(inputs, "pos", """
      <table id="t" onDisk="True" adql="True" mixin="//scs#pgs-pos-index">
        <column name="quoted/RAJ2000" type="double precision" ucd="pos.eq.ra;meta.main"/>
        <column name="quoted/DEJ2000" type="double precision" ucd="pos.eq.dec;meta.main"/>
      </table>
      <data id="d">
        <sources pattern="data/a.csv"/>
        <csvGrammar/>
        <make table="t"><rowmaker idmaps="*"/></make>
      </data>""", {"data/a.csv": "RAJ2000,DEJ2000\n10,20\n200,-45\n"})
    assert db.cli("imp", "pos").status == 0
    assert db.query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'pos'")[0][0] \
        .endswith('(spoint(radians("RAJ2000"), radians("DEJ2000")))')
    for key, value in db.env.items():
        monkeypatch.setenv(key, value)
    with contextlib.closing(db.connect()) as conn:
        tables = table_map(load_tap_tables(load_config().inputs_dir, conn))
    sql = translate('SELECT "RAJ2000" FROM pos.t WHERE 1 = CONTAINS('
                    'POINT(\'ICRS\', "RAJ2000", "DEJ2000"), CIRCLE(\'ICRS\', 10, 20, 1))',
                    tables).sql
    with contextlib.closing(db.connect()) as conn, conn.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        cur.execute(sql)
        assert cur.fetchall() == [(10.0,)]
        cur.execute("EXPLAIN " + sql)
        assert "t_pos_idx" in "\n".join(r[0] for r in cur.fetchall())
