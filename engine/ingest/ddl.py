"""SQL DDL for RD tables: CREATE TABLE, indexes (incl. the position index), keys.

Identifiers are always quoted (:mod:`engine.db.identifiers`), so reserved words
such as ``size`` are fine as column names; columns go by their SQL names,
regular ones lower-cased, DaCHS's delimited ones (``quoted/B-V``) exactly.
"""

from __future__ import annotations

import hashlib

from engine.db.identifiers import column_list, position_expression, q, qualified
from rd.elements.table import Index, Table

# The hidden column of updating tables: which dc.sources row a row came from.
SOURCE_COLUMN = "dr_srcid"


def create_table(table: Table, name: str | None = None, *, source_column: bool = False
                 ) -> str:
    """CREATE TABLE for ``table`` (optionally under another name, e.g. for staging)."""
    cols = []
    for col in table.columns:
        line = f"{q(col.sql_name)} {col.sql_type.sql}"
        if col.required:
            line += " NOT NULL"
        cols.append(line)
    if source_column:
        cols.append(f"{q(SOURCE_COLUMN)} integer")
    target = qualified(table.schema, name or table.id)
    return f"CREATE TABLE {target} (\n  " + ",\n  ".join(cols) + "\n)"


def _short(text: str, limit: int = 63) -> str:
    """PostgreSQL truncates names at 63 bytes; keep them unique by hashing the rest."""
    if len(text) <= limit:
        return text
    return text[:limit - 9] + "_" + hashlib.sha1(text.encode()).hexdigest()[:8]


def index_name(table: Table, index: Index, number: int) -> str:
    if index.name:  # as in DaCHS, the table's name goes first
        return _short(f"{table.id.lower()}_{index.name.lower()}")
    if index.kind == "position":
        return _short(f"{table.id.lower()}_pos_idx")
    suffix = "_".join(table.sql_names(index.columns)).lower() or f"expr{number}"
    return _short(f"{table.id.lower()}_{suffix}_idx")


def primary_key_name(table: Table) -> str:
    return _short(f"{table.id.lower()}_pkey")


def index_statements(table: Table, on_name: str | None = None,
                     name_suffix: str = "") -> list[tuple[str, str]]:
    """(index name, CREATE INDEX) pairs for the table's indexes, built after loading."""
    target = qualified(table.schema, on_name or table.id)
    out = []
    for number, index in enumerate(table.indexes):
        if index.meta_only:
            continue
        name = _short(index_name(table, index, number) + name_suffix)
        if index.kind == "position":
            expr = position_expression(table.position_columns(index))
            method, what = "gist", f"({expr})"
        elif index.expression and index.expression.strip():
            # DaCHS's rule: the text is the index's key list as written
            # ("uri text_pattern_ops", "(lower(name))").
            method, what = index.method or "btree", " ".join(index.expression.split())
        else:
            method = index.method or "btree"
            what = column_list(table.sql_names(index.columns))
        sql = f"CREATE INDEX {q(name)} ON {target} USING {method} ({what})"
        if index.clauses:
            sql += " " + index.clauses
        out.append((name, sql))
    return out


def cluster_statements(table: Table, on_name: str | None = None,
                       name_suffix: str = "") -> list[str]:
    target = qualified(table.schema, on_name or table.id)
    return [f"CLUSTER {target} USING "
            f"{q(_short(index_name(table, index, n) + name_suffix))}"
            for n, index in enumerate(table.indexes) if index.cluster
            and not index.meta_only]


def primary_key_statement(table: Table, on_name: str | None = None,
                          name_suffix: str = "") -> tuple[str, str] | None:
    if not table.primary:
        return None
    name = _short(primary_key_name(table) + name_suffix)
    cols = column_list(table.sql_names(table.primary))
    return name, (f"ALTER TABLE {qualified(table.schema, on_name or table.id)} "
                  f"ADD CONSTRAINT {q(name)} PRIMARY KEY ({cols})")


def index_name_with(name: str, suffix: str) -> str:
    """The name an index got when created with a name suffix (for staging)."""
    return _short(name + suffix)


def foreign_key_name(table: Table, number: int) -> str:
    return _short(f"{table.id.lower()}_fk{number}")


def foreign_key_statement(table: Table, fk, target: Table, name: str) -> str:
    src = column_list(table.sql_names(fk.source))
    dest = column_list(target.sql_names(fk.dest))
    return (f"ALTER TABLE {qualified(table.schema, table.id)} ADD CONSTRAINT {q(name)} "
            f"FOREIGN KEY ({src}) REFERENCES {qualified(target.schema, target.id)} "
            f"({dest})")
