"""DaCHS's import behaviour DR follows: the default rowmaker, tables made empty, and
``<script>`` elements of every type, in SQL, AC_SQL and Python, at DaCHS's moments."""

from __future__ import annotations

from tests.ingest.resources import write_resource

TWO_COLUMNS = """
  <table id="main" onDisk="True" primary="id">
    <column name="id" type="integer" required="True"/>
    <column name="mag" type="real"/>
  </table>"""

LOG_TABLE = """
  <table id="log" onDisk="True">
    <column name="ev" type="text"/>
  </table>
  <data id="makelog">
    <make table="log"/>
  </data>"""


def test_a_make_without_rowmaker_maps_same_named_fields(db, inputs):
    write_resource(inputs, "cat", TWO_COLUMNS + """
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main"/>
      </data>""", {"data/a.csv": "id,mag\n1,5.5\n2,\n"})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert "cat.main: 2 rows" in result.out
    assert db.query("SELECT id, mag FROM cat.main ORDER BY id") == [(1, 5.5), (2, None)]


def test_a_data_element_without_sources_makes_its_table_empty_for_scripts_to_fill(
        db, inputs):
    write_resource(inputs, "cat", TWO_COLUMNS + """
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main"/>
      </data>
      <table id="bright" onDisk="True" adql="True">
        <column name="id" type="integer"/>
        <column name="mag" type="real"/>
      </table>
      <data id="make_bright">
        <make table="bright">
          <script type="preIndex" lang="SQL">
            INSERT INTO \\schema.bright (SELECT id, mag FROM \\schema.main WHERE mag &lt; 6)
          </script>
        </make>
      </data>
      <table id="empty" onDisk="True"><column name="x" type="text"/></table>
      <data id="make_empty"><make table="empty"/></data>""",
                   {"data/a.csv": "id,mag\n1,5.5\n2,7\n3,4\n"})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert "cat.bright: 2 rows" in result.out
    assert "cat.empty: 0 rows" in result.out
    assert db.query("SELECT id FROM cat.bright ORDER BY id") == [(1,), (3,)]
    assert db.query("SELECT nrows FROM dc.tables WHERE table_name = 'cat.bright'") == [(2,)]
    # a reimport rebuilds it from the new rows, not on top of the old ones
    assert db.cli("imp", "cat").status == 0
    assert db.query("SELECT count(*) FROM cat.bright") == [(2,)]


def test_scripts_of_every_type_run_at_dachs_moments(db, inputs):
    resdir = inputs / "cat"
    write_resource(inputs, "cat", LOG_TABLE + TWO_COLUMNS.replace("</table>", """
        <index columns="mag"/>
        <script type="preIndex" lang="python">
          n = table.query("SELECT count(*) FROM " + table.tableName).fetchone()[0]
          table.query("INSERT INTO cat.log VALUES (%(e)s)", {"e": f"table preIndex {n}"})
        </script>
      </table>""") + """
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main">
          <script type="preCreation">INSERT INTO cat.log VALUES ('preCreation')</script>
          <script type="preImport">
            INSERT INTO cat.log SELECT 'preImport ' || count(*) FROM \\curtable
          </script>
          <script type="newSource" lang="python">
            name = sourceToken.rsplit("/", 1)[-1]
            table.query("INSERT INTO cat.log VALUES (%(e)s)", {"e": "newSource " + name})
          </script>
          <script type="sourceDone">
            INSERT INTO cat.log SELECT 'sourceDone ' || count(*) FROM \\qName
          </script>
          <script type="preIndex">
            INSERT INTO cat.log SELECT 'preIndex ' || count(*) FROM pg_indexes
              WHERE schemaname = 'cat' AND tablename = 'main'
          </script>
          <script type="postCreation">
            INSERT INTO cat.log SELECT 'postCreation ' || count(*) FROM pg_indexes
              WHERE schemaname = 'cat' AND tablename = 'main'
          </script>
          <script type="afterMeta">
            INSERT INTO cat.log SELECT 'afterMeta ' || count(*) FROM dc.tables
              WHERE table_name = 'cat.main'
          </script>
          <script type="beforeDrop" lang="python">
            with open(table.tableDef.rd.getAbsPath("dropped.txt"), "a") as f:
                f.write(table.tableName + "\\n")
          </script>
        </make>
      </data>""", {"data/a.csv": "id,mag\n1,5\n2,6\n", "data/b.csv": "id,mag\n3,7\n"})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert [r[0] for r in db.query("SELECT ev FROM cat.log ORDER BY ctid")] == [
        "preCreation", "preImport 0",
        "newSource a.csv", "sourceDone 2", "newSource b.csv", "sourceDone 3",
        "preIndex 0", "table preIndex 3", "postCreation 2",  # primary key + mag
        "afterMeta 1"]
    assert not (resdir / "dropped.txt").exists()
    assert db.cli("imp", "cat").status == 0  # the old table is dropped
    assert (resdir / "dropped.txt").read_text() == '"cat"."main"\n'
    assert db.cli("drop", "cat").status == 0
    assert (resdir / "dropped.txt").read_text() == '"cat"."main"\n' * 2


def test_ac_sql_ignores_failing_statements_and_sql_runs_them_all(db, inputs):
    write_resource(inputs, "cat", LOG_TABLE + TWO_COLUMNS + """
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main">
          <script type="postCreation" lang="AC_SQL">
            SELECT * FROM cat.nowhere;
            INSERT INTO cat.log VALUES ('after a failure; still here');
            INSERT INTO cat.log VALUES ($$dollar ; quoted$$)
          </script>
        </make>
      </data>""", {"data/a.csv": "id,mag\n1,5\n"})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert db.query("SELECT ev FROM cat.log ORDER BY ctid") == [
        ("after a failure; still here",), ("dollar ; quoted",)]


def test_a_failing_sql_script_names_its_line_and_rolls_back(db, inputs):
    rd = write_resource(inputs, "cat", TWO_COLUMNS + """
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main">
          <script type="preIndex" name="fill">UPDATE \\curtable SET nope = 1</script>
        </make>
      </data>""", {"data/a.csv": "id,mag\n1,5\n"})
    result = db.cli("imp", "cat")
    assert result.status == 1
    assert f"{rd}:10: <script> preIndex script 'fill' failed: column \"nope\" of " \
           "relation \"main\" does not exist" in result.err
    assert "Traceback" not in result.err
    assert db.query("SELECT to_regclass('cat.main')") == [(None,)]


def test_a_failing_python_script_names_the_rd_line_that_raised(db, inputs):
    rd = write_resource(inputs, "cat", TWO_COLUMNS + """
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main">
          <script type="postCreation" lang="python">
            rows = table.query(f"SELECT count(*) FROM {table.tableName}").fetchone()[0]

            raise ValueError(f"{rows} rows are too few")
          </script>
        </make>
      </data>""", {"data/a.csv": "id,mag\n1,5\n"})
    result = db.cli("imp", "cat")
    assert result.status == 1
    assert f"{rd}:13: <script> postCreation script failed: ValueError: 1 rows are " \
           "too few" in result.err


def test_a_python_script_with_a_syntax_error_fails_validation(db, inputs):
    rd = write_resource(inputs, "cat", TWO_COLUMNS + """
      <data id="import">
        <make table="main">
          <script type="preIndex" lang="python">
            x = 1
            if x
          </script>
        </make>
      </data>""")
    result = db.cli("val", "cat")
    assert result.status == 1
    assert f"{rd}:10: <script> Python syntax error: expected ':'" in result.err


def test_updating_imports_run_source_scripts_only(db, inputs):
    write_resource(inputs, "cat", LOG_TABLE.replace('<data id="makelog">',
                                                    '<data id="makelog" auto="False">')
                   + TWO_COLUMNS + """
      <data id="import" updating="True">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main">
          <script type="newSource">INSERT INTO cat.log VALUES ('new')</script>
          <script type="preIndex">INSERT INTO cat.log VALUES ('preIndex')</script>
        </make>
      </data>""", {"data/a.csv": "id,mag\n1,5\n"})
    assert db.cli("imp", "cat", "makelog").status == 0
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert db.query("SELECT ev FROM cat.log") == [("new",)]


def test_ignore_sources_leaves_out_patterns_listed_files_and_what_the_db_says(
        db, inputs):
    write_resource(inputs, "cat", TWO_COLUMNS.replace(
        '<column name="mag" type="real"/>',
        '<column name="mag" type="real"/><column name="src" type="text"/>') + """
      <data id="import" updating="True">
        <sources pattern="data/*.csv">
          <ignoreSources pattern="*skip*" fromfile="ignored.txt"
            fromdb="SELECT DISTINCT src FROM \\schema.main"/>
        </sources>
        <csvGrammar/>
        <make table="main">
          <rowmaker idmaps="id, mag"><map key="src">\\inputRelativePath</map></rowmaker>
        </make>
      </data>""", {"data/a.csv": "id,mag\n1,5\n", "data/skipme.csv": "id,mag\n2,6\n",
                   "data/listed.csv": "id,mag\n3,7\n", "ignored.txt": "data/listed.csv\n"})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert db.query("SELECT id, src FROM cat.main") == [(1, "cat/data/a.csv")]
    (inputs / "cat/data/c.csv").write_text("id,mag\n4,8\n")
    (inputs / "cat/data/a.csv").write_text("id,mag\n1,5\n5,9\n")  # ignored: fromdb
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert db.query("SELECT id FROM cat.main ORDER BY id") == [(1,), (4,)]


def test_data_with_a_grammar_dr_lacks_is_skipped_with_the_reason(db, inputs):
    rd = write_resource(inputs, "cat", TWO_COLUMNS + """
      <table id="other" onDisk="True"><column name="x" type="integer"/></table>
      <data id="products">
        <sources pattern="data/*.fits"/>
        <xmlGrammar/>
        <make table="other"/>
      </data>
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main"/>
      </data>""", {"data/a.csv": "id,mag\n1,5\n"})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert f"warning: {rd}:7: <data> 'products' not imported: DR does not implement " \
           "<xmlGrammar> yet" in result.err
    assert "cat.main: 1 rows" in result.out
    named = db.cli("imp", "cat", "products")
    assert named.status == 1
    assert f"{rd}:7: <data> cannot be imported: DR does not implement <xmlGrammar>" \
        in named.err


def test_index_options_expressions_and_names_reach_the_database(db, inputs):
    write_resource(inputs, "cat", """
      <table id="main" onDisk="True">
        <column name="id" type="integer"/>
        <column name="name" type="text"/>
        <column name="mag" type="real"/>
        <index columns="name">name text_pattern_ops</index>
        <index columns="name" name="lowname">(lower(name))</index>
        <index columns="mag" method="brin" cluster="False">
          <option>WHERE mag IS NOT NULL</option>
          <option>WITH (pages_per_range = 16)</option>
        </index>
        <index columns="id" cluster="True" options="fillfactor=50"/>
        <index columns="mag" name="meta_only" metaOnly="True"/>
      </table>
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main"/>
      </data>""", {"data/a.csv": "id,name,mag\n2,b,\n1,a,5\n"})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    defs = dict(db.query("SELECT indexname, indexdef FROM pg_indexes "
                         "WHERE schemaname = 'cat' ORDER BY indexname"))
    assert "USING btree (name text_pattern_ops)" in defs["main_name_idx"]
    assert defs["main_lowname"].endswith("USING btree (lower(name))")
    assert defs["main_mag_idx"].endswith(
        "USING brin (mag) WITH (pages_per_range='16') WHERE (mag IS NOT NULL)")
    assert defs["main_id_idx"].endswith("USING btree (id) WITH (fillfactor='50')")
    assert "main_meta_only" not in defs
    assert db.query("SELECT c.relname FROM pg_index i JOIN pg_class c ON "
                    "c.oid = i.indexrelid WHERE i.indisclustered") == [("main_id_idx",)]


def test_a_mixin_element_applies_the_mixin_like_the_attribute(db, inputs):
    write_resource(inputs, "cat", """
      <table id="main" onDisk="True">
        <mixin>//scs#q3cindex</mixin>
        <column name="ra" type="double precision" ucd="pos.eq.ra;meta.main"/>
        <column name="dec" type="double precision" ucd="pos.eq.dec;meta.main"/>
      </table>
      <data id="import">
        <sources pattern="data/*.csv"/>
        <csvGrammar/>
        <make table="main"/>
      </data>""", {"data/a.csv": "ra,dec\n10,20\n"})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert db.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'cat'") == [
        ("main_pos_idx",)]
