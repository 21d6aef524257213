"""Resolving object names locally, against the names DR's own tables hold.

Sources of names: every ADQL table's text column with UCD ``meta.id;meta.main``
or ``meta.id`` when the table has main position columns, and identifier tables
whose foreign key points at such a table (like the CALIFA demo's ``ids``).
Matching ignores case and blanks, so "ngc5947" finds "NGC 5947".  No network.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.db.identifiers import q
from rd.tablemeta import TableMeta
from rd.types import parse_type

NAME_UCDS = ("meta.id;meta.main", "meta.id")


@dataclass(frozen=True)
class NameSource:
    """One SQL query giving (ra, dec, name) for names equal to a normalised input."""

    label: str
    sql: str


def _key(sql_expr: str) -> str:
    return f"lower(replace({sql_expr}, ' ', ''))"


def name_sources(tables: Iterable[TableMeta]) -> list[NameSource]:
    tables = list(tables)
    by_name = {t.qualified_name.lower(): t for t in tables}
    sources = []
    for table in tables:
        if table.position is None:
            continue
        pos = table.position
        for col in table.columns:
            if col.ucd in NAME_UCDS and parse_type(col.type).base in ("text", "unicode"):
                sources.append(NameSource(
                    f"{table.qualified_name}.{col.name}",
                    f"SELECT {q(pos.ra)}, {q(pos.dec)}, {q(col.name)} FROM "
                    f"{q(table.schema)}.{q(table.name)} WHERE {_key(q(col.name))} = "
                    f"%(key)s"))
    for table in tables:
        for fk in table.foreign_keys:
            target = by_name.get(fk.target_table.lower())
            if target is None or target.position is None:
                continue
            for col in table.columns:
                if col.ucd != "meta.id" or parse_type(col.type).base != "text":
                    continue
                join = " AND ".join(f"i.{q(a)} = m.{q(b)}"
                                    for a, b in zip(fk.columns, fk.target_columns))
                sources.append(NameSource(
                    f"{table.qualified_name}.{col.name}",
                    f"SELECT m.{q(target.position.ra)}, m.{q(target.position.dec)}, "
                    f"i.{q(col.name)} FROM {q(table.schema)}.{q(table.name)} i JOIN "
                    f"{q(target.schema)}.{q(target.name)} m ON {join} "
                    f"WHERE {_key('i.' + q(col.name))} = %(key)s"))
    return sources


def resolve(cursor, sources: list[NameSource], name: str) -> tuple[float, float] | None:
    """The position of ``name`` from the first source knowing it (runs SQL)."""
    key = name.replace(" ", "").lower()
    for source in sources:
        cursor.execute(source.sql + " LIMIT 1", {"key": key})
        row = cursor.fetchone()
        if row is not None:
            return float(row[0]), float(row[1])
    return None
