"""The checker's core: its rule tables, the Context rules run in, the Checker itself.

Checking resolves names against the table metadata a user may see, infers and
enforces types, and records what it learns in the nodes' typed annotations
(``Node.type``, ``ColumnRef.column``, ``Query.outputs``…) for the generator.
Each construct has one rule, in the table of the role ADQL gives it: a value,
a search condition, a query or a FROM item.  The rules live in
``check_expr``, ``check_geometry``, ``check_predicates`` and ``check_query``;
a node whose class has no rule in the table its place asks for is refused,
so nothing unchecked reaches the generator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from adql import nodes as n
from adql import nodes_query as q
from adql.adqltypes import ADQLType
from adql.errors import ADQLError
from adql.resolved import Output, Source, SourceColumn
from adql.rules import RuleTable
from adql.scope import Scope
from rd.tablemeta import TableMeta

_BOOLEAN = ADQLType("boolean")


def describe(node: n.Node) -> str:
    if isinstance(node, n.FunctionCall | n.Aggregate):
        return node.name
    return type(node).__name__.upper()


def fail(node: n.Node, message: str, hint: str | None = None) -> ADQLError:
    return ADQLError(message, offset=node.pos, hint=hint)


# A value's rule returns its type (Context.check stores it on the node).
VALUES: RuleTable[Callable[[Context, Any], ADQLType]] = RuleTable(
    "value", lambda node: f"{describe(node)} cannot be used here")
CONDITIONS: RuleTable[Callable[[Context, Any], None]] = RuleTable(
    "condition", lambda node: "a condition is needed here (e.g. x > 0), not a value")
# A query's rule returns its result columns; the context's scope is the
# enclosing query's, for correlated subqueries.
QUERIES: RuleTable[Callable[[Context, Any], list[Output]]] = RuleTable(
    "query", lambda node: "a query is needed here")
# A FROM item's rule returns the sources it brings in and the columns it shows.
FROM_ITEMS: RuleTable[Callable[[Context, Any], tuple[list[Source], list[SourceColumn]]]] \
    = RuleTable("FROM", lambda node: "this cannot appear in FROM")


@dataclass(slots=True)
class Context:
    """Where an expression stands: its scope, and whether aggregates may appear."""

    checker: Checker
    scope: Scope | None
    clause: str
    aggregates: bool = False
    in_aggregate: bool = False

    def derive(self, **changes: Any) -> Context:
        return replace(self, **changes)

    def check(self, node: n.Node) -> ADQLType:
        """Check a value expression; its type, also stored on ``node``."""
        node.type = VALUES.find(node)(self, node)
        return node.type

    def check_condition(self, node: n.Node) -> None:
        """Check a search condition (a predicate or a boolean combination of them)."""
        CONDITIONS.find(node)(self, node)
        node.type = _BOOLEAN

    def check_query(self, query: n.Node) -> list[Output]:
        """Check a subquery, which may refer to the columns this context sees."""
        return self.checker.check_query(query, self.scope)

    def check_from(self, item: n.Node) -> tuple[list[Source], list[SourceColumn]]:
        return FROM_ITEMS.find(item)(self, item)


class Checker:
    """Checks one statement against the tables a user may query."""

    def __init__(self, tables: Mapping[str, TableMeta]) -> None:
        self.tables = {key.lower(): meta for key, meta in tables.items()}
        self.by_name: dict[str, list[TableMeta]] = {}
        for meta in self.tables.values():
            self.by_name.setdefault(meta.name.lower(), []).append(meta)
        self.ctes: list[tuple[n.Name, list[Output]]] = []

    def check_statement(self, statement: q.Statement) -> list[Output]:
        for cte in statement.ctes or ():
            if any(cte.name.key == name.key for name, _ in self.ctes):
                raise fail(cte, f"WITH defines {cte.name} twice")
            outputs = self.check_query(cte.query, None)
            self.ctes.append((cte.name, outputs))
        outputs = self.check_query(statement.query, None)
        _mark_results(statement.query, [output.type for output in outputs])
        statement.query.outermost = True
        return outputs

    def check_query(self, query: n.Node, parent: Scope | None) -> list[Output]:
        return QUERIES.find(query)(Context(self, parent, "a query"), query)


def _mark_results(query: q.Query, types: list[ADQLType]) -> None:
    query.result_types = types
    if isinstance(query, q.SetOperation):
        _mark_results(query.left, types)
        _mark_results(query.right, types)
