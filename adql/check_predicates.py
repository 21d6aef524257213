"""Checking search conditions: comparisons, BETWEEN, LIKE, IN, NULL tests, EXISTS, logic.

Besides type checks, comparisons are classified for the generator: a
CONTAINS/INTERSECTS compared with 0 or 1 becomes a pgsphere predicate, and
DISTANCE(…) < r becomes a containment in a circle, both forms PostgreSQL
can answer from a position index.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adql import nodes as n
from adql import nodes_geometry as g
from adql.adqltypes import ADQLType
from adql.check_expr import Context, check_condition, check_timestamp, fail, literal_number

_GEOMETRY_EQUALITY = ("=", "<>")


def comparable(ctx: Context, node: n.Node, left: n.Node, right: n.Node,
               op: str = "=") -> None:
    """Raise unless ``left`` and ``right`` (checked already) may be compared with ``op``."""
    a, b = left.type, right.type
    if a.kind in ("null", "unknown") or b.kind in ("null", "unknown"):
        return
    if a.kind == b.kind and a.kind in ("number", "text", "timestamp", "boolean"):
        return
    for one, other in ((left, right), (right, left)):
        if one.type.kind == "timestamp" and isinstance(other, n.StringLiteral):
            check_timestamp(other)
            return
        if one.type.kind == "boolean" and other.type.kind == "number":
            value = literal_number(other)
            if value in (0, 1):
                other.ann["as_boolean"] = bool(value)
                return
    if a.is_geometry and a.kind == b.kind and op in _GEOMETRY_EQUALITY:
        return
    if a.is_geometry or b.is_geometry:
        raise fail(node, f"{_word(a)} and {_word(b)} cannot be compared with {op}",
                   hint="geometries can only be tested for equality with = of the same "
                        "kind; use CONTAINS or INTERSECTS otherwise")
    raise fail(node, f"{_word(a)} cannot be compared with {_word(b)}")


def _word(got: ADQLType) -> str:
    return {"number": "a number", "text": "a string", "timestamp": "a timestamp",
            "boolean": "a boolean"}.get(got.kind, f"a {got.kind.upper()}")


def _comparison(ctx: Context, node: n.Comparison) -> None:
    ctx.check(node.left)
    ctx.check(node.right)
    comparable(ctx, node, node.left, node.right, node.op)
    _classify_geometry(node)


def _classify_geometry(node: n.Comparison) -> None:
    for pred, other, flipped in ((node.left, node.right, False),
                                 (node.right, node.left, True)):
        if isinstance(pred, g.Contains | g.Intersects) and node.op in ("=", "<>"):
            value = literal_number(other)
            if value in (0, 1):
                node.ann["geometry_predicate"] = (pred, (value == 1) == (node.op == "="))
                return
        if isinstance(pred, g.Distance):
            op = _FLIP.get(node.op, node.op) if flipped else node.op
            if op in ("<", "<="):
                radius = literal_number(other)
                if radius is None or 0 <= radius <= 90:
                    node.ann["distance_within"] = (pred, other, op)
                    return


_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}


def _between(ctx: Context, node: n.Between) -> None:
    for part in (node.operand, node.low, node.high):
        ctx.check(part)
    comparable(ctx, node, node.operand, node.low, "BETWEEN")
    comparable(ctx, node, node.operand, node.high, "BETWEEN")


def _like(ctx: Context, node: n.Like) -> None:
    for part, what in ((node.operand, "the value tested by LIKE"),
                       (node.pattern, "a LIKE pattern")):
        got = ctx.check(part)
        if not got.is_a("text"):
            raise fail(part, f"{what} must be a string, not {_word(got)}")


def _in_list(ctx: Context, node: n.InList) -> None:
    ctx.check(node.operand)
    for item in node.items:
        ctx.check(item)
        comparable(ctx, item, node.operand, item, "IN")


def _in_query(ctx: Context, node: n.InQuery) -> None:
    ctx.check(node.operand)
    outputs = ctx.checker.check_subquery(node.query, ctx.scope)
    if len(outputs) != 1:
        raise fail(node.query, f"the subquery of IN must return one column, "
                               f"not {len(outputs)}")
    probe = n.NullLiteral(node.query.pos)
    probe.type = outputs[0].type
    comparable(ctx, node, node.operand, probe, "IN")


def _is_null(ctx: Context, node: n.IsNull) -> None:
    ctx.check(node.operand)


def _exists(ctx: Context, node: n.Exists) -> None:
    ctx.checker.check_subquery(node.query, ctx.scope)


def _not(ctx: Context, node: n.Not) -> None:
    check_condition(ctx, node.operand)


def _junction(ctx: Context, node: n.And | n.Or) -> None:
    for item in node.items:
        check_condition(ctx, item)


PREDICATE_RULES: dict[type, Callable[[Context, Any], None]] = {
    n.Comparison: _comparison,
    n.Between: _between,
    n.Like: _like,
    n.InList: _in_list,
    n.InQuery: _in_query,
    n.IsNull: _is_null,
    n.Exists: _exists,
    n.Not: _not,
    n.And: _junction,
    n.Or: _junction,
}
