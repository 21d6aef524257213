"""Publishing table metadata: DR's ``dc.tables``/``dc.columns`` and TAP 1.1's ``tap_schema``.

Both are rewritten for a table whenever it is imported and cleared when it is
dropped, inside the caller's transaction, so they are always in step with
what is on disk.  :func:`served_metadata` is the one place that turns an RD
table and its ``dc.tables`` row into the metadata everything serving it uses
(TAP_SCHEMA, the server's TAP tables and services, VOSI, async workers): the
text columns the import found non-ASCII in are declared unicode there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from psycopg2.extras import execute_values

from engine.db.identifiers import adql_name
from rd.elements.column import Column
from rd.elements.resource import Resource
from rd.elements.table import Table
from rd.tablemeta import TableMeta
from rd.types import parse_type

# CALIFA-style keys a source declares, and the tap_schema.tables columns they fill.
SOURCE_KEY_COLUMNS = {
    "AUTHOR": "data_author", "SOURCE": "data_source", "DATE": "data_date",
    "VERSION": "data_version", "COLAPRV": "collab_approval",
    "PUBAPRV": "public_approval",
}


def _flag(value: bool) -> int:
    return 1 if value else 0


def served_metadata(table: Table, row: Mapping[str, Any] | None) -> TableMeta:
    """``table`` as DR serves it, given its ``dc.tables`` row (None if it has none).

    Text columns that the import found non-ASCII in are unicode.  Where DR
    never looked (no row, or a table imported before DR recorded it:
    ``unicode_columns`` NULL) every text column counts as holding non-ASCII,
    which costs bytes but never a value.
    """
    recorded = row.get("unicode_columns") if row else None
    if recorded is None:
        recorded = [c.sql_name for c in table.columns if c.sql_type.is_text]
    return table.metadata(unicode_columns=recorded)


def apply_recorded_audience(tables: Iterable[Table], recorded: Mapping[str, Mapping]
                            ) -> None:
    """Give each table whose sources' approvals decide its audience (approvalGroup)
    the read groups its last import recorded in ``dc.tables`` (``recorded``: lower-case
    qualified name -> row with ``read_groups``); one never imported stays withheld
    from everyone, as the RD reader left it."""
    for table in tables:
        row = recorded.get(table.qualified_name.lower()) if table.approval_group else None
        if row is not None and row.get("read_groups") is not None:
            table.read_groups = tuple(row["read_groups"])


def unpublish(cur, table_names: Iterable[str], *, keys_to_them: bool = True) -> None:
    """Remove the metadata of tables (qualified, lower-case names) everywhere.

    With ``keys_to_them`` false, foreign keys of other tables pointing at these
    stay (the tables are about to be published again).
    """
    names = list(table_names)
    if not names:
        return
    cur.execute("DELETE FROM dc.tables WHERE table_name = ANY(%s)", (names,))
    cur.execute("SELECT to_regclass('tap_schema.tables')")
    if cur.fetchone()[0] is None:
        return
    targets = names if keys_to_them else []
    cur.execute("DELETE FROM tap_schema.key_columns WHERE key_id IN "
                "(SELECT key_id FROM tap_schema.keys WHERE from_table = ANY(%s) "
                "OR target_table = ANY(%s))", (names, targets))
    cur.execute("DELETE FROM tap_schema.keys WHERE from_table = ANY(%s) "
                "OR target_table = ANY(%s)", (names, targets))
    cur.execute("DELETE FROM tap_schema.columns WHERE table_name = ANY(%s)", (names,))
    cur.execute("DELETE FROM tap_schema.tables WHERE table_name = ANY(%s)", (names,))
    cur.execute("DELETE FROM tap_schema.schemas s WHERE NOT EXISTS "
                "(SELECT 1 FROM tap_schema.tables t WHERE t.schema_name = s.schema_name)")


def publish(cur, rd: Resource, tables: Iterable[Table],
            source_meta: Mapping[str, dict[str, str]] | None = None,
            nrows: Mapping[str, int] | None = None, import_id: int | None = None,
            unicode_columns: Mapping[str, Sequence[str]] | None = None) -> None:
    """(Re)write dc and tap_schema metadata of ``tables`` of ``rd``.

    ``unicode_columns`` names, per table, the text columns holding non-ASCII
    (what the import found); tables not named keep what was recorded before.
    """
    tables = list(tables)
    source_meta = source_meta or {}
    nrows = nrows or {}
    unicode_columns = unicode_columns or {}
    names = [t.qualified_name.lower() for t in tables]
    cur.execute("SELECT table_name, source_meta, nrows, unicode_columns FROM dc.tables "
                "WHERE table_name = ANY(%s)", (names,))
    known = cur.fetchall()
    previous = {row[0]: (row[1], row[2]) for row in known}
    wide = {row[0]: row[3] for row in known}
    wide.update({name.lower(): list(columns) for name, columns in unicode_columns.items()})
    unpublish(cur, names, keys_to_them=False)
    for table in tables:
        name = table.qualified_name.lower()
        meta = source_meta.get(name, previous.get(name, ({}, None))[0] or {})
        rows = nrows.get(name, previous.get(name, (None, None))[1])
        _write_dc(cur, rd, table, meta, rows, import_id, wide.get(name))
    public = [t for t in tables if t.adql == "True"]
    if public:
        _write_tap_schema(cur, rd, public, source_meta, previous, nrows, wide)


def _write_dc(cur, rd: Resource, table: Table, source_meta: dict[str, str],
              nrows: int | None, import_id: int | None,
              unicode_columns: Sequence[str] | None) -> None:
    name = table.qualified_name.lower()
    cur.execute(
        "INSERT INTO dc.tables (table_name, rd_id, table_id, adql, description, meta, "
        "source_meta, read_groups, nrows, last_import, unicode_columns) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (name, rd.rd_id, table.id, table.adql, table.description,
         json.dumps(table.meta.as_dict()), json.dumps(source_meta),
         list(table.read_groups), nrows, import_id,
         None if unicode_columns is None else list(unicode_columns)))
    indexed = table.indexed_columns()
    execute_values(cur, "INSERT INTO dc.columns (table_name, column_name, column_index, "
                   "type, unit, ucd, utype, xtype, description, tablehead, verb_level, "
                   "display_hint, principal, indexed, std, required, hidden) VALUES %s", [
                       (name, _adql_name(c), i, c.type, c.unit, c.ucd, c.utype,
                        c.xtype, c.description, c.tablehead, c.verb_level, c.display_hint,
                        c.metadata().principal, c.sql_name in indexed, c.std,
                        c.required, c.hidden)
                       for i, c in enumerate(table.columns)])


def _adql_name(column: Column) -> str:
    meta = column.metadata()
    return adql_name(meta.name, meta.sql_name)


def _write_tap_schema(cur, rd: Resource, tables: list[Table],
                      source_meta: Mapping[str, dict[str, str]],
                      previous: Mapping[str, tuple], nrows: Mapping[str, int],
                      unicode_columns: Mapping[str, Sequence[str] | None]) -> None:
    cur.execute("INSERT INTO tap_schema.schemas (schema_name, description) "
                "VALUES (%s, %s) ON CONFLICT (schema_name) DO UPDATE "
                "SET description = excluded.description",
                (rd.schema, rd.meta.get("description")))
    for index, table in enumerate(tables):
        name = table.qualified_name.lower()
        meta = source_meta.get(name) or (previous.get(name, ({}, None))[0] or {})
        keys = [meta.get(k) or None for k in SOURCE_KEY_COLUMNS]
        rows = nrows.get(name, previous.get(name, (None, None))[1])
        cur.execute(
            "INSERT INTO tap_schema.tables (schema_name, table_name, table_type, utype, "
            "description, table_index, nrows, "
            + ", ".join(SOURCE_KEY_COLUMNS.values()) + ") VALUES ("
            + ", ".join(["%s"] * (7 + len(SOURCE_KEY_COLUMNS))) + ")",
            (rd.schema, name, "table", table.meta.get("utype", inherit=False) or None,
             table.description, index, rows, *keys))
        md = served_metadata(table, {"unicode_columns": unicode_columns.get(name)})
        rows_out = []
        for i, col in enumerate(md.columns):
            vo = parse_type(col.type).votable()
            size = int(vo.arraysize) if vo.arraysize.isdigit() else None
            rows_out.append((name, adql_name(col.name, col.sql_name), vo.datatype,
                             vo.arraysize or None, col.xtype or vo.xtype or None, size,
                             col.description,
                             col.utype or None, col.unit or None, col.ucd or None,
                             _flag(col.indexed), _flag(col.principal), _flag(col.std), i))
        execute_values(cur, 'INSERT INTO tap_schema.columns (table_name, column_name, '
                       'datatype, arraysize, xtype, "size", description, utype, unit, '
                       'ucd, indexed, principal, std, column_index) VALUES %s', rows_out)
        for fk in md.foreign_keys:
            key_id = f"{name}({','.join(fk.columns)})->{fk.target_table}"
            cur.execute("INSERT INTO tap_schema.keys (key_id, from_table, target_table) "
                        "VALUES (%s, %s, %s)", (key_id, name, fk.target_table.lower()))
            execute_values(cur, "INSERT INTO tap_schema.key_columns (key_id, from_column, "
                           "target_column) VALUES %s",
                           [(key_id, adql_name(a), adql_name(b))
                            for a, b in zip(fk.columns, fk.target_columns)])


def installed_digest(cur, what: str) -> str | None:
    """The digest recorded when ``what`` (derived SQL, a system schema) was last
    installed (dc.installed), or None."""
    cur.execute("SELECT digest FROM dc.installed WHERE what = %s", (what,))
    row = cur.fetchone()
    return row[0] if row else None


def record_installed(cur, what: str, digest: str) -> None:
    """Record that ``what`` is installed as of ``digest``."""
    cur.execute("INSERT INTO dc.installed (what, digest) VALUES (%s, %s) "
                "ON CONFLICT (what) DO UPDATE SET digest = excluded.digest, "
                "installed = now()", (what, digest))
