"""Checking search conditions: comparisons, BETWEEN, LIKE, IN, NULL tests, EXISTS, logic.

One rule per node class, registered in ``adql.checking.CONDITIONS``.  Besides
type checks, comparisons are classified for the generator
(``Comparison.index_form``): a CONTAINS/INTERSECTS compared with 0 or 1
becomes a pgsphere predicate, and DISTANCE(…) < r becomes a containment in a
circle, both forms PostgreSQL can answer from a position index.
"""

from __future__ import annotations

from adql import nodes as n
from adql import nodes_geometry as g
from adql.adqltypes import ADQLType
from adql.check_expr import check_timestamp, literal_number
from adql.checking import CONDITIONS, Context, fail

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
                if isinstance(other, n.NumberLiteral):
                    other.as_boolean = bool(value)
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


@CONDITIONS.rule(n.Comparison)
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
                node.index_form = n.RegionTest(pred, (value == 1) == (node.op == "="))
                return
        if isinstance(pred, g.Distance):
            op = _FLIP.get(node.op, node.op) if flipped else node.op
            if op in ("<", "<="):
                radius = literal_number(other)
                if radius is None or 0 <= radius <= 90:
                    node.index_form = n.DistanceTest(pred, other, op, radius is not None)
                    return


_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}


@CONDITIONS.rule(n.Between)
def _between(ctx: Context, node: n.Between) -> None:
    for part in (node.operand, node.low, node.high):
        ctx.check(part)
    comparable(ctx, node, node.operand, node.low, "BETWEEN")
    comparable(ctx, node, node.operand, node.high, "BETWEEN")


@CONDITIONS.rule(n.Like)
def _like(ctx: Context, node: n.Like) -> None:
    for part, what in ((node.operand, "the value tested by LIKE"),
                       (node.pattern, "a LIKE pattern")):
        got = ctx.check(part)
        if not got.is_a("text"):
            raise fail(part, f"{what} must be a string, not {_word(got)}")


@CONDITIONS.rule(n.InList)
def _in_list(ctx: Context, node: n.InList) -> None:
    ctx.check(node.operand)
    for item in node.items:
        ctx.check(item)
        comparable(ctx, item, node.operand, item, "IN")


@CONDITIONS.rule(n.InQuery)
def _in_query(ctx: Context, node: n.InQuery) -> None:
    ctx.check(node.operand)
    outputs = ctx.check_query(node.query)
    if len(outputs) != 1:
        raise fail(node.query, f"the subquery of IN must return one column, "
                               f"not {len(outputs)}")
    probe = n.NullLiteral(node.query.pos)
    probe.type = outputs[0].type
    comparable(ctx, node, node.operand, probe, "IN")


@CONDITIONS.rule(n.IsNull)
def _is_null(ctx: Context, node: n.IsNull) -> None:
    ctx.check(node.operand)


@CONDITIONS.rule(n.Exists)
def _exists(ctx: Context, node: n.Exists) -> None:
    ctx.check_query(node.query)


@CONDITIONS.rule(n.Not)
def _not(ctx: Context, node: n.Not) -> None:
    ctx.check_condition(node.operand)


@CONDITIONS.rule(n.And, n.Or)
def _junction(ctx: Context, node: n.And | n.Or) -> None:
    for item in node.items:
        ctx.check_condition(item)
