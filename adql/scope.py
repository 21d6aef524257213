"""Name resolution: what a column name in a query refers to.

A ``Scope`` is one SELECT's FROM clause (its ``adql.resolved.Source``s),
chained to the enclosing SELECT's scope for correlated subqueries.  Columns
merged by USING or NATURAL joins appear once, as PostgreSQL shows them.
"""

from __future__ import annotations

import difflib

from adql import nodes as n
from adql.errors import ADQLError
from adql.resolved import Source, SourceColumn


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


def _suggest(name: n.Name, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(name.key, [c.lower() for c in candidates], n=3)
    if close:
        return "did you mean " + " or ".join(close) + "?"
    return None
