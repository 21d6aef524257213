"""Name resolution: what a table or column name in a query refers to.

A ``Source`` is one entry of a FROM clause (a table, a derived table or a
common table expression) with its columns; a ``Scope`` is one SELECT's FROM
clause, chained to the enclosing SELECT's scope for correlated subqueries.
Columns merged by USING or NATURAL joins appear once, as PostgreSQL shows
them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from adql import nodes as n
from adql.adqltypes import ADQLType
from adql.errors import ADQLError
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

    def named(self, name: n.Name) -> bool:
        return name_matches(name, self.name, self.exact)


@dataclass(eq=False)
class Source:
    qualifier: str                      # the SQL correlation name (unquoted)
    alias: n.Name | None
    columns: list[SourceColumn] = field(default_factory=list)
    table: TableMeta | None = None
    cte: n.Name | None = None

    def answers_to(self, qualifier: tuple[n.Name, ...]) -> bool:
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
        sql = f"{identifier(self.qualifier)}.{identifier(sql_name)}"
        self.columns.append(SourceColumn(name, sql, adql_type, self, sql_name, exact,
                                         pg_typed))

    def column(self, name: n.Name) -> SourceColumn | None:
        found = [c for c in self.columns if c.named(name)]
        return found[0] if len(found) == 1 else None

    @property
    def label(self) -> str:
        if self.alias is not None:
            return str(self.alias)
        if self.table is not None:
            return self.table.qualified_name
        return str(self.cte)


class Scope:
    """The names one SELECT can see: its FROM clause, then the enclosing ones."""

    def __init__(self, sources: list[Source], visible: list[SourceColumn],
                 parent: Scope | None = None) -> None:
        self.sources = sources
        self.visible = visible
        self.parent = parent

    def resolve(self, ref: n.ColumnRef) -> SourceColumn:
        scope: Scope | None = self
        while scope is not None:
            found = scope._lookup(ref)
            if found is not None:
                return found
            scope = scope.parent
        raise self._unknown(ref)

    def _lookup(self, ref: n.ColumnRef) -> SourceColumn | None:
        name = ref.name
        if not ref.qualifier:
            found = [c for c in self.visible if c.named(name)]
            if len(found) > 1:
                tables = ", ".join(sorted({c.source.label for c in found if c.source}))
                raise ADQLError(f"column {name} is ambiguous: it is in {tables}",
                                offset=ref.pos, hint="qualify it with a table name "
                                                     "or alias, e.g. t.col")
            return found[0] if found else None
        sources = [s for s in self.sources if s.answers_to(ref.qualifier)]
        if not sources:
            return None
        if len(sources) > 1:
            raise ADQLError(f"{'.'.join(map(str, ref.qualifier))} is ambiguous here",
                            offset=ref.pos, hint="give the tables different aliases")
        column = sources[0].column(name)
        if column is None:
            raise ADQLError(f"{sources[0].label} has no column {name}", offset=ref.pos,
                            hint=_suggest(name, [c.name for c in sources[0].columns]))
        return column

    def _unknown(self, ref: n.ColumnRef) -> ADQLError:
        if ref.qualifier:
            label = ".".join(map(str, ref.qualifier))
            return ADQLError(f"no table or alias {label} in the FROM clause here",
                             offset=ref.pos)
        names: list[str] = []
        scope: Scope | None = self
        while scope is not None:
            names.extend(c.name for c in scope.visible)
            scope = scope.parent
        return ADQLError(f"unknown column {ref.name}", offset=ref.pos,
                         hint=_suggest(ref.name, names))

    def source_named(self, qualifier: tuple[n.Name, ...], pos: int) -> Source:
        found = [s for s in self.sources if s.answers_to(qualifier)]
        if len(found) != 1:
            label = ".".join(map(str, qualifier))
            raise ADQLError(f"no table or alias {label} in the FROM clause" if not found
                            else f"{label} is ambiguous here", offset=pos)
        return found[0]


_REGULAR = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def name_matches(name: n.Name, declared: str, exact: bool) -> bool:
    """Does ``name`` denote ``declared``?  Exact (delimited) names need "exactly this"."""
    if exact:
        return name.delimited and name.text == declared
    return name.matches(declared)


def needs_delimiting(name: str, sql_name: str = "") -> bool:
    """Is ``name`` (with the SQL name it was declared with) a delimited identifier?

    Names that are no regular identifiers are; so are mixed-case names whose SQL
    name was given explicitly (a quoted identifier in the database).
    """
    if not _REGULAR.match(name):
        return True
    return bool(sql_name) and name != name.lower()


def column_sql_name(name: str, sql_name: str) -> str:
    """The name PostgreSQL knows a column by: unquoted names fold to lower case."""
    if sql_name:
        return sql_name
    return name.lower() if _REGULAR.match(name) else name


def _suggest(name: n.Name, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(name.key, [c.lower() for c in candidates], n=3)
    if close:
        return "did you mean " + " or ".join(close) + "?"
    return None
