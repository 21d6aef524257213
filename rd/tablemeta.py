"""Table metadata as plain data: the contract between rd, adql and engine.

The engine builds these from RDs (and from TAP uploads); the ADQL translator
checks and translates against a mapping of them; TAP_SCHEMA and VOSI are
written from them.  Nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def pos_index_expression(ra_sql: str, dec_sql: str) -> str:
    """The SQL expression the position index is built on, from two column expressions.

    The DDL and the ADQL translator both call this: PostgreSQL uses an
    expression index only when a query repeats the expression exactly.
    """
    return f"spoint(radians({ra_sql}), radians({dec_sql}))"


@dataclass(frozen=True)
class ColumnMeta:
    """One column: its name (as ADQL and SQL see it), type and VO annotation.

    ``name`` is what results call the column; a regular identifier is in lower
    case, a delimited one (DaCHS's ``quoted/B-V``) as declared, with
    ``sql_name`` set to it: ADQL matches such names case-sensitively.
    """

    name: str
    type: str  # the RD type, e.g. "double precision", "real[]", "spoint"
    unit: str = ""
    ucd: str = ""
    utype: str = ""
    xtype: str = ""  # overrides the xtype derived from the type
    description: str = ""
    principal: bool = False
    indexed: bool = False
    std: bool = False
    verb_level: int = 20
    required: bool = False
    # The column's name in SQL when it differs from ``name`` (e.g. a quoted
    # delimited identifier); empty means the same.
    sql_name: str = ""

    @property
    def sql(self) -> str:
        return self.sql_name or self.name


@dataclass(frozen=True)
class PositionIndex:
    """The main position columns of a table, indexed as pos_index_expression(ra, dec)."""

    ra: str  # the columns' SQL names
    dec: str


def partition_key_expression(order: int, point_sql: str) -> str:
    """The SQL of a HEALPix-partitioned table's partition key, over the SQL of a point.

    The DDL partitions on it and the translators constrain it: PostgreSQL prunes
    partitions only for conditions on exactly this expression.
    """
    return f"healpix_nest({order}, {point_sql})"


@dataclass(frozen=True)
class HealpixPartitions:
    """A table split into ``count`` partitions, contiguous ranges of the nested
    HEALPix index at ``order`` of its main position (``//scs#healpix-partitions``)."""

    order: int
    count: int

    @property
    def cells(self) -> int:
        return 12 * 4 ** self.order

    def bounds(self) -> list[int]:
        """The first cell of each partition, and the number of cells at the end."""
        return [k * self.cells // self.count for k in range(self.count + 1)]


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    target_table: str  # qualified: schema.table
    target_columns: tuple[str, ...]


@dataclass(frozen=True)
class TableMeta:
    """One table as ADQL, TAP_SCHEMA and the writers see it."""

    schema: str
    name: str
    columns: tuple[ColumnMeta, ...]
    description: str = ""
    utype: str = ""
    title: str = ""
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    position: PositionIndex | None = None
    # Set when the table is partitioned by the HEALPix index of ``position``.
    partitions: HealpixPartitions | None = None
    # Groups allowed to read the table; empty means public.
    read_groups: frozenset[str] = frozenset()
    # Meta such as the CALIFA provenance keys (AUTHOR, VERSION, ...).
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    # The table's name in SQL when it differs (e.g. a TAP upload's temporary table).
    sql_name: str = ""

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    @property
    def sql(self) -> str:
        return self.sql_name or self.qualified_name

    def column(self, name: str) -> ColumnMeta | None:
        """The column named exactly ``name``, else one named so ignoring case."""
        lowered = name.lower()
        exact = next((col for col in self.columns if col.name == name), None)
        return exact or next((c for c in self.columns if c.name.lower() == lowered), None)


@dataclass(frozen=True)
class ResultColumn:
    """A column of a query result as the output formats write it (a VOTable FIELD).

    The ADQL translator's result metadata has these same attributes; services
    build them from table columns with :meth:`from_column`.  Geometry values
    arrive as DALI arrays in degrees (point, circle, polygon).
    """

    name: str
    datatype: str  # VOTable datatype: short, int, long, float, double, boolean,
    #                char, unicodeChar, unsignedByte
    arraysize: str = ""  # "" scalar; "*", "12", "2x3", "10*" as VOTable writes it
    xtype: str = ""
    unit: str = ""
    ucd: str = ""
    utype: str = ""
    description: str = ""

    @classmethod
    def from_column(cls, col: ColumnMeta) -> ResultColumn:
        from rd.types import parse_type

        vo = parse_type(col.type).votable()
        return cls(name=col.name, datatype=vo.datatype, arraysize=vo.arraysize,
                   xtype=col.xtype or vo.xtype, unit=col.unit, ucd=col.ucd,
                   utype=col.utype, description=col.description)
