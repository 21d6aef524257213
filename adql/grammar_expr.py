"""The pyparsing grammar of ADQL value expressions and search conditions.

Precedence is spelled out level by level (no ``infix_notation``, whose
generated look-aheads are slow); each level folds its operands into nodes.
Function calls parse generically into ``RawCall`` nodes; ``adql.syntax`` turns
them into the node of the construct they name (POINT → Point, COUNT →
Aggregate…) and checks their arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyparsing as pp

from adql import nodes as n
from adql import nodes_query as q
from adql.lexical import (
    DOT,
    LPAR,
    RPAR,
    OpToken,
    function_name,
    hex_literal,
    identifier,
    kw,
    null_literal,
    number_literal,
    op,
    skw,
    string_literal,
    unsigned_integer,
)


class RawCall(n.Node):
    """A function call as parsed; ``adql.syntax`` replaces every one."""

    arg_types = {"name": True, "quantifier": False, "star": False, "arguments": True}


# Binding strength of the binary operators (all left-associative).
_PRECEDENCE = {"*": 6, "/": 6, "+": 5, "-": 5, "&": 4, "^": 3, "|": 2, "||": 1}


def _binary(o: OpToken, left: Any, right: Any) -> n.Node:
    if o.op in "*/+-":
        return n.Arithmetic(o.pos, op=o.op, left=left, right=right)
    if o.op == "||":
        return n.Concatenation(o.pos, left=left, right=right)
    return n.Bitwise(o.pos, op=o.op, left=left, right=right)


def _climb(s: str, loc: int, tokens: pp.ParseResults) -> Any:
    """Fold ``operand (op operand)*`` into nodes by operator precedence."""
    items = list(tokens)
    if len(items) == 1:
        return items[0]
    operands, operators = [items[0]], []
    for i in range(1, len(items), 2):
        o = items[i]
        while operators and _PRECEDENCE[operators[-1].op] >= _PRECEDENCE[o.op]:
            right = operands.pop()
            operands.append(_binary(operators.pop(), operands.pop(), right))
        operators.append(o)
        operands.append(items[i + 1])
    while operators:
        right = operands.pop()
        operands.append(_binary(operators.pop(), operands.pop(), right))
    return operands[0]


def _unary(s: str, loc: int, tokens: pp.ParseResults) -> Any:
    items = list(tokens)
    result = items[-1]
    for sign in reversed(items[:-1]):
        if sign.op == "-":
            result = n.Negative(sign.pos, operand=result)
        elif sign.op == "~":
            result = n.BitNot(sign.pos, operand=result)
    return result


def _column_ref(s: str, loc: int, tokens: pp.ParseResults) -> n.Node:
    return n.ColumnRef(loc, parts=tuple(tokens))


def _call(s: str, loc: int, tokens: pp.ParseResults) -> n.Node:
    args = tokens.get("args")
    return RawCall(loc, name=tokens["name"], quantifier=tokens.get("quantifier"),
                   star="star" in tokens, arguments=list(args) if args else [])


def _cast(s: str, loc: int, tokens: pp.ParseResults) -> n.Node:
    operand, target = tokens[0], tokens[1]
    return n.Cast(loc, operand=operand, target=target)


def _cast_target(s: str, loc: int, tokens: pp.ParseResults) -> n.Node:
    words = [t for t in tokens if isinstance(t, str)]
    lengths = [t for t in tokens if isinstance(t, int)]
    return n.CastTarget(loc, name=" ".join(words), length=lengths[0] if lengths else None)


def _node_in(value: Any) -> Any:
    """The node inside (possibly nested) ParseResults, or None."""
    while isinstance(value, pp.ParseResults):
        value = value[0] if len(value) else None
    return value


def _case(s: str, loc: int, tokens: pp.ParseResults) -> n.Node:
    whens = [n.When(w[0].pos, condition=w[0], result=w[1]) for w in tokens["whens"]]
    return n.Case(loc, operand=_node_in(tokens.get("operand")), whens=whens,
                  default=_node_in(tokens.get("default")))


def _predicate(s: str, loc: int, tokens: pp.ParseResults) -> Any:
    operand, tail = tokens[0], list(tokens[1:])
    negated = bool(tail) and tail[0] == "NOT"
    if negated:
        tail = tail[1:]
    head = tail[0]
    if isinstance(head, OpToken):
        return n.Comparison(head.pos, op="<>" if head.op == "!=" else head.op,
                            left=operand, right=tail[1])
    if head == "BETWEEN":
        return n.Between(loc, operand=operand, low=tail[1], high=tail[2], negated=negated)
    if head in ("LIKE", "ILIKE"):
        return n.Like(loc, operand=operand, pattern=tail[1], negated=negated,
                      nocase=head == "ILIKE")
    if head == "IN":
        if isinstance(tail[1], q.Query):
            return n.InQuery(loc, operand=operand, query=tail[1], negated=negated)
        return n.InList(loc, operand=operand, items=list(tail[1]), negated=negated)
    # IS [NOT] NULL
    return n.IsNull(loc, operand=operand, negated=tail[1:2] == ["NOT"])


def _not(s: str, loc: int, tokens: pp.ParseResults) -> Any:
    items = list(tokens)
    result = items[-1]
    for _ in items[:-1]:
        result = n.Not(loc, operand=result)
    return result


def _junction(cls: type[n.Node]) -> Callable[..., Any]:
    def action(s: str, loc: int, tokens: pp.ParseResults) -> Any:
        items = [t for t in tokens if not isinstance(t, str)]
        return items[0] if len(items) == 1 else cls(loc, items=items)
    return action


def build(query: pp.Forward) -> tuple[pp.ParserElement, pp.ParserElement]:
    """(value expression, search condition), using ``query`` for subqueries."""
    value = pp.Forward().set_name("expression")
    condition = pp.Forward().set_name("condition")

    subquery = LPAR + query + RPAR
    scalar_subquery = subquery.copy().add_parse_action(
        lambda s, loc, t: n.ScalarSubquery(loc, query=t[0]))

    column_ref = (identifier + pp.ZeroOrMore(DOT + identifier)).set_parse_action(
        _column_ref).set_name("column reference")

    call = (
        function_name("name") + LPAR
        + pp.Opt(kw("DISTINCT") | kw("ALL"))("quantifier")
        + pp.Opt(pp.Literal("*")("star") | pp.Group(pp.DelimitedList(value))("args"))
        + RPAR).set_parse_action(_call).set_name("function call")

    cast_target = (
        kw("SMALLINT") | kw("INTEGER") | kw("BIGINT") | kw("REAL")
        | kw("DOUBLE") + kw("PRECISION") | kw("TIMESTAMP")
        | (kw("CHAR") | kw("VARCHAR")) + pp.Opt(LPAR + unsigned_integer + RPAR)
        | kw("POINT") | kw("CIRCLE") | kw("POLYGON")).set_parse_action(_cast_target)
    cast = (skw("CAST") + LPAR + value + skw("AS") + cast_target + RPAR
            ).set_parse_action(_cast).set_name("CAST")

    when_value = pp.Group(skw("WHEN") + (condition | value) + skw("THEN") + value)
    case = (skw("CASE") + pp.Opt(pp.Group(~kw("WHEN") + value))("operand")
            + pp.Group(pp.OneOrMore(when_value))("whens")
            + pp.Opt(pp.Group(skw("ELSE") + value))("default") + skw("END")
            ).set_parse_action(_case).set_name("CASE")

    primary = (string_literal | hex_literal | number_literal | null_literal | cast | case
               | call | column_ref | scalar_subquery | LPAR + value + RPAR)

    unary = (pp.ZeroOrMore(op(r"[-+~]", "sign")) + primary).set_parse_action(_unary)
    # All binary operators at one level; _climb applies their precedence.
    binary = op(r"\|\||[-+*/&^|]", "operator")
    value <<= (unary + pp.ZeroOrMore(binary + unary)).set_parse_action(_climb)

    negation = pp.Opt(kw("NOT"))
    in_values = pp.Group(pp.DelimitedList(value))
    tail = (
        op(r"<=|>=|<>|!=|=|<|>", "comparison operator") + value
        | negation + kw("BETWEEN") + value + skw("AND") + value
        | negation + kw("IN") + (subquery | LPAR + in_values + RPAR)
        | negation + (kw("LIKE") | kw("ILIKE")) + value
        | kw("IS") + negation + skw("NULL"))
    exists = (skw("EXISTS") + subquery).set_parse_action(
        lambda s, loc, t: n.Exists(loc, query=t[0]))
    predicate = exists | (value + tail).set_parse_action(_predicate)

    primary_condition = predicate | LPAR + condition + RPAR
    factor = (pp.ZeroOrMore(kw("NOT")) + primary_condition).set_parse_action(_not)
    conjunction = (factor + pp.ZeroOrMore(kw("AND") + factor)).set_parse_action(
        _junction(n.And))
    condition <<= (conjunction + pp.ZeroOrMore(kw("OR") + conjunction)).set_parse_action(
        _junction(n.Or))
    return value, condition
