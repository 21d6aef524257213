"""Tables that are views (``viewStatement``): made by ``dr imp`` after their data,
kept over re-imports of the tables they read, showing rows as those tables'
restrictions allow, and refused where DR could not keep that promise."""

from __future__ import annotations

from engine.db import rowsecurity
from tests.ingest.resources import write_resource

SOURCE = """
  <table id="obs" onDisk="True" adql="True" primary="id"
      embargoColumn="embargo" ownerColumn="owner">
    <column name="id" type="integer" required="True"/>
    <column name="mag" type="real"/>
    <column name="embargo" type="date"/>
    <column name="owner" type="text"/>
  </table>
  <data id="import">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="obs"/>
    <recreateAfter>make_bright</recreateAfter>
  </data>"""

BRIGHT_VIEW = """
  <table id="bright" onDisk="True" adql="True">
    <meta name="description">The bright ones</meta>
    <column name="id" type="integer"/>
    <column name="mag" type="real"/>
    <viewStatement>
      CREATE VIEW \\qName AS (SELECT \\colNames FROM \\schema.obs WHERE mag &lt; 6)
    </viewStatement>
  </table>
  <data id="make_bright" auto="False">
    <make table="bright"/>
  </data>"""

ROWS = ("id,mag,embargo,owner\n1,5.5,,\n2,7,,\n3,4,2999-01-01,alice\n")


def _as_caller(db, sql: str, groups=()) -> list[tuple]:
    with db.connect() as conn, conn.cursor() as cur:
        rowsecurity.as_caller(cur, groups)
        cur.execute(sql)
        rows = cur.fetchall()
        conn.rollback()
        return rows


def test_a_view_is_made_after_its_table_through_recreate_after(db, inputs):
    write_resource(inputs, "cat", SOURCE + BRIGHT_VIEW, {"data/a.csv": ROWS})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert db.query("SELECT relkind FROM pg_class WHERE oid = 'cat.bright'::regclass") \
        == [("v",)]
    assert db.query("SELECT id FROM cat.bright ORDER BY id") == [(1,), (3,)]
    assert db.query("SELECT description FROM tap_schema.tables "
                    "WHERE table_name = 'cat.bright'") == [("The bright ones",)]
    assert db.query("SELECT column_name FROM tap_schema.columns WHERE "
                    "table_name = 'cat.bright' ORDER BY column_index") \
        == [("id",), ("mag",)]


def test_the_embargo_of_the_table_holds_in_the_view(db, inputs):
    write_resource(inputs, "cat", SOURCE + BRIGHT_VIEW, {"data/a.csv": ROWS})
    assert db.cli("imp", "cat").status == 0
    assert _as_caller(db, "SELECT id FROM cat.bright ORDER BY id") == [(1,)]
    assert _as_caller(db, "SELECT id FROM cat.bright ORDER BY id", ["alice"]) \
        == [(1,), (3,)]


def test_a_view_survives_re_imports_of_its_table_and_sees_the_new_rows(db, inputs):
    write_resource(inputs, "cat", SOURCE + BRIGHT_VIEW, {"data/a.csv": ROWS})
    assert db.cli("imp", "cat").status == 0
    (inputs / "cat" / "data" / "a.csv").write_text("id,mag,embargo,owner\n7,1,,\n")
    result = db.cli("imp", "cat", "import")
    assert result.status == 0, result.err
    assert db.query("SELECT id FROM cat.bright") == [(7,)]


def test_a_view_of_another_rd_is_kept_over_re_imports_and_guards_dr_drop(db, inputs):
    write_resource(inputs, "cat", SOURCE.replace(
        "<recreateAfter>make_bright</recreateAfter>", ""), {"data/a.csv": ROWS})
    write_resource(inputs, "other", """
      <table id="faint" onDisk="True" adql="True">
        <column name="id" type="integer"/>
        <viewStatement>CREATE VIEW \\qName AS (SELECT id FROM cat.obs WHERE mag > 6)
        </viewStatement>
      </table>
      <data id="make"><make table="faint"/></data>""")
    assert db.cli("imp", "cat").status == 0
    assert db.cli("imp", "other").status == 0
    (inputs / "cat" / "data" / "a.csv").write_text("id,mag,embargo,owner\n8,9,,\n")
    assert db.cli("imp", "cat").status == 0
    assert db.query("SELECT id FROM other.faint") == [(8,)]
    assert _as_caller(db, "SELECT id FROM other.faint") == [(8,)]

    result = db.cli("drop", "cat")
    assert result.status != 0
    assert "other.faint" in result.err and "made by other/q" in result.err
    assert db.query("SELECT count(*) FROM cat.obs") == [(1,)]
    assert db.cli("drop", "other").status == 0
    assert db.query("SELECT to_regclass('other.faint')") == [(None,)]
    assert db.cli("drop", "cat").status == 0


def test_a_view_that_no_longer_fits_its_table_stops_the_import(db, inputs):
    write_resource(inputs, "cat", SOURCE.replace(
        "<recreateAfter>make_bright</recreateAfter>", ""), {"data/a.csv": ROWS})
    write_resource(inputs, "other", """
      <table id="faint" onDisk="True">
        <column name="id" type="integer"/>
        <viewStatement>CREATE VIEW \\qName AS (SELECT id FROM cat.obs WHERE mag > 6)
        </viewStatement>
      </table>
      <data id="make"><make table="faint"/></data>""")
    assert db.cli("imp", "cat").status == 0
    assert db.cli("imp", "other").status == 0
    rd = inputs / "cat" / "q.rd"
    rd.write_text(rd.read_text().replace('<column name="mag" type="real"/>', "")
                  .replace("id,mag", "id"))
    (inputs / "cat" / "data" / "a.csv").write_text("id,embargo,owner\n9,,\n")
    result = db.cli("imp", "cat")
    assert result.status != 0
    assert "other.faint" in result.err and "made by other/q" in result.err
    assert db.query("SELECT id FROM cat.obs ORDER BY id") == [(1,), (2,), (3,)]
    assert db.query("SELECT id FROM other.faint") == [(2,)]


def test_a_materialized_view_of_restricted_rows_is_refused(db, inputs):
    write_resource(inputs, "cat", SOURCE + BRIGHT_VIEW.replace(
        "CREATE VIEW", "CREATE MATERIALIZED VIEW"), {"data/a.csv": ROWS})
    result = db.cli("imp", "cat")
    assert result.status != 0
    assert "q.rd" in result.err and "materialized view" in result.err
    assert "cat.obs" in result.err
    assert db.query("SELECT to_regclass('cat.obs')") == [(None,)]


def test_a_materialized_view_of_open_rows_is_indexed(db, inputs):
    write_resource(inputs, "cat", """
      <table id="obs" onDisk="True"><column name="id" type="integer"/>
        <column name="mag" type="real"/></table>
      <data id="import"><sources pattern="data/*.csv"/><csvGrammar/>
        <make table="obs"/></data>
      <table id="bright" onDisk="True" adql="True">
        <column name="id" type="integer"/>
        <index columns="id"/>
        <viewStatement>CREATE MATERIALIZED VIEW \\qName AS
          (SELECT id FROM \\schema.obs WHERE mag &lt; 6)</viewStatement>
      </table>
      <data id="view"><make table="bright"/></data>""",
                   {"data/a.csv": "id,mag\n1,5\n2,8\n"})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert "cat.bright: 1 rows" in result.out or "cat.bright" in result.out
    assert db.query("SELECT relkind FROM pg_class WHERE oid = 'cat.bright'::regclass") \
        == [("m",)]
    assert db.query("SELECT count(*) FROM pg_indexes WHERE schemaname = 'cat' "
                    "AND tablename = 'bright'") == [(1,)]
    assert db.query("SELECT nrows FROM dc.tables WHERE table_name = 'cat.bright'") \
        == [(1,)]
    assert _as_caller(db, "SELECT id FROM cat.bright") == [(1,)]


def test_a_failing_view_statement_names_file_line_and_element(db, inputs):
    write_resource(inputs, "cat", """
      <table id="v" onDisk="True">
        <column name="id" type="integer"/>
        <viewStatement>CREATE VIEW \\qName AS (SELECT id FROM nowhere)</viewStatement>
      </table>
      <data id="make"><make table="v"/></data>""")
    result = db.cli("imp", "cat")
    assert result.status != 0
    assert "q.rd" in result.err and "<table>" in result.err
    assert "nowhere" in result.err


def test_a_view_must_have_every_declared_column(db, inputs):
    write_resource(inputs, "cat", """
      <table id="v" onDisk="True">
        <column name="id" type="integer"/>
        <column name="mag" type="real"/>
        <viewStatement>CREATE VIEW \\qName AS (SELECT 1 AS id)</viewStatement>
      </table>
      <data id="make"><make table="v"/></data>""")
    result = db.cli("imp", "cat")
    assert result.status != 0
    assert "no column mag" in result.err


def test_a_view_takes_no_read_groups(db, inputs):
    write_resource(inputs, "cat", """
      <table id="v" onDisk="True" readGroups="staff">
        <column name="id" type="integer"/>
        <viewStatement>CREATE VIEW \\qName AS (SELECT 1 AS id)</viewStatement>
      </table>""")
    result = db.cli("imp", "cat")
    assert result.status != 0
    assert "cannot have readGroups" in result.err and "q.rd" in result.err


def test_recreate_after_must_name_a_data_element(db, inputs):
    write_resource(inputs, "cat", SOURCE.replace("make_bright", "nothing"),
                   {"data/a.csv": ROWS})
    result = db.cli("imp", "cat")
    assert result.status != 0
    assert "recreateAfter 'nothing'" in result.err


def test_a_kept_materialized_view_is_refused_once_its_table_gets_row_policies(
        db, inputs):
    open_source = SOURCE.replace(' embargoColumn="embargo" ownerColumn="owner"', "")
    write_resource(inputs, "cat", open_source.replace(
        "<recreateAfter>make_bright</recreateAfter>", ""), {"data/a.csv": ROWS})
    write_resource(inputs, "other", """
      <table id="all" onDisk="True">
        <column name="id" type="integer"/>
        <viewStatement>CREATE MATERIALIZED VIEW \\qName AS (SELECT id FROM cat.obs)
        </viewStatement>
      </table>
      <data id="make"><make table="all"/></data>""")
    assert db.cli("imp", "cat").status == 0
    assert db.cli("imp", "other").status == 0
    rd = inputs / "cat" / "q.rd"
    rd.write_text(rd.read_text().replace(
        'primary="id"', 'primary="id" embargoColumn="embargo" ownerColumn="owner"'))
    result = db.cli("imp", "cat")
    assert result.status != 0
    assert "other.all" in result.err and "materialized view" in result.err
    assert db.query("SELECT count(*) FROM other.all") == [(3,)]
