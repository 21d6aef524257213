"""The GROUP BY rule: outside aggregates, a grouped query may only show grouped values.

PostgreSQL reports a violation as "column must appear in the GROUP BY clause
or be used in an aggregate function"; checking it here names the column in
the user's query instead.  Grouping by a table's whole primary key makes all
its columns usable, as in PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from adql import functions
from adql import nodes as n
from adql import nodes_query as q
from adql.errors import ADQLError
from adql.scope import Scope

_SUBQUERIES = (n.ScalarSubquery, n.InQuery, n.Exists)


def is_aggregate(node: n.Node) -> bool:
    if isinstance(node, n.Aggregate):
        return True
    if isinstance(node, n.FunctionCall):
        function = functions.lookup(node.name)
        return function is not None and function.aggregate
    return False


def has_aggregate(node: n.Node) -> bool:
    """Does ``node`` contain an aggregate of its own SELECT (not of a subquery)?"""
    if is_aggregate(node):
        return True
    if isinstance(node, _SUBQUERIES):
        return False
    return any(has_aggregate(child) for child in node.children())


def fingerprint(node: Any) -> Any:
    """A value equal for expressions that compute the same thing from the same columns."""
    if isinstance(node, n.ColumnRef):
        column = node.column
        return ("column", id(column)) if column is not None else ("column", node.parts)
    if isinstance(node, n.Node):
        return (type(node).__name__,) + tuple(
            (key, fingerprint(value)) for key, value in sorted(node.args.items()))
    if isinstance(node, list | tuple):
        return tuple(fingerprint(v) for v in node)
    if isinstance(node, n.Name):
        return node.key
    return node


def check_grouping(select: q.Select, scope: Scope) -> None:
    keys = {fingerprint(term.expr) for term in select.grouping}
    grouped = {k[1] for k in keys if k and k[0] == "column"}
    whole = set()
    for source in scope.sources:
        key = source.table.primary_key if source.table is not None else ()
        if key and all(any(id(c) in grouped for c in source.columns
                           if c.name.lower() == k.lower()) for k in key):
            whole.add(id(source))
    local = {id(c) for c in scope.visible} | {id(c) for s in scope.sources for c in s.columns}

    def visit(node: n.Node) -> None:
        if fingerprint(node) in keys or is_aggregate(node) or isinstance(node, _SUBQUERIES):
            return
        if isinstance(node, n.ColumnRef):
            column = node.column
            if id(column) in local and id(column.source) not in whole:
                raise ADQLError(
                    f"column {column.name} must be in GROUP BY or inside an aggregate "
                    "function", offset=node.pos,
                    hint="add it to GROUP BY or use e.g. MAX(...) or COUNT(...)")
            return
        for child in node.children():
            visit(child)

    for item in select.items:
        visit(item.expr)
    if select.having is not None:
        visit(select.having)
    for item in select.order_by or ():
        if item.position is None:
            visit(item.expr)
