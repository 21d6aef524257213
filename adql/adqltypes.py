"""The types the checker gives ADQL expressions, and their VOTable form.

A type is an RD/SQL type name (``rd.types`` spelling: "integer", "double
precision", "text", "spoint"…) plus the VO annotation that travels with a
value (unit, UCD, utype, xtype, description).  Two pseudo types exist:
"null" (an untyped NULL) and "unknown" (a UDF DR knows nothing about).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

from rd.tablemeta import ColumnMeta
from rd.types import ColumnTypeError, VOType, parse_type

_NUMERIC_RANK = {"smallint": 1, "integer": 2, "bigint": 3, "real": 4,
                 "double precision": 5}
_KINDS = {
    "smallint": "number", "integer": "number", "bigint": "number", "real": "number",
    "double precision": "number", "text": "text", "unicode": "text", "char": "text",
    "date": "timestamp", "timestamp": "timestamp", "timestamptz": "timestamp",
    "boolean": "boolean", "bytea": "binary", "spoint": "point", "scircle": "circle",
    "spoly": "polygon", "sbox": "box", "smoc": "moc",
}
GEOMETRY_KINDS = frozenset({"point", "circle", "polygon", "box"})
REGION_KINDS = frozenset({"circle", "polygon", "box"})


@functools.lru_cache(maxsize=256)
def _kind_of(sql: str) -> str:
    if sql in ("null", "unknown"):
        return sql
    try:
        parsed = parse_type(sql)
    except ColumnTypeError:
        return "unknown"
    return "array" if parsed.is_array else _KINDS.get(parsed.base, "unknown")


@dataclass(frozen=True)
class ADQLType:
    sql: str
    unit: str = ""
    ucd: str = ""
    utype: str = ""
    xtype: str = ""
    description: str = ""

    @property
    def kind(self) -> str:
        """number, text, timestamp, boolean, point, circle, polygon, box, moc,
        array, binary, null or unknown."""
        return _kind_of(self.sql)

    @property
    def is_geometry(self) -> bool:
        return self.kind in GEOMETRY_KINDS

    def is_a(self, *kinds: str) -> bool:
        """Of one of ``kinds``, or of a type that may be anything (NULL, unknown)?"""
        return self.kind in kinds or self.kind in ("null", "unknown")

    def bare(self) -> ADQLType:
        """The same type without the annotation of a particular column."""
        return ADQLType(self.sql, self.unit)

    def with_unit(self, unit: str) -> ADQLType:
        return replace(self, unit=unit)

    def votable(self) -> VOType:
        if self.kind in ("null", "unknown"):
            return VOType("char", "*", self.xtype)
        try:
            vo = parse_type(self.sql).votable()
        except ColumnTypeError:
            return VOType("char", "*", self.xtype)
        return VOType(vo.datatype, vo.arraysize, self.xtype or vo.xtype)


def of_column(column: ColumnMeta) -> ADQLType:
    """The type of a table column, with all its VO annotation."""
    try:
        parsed = parse_type(column.type)
        length = f"({parsed.length})" if parsed.length is not None else ""
        # Keep fixed array sizes: the writers encode real[12] as arraysize 12.
        sql = parsed.base + length + "".join(f"[{d}]" if d else "[]"
                                             for d in parsed.array_dims)
    except ColumnTypeError:
        sql = "unknown"
    return ADQLType(sql, column.unit, column.ucd, column.utype, column.xtype,
                    column.description)


INTEGER = ADQLType("integer")
BIGINT = ADQLType("bigint")
DOUBLE = ADQLType("double precision")
TEXT = ADQLType("text")
NULL = ADQLType("null")
UNKNOWN = ADQLType("unknown")
TIMESTAMP = ADQLType("timestamp")
POINT = ADQLType("spoint", "deg")
CIRCLE = ADQLType("scircle", "deg")
POLYGON = ADQLType("spoly", "deg")


def numeric_result(*types: ADQLType) -> ADQLType:
    """The type PostgreSQL gives arithmetic on these numeric types (NULLs ignored)."""
    ranks = [_NUMERIC_RANK.get(t.sql, 5) for t in types if t.kind == "number"]
    if not ranks:
        return DOUBLE
    best = max(ranks)
    if best == 4 and 3 in ranks:
        best = 5
    return ADQLType(next(k for k, v in _NUMERIC_RANK.items() if v == best))


def is_integral(t: ADQLType) -> bool:
    return t.sql in ("smallint", "integer", "bigint")


def common_type(a: ADQLType, b: ADQLType) -> ADQLType | None:
    """The type of a value that may be either (UNION, CASE, COALESCE); None if none."""
    if a.kind == "null" or a.kind == "unknown":
        return b.bare() if b.kind != "null" else a
    if b.kind in ("null", "unknown"):
        return a.bare()
    if a.kind == "number" and b.kind == "number":
        return numeric_result(a, b).with_unit(a.unit if a.unit == b.unit else "")
    if a.kind == b.kind:
        return a.bare() if a.sql == b.sql else ADQLType(
            "text" if a.kind == "text" else a.sql, a.unit if a.unit == b.unit else "")
    return None
