"""dr imp: tables, rows, indexes, metadata and provenance from an RD, all or nothing."""

from __future__ import annotations

import hashlib

import pytest

from tests.ingest.resources import CATALOG_TABLE, CSV_DATA, catalog_rows, write_resource


def test_import_fills_the_table_and_says_how_many_rows(db, inputs):
    write_resource(inputs, "cat", CATALOG_TABLE + CSV_DATA,
                   {"data/a.csv": catalog_rows(50)})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert "cat.main: 50 rows" in result.out
    assert db.query("SELECT id, ra, mag, name, flux FROM cat.main WHERE id = 2") == [
        (2, 15.0, 12.0, "obj 2", [2.0, 2.5, None])]


def test_the_position_index_is_the_one_cone_queries_use(db, inputs):
    write_resource(inputs, "cat", CATALOG_TABLE + CSV_DATA,
                   {"data/a.csv": catalog_rows(2000)})
    assert db.cli("imp", "cat").status == 0
    from rd.tablemeta import pos_index_expression

    cone = (f"{pos_index_expression('ra', 'dec')} <@ "
            "scircle(spoint(radians(15), radians(-79)), radians(0.1))")
    with db.connect() as conn, conn.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        cur.execute(f"EXPLAIN SELECT id FROM cat.main WHERE {cone}")
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "main_pos_idx" in plan
    assert db.query(f"SELECT id FROM cat.main WHERE {cone}") == [(2,)]


def test_metadata_lands_in_dc_and_tap_schema(db, inputs):
    write_resource(inputs, "cat", CATALOG_TABLE + CSV_DATA,
                   {"data/a.csv": catalog_rows(5)})
    assert db.cli("imp", "cat").status == 0
    assert db.query("SELECT rd_id, adql, nrows FROM dc.tables "
                    "WHERE table_name = 'cat.main'") == [("cat/q", "True", 5)]
    assert db.query(
        "SELECT column_name, datatype, arraysize, unit, ucd, indexed, principal "
        "FROM tap_schema.columns WHERE table_name = 'cat.main' ORDER BY column_index") == [
        ("id", "int", None, None, "meta.id;meta.main", 1, 1),
        ("ra", "double", None, "deg", "pos.eq.ra;meta.main", 1, 0),
        ("dec", "double", None, "deg", "pos.eq.dec;meta.main", 1, 0),
        ("mag", "float", None, "mag", "phot.mag", 0, 0),
        ("name", "char", "*", None, "meta.id", 0, 0),
        ("flux", "float", "3", "mJy", None, 0, 0)]
    assert db.query("SELECT schema_name, table_type, nrows FROM tap_schema.tables "
                    "WHERE table_name = 'cat.main'") == [("cat", "table", 5)]
    # TAP_SCHEMA describes itself.
    assert db.query("SELECT count(*) FROM tap_schema.columns "
                    "WHERE table_name = 'tap_schema.columns'") == [(14,)]


def test_each_import_records_its_provenance(db, inputs):
    rd = write_resource(inputs, "cat", CATALOG_TABLE + CSV_DATA,
                        {"data/a.csv": catalog_rows(7), "data/b.csv": catalog_rows(3, 100)})
    assert db.cli("imp", "cat").status == 0
    [(rd_id, rd_sha, data_ids, user)] = db.query(
        "SELECT rd_id, rd_sha256, data_ids, os_user FROM dc.imports")
    assert (rd_id, data_ids) == ("cat/q", ["import"])
    assert rd_sha == hashlib.sha256(rd.read_bytes()).hexdigest()
    assert user
    sources = db.query("SELECT path, size, sha256, grammar, rows_in, rows_rejected "
                       "FROM dc.sources ORDER BY path")
    a = (inputs / "cat/data/a.csv").read_bytes()
    assert sources[0] == ("data/a.csv", len(a), hashlib.sha256(a).hexdigest(),
                          "csvGrammar", 7, 0)
    assert sources[1][0::4] == ("data/b.csv", 3)


def test_a_bad_row_names_file_and_line_and_keeps_the_old_data(db, inputs):
    write_resource(inputs, "cat", CATALOG_TABLE + CSV_DATA,
                   {"data/a.csv": catalog_rows(10)})
    assert db.cli("imp", "cat").status == 0
    bad = catalog_rows(10).splitlines()
    bad[5] = bad[5].replace(",obj 5,", ",obj 5,").replace("5,37.5", "5,thirty")
    (inputs / "cat/data/a.csv").write_text("\n".join(bad) + "\n")
    result = db.cli("imp", "cat")
    assert result.status == 1
    assert "a.csv:6: column ra: invalid input syntax for type double precision: " \
           '"thirty"' in result.err
    assert "Traceback" not in result.err
    assert db.query("SELECT count(*) FROM cat.main") == [(10,)]
    assert db.query("SELECT count(*) FROM dc.imports") == [(1,)]


def test_a_rowmaker_error_names_the_source_line_and_the_rd_element(db, inputs):
    write_resource(inputs, "cat", CATALOG_TABLE + """
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main">
          <rowmaker idmaps="id,ra,dec,name,flux">
            <map key="mag">10 / (float(@mag) - 13)</map>
          </rowmaker>
        </make>
      </data>""", {"data/a.csv": catalog_rows(10)})
    result = db.cli("imp", "cat")
    assert result.status == 1
    # Row id=3 has mag 13 and sits on line 4 (after the header line).
    assert "a.csv:4: ZeroDivisionError: float division by zero (in <map key='mag'> " \
           "at " in result.err
    assert "q.rd:17)" in result.err


def test_a_failing_second_data_element_leaves_the_first_table_untouched(db, inputs):
    body = CATALOG_TABLE + CSV_DATA + """
      <table id="other" onDisk="True">
        <column name="x" type="integer"/>
      </table>
      <data id="import_other">
        <sources pattern="data/other.txt"/>
        <csvGrammar names="x"/>
        <make table="other"><rowmaker idmaps="x"/></make>
      </data>"""
    write_resource(inputs, "cat", body, {"data/a.csv": catalog_rows(4),
                                         "data/other.txt": "1\n2\n"})
    assert db.cli("imp", "cat").status == 0
    (inputs / "cat/data/a.csv").write_text(catalog_rows(9))
    (inputs / "cat/data/other.txt").write_text("1\nzwei\n")
    result = db.cli("imp", "cat")
    assert result.status == 1 and "other.txt:2" in result.err
    assert db.query("SELECT count(*) FROM cat.main") == [(4,)]
    assert db.query("SELECT count(*) FROM cat.other") == [(2,)]
    assert db.query("SELECT nrows FROM dc.tables WHERE table_name = 'cat.main'") == [(4,)]
    assert db.query("SELECT to_regclass('cat.main__dr_new')") == [(None,)]


def test_ignored_rows_are_counted_as_rejected(db, inputs):
    write_resource(inputs, "cat", CATALOG_TABLE + """
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar>
          <ignoreOn><keyIs key="name" value="obj 3"/></ignoreOn>
        </csvGrammar>
        <make table="main">
          <rowmaker idmaps="*">
            <ignoreOn><keyIs key="mag" value="11"/></ignoreOn>
          </rowmaker>
        </make>
      </data>""", {"data/a.csv": catalog_rows(14)})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert "cat.main: 11 rows, 3 rejected" in result.out
    assert db.query("SELECT rows_in, rows_rejected FROM dc.sources") == [(14, 3)]


def test_vars_applies_and_simplemaps_build_columns(db, inputs):
    write_resource(inputs, "cat", CATALOG_TABLE + """
      <data id="import">
        <sources pattern="data/objs.txt"/>
        <reGrammar names="num, rastr, decstr, m" fieldSep="\\s*\\|\\s*"/>
        <make table="main">
          <rowmaker simplemaps="id:num">
            <var key="label">"obj " + @num</var>
            <apply name="fluxes">
              <code>
                base = 0.0 if @m == "-" else float(@m)
                result["flux"] = [base, base * 2, None]
              </code>
            </apply>
            <map key="ra">hmsToDeg(@rastr)</map>
            <map key="dec">dmsToDeg(@decstr)</map>
            <map key="mag" source="m" nullExpr="'-'"/>
            <map key="name">@label</map>
          </rowmaker>
        </make>
      </data>""", {"data/objs.txt": """
        1 | 01 00 00 | -30 30 00 | 5.5
        2 | 23 59 59.9 | +89 59 00 | -
        """})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    rows = db.query("SELECT id, ra, dec, mag, name, flux FROM cat.main ORDER BY id")
    assert rows[0] == (1, 15.0, -30.5, 5.5, "obj 1", [5.5, 11.0, None])
    assert rows[1][0] == 2 and rows[1][3] is None and rows[1][5] == [0, 0, None]
    assert rows[1][1] == pytest.approx(359.99958333) and rows[1][2] == pytest.approx(
        89.98333333)


def test_drop_removes_tables_metadata_and_provenance(db, inputs):
    write_resource(inputs, "cat", CATALOG_TABLE + CSV_DATA,
                   {"data/a.csv": catalog_rows(5)})
    assert db.cli("imp", "cat").status == 0
    result = db.cli("drop", "cat")
    assert result.status == 0 and "dropped cat.main" in result.out
    assert db.query("SELECT to_regclass('cat.main')") == [(None,)]
    assert db.query("SELECT count(*) FROM tap_schema.tables "
                    "WHERE schema_name = 'cat'") == [(0,)]
    assert db.query("SELECT count(*) FROM tap_schema.schemas "
                    "WHERE schema_name = 'cat'") == [(0,)]
    assert db.query("SELECT count(*) FROM dc.sources") == [(0,)]


def test_importing_chosen_data_elements_and_unknown_ones(db, inputs):
    write_resource(inputs, "cat", CATALOG_TABLE + CSV_DATA,
                   {"data/a.csv": catalog_rows(5)})
    assert db.cli("imp", "cat", "import").status == 0
    result = db.cli("imp", "cat", "nosuch")
    assert result.status == 1
    assert "has no data element 'nosuch' (it has: import)" in result.err


def test_sources_matching_nothing_are_an_error(db, inputs):
    write_resource(inputs, "cat", CATALOG_TABLE + CSV_DATA)
    result = db.cli("imp", "cat")
    assert result.status == 1
    assert "sources data/*.csv match no file" in result.err


FK_RD = """<resource schema="fk">
  <table id="parents" onDisk="True" PRIMARY>
    <column name="key" type="text"/>
  </table>
  <table id="children" onDisk="True">
    <column name="key" type="text"/>
    <foreignKey source="key" inTable="parents"/>
  </table>
  <data id="import">
    <sources pattern="data/parents.csv"/>
    <csvGrammar/>
    <make table="parents"/>
  </data>
  <data id="import_children">
    <sources pattern="data/children.csv"/>
    <csvGrammar/>
    <make table="children"/>
  </data>
</resource>
"""


@pytest.mark.parametrize("primary, children, words", [
    ("", "key\na\n", "the key key of parents is not unique"),
    ('primary="key"', "key\nz\n", "a row of children refers to no row of parents"),
])
def test_a_foreign_key_that_cannot_hold_is_an_rd_error(db, inputs, primary, children,
                                                        words):
    resdir = inputs / "fk"
    (resdir / "data").mkdir(parents=True)
    (resdir / "q.rd").write_text(FK_RD.replace("PRIMARY", primary))
    (resdir / "data" / "parents.csv").write_text("key\na\nb\n")
    (resdir / "data" / "children.csv").write_text(children)
    result = db.cli("imp", "fk/q")
    assert result.status != 0
    assert words in result.err and "q.rd:7" in result.err, result.err
    assert "internal error" not in result.err
