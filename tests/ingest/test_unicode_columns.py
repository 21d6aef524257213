"""dr imp finds the text columns that hold non-ASCII, and everything describing the
table then says unicodeChar for them (and char for the ASCII ones)."""

from __future__ import annotations

import io
import textwrap

import pytest
from astropy.io.votable import parse as parse_votable

from adql import translate
from engine.config import load_config
from engine.db.fetch import fetch_batches
from engine.formats import Status, lookup
from engine.tap.tables import load_tap_tables, table_map
from engine.vosi import tableset
from engine.web.routes import SERVICE_RENDERERS
from engine.web.state import load_state

TABLE = """
  <table id="main" onDisk="True" adql="True" primary="id" mixin="//scs#pgs-pos-index">
    <column name="id" type="integer" required="True" ucd="meta.id;meta.main"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="name" type="text" description="Name in the observer's language"/>
    <column name="code" type="char(4)"/>
    <column name="plain" type="text"/>
    <column name="declared" type="unicode"/>
  </table>
  <data id="import">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main"><rowmaker idmaps="*"/></make>
  </data>
  <service id="cone" allowed="scs.xml,form">
    <scsCore queriedTable="main"><FEED source="//scs#coreDescs"/></scsCore>
  </service>"""

ROWS = [(1, "café", "Øst", "a"), (2, "東京", "ab", "b"), (3, "𝄞 clef", None, "c"),
        (4, "plain", "abcd", "d")]
ASCII_ROWS = [(1, "cafe", "Ost", "a")]
TEXT_COLUMNS = ("name", "code", "plain", "declared")


def _csv(rows) -> bytes:
    lines = ["id,ra,dec,name,code,plain,declared"]
    for i, name, code, plain in rows:
        lines.append(f"{i},{i}.5,{i}.25,{name},{code or ''},{plain},x")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _write(inputs, rows, table=TABLE, name="a.csv") -> None:
    base = inputs / "uni"
    (base / "data").mkdir(parents=True, exist_ok=True)
    (base / "q.rd").write_text('<resource schema="uni">' + textwrap.dedent(table)
                               + "\n</resource>\n", encoding="utf-8")
    (base / "data" / name).write_bytes(_csv(rows))



@pytest.fixture
def config(db, monkeypatch):
    for key, value in db.env.items():
        monkeypatch.setenv(key, value)
    return load_config()


def _tap_schema_types(db, table="uni.main") -> dict[str, tuple]:
    return {name: (datatype, arraysize) for name, datatype, arraysize in db.query(
        "SELECT column_name, datatype, arraysize FROM tap_schema.columns "
        "WHERE table_name = %s", (table,))}


def _served_types(columns) -> dict[str, tuple]:
    return {c.name: (c.datatype, c.arraysize) for c in columns
            if c.name in TEXT_COLUMNS}


def test_the_import_records_which_text_columns_hold_non_ascii(db, inputs):
    _write(inputs, ROWS)
    assert db.cli("imp", "uni").status == 0
    assert db.query("SELECT unicode_columns FROM dc.tables "
                    "WHERE table_name = 'uni.main'") == [(["name", "code"],)]
    types = _tap_schema_types(db)
    assert {k: types[k] for k in TEXT_COLUMNS} == {
        "name": ("unicodeChar", "*"), "code": ("unicodeChar", "*"),
        "plain": ("char", "*"), "declared": ("unicodeChar", "*")}
    assert types["id"] == ("int", None)


def test_a_reimport_of_ascii_data_goes_back_to_char(db, inputs):
    _write(inputs, ROWS)
    assert db.cli("imp", "uni").status == 0
    _write(inputs, ASCII_ROWS)
    assert db.cli("imp", "uni").status == 0
    assert db.query("SELECT unicode_columns FROM dc.tables "
                    "WHERE table_name = 'uni.main'") == [([],)]
    assert _tap_schema_types(db)["code"] == ("char", "4")


def test_updating_data_looks_at_the_whole_table_after_each_import(db, inputs):
    _write(inputs, ASCII_ROWS, TABLE.replace('<data id="import">',
                                             '<data id="import" updating="True">'))
    assert db.cli("imp", "uni").status == 0
    assert _tap_schema_types(db)["name"] == ("char", "*")
    (inputs / "uni/data/b.csv").write_bytes(_csv([(9, "Ångström", "x", "y")]))
    assert db.cli("imp", "uni").status == 0
    assert _tap_schema_types(db)["name"] == ("unicodeChar", "*")
    assert _tap_schema_types(db)["code"] == ("char", "4")


def test_the_server_and_async_workers_describe_the_columns_alike(db, inputs, config):
    _write(inputs, ROWS)
    assert db.cli("imp", "uni").status == 0
    expected = {"name": ("unicodeChar", "*"), "code": ("unicodeChar", "*"),
                "plain": ("char", "*"), "declared": ("unicodeChar", "*")}
    with db.connect() as conn:
        state = load_state(config, conn, SERVICE_RENDERERS)
        worker = table_map(load_tap_tables(config.inputs_dir, conn))
    tap = {t.qualified_name: t for t in state.tap_tables}["uni.main"]
    assert _served_types(translate("SELECT * FROM uni.main", {"uni.main": tap}).columns) \
        == expected
    assert _served_types(translate("SELECT * FROM uni.main", worker).columns) == expected
    bound = state.service("uni/q", "cone")
    assert _served_types(s.column for s in bound.outputs) == expected
    vosi = tableset({"uni": ("", [tap])}).decode()
    assert '<name>name</name>' in vosi and 'unicodeChar' in vosi


def test_tables_imported_before_dr_looked_count_as_non_ascii(db, inputs, config):
    _write(inputs, ASCII_ROWS)
    assert db.cli("imp", "uni").status == 0
    with db.connect() as conn:
        with conn.cursor() as cur:
            cur.execute("UPDATE dc.tables SET unicode_columns = NULL "
                        "WHERE table_name = 'uni.main'")
        conn.commit()
        state = load_state(config, conn, SERVICE_RENDERERS)
    tap = {t.qualified_name: t for t in state.tap_tables}["uni.main"]
    assert {c.name: c.type for c in tap.columns if c.name in TEXT_COLUMNS} == {
        "name": "unicode", "code": "unicode(4)", "plain": "unicode", "declared": "unicode"}


def _binary2(conn, sql, columns) -> bytes:
    fmt = lookup("votable")
    writer = fmt.writer(columns)
    data = writer.head()
    for batch in fetch_batches(conn, sql, None, columns):
        data += writer.batch(batch)
    return data + writer.tail(Status.ok())


def test_non_ascii_text_and_tap_schema_descriptions_read_back_exactly(db, inputs, config):
    _write(inputs, ROWS, TABLE.replace("Name in the observer's language",
                                       "Name in the observer’s language (Ångström)"))
    assert db.cli("imp", "uni").status == 0
    with db.connect() as conn:
        tables = table_map(load_state(config, conn, SERVICE_RENDERERS).tap_tables)
        conn.rollback()
        query = translate("SELECT id, name, code, plain FROM uni.main ORDER BY id", tables)
        table = parse_votable(io.BytesIO(_binary2(conn, query.sql, query.columns)))
        rows = [tuple(row) for row in table.get_first_table().to_table()]
        # char(4) values come padded, as PostgreSQL keeps them.
        assert [(r[0], r[1], r[2] and r[2].rstrip() or None, r[3]) for r in rows] == ROWS
        query = translate("SELECT column_name, description FROM tap_schema.columns "
                          "WHERE table_name = 'uni.main' AND column_name = 'name'", tables)
        assert [c.datatype for c in query.columns] == ["char", "unicodeChar"]
        table = parse_votable(io.BytesIO(_binary2(conn, query.sql, query.columns)))
        assert list(table.get_first_table().to_table()["description"]) == [
            "Name in the observer’s language (Ångström)"]
