"""The types the checker gives ADQL expressions, and their VOTable form.

A type is an RD/SQL type name (``rd.types`` spelling: "integer", "double
precision", "text", "spoint"…) plus the VO annotation that travels with a
value (unit, UCD, utype, xtype, description).  Two pseudo types exist:
"null" (an untyped NULL) and "unknown" (a UDF DR knows nothing about).

Text is "text" or "char(n)" where DR knows it is ASCII (columns the import
found ASCII, ASCII literals, numbers and timestamps made text) and "unicode"
or "unicode(n)" where it may hold anything; results of string operations are
unicode when an operand may be (:func:`text_result`), and a value of unknown
type is written as unicodeChar — never ``char`` for text that might not be
ASCII.
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
def _is_unicode(sql: str) -> bool:
    try:
        return parse_type(sql).base == "unicode"
    except ColumnTypeError:
        return False


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

    @property
    def may_be_unicode(self) -> bool:
        """Might a value of this type be text with non-ASCII characters?"""
        return self.kind == "unknown" or self.kind == "text" and _is_unicode(self.sql)

    def is_a(self, *kinds: str) -> bool:
        """Of one of ``kinds``, or of a type that may be anything (NULL, unknown)?"""
        return self.kind in kinds or self.kind in ("null", "unknown")

    def bare(self) -> ADQLType:
        """The same type without the annotation of a particular column."""
        return ADQLType(self.sql, self.unit)

    def with_unit(self, unit: str) -> ADQLType:
        return replace(self, unit=unit)

    def votable(self) -> VOType:
        if self.kind == "null":
            return VOType("char", "*", self.xtype)
        if self.kind == "unknown":
            return VOType("unicodeChar", "*", self.xtype)
        try:
            vo = parse_type(self.sql).votable()
        except ColumnTypeError:
            return VOType("unicodeChar", "*", self.xtype)
        return VOType(vo.datatype, vo.arraysize, self.xtype or vo.xtype)


@functools.lru_cache(maxsize=8192)  # columns are frozen; each query checks them anew
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
UNICODE = ADQLType("unicode")
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


def text_result(*types: ADQLType) -> ADQLType:
    """The type of text computed from values of these types (concatenated,
    aggregated, passed through a string function): unicode if any may be."""
    return UNICODE if any(t.may_be_unicode for t in types) else TEXT


def literal_text(value: str) -> ADQLType:
    """The type of a string literal."""
    return TEXT if value.isascii() else UNICODE


def is_integral(t: ADQLType) -> bool:
    return t.sql in ("smallint", "integer", "bigint")


def common_type(a: ADQLType, b: ADQLType) -> ADQLType | None:
    """The type of a value that may be either (UNION, CASE, COALESCE); None if none."""
    if a.kind == "unknown" and b.kind == "text" or b.kind == "unknown" and a.kind == "text":
        # Text of unknown content: it may not be ASCII.
        return UNICODE
    if a.kind == "null" or a.kind == "unknown":
        return b.bare() if b.kind != "null" else a
    if b.kind in ("null", "unknown"):
        return a.bare()
    if a.kind == "number" and b.kind == "number":
        return numeric_result(a, b).with_unit(a.unit if a.unit == b.unit else "")
    if a.kind == b.kind:
        if a.sql == b.sql:
            return a.bare()
        if a.kind == "text":
            return text_result(a, b).with_unit(a.unit if a.unit == b.unit else "")
        return ADQLType(a.sql, a.unit if a.unit == b.unit else "")
    return None
