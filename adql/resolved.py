"""What names and queries resolve to: the checker's findings that the generator reads.

A ``Source`` is one entry of a FROM clause (a table, a derived table or a
common table expression) with its columns, each a ``SourceColumn`` carrying
the SQL that reads it; an ``Output`` is one result column of a query.  Nodes
hold these in their typed annotations (``ColumnRef.column``,
``TableRef.source``, ``Query.outputs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from adql.adqltypes import ADQLType
from adql.names import Name, name_matches
from adql.sqltext import identifier
from rd.tablemeta import TableMeta


@dataclass(eq=False)
class SourceColumn:
    """A column as a query sees it; ``sql`` is the expression that reads it."""

    name: str
    sql: str
    type: ADQLType
    source: Source | None = None        # None for a column merged by USING/NATURAL
    sql_name: str = ""                  # the column's own SQL name in its table
    exact: bool = False                 # a delimited name: only "exactly this" matches
    pg_typed: bool = True               # PostgreSQL gives it exactly ``type``

    def __post_init__(self) -> None:
        self._folded = self.name.lower()   # what a regular name is compared with

    def named(self, name: Name) -> bool:
        """Does ``name`` denote this column (as :func:`adql.names.name_matches` says)?"""
        if self.exact or name.delimited:
            return name_matches(name, self.name, self.exact)
        return name.key == self._folded


@dataclass(eq=False)
class Source:
    qualifier: str                      # the SQL correlation name (unquoted)
    alias: Name | None
    columns: list[SourceColumn] = field(default_factory=list)
    table: TableMeta | None = None
    cte: Name | None = None

    def answers_to(self, qualifier: tuple[Name, ...]) -> bool:
        """Does ``qualifier`` (schema.table, table or alias) denote this source?"""
        if self.alias is not None or self.cte is not None:
            own = self.alias or self.cte
            return len(qualifier) == 1 and qualifier[0].key == own.key
        if self.table is None or len(qualifier) > 2:
            return False
        if not qualifier[-1].matches(self.table.name):
            return False
        return len(qualifier) == 1 or qualifier[0].matches(self.table.schema)

    def add(self, name: str, sql_name: str, adql_type: ADQLType, exact: bool = False,
            pg_typed: bool = True) -> None:
        sql = identifier(self.qualifier) + "." + identifier(sql_name)
        self.columns.append(SourceColumn(name, sql, adql_type, self, sql_name, exact,
                                         pg_typed))

    def column(self, name: Name) -> SourceColumn | None:
        found = [c for c in self.columns if c.named(name)]
        return found[0] if len(found) == 1 else None

    @property
    def label(self) -> str:
        if self.alias is not None:
            return str(self.alias)
        if self.table is not None:
            return self.table.qualified_name
        return str(self.cte)


@dataclass(frozen=True)
class Output:
    """One result column of a SELECT or set operation."""

    name: str
    type: ADQLType
    exact: bool = False
    pg_typed: bool = True       # PostgreSQL computes exactly ``type`` (no cast needed)
