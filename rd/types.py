"""SQL types as RDs write them, and the one mapping to VOTable datatypes.

TAP_SCHEMA, VOSI, the ADQL translator's result metadata and the VOTable
writers all take VOTable datatype, arraysize and xtype from here.

Text is ``char`` in VOTables, which VOTable 1.4 defines as ASCII, and
``unicodeChar`` for ``unicode`` (text) and ``unicode(n)`` (char(n)) columns.
Which text columns actually hold non-ASCII DR learns at import
(``dc.tables.unicode_columns``); :func:`as_unicode` gives the type such a
column is described with, so that every client reads its values back exactly.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rd.errors import DRError


class ColumnTypeError(DRError):
    """A column type DR does not know."""


@dataclass(frozen=True)
class VOType:
    datatype: str
    arraysize: str = ""  # "" means a scalar
    xtype: str = ""


# Scalar SQL types (canonical spelling) and their VOTable form.
_SCALARS: dict[str, VOType] = {
    "smallint": VOType("short"),
    "integer": VOType("int"),
    "bigint": VOType("long"),
    "real": VOType("float"),
    "double precision": VOType("double"),
    "boolean": VOType("boolean"),
    "text": VOType("char", "*"),
    "unicode": VOType("unicodeChar", "*"),
    "char": VOType("char", "1"),
    "date": VOType("char", "*", "timestamp"),
    "timestamp": VOType("char", "*", "timestamp"),
    "timestamptz": VOType("char", "*", "timestamp"),
    "bytea": VOType("unsignedByte"),
    "spoint": VOType("double", "2", "point"),
    "scircle": VOType("double", "3", "circle"),
    "spoly": VOType("double", "*", "polygon"),
    "sbox": VOType("double", "4", "x-box"),
    "smoc": VOType("char", "*", "moc"),
}

_ALIASES = {
    "int": "integer", "int4": "integer", "int2": "smallint", "int8": "bigint",
    "float4": "real", "float8": "double precision", "double": "double precision",
    "float": "double precision", "bool": "boolean", "varchar": "text",
    "character varying": "text", "string": "text",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
}

_TYPE_RE = re.compile(
    r"^\s*(?P<base>[a-z][a-z0-9 ]*?)\s*(?:\(\s*(?P<len>\d+)\s*\))?\s*"
    r"(?P<array>(?:\[\s*\d*\s*\])*)\s*$")


@dataclass(frozen=True)
class SQLType:
    """A parsed column type: base type, optional length (char(n)), array dimensions."""

    base: str
    length: int | None = None
    array_dims: tuple[int | None, ...] = ()

    @property
    def is_array(self) -> bool:
        return bool(self.array_dims)

    @property
    def is_text(self) -> bool:
        """Text that may hold any character (text, varchar, char(n), unicode…)."""
        return self.base in TEXT_BASES

    @property
    def sql(self) -> str:
        """The type as PostgreSQL DDL spells it."""
        base = {"unicode": "text", "char": "char", "text": "text"}.get(self.base, self.base)
        if self.base == "char" or self.base == "unicode" and self.length:
            base = f"char({self.length or 1})"
        elif self.length is not None and self.base not in ("text", "unicode"):
            base = f"{self.base}({self.length})"
        return base + "[]" * len(self.array_dims)

    def votable(self) -> VOType:
        scalar = _SCALARS[self.base]
        # char(n) and unicode(n) hold strings of n characters.
        fixed = self.base == "char" or self.base == "unicode" and self.length is not None
        if fixed and self.length:
            scalar = VOType(scalar.datatype, str(self.length))
        if not self.array_dims:
            if self.base == "unicode":
                # unicodeChar counts UTF-16 units, and a character beyond the
                # BMP takes two: no fixed size holds every n characters.
                return _SCALARS["unicode"]
            return scalar
        if scalar.arraysize and not fixed:
            # Arrays of strings and geometries have no VOTable form DR writes.
            raise ColumnTypeError(f"arrays of {self.base} cannot be written to VOTables")
        dims = ["*" if d is None else str(d) for d in self.array_dims]
        inner = [scalar.arraysize] if scalar.arraysize else []
        return VOType(scalar.datatype, "x".join(inner + dims[::-1]), scalar.xtype)


TEXT_BASES = frozenset({"text", "char", "unicode"})


def as_unicode(text: str) -> str:
    """The RD type of a text column that holds non-ASCII: ``text`` becomes
    ``unicode``, ``char(n)`` ``unicode(n)`` (arrays alike); other types stay."""
    parsed = parse_type(text)
    if parsed.base not in ("text", "char"):
        return text
    length = f"({parsed.length or 1})" if parsed.base == "char" else ""
    dims = "".join(f"[{d}]" if d else "[]" for d in parsed.array_dims)
    return f"unicode{length}{dims}"


@functools.lru_cache(maxsize=2048)  # a pure function of a few hundred distinct texts
def parse_type(text: str) -> SQLType:
    """Parse an RD column type such as ``real[]``, ``char(4)`` or ``double precision``."""
    match = _TYPE_RE.match(text.lower())
    if not match:
        raise ColumnTypeError(f"unknown column type {text!r}")
    base = " ".join(match.group("base").split())
    base = _ALIASES.get(base, base)
    if base not in _SCALARS:
        raise ColumnTypeError(
            f"unknown column type {text!r}",
            hint="use integer, bigint, smallint, real, double precision, boolean, text, "
                 "unicode, char(n), unicode(n), date, timestamp, spoint, scircle, spoly, "
                 "sbox, smoc, or an array of a numeric type such as real[]")
    length = int(match.group("len")) if match.group("len") else None
    dims = tuple(int(d) if d else None
                 for d in re.findall(r"\[\s*(\d*)\s*\]", match.group("array")))
    return SQLType(base, length, dims)
