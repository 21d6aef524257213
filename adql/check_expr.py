"""Checking value expressions: names resolved, types inferred and enforced.

One rule per node class, registered in ``adql.checking.VALUES``; each returns
the node's ADQLType.  Mismatches that PostgreSQL would report cryptically
("operator does not exist: text * integer") become ADQLErrors naming the
construct.
"""

from __future__ import annotations

import datetime

from adql import adqltypes as t
from adql import functions, units
from adql import nodes as n
from adql.adqltypes import ADQLType
from adql.checking import VALUES, Context, fail
from adql.errors import abbreviated

# Longer number literals are refused: no 64-bit number needs more digits.
MAX_NUMBER_LENGTH = 400
# PostgreSQL's longest char(n) and varchar(n).
MAX_CHAR_LENGTH = 10_485_760
_CAST_TARGETS = {"SMALLINT": "smallint", "INTEGER": "integer", "BIGINT": "bigint",
                 "REAL": "real", "DOUBLE PRECISION": "double precision",
                 "TIMESTAMP": "timestamp", "POINT": "spoint", "CIRCLE": "scircle",
                 "POLYGON": "spoly", "CHAR": "char", "VARCHAR": "text"}


def require(node: n.Node, got: ADQLType, kinds: tuple[str, ...], what: str) -> None:
    if not got.is_a(*kinds):
        raise fail(node, f"{what} must be {' or '.join(_KIND_WORDS.get(k, k) for k in kinds)}"
                         f", not {_KIND_WORDS.get(got.kind, got.kind)}")


_KIND_WORDS = {"number": "a number", "text": "a string", "timestamp": "a timestamp",
               "point": "a POINT", "circle": "a CIRCLE", "polygon": "a POLYGON",
               "box": "a BOX", "boolean": "a boolean", "array": "an array",
               "moc": "a MOC", "binary": "binary data"}


def literal_number(node: n.Node) -> float | None:
    """The value of a numeric literal, possibly negated or computed from literals."""
    if isinstance(node, n.NumberLiteral):
        return float(node.value)
    if isinstance(node, n.Negative):
        inner = literal_number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, n.Arithmetic):
        left, right = literal_number(node.left), literal_number(node.right)
        if left is None or right is None:
            return None
        if node.op == "/":
            return left / right if right else None
        return {"+": left + right, "-": left - right, "*": left * right}[node.op]
    return None


# -- literals and names ----------------------------------------------------------------

@VALUES.rule(n.NumberLiteral)
def _number(ctx: Context, node: n.NumberLiteral) -> ADQLType:
    if len(node.text) > MAX_NUMBER_LENGTH:
        raise fail(node, f"the number {abbreviated(node.text)} is too long; DR computes "
                         "with 64-bit integers and floating-point numbers",
                   hint="floating-point numbers carry about 17 significant digits")
    value = node.value
    if value in (float("inf"), float("-inf")):
        raise fail(node, f"the number {abbreviated(node.text)} is too large")
    if not node.is_integer:
        return t.DOUBLE
    return t.INTEGER if value < 2**31 else t.BIGINT if value < 2**63 else t.DOUBLE


@VALUES.rule(n.HexLiteral)
def _hex(ctx: Context, node: n.HexLiteral) -> ADQLType:
    if node.value >= 2**63:
        raise fail(node, "hexadecimal literal larger than a 64-bit integer")
    return t.INTEGER if node.value < 2**31 else t.BIGINT


@VALUES.rule(n.StringLiteral)
def _string(ctx: Context, node: n.StringLiteral) -> ADQLType:
    return t.literal_text(node.value)


@VALUES.rule(n.NullLiteral)
def _null(ctx: Context, node: n.NullLiteral) -> ADQLType:
    return t.NULL


@VALUES.rule(n.ColumnRef)
def _column(ctx: Context, node: n.ColumnRef) -> ADQLType:
    if node.column is not None:       # a column of an expanded *
        return node.column.type
    if ctx.scope is None:
        raise fail(node, "no columns can be referenced here")
    node.column = ctx.scope.resolve(node)
    return node.column.type


# -- operators -------------------------------------------------------------------------

@VALUES.rule(n.Arithmetic)
def _arithmetic(ctx: Context, node: n.Arithmetic) -> ADQLType:
    left, right = ctx.check(node.left), ctx.check(node.right)
    require(node.left, left, ("number",), f"the left operand of {node.op}")
    require(node.right, right, ("number",), f"the right operand of {node.op}")
    if node.op == "/" and literal_number(node.right) == 0:
        raise fail(node.right, "division by zero")
    result = t.numeric_result(left, right)
    return result.with_unit(units.combine(left.unit, node.op, right.unit))


def _integral(ctx: Context, node: n.Node, what: str) -> ADQLType:
    got = ctx.check(node)
    if not (t.is_integral(got) or got.kind in ("null", "unknown")):
        word = "a floating-point number" if got.kind == "number" else \
            _KIND_WORDS.get(got.kind, got.sql)
        raise fail(node, f"{what} must be an integer, not {word}")
    return got


@VALUES.rule(n.Bitwise)
def _bitwise(ctx: Context, node: n.Bitwise) -> ADQLType:
    left = _integral(ctx, node.left, f"an operand of {node.op}")
    right = _integral(ctx, node.right, f"an operand of {node.op}")
    return t.numeric_result(left, right)


@VALUES.rule(n.BitNot)
def _bit_not(ctx: Context, node: n.BitNot) -> ADQLType:
    return _integral(ctx, node.operand, "the operand of ~").bare()


@VALUES.rule(n.Negative)
def _negative(ctx: Context, node: n.Negative) -> ADQLType:
    got = ctx.check(node.operand)
    require(node.operand, got, ("number",), "the operand of -")
    return got.bare() if got.kind == "number" else t.DOUBLE


@VALUES.rule(n.Concatenation)
def _concatenation(ctx: Context, node: n.Concatenation) -> ADQLType:
    types = []
    for side in (node.left, node.right):
        types.append(ctx.check(side))
        require(side, types[-1], ("text", "number", "timestamp"), "an operand of ||")
    return t.text_result(*types)


# -- functions -------------------------------------------------------------------------

@VALUES.rule(n.FunctionCall)
def _function(ctx: Context, node: n.FunctionCall) -> ADQLType:
    function = functions.lookup(node.name)
    if function is None:
        raise fail(node, f"this service does not offer the function {node.name}",
                   hint="its TAP capabilities list the user-defined functions it has")
    if function.aggregate:
        _enter_aggregate(ctx, node)
        ctx = ctx.derive(in_aggregate=True, aggregates=False)
    kinds = function.kinds[len(node.arguments)]
    types = []
    for i, (arg, kind) in enumerate(zip(node.arguments, kinds, strict=True)):
        got = ctx.check(arg)
        types.append(got)
        what = f"argument {i + 1} of {node.name}"
        if kind == "integer":
            _integral(ctx, arg, what)
        elif kind == "any":
            if got.is_geometry:
                raise fail(arg, f"{what} cannot be a geometry")
        else:
            require(arg, got, (kind,), what)
    if function.returns == "same":
        result = types[0].bare() if types and types[0].kind == "number" else t.DOUBLE
    elif function.returns == "text":
        # Text made from the arguments: non-ASCII only if they may hold some.
        result = t.text_result(*types)
    else:
        result = ADQLType(function.returns)
    return ADQLType(result.sql, _function_unit(function, node, types), function.ucd,
                    xtype=function.xtype)


def _function_unit(function: functions.Function, node: n.FunctionCall,
                   types: list[ADQLType]) -> str:
    if function.unit == "same":
        return types[0].unit if types else ""
    if function.unit == "sqrt":
        return units.power(types[0].unit, 0.5) if types[0].unit else ""
    if function.unit == "power":
        exponent = literal_number(node.arguments[1])
        return units.power(types[0].unit, exponent) \
            if types[0].unit and exponent is not None else ""
    return function.unit


def _enter_aggregate(ctx: Context, node: n.Node) -> None:
    if ctx.in_aggregate:
        raise fail(node, "aggregate functions cannot be nested")
    if not ctx.aggregates:
        raise fail(node, f"aggregate functions are not allowed in {ctx.clause}",
                   hint="use HAVING for conditions on aggregates")


@VALUES.rule(n.Aggregate)
def _aggregate(ctx: Context, node: n.Aggregate) -> ADQLType:
    _enter_aggregate(ctx, node)
    if node.operand is None:
        return ADQLType("bigint", ucd="meta.number")
    got = ctx.derive(in_aggregate=True, aggregates=False).check(node.operand)
    name = node.name
    if name == "COUNT":
        return ADQLType("bigint", ucd="meta.number")
    if got.is_geometry or got.kind in ("array", "moc", "binary"):
        raise fail(node.operand, f"{name} cannot be applied to "
                                 f"{_KIND_WORDS.get(got.kind, got.kind)}")
    if name in ("AVG", "SUM"):
        require(node.operand, got, ("number",), f"the argument of {name}")
        if name == "AVG":
            return ADQLType("double precision", got.unit, got.ucd and f"stat.mean;{got.ucd}")
        if t.is_integral(got) or got.kind == "null":
            return ADQLType("bigint", got.unit)
        return got.bare()
    if got.kind == "boolean":
        raise fail(node.operand, f"{name} cannot be applied to a boolean")
    return ADQLType(got.sql, got.unit, got.ucd, got.utype, got.xtype)


@VALUES.rule(n.Cast)
def _cast(ctx: Context, node: n.Cast) -> ADQLType:
    got = ctx.check(node.operand)
    target = node.target
    sql = _CAST_TARGETS[target.name]
    if target.length is not None and not 1 <= target.length <= MAX_CHAR_LENGTH:
        raise fail(node, f"the length of {target.name} must be between 1 and "
                         f"{MAX_CHAR_LENGTH}")
    if sql == "char":
        sql = f"char({target.length or 1})"
    if (sql == "text" or sql.startswith("char(")) and got.may_be_unicode:
        sql = "unicode" + sql[4:] if sql.startswith("char(") else "unicode"
    result = ADQLType(sql)
    source, wanted = got.kind, result.kind
    allowed = (
        source in ("null", "unknown")
        or source == wanted and not got.is_geometry
        or wanted == "number" and source in ("number", "text")
        or wanted == "text" and source in ("number", "text", "timestamp")
        or wanted == "timestamp" and source in ("text", "timestamp")
        or wanted in t.GEOMETRY_KINDS and source in ("text", wanted))
    if not allowed:
        raise fail(node, f"cannot CAST {_KIND_WORDS.get(source, source)} to "
                         f"{target.name}")
    if wanted == "timestamp" and isinstance(node.operand, n.StringLiteral):
        check_timestamp(node.operand)
    if wanted == "number" and source == "number":
        return result.with_unit(got.unit)
    return result


def check_timestamp(node: n.StringLiteral) -> None:
    try:
        datetime.datetime.fromisoformat(node.value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise fail(node, f"{node.value!r} is not an ISO 8601 timestamp",
                   hint="write e.g. '2021-01-14T11:25:00'") from None


def merged_type(ctx: Context, items: list[n.Node], what: str) -> ADQLType:
    result = t.NULL
    for item in items:
        got = ctx.check(item)
        combined = t.common_type(result, got)
        if combined is None:
            raise fail(item, f"the values of {what} must be of one kind; this one is "
                             f"{_KIND_WORDS.get(got.kind, got.kind)}, an earlier one "
                             f"{_KIND_WORDS.get(result.kind, result.kind)}")
        result = combined
    return result


@VALUES.rule(n.Coalesce)
def _coalesce(ctx: Context, node: n.Coalesce) -> ADQLType:
    return merged_type(ctx, node.items, "COALESCE")


@VALUES.rule(n.NullIf)
def _nullif(ctx: Context, node: n.NullIf) -> ADQLType:
    result = merged_type(ctx, [node.left, node.right], "NULLIF")
    return node.left.type.bare() if node.left.type.kind != "null" else result


@VALUES.rule(n.Case)
def _case(ctx: Context, node: n.Case) -> ADQLType:
    if node.operand is not None:
        merged_type(ctx, [node.operand] + [w.condition for w in node.whens], "CASE … WHEN")
    else:
        for when in node.whens:
            ctx.check_condition(when.condition)
    results = [w.result for w in node.whens] + ([node.default] if node.default else [])
    return merged_type(ctx, results, "the THEN and ELSE branches of CASE")


@VALUES.rule(n.InUnit)
def _in_unit(ctx: Context, node: n.InUnit) -> ADQLType:
    got = ctx.check(node.operand)
    require(node.operand, got, ("number",), "the first argument of IN_UNIT")
    node.factor = units.conversion_factor(got.unit, node.unit.value, node.unit.pos)
    return ADQLType("double precision", node.unit.value, got.ucd)


@VALUES.rule(n.ScalarSubquery)
def _scalar_subquery(ctx: Context, node: n.ScalarSubquery) -> ADQLType:
    outputs = ctx.check_query(node.query)
    if len(outputs) != 1:
        raise fail(node, f"a subquery used as a value must return one column, "
                         f"not {len(outputs)}")
    return outputs[0].type.bare()
