"""PostgreSQL for ADQL value expressions and conditions.

Every operator is emitted in parentheses (so ADQL's precedence survives, and
no ``--`` can arise from adjacent minus signs); ADQL's ``^`` is PostgreSQL's
``#``; string literals go through ``sqltext.string``.
"""

from __future__ import annotations

from adql import functions, healpix_prune
from adql import nodes as n
from adql.gen_geometry import predicate, within
from adql.generator import SQL, Generator
from adql.sqltext import string

_BITWISE = {"&": "&", "|": "|", "^": "#"}
_DOUBLE = "double precision"
_KIND_TYPES = {"number": _DOUBLE, "integer": "integer", "text": "text", "point": "spoint"}
_CASTS = {"spoint": "dc.adql_point_from_text", "scircle": "dc.adql_circle_from_text",
          "spoly": "dc.adql_polygon_from_text"}


@SQL.rule(n.NumberLiteral)
def number(gen: Generator, node: n.NumberLiteral) -> str:
    if node.as_boolean is not None:
        return "TRUE" if node.as_boolean else "FALSE"
    return node.text


@SQL.rule(n.HexLiteral)
def hex_literal(gen: Generator, node: n.HexLiteral) -> str:
    return str(node.value)


@SQL.rule(n.StringLiteral)
def string_literal(gen: Generator, node: n.StringLiteral) -> str:
    return string(node.value)


@SQL.rule(n.NullLiteral)
def null(gen: Generator, node: n.NullLiteral) -> str:
    return "NULL"


@SQL.rule(n.ColumnRef)
def column(gen: Generator, node: n.ColumnRef) -> str:
    return node.column.sql


@SQL.rule(n.Arithmetic)
def arithmetic(gen: Generator, node: n.Arithmetic) -> str:
    left, right = gen.typed(node.left, _DOUBLE), gen.typed(node.right, _DOUBLE)
    return f"({left} {node.op} {right})"


@SQL.rule(n.Bitwise)
def bitwise(gen: Generator, node: n.Bitwise) -> str:
    left, right = gen.typed(node.left, "bigint"), gen.typed(node.right, "bigint")
    return f"({left} {_BITWISE[node.op]} {right})"


@SQL.rule(n.BitNot)
def bit_not(gen: Generator, node: n.BitNot) -> str:
    return f"(~ {gen.typed(node.operand, 'bigint')})"


@SQL.rule(n.Negative)
def negative(gen: Generator, node: n.Negative) -> str:
    return f"(- {gen.typed(node.operand, _DOUBLE)})"


@SQL.rule(n.Concatenation)
def concatenation(gen: Generator, node: n.Concatenation) -> str:
    def text(operand: n.Node) -> str:
        sql = gen.sql(operand)
        return sql if operand.type.kind in ("text", "unknown") else f"CAST({sql} AS text)"
    return f"({text(node.left)} || {text(node.right)})"


@SQL.rule(n.FunctionCall)
def function_call(gen: Generator, node: n.FunctionCall) -> str:
    function = functions.lookup(node.name)
    template = function.sql[len(node.arguments)]
    kinds = function.kinds[len(node.arguments)]
    sql = template.format(*(gen.typed(arg, _KIND_TYPES.get(kind, "text"))
                            for arg, kind in zip(node.arguments, kinds, strict=True)))
    if function.returns == "same" and node.type.kind == "number":
        # ceiling(integer), mod(numeric, …) and friends change the type in
        # PostgreSQL; ADQL keeps the argument's.
        return f"CAST({sql} AS {node.type.sql})"
    return sql


@SQL.rule(n.Aggregate)
def aggregate(gen: Generator, node: n.Aggregate) -> str:
    if node.operand is None:
        return "COUNT(*)"
    distinct = "DISTINCT " if node.distinct else ""
    return f"{node.name}({distinct}{gen.typed(node.operand, _DOUBLE)})"


@SQL.rule(n.Cast)
def cast(gen: Generator, node: n.Cast) -> str:
    operand = gen.sql(node.operand)
    target = node.type.sql
    if target in _CASTS:
        if node.operand.type.sql == target:
            return operand
        return f"{_CASTS[target]}({operand})"
    if node.target.name == "VARCHAR":
        target = f"varchar({node.target.length})" if node.target.length else "varchar"
    elif node.target.name == "CHAR":
        # The checker's type may say unicode(n); SQL knows it as char(n).
        target = f"char({node.target.length or 1})"
    return f"CAST({operand} AS {target})"


@SQL.rule(n.Coalesce)
def coalesce(gen: Generator, node: n.Coalesce) -> str:
    return f"COALESCE({gen.list(node.items)})"


@SQL.rule(n.NullIf)
def nullif(gen: Generator, node: n.NullIf) -> str:
    return f"NULLIF({gen.sql(node.left)}, {gen.sql(node.right)})"


@SQL.rule(n.Case)
def case(gen: Generator, node: n.Case) -> str:
    parts = ["CASE"]
    if node.operand is not None:
        parts.append(gen.sql(node.operand))
    for when in node.whens:
        parts.append(f"WHEN {gen.sql(when.condition)} THEN {gen.sql(when.result)}")
    if node.default is not None:
        parts.append(f"ELSE {gen.sql(node.default)}")
    return "(" + " ".join(parts) + " END)"


@SQL.rule(n.InUnit)
def in_unit(gen: Generator, node: n.InUnit) -> str:
    return f"({gen.sql(node.operand)} * {node.factor!r})"


@SQL.rule(n.ScalarSubquery)
def scalar_subquery(gen: Generator, node: n.ScalarSubquery) -> str:
    return f"({gen.sql(node.query)})"


def _not(negated: bool | None) -> str:
    return "NOT " if negated else ""


@SQL.rule(n.Between)
def between(gen: Generator, node: n.Between) -> str:
    return (f"({gen.sql(node.operand)} {_not(node.negated)}BETWEEN {gen.sql(node.low)} "
            f"AND {gen.sql(node.high)})")


@SQL.rule(n.Like)
def like(gen: Generator, node: n.Like) -> str:
    operator = "ILIKE" if node.nocase else "LIKE"
    # ADQL has no LIKE escape character; PostgreSQL's default one is the backslash.
    escape = (" ESCAPE ''" if isinstance(node.pattern, n.StringLiteral)
              and "\\" in node.pattern.value else "")
    return (f"({gen.typed(node.operand, 'text')} {_not(node.negated)}{operator} "
            f"{gen.typed(node.pattern, 'text')}{escape})")


@SQL.rule(n.InList)
def in_list(gen: Generator, node: n.InList) -> str:
    return f"({gen.sql(node.operand)} {_not(node.negated)}IN ({gen.list(node.items)}))"


@SQL.rule(n.InQuery)
def in_query(gen: Generator, node: n.InQuery) -> str:
    return f"({gen.sql(node.operand)} {_not(node.negated)}IN ({gen.sql(node.query)}))"


@SQL.rule(n.IsNull)
def is_null(gen: Generator, node: n.IsNull) -> str:
    return f"({gen.sql(node.operand)} IS {_not(node.negated)}NULL)"


@SQL.rule(n.Exists)
def exists(gen: Generator, node: n.Exists) -> str:
    return f"(EXISTS ({gen.sql(node.query)}))"


@SQL.rule(n.Not)
def negation(gen: Generator, node: n.Not) -> str:
    return f"(NOT {gen.sql(node.operand)})"


@SQL.rule(n.And)
def conjunction(gen: Generator, node: n.And) -> str:
    return "(" + " AND ".join(gen.sql(item) for item in node.items) + ")"


@SQL.rule(n.Or)
def disjunction(gen: Generator, node: n.Or) -> str:
    return "(" + " OR ".join(gen.sql(item) for item in node.items) + ")"


@SQL.rule(n.Comparison)
def comparison(gen: Generator, node: n.Comparison) -> str:
    form = node.index_form
    if isinstance(form, n.RegionTest):
        sql = predicate(gen, form.predicate)
        return healpix_prune.narrowed(gen, form, sql) if form.positive else f"(NOT {sql})"
    if isinstance(form, n.DistanceTest):
        return healpix_prune.narrowed(gen, form, within(gen, form))
    return f"({gen.sql(node.left)} {node.op} {gen.sql(node.right)})"
