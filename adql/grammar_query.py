"""The pyparsing grammar of ADQL queries: WITH, SELECT, FROM and joins, set operations.

``statement`` is the whole grammar; it is built once, at import.  It needs no
packrat cache (which halves its speed, measured with bench/adql.py): the
alternatives are ordered so that backtracking stays polynomial, and
``parser`` bounds the nesting depth.
"""

from __future__ import annotations

from typing import Any

import pyparsing as pp

from adql import nodes as n
from adql import nodes_query as q
from adql.grammar_expr import build
from adql.lexical import (
    COMMA,
    DOT,
    LPAR,
    RPAR,
    identifier,
    kw,
    skw,
    unsigned_integer,
)


def _select(s: str, loc: int, t: pp.ParseResults) -> q.Select:
    quantifier = t.get("quantifier")
    return q.Select(
        loc, quantifier=quantifier, top=t.get("top"), items=list(t["items"]),
        from_=list(t["from"]),
        where=t["where"][0] if "where" in t else None,
        group_by=list(t["group"]) if "group" in t else None,
        having=t["having"][0] if "having" in t else None)


def _select_item(s: str, loc: int, t: pp.ParseResults) -> q.SelectItem:
    return q.SelectItem(loc, expr=t[0], alias=t[1] if len(t) > 1 else None)


def _qualified_star(s: str, loc: int, t: pp.ParseResults) -> n.Star:
    return n.Star(loc, qualifier=tuple(t))


def _set_ops(s: str, loc: int, t: pp.ParseResults) -> Any:
    items = list(t)
    result = items[0]
    i = 1
    while i < len(items):
        op_pos, op = items[i]
        i += 1
        all_ = False
        if items[i] == "ALL":
            all_, i = True, i + 1
        result = q.SetOperation(op_pos, op=op, all=all_, left=result, right=items[i])
        i += 1
    return result


def _query(s: str, loc: int, t: pp.ParseResults) -> Any:
    query = t[0]
    order = t.get("order")
    offset = t.get("offset")
    if order is not None or offset is not None:
        if query.order_by is not None or query.offset is not None:
            raise pp.ParseException(s, loc, "ORDER BY/OFFSET given twice")
        query.set("order_by", list(order) if order is not None else None)
        query.set("offset", offset)
    return query


def _order_item(s: str, loc: int, t: pp.ParseResults) -> q.OrderItem:
    return q.OrderItem(loc, expr=t[0], descending=len(t) > 1 and t[1] == "DESC")


def _table_ref(s: str, loc: int, t: pp.ParseResults) -> q.TableRef:
    return q.TableRef(loc, parts=tuple(t[0]), alias=t[1] if len(t) > 1 else None)


def _derived(s: str, loc: int, t: pp.ParseResults) -> q.DerivedTable:
    return q.DerivedTable(loc, query=t[0], alias=t[1])


def _joins(s: str, loc: int, t: pp.ParseResults) -> Any:
    items = list(t)
    result = items[0]
    for spec in items[1:]:
        words = [w for w in spec if isinstance(w, str)]
        right = next(x for x in spec if isinstance(x, q.FROM_ITEMS))
        condition = next((x for x in spec if isinstance(x, n.Node)
                          and not isinstance(x, q.FROM_ITEMS)), None)
        using = next((list(x) for x in spec if isinstance(x, pp.ParseResults)), None)
        kind = next((w for w in words if w in ("LEFT", "RIGHT", "FULL", "CROSS")), "INNER")
        result = q.Join(spec.pos, kind=kind, natural="NATURAL" in words, left=result,
                        right=right, condition=condition, using=using)
    return result


class _JoinSpec:
    """The tokens of one ``[NATURAL] [kind] JOIN table [ON…|USING…]``."""

    def __init__(self, pos: int, tokens: list[Any]) -> None:
        self.pos, self.tokens = pos, tokens

    def __iter__(self) -> Any:
        return iter(self.tokens)


def _join_spec(s: str, loc: int, t: pp.ParseResults) -> Any:
    return [_JoinSpec(loc, list(t))]


def _with(s: str, loc: int, t: pp.ParseResults) -> q.Statement:
    ctes = list(t[0]) if len(t) > 1 else None
    return q.Statement(loc, ctes=ctes, query=t[-1])


def _build() -> pp.ParserElement:
    query = pp.Forward().set_name("query")
    value, condition = build(query)

    correlation = pp.Opt(skw("AS")) + identifier
    star = pp.Literal("*").set_parse_action(lambda s, loc, t: n.Star(loc))
    qualified_star = (identifier + pp.ZeroOrMore(DOT + identifier) + DOT
                      + pp.Suppress("*")).set_parse_action(_qualified_star)
    select_item = (qualified_star
                   | (value + pp.Opt(correlation)).set_parse_action(_select_item))
    select_list = pp.Group(pp.DelimitedList(star | select_item))

    table_primary = pp.Forward().set_name("table reference")
    table_ref = (pp.Group(identifier + pp.ZeroOrMore(DOT + identifier))
                 + pp.Opt(correlation)).set_parse_action(_table_ref)
    derived = (LPAR + query + RPAR + correlation).set_parse_action(_derived)
    join_type = (
        pp.Opt(kw("NATURAL"))
        + pp.Opt(kw("INNER") | (kw("LEFT") | kw("RIGHT") | kw("FULL")) + pp.Opt(kw("OUTER")))
        + kw("JOIN")) | kw("CROSS") + kw("JOIN")
    join_spec = (skw("ON") + condition
                 | skw("USING") + LPAR + pp.Group(pp.DelimitedList(identifier)) + RPAR)
    join_tail = (join_type + table_primary + pp.Opt(join_spec)).set_parse_action(_join_spec)
    joined = (table_primary + pp.ZeroOrMore(join_tail)).set_parse_action(_joins)
    table_primary <<= derived | table_ref | LPAR + joined + RPAR

    select = (
        skw("SELECT") + pp.Opt(kw("DISTINCT") | kw("ALL"))("quantifier")
        + pp.Opt(skw("TOP") + unsigned_integer("top"))
        + select_list("items")
        + skw("FROM") + pp.Group(pp.DelimitedList(joined))("from")
        + pp.Opt(skw("WHERE") + pp.Group(condition)("where"))
        + pp.Opt(skw("GROUP", "BY") + pp.Group(pp.DelimitedList(value))("group"))
        + pp.Opt(skw("HAVING") + pp.Group(condition)("having"))
    ).set_parse_action(_select).set_name("SELECT")

    def set_op(*words: str) -> pp.ParserElement:
        keyword = kw(words[0])
        for word in words[1:]:
            keyword = keyword | kw(word)
        return keyword.copy().set_parse_action(lambda s, loc, t: [(loc, t[0].upper())])

    query_primary = select | LPAR + query + RPAR
    query_term = (query_primary + pp.ZeroOrMore(
        set_op("INTERSECT") + pp.Opt(kw("ALL")) + query_primary)).set_parse_action(_set_ops)
    query_set = (query_term + pp.ZeroOrMore(
        set_op("UNION", "EXCEPT") + pp.Opt(kw("ALL")) + query_term)).set_parse_action(_set_ops)
    order_item = (value + pp.Opt(kw("ASC") | kw("DESC"))).set_parse_action(_order_item)
    query <<= (
        query_set
        + pp.Opt(skw("ORDER", "BY") + pp.Group(pp.DelimitedList(order_item))("order"))
        + pp.Opt(skw("OFFSET") + unsigned_integer("offset"))).set_parse_action(_query)

    cte = (identifier + skw("AS") + LPAR + query + RPAR).set_parse_action(
        lambda s, loc, t: q.CommonTable(loc, name=t[0], query=t[1]))
    with_clause = skw("WITH") + pp.Group(pp.DelimitedList(cte))
    return (pp.Opt(with_clause) + query + pp.StringEnd()).set_parse_action(_with)


statement = _build()
_ = COMMA  # re-exported punctuation is used by the expression grammar
