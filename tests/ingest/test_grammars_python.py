"""dr imp with grammars written in Python: embeddedGrammar and customGrammar."""

from __future__ import annotations

import sqlite3

from tests.ingest.resources import write_resource

TABLE = """
  <table id="t" onDisk="True">
    <column name="id" type="integer"/>
    <column name="name" type="text"/>
    <column name="mag" type="real"/>
  </table>"""



def test_an_embedded_iterator_reading_sqlite_files_fills_the_table(db, inputs):
    write_resource(inputs, "emb", TABLE + """
      <data id="import">
        <sources pattern="data/*.db"/>
        <embeddedGrammar>
          <iterator>
            <setup imports="sqlite3">
              <code>
                def as_dict(cursor, row):
                    return {d[0]: value for d, value in zip(cursor.description, row)}
              </code>
            </setup>
            <code>
              conn = sqlite3.connect(self.sourceToken)
              conn.row_factory = as_dict
              yield from conn.execute("SELECT id, name, mag FROM objects")
              conn.close()
            </code>
          </iterator>
        </embeddedGrammar>
        <make table="t"><rowmaker idmaps="*"/></make>
      </data>""")
    conn = sqlite3.connect(inputs / "emb" / "data" / "objects.db")
    conn.execute("CREATE TABLE objects (id INTEGER, name TEXT, mag REAL)")
    conn.executemany("INSERT INTO objects VALUES (?, ?, ?)",
                     [(1, "Vega", 0.03), (2, "Deneb", None)])
    conn.commit()
    conn.close()
    result = db.cli("imp", "emb")
    assert result.status == 0, result.err
    assert "emb.t: 2 rows" in result.out
    assert db.query("SELECT id, name, mag FROM emb.t ORDER BY id") == [
        (1, "Vega", 0.03), (2, "Deneb", None)]


def test_an_iterator_error_fails_the_import_naming_source_and_row(db, inputs):
    write_resource(inputs, "emb", TABLE + """
      <data id="import">
        <sources pattern="data/*.txt"/>
        <embeddedGrammar><iterator><code>
          for n, line in enumerate(open(self.sourceToken), 1):
              yield {"id": int(line), "name": f"line {n}"}
        </code></iterator></embeddedGrammar>
        <make table="t"><rowmaker idmaps="*"/></make>
      </data>""", {"data/a.txt": "1\n2\nthree\n"})
    result = db.cli("imp", "emb")
    assert result.status != 0
    assert "a.txt: row 3: ValueError: invalid literal for int()" in result.err
    assert "raised by the <iterator> at" in result.err
    assert "Traceback" not in result.err
    assert db.query("SELECT to_regclass('emb.t')") == [(None,)]


def test_a_custom_grammar_module_fills_the_table(db, inputs):
    (inputs / "cust" / "res").mkdir(parents=True)
    write_resource(inputs, "cust", TABLE + """
      <data id="import">
        <sources pattern="data/*.txt"/>
        <customGrammar module="res/objgrammar">
          <property name="prefix">star-</property>
        </customGrammar>
        <make table="t"><rowmaker idmaps="*"/></make>
      </data>""", {
        "data/a.txt": "1 0.5\n2 1.5\n",
        "res/objgrammar.py": '''
            from gavo.api import CustomRowIterator


            class RowIterator(CustomRowIterator):
                def _iterRows(self):
                    prefix = self.grammar.getProperty("prefix")
                    with open(self.sourceToken) as f:
                        for line in f:
                            ident, mag = line.split()
                            yield {"id": int(ident), "name": prefix + ident,
                                   "mag": float(mag)}
            '''})
    result = db.cli("imp", "cust")
    assert result.status == 0, result.err
    assert db.query("SELECT id, name, mag FROM cust.t ORDER BY id") == [
        (1, "star-1", 0.5), (2, "star-2", 1.5)]


def test_a_dispatching_grammar_fills_each_table_by_role(db, inputs):
    write_resource(inputs, "disp", """
      <table id="t1" onDisk="True"><column name="x" type="text"/></table>
      <table id="t2" onDisk="True"><column name="y" type="text"/></table>
      <data id="import">
        <sources pattern="data/*.txt"/>
        <embeddedGrammar isDispatching="True"><iterator><code>
          yield "one", {"x": "x1", "y": "not for t2"}
          yield "two", {"x": "not for t1", "y": "y1"}
          yield "one", {"x": "x2"}
        </code></iterator></embeddedGrammar>
        <make role="one" table="t1"><rowmaker idmaps="*"/></make>
        <make role="two" table="t2"><rowmaker idmaps="*"/></make>
      </data>""", {"data/a.txt": "\n"})
    result = db.cli("imp", "disp")
    assert result.status == 0, result.err
    assert db.query("SELECT x FROM disp.t1 ORDER BY x") == [("x1",), ("x2",)]
    assert db.query("SELECT y FROM disp.t2") == [("y1",)]


def test_source_items_reach_the_iterator_verbatim(db, inputs):
    write_resource(inputs, "items", TABLE + """
      <data id="import">
        <sources><item>3</item><item>2</item></sources>
        <embeddedGrammar><iterator><code>
          for i in range(int(self.sourceToken)):
              yield {"id": i, "name": self.sourceToken, "mag": None}
        </code></iterator></embeddedGrammar>
        <make table="t"><rowmaker idmaps="*"/></make>
      </data>""")
    result = db.cli("imp", "items")
    assert result.status == 0, result.err
    assert db.query("SELECT name, count(*) FROM items.t GROUP BY name ORDER BY name") == [
        ("2", 2), ("3", 3)]


def test_an_embedded_grammar_without_sources_runs_once_with_no_source_token(db, inputs):
    write_resource(inputs, "gen", TABLE + """
      <data id="import">
        <embeddedGrammar><iterator><code>
          assert self.sourceToken is None
          for i in range(3):
              yield {"id": i, "name": f"made {i}", "mag": None}
        </code></iterator></embeddedGrammar>
        <make table="t"><rowmaker idmaps="*"/></make>
      </data>""")
    result = db.cli("imp", "gen")
    assert result.status == 0, result.err
    assert db.query("SELECT id, name FROM gen.t ORDER BY id") == [
        (0, "made 0"), (1, "made 1"), (2, "made 2")]
