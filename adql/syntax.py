"""ADQL's syntax rules that the grammar leaves to a second look, and function calls.

The grammar parses every ``name(args)`` into a ``RawCall``; this pass turns
each into the node of its construct (POINT → Point, COUNT → Aggregate, ABS →
FunctionCall…), checking argument counts and forms, and enforces the rules
that need context: name lengths, geometries outside string and arithmetic
operators, CASE forms, join specifications.  No database metadata is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adql import functions
from adql import nodes as n
from adql import nodes_geometry as g
from adql import nodes_query as q
from adql.errors import ADQLError
from adql.grammar_expr import RawCall
from adql.rules import RuleTable
from adql.stcs import parse_stcs

# Rules of this pass take a node and return what replaces it; nodes without
# one stay as they are (the checker refuses what it has no rule for).
REWRITES: RuleTable[Callable[[Any], n.Node]] = RuleTable("syntax")

PREDICATES = (n.Comparison, n.Between, n.Like, n.InList, n.InQuery, n.IsNull, n.Exists,
              n.Not, n.And, n.Or)


def apply(statement: q.Statement) -> q.Statement:
    """Rewrite and check ``statement`` in place; raise ADQLError on a violation."""
    return _rewrite(statement)


def _rewrite(node: n.Node) -> Any:
    for key, value in node.args.items():
        if isinstance(value, n.Node):
            node.args[key] = _rewrite(value)
        elif isinstance(value, list):
            node.args[key] = [_rewrite(v) if isinstance(v, n.Node) else v for v in value]
    rule = REWRITES.get(node)
    return rule(node) if rule else node


def _fail(node: n.Node, message: str, hint: str | None = None) -> None:
    raise ADQLError(message, offset=node.pos, hint=hint)


# -- function calls -------------------------------------------------------------------

def _is_coordsys(node: n.Node) -> bool:
    return isinstance(node, n.StringLiteral | n.NullLiteral)


def _is_point_like(node: n.Node) -> bool:
    """May ``node`` be a point (ADQL's <coord_value>)? Types are checked later."""
    return isinstance(node, g.Point | g.Centroid | n.ColumnRef | n.FunctionCall
                      | n.Cast | n.Coalesce | n.Case | n.ScalarSubquery)


def _point_arg(call: RawCall, node: n.Node, what: str) -> n.Node:
    if not _is_point_like(node):
        _fail(node, f"{call.name.upper()}: the {what} must be a POINT or a column "
                    "holding points")
    return node


def _split_coordsys(args: list[n.Node], plain_counts: tuple[int, ...]
                    ) -> tuple[n.Node | None, list[n.Node]]:
    if args and _is_coordsys(args[0]) and len(args) - 1 in plain_counts:
        return args[0], args[1:]
    return None, args


def _point(call: RawCall, args: list[n.Node]) -> n.Node:
    cs, rest = _split_coordsys(args, (2,))
    if len(rest) != 2:
        _fail(call, "POINT takes two coordinates (optionally preceded by a coordinate "
                    f"system), not {len(args)} arguments")
    return g.Point(call.pos, coordsys=cs, x=rest[0], y=rest[1])


def _circle(call: RawCall, args: list[n.Node]) -> n.Node:
    cs, rest = _split_coordsys(args, (2, 3))
    if len(rest) == 3:
        center: n.Node = g.Point(rest[0].pos, x=rest[0], y=rest[1])
    elif len(rest) == 2:
        center = _point_arg(call, rest[0], "center")
    else:
        _fail(call, "CIRCLE takes a center (two coordinates or a POINT) and a radius")
    return g.Circle(call.pos, coordsys=cs, center=center, radius=rest[-1])


def _box(call: RawCall, args: list[n.Node]) -> n.Node:
    cs, rest = _split_coordsys(args, (3, 4))
    if len(rest) == 4:
        center: n.Node = g.Point(rest[0].pos, x=rest[0], y=rest[1])
    elif len(rest) == 3:
        center = _point_arg(call, rest[0], "center")
    else:
        _fail(call, "BOX takes a center (two coordinates or a POINT), a width and a height")
    return g.Box(call.pos, coordsys=cs, center=center, width=rest[-2], height=rest[-1])


def _polygon(call: RawCall, args: list[n.Node]) -> n.Node:
    cs = args[0] if args and _is_coordsys(args[0]) else None
    rest = args[1:] if cs is not None else args
    constructors = any(isinstance(a, g.Point | g.Centroid) for a in rest)
    point_columns = 3 <= len(rest) < 6 and all(_is_point_like(a) for a in rest)
    if constructors or point_columns:
        vertices = [_point_arg(call, a, "vertex") for a in rest]
    elif len(rest) >= 6 and len(rest) % 2 == 0:
        vertices = [g.Point(rest[i].pos, x=rest[i], y=rest[i + 1])
                    for i in range(0, len(rest), 2)]
    else:
        _fail(call, "POLYGON needs at least three vertices, given as coordinate pairs "
                    f"or POINTs ({len(rest)} values given)")
    return g.Polygon(call.pos, coordsys=cs, vertices=vertices)


def _region(call: RawCall, args: list[n.Node]) -> n.Node:
    if len(args) != 1 or not isinstance(args[0], n.StringLiteral):
        _fail(call, "REGION takes one string literal holding an STC-S shape")
    return g.Region(call.pos, text=args[0].value, shape=parse_stcs(args[0].value, call.pos))


def _distance(call: RawCall, args: list[n.Node]) -> n.Node:
    if len(args) == 4:
        left: n.Node = g.Point(args[0].pos, x=args[0], y=args[1])
        right: n.Node = g.Point(args[2].pos, x=args[2], y=args[3])
    elif len(args) == 2:
        left, right = args
    else:
        _fail(call, "DISTANCE takes two POINTs or four coordinates")
    return g.Distance(call.pos, left=left, right=right)


def _fixed(cls: type[n.Node], *names: str) -> Callable[[RawCall, list[n.Node]], n.Node]:
    def build(call: RawCall, args: list[n.Node]) -> n.Node:
        if len(args) != len(names):
            _fail(call, f"{call.name.upper()} takes {len(names)} argument"
                        f"{'s' if len(names) != 1 else ''}, not {len(args)}")
        return cls(call.pos, **dict(zip(names, args, strict=True)))
    return build


def _coalesce(call: RawCall, args: list[n.Node]) -> n.Node:
    if not args:
        _fail(call, "COALESCE needs at least one argument")
    return n.Coalesce(call.pos, items=args)


def _in_unit(call: RawCall, args: list[n.Node]) -> n.Node:
    if len(args) != 2 or not isinstance(args[1], n.StringLiteral):
        _fail(call, "IN_UNIT takes an expression and a unit given as a string literal, "
                    "e.g. IN_UNIT(pmra, 'deg/yr')")
    return n.InUnit(call.pos, operand=args[0], unit=args[1])


_SPECIAL: dict[str, Callable[[RawCall, list[n.Node]], n.Node]] = {
    "POINT": _point, "CIRCLE": _circle, "BOX": _box, "POLYGON": _polygon,
    "REGION": _region, "DISTANCE": _distance,
    "CONTAINS": _fixed(g.Contains, "left", "right"),
    "INTERSECTS": _fixed(g.Intersects, "left", "right"),
    "AREA": _fixed(g.Area, "operand"), "CENTROID": _fixed(g.Centroid, "operand"),
    "COORD1": _fixed(g.Coord1, "operand"), "COORD2": _fixed(g.Coord2, "operand"),
    "COORDSYS": _fixed(g.CoordSys, "operand"), "NULLIF": _fixed(n.NullIf, "left", "right"),
    "COALESCE": _coalesce, "IN_UNIT": _in_unit,
}


@REWRITES.rule(RawCall)
def _raw_call(call: RawCall) -> n.Node:
    name, args = call.name, call.arguments
    upper = name.upper()
    if upper in functions.AGGREGATES:
        if call.star:
            if upper != "COUNT":
                _fail(call, f"{upper}(*) does not exist; only COUNT(*) does")
            return n.Aggregate(call.pos, name="COUNT", operand=None, distinct=False)
        if len(args) != 1:
            _fail(call, f"{upper} takes one argument, not {len(args)}")
        return n.Aggregate(call.pos, name=upper, operand=args[0],
                           distinct=call.quantifier == "DISTINCT")
    if call.star or call.quantifier:
        _fail(call, f"only aggregate functions take {'*' if call.star else call.quantifier}")
    if upper in _SPECIAL:
        return _SPECIAL[upper](call, args)
    function = functions.lookup(name)
    if function is None and not functions.UDF_PREFIX.match(name):
        _fail(call, f"unknown function {name}",
              hint="user-defined functions start with ivo_; see the service's "
                   "capabilities for the functions it offers")
    if function is not None and not function.accepts(len(args)):
        _fail(call, f"{name.upper() if not function.udf else name} takes "
                    f"{function.arity_text()}, not {len(args)}")
    return n.FunctionCall(call.pos, name=function.name if function else name.lower(),
                          arguments=args)


# -- structural rules -------------------------------------------------------------------

def _no_geometry(*operands: n.Node) -> None:
    for operand in operands:
        if isinstance(operand, g.GEOMETRY_CONSTRUCTORS):
            _fail(operand, "a geometry cannot be used with arithmetic or string operators")


@REWRITES.rule(n.Arithmetic, n.Concatenation, n.Bitwise, n.Negative, n.BitNot)
def _operator(node: n.Node) -> n.Node:
    _no_geometry(*node.children())
    return node


@REWRITES.rule(n.ColumnRef)
def _column_ref(node: n.ColumnRef) -> n.Node:
    if len(node.parts) > 4:
        _fail(node, "a column reference has at most four parts "
                    "(catalog.schema.table.column)")
    return node


@REWRITES.rule(n.Star)
def _star(node: n.Star) -> n.Node:
    if node.qualifier and len(node.qualifier) > 3:
        _fail(node, "a table name has at most three parts (catalog.schema.table)")
    return node


@REWRITES.rule(q.TableRef)
def _table_ref(node: q.TableRef) -> n.Node:
    if len(node.parts) > 3:
        _fail(node, "a table name has at most three parts (catalog.schema.table)")
    return node


@REWRITES.rule(n.Case)
def _case(node: n.Case) -> n.Node:
    for when in node.whens:
        is_predicate = isinstance(when.condition, PREDICATES)
        if node.operand is None and not is_predicate:
            _fail(when.condition, "CASE WHEN needs a condition here (e.g. x > 0)")
        if node.operand is not None and is_predicate:
            _fail(when.condition, "in CASE x WHEN …, WHEN takes a value, not a condition")
    return node


@REWRITES.rule(q.Join)
def _join(node: q.Join) -> n.Node:
    if node.natural and (node.condition is not None or node.using is not None):
        _fail(node, "a NATURAL join cannot have ON or USING")
    if node.kind == "CROSS" and (node.condition is not None or node.using is not None):
        _fail(node, "a CROSS JOIN cannot have ON or USING")
    return node


@REWRITES.rule(n.StringLiteral)
def _string(node: n.StringLiteral) -> n.Node:
    if "\x00" in node.value:
        _fail(node, "strings cannot contain NUL characters")
    return node
