"""Checking query structure: SELECT lists and stars, FROM and joins, grouping,
ordering and set operations, against the table metadata the caller may see.

The rules (in ``adql.checking.QUERIES`` and ``FROM_ITEMS``) annotate the tree
for the generator: table references get their ``Source``, select lists have
their stars expanded, every SELECT and set operation gets its unique output
names and types (``Query.outputs``), GROUP BY and ORDER BY terms the result
columns they name.
"""

from __future__ import annotations

import difflib
import functools
import re

from adql import adqltypes as t
from adql import functions
from adql import nodes as n
from adql import nodes_query as q
from adql.checking import FROM_ITEMS, QUERIES, Checker, Context, fail
from adql.errors import ADQLError, UnknownTable, abbreviated
from adql.grouping import check_grouping, has_aggregate
from adql.names import column_sql_name, name_matches, needs_delimiting
from adql.resolved import Output, Source, SourceColumn
from adql.scope import Scope
from adql.sqltext import identifier
from rd.tablemeta import ColumnMeta, TableMeta

FromResult = tuple[list[Source], list[SourceColumn]]


# -- set operations ---------------------------------------------------------------

@QUERIES.rule(q.SetOperation)
def _set_operation(ctx: Context, node: q.SetOperation) -> list[Output]:
    left = ctx.check_query(node.left)
    right = ctx.check_query(node.right)
    if len(left) != len(right):
        raise fail(node, f"the two sides of {node.op} return {len(left)} and "
                         f"{len(right)} columns; they must return the same number")
    outputs = []
    for a, b in zip(left, right, strict=True):
        merged = t.common_type(a.type, b.type)
        if merged is None:
            raise fail(node, f"{node.op} combines column {a.name} ({a.type.kind}) "
                             f"with a {b.type.kind} column")
        same = a.type.sql == b.type.sql and a.type.unit == b.type.unit
        outputs.append(Output(a.name, a.type if same else merged, a.exact,
                              same and a.pg_typed and b.pg_typed))
    for item in node.order_by or ():
        position = _output_position(item.expr, outputs)
        if position is None:
            raise fail(item, f"ORDER BY after {node.op} can only name result columns "
                             "or give their positions")
        item.position = position
    node.outputs = outputs
    return outputs


# -- SELECT -------------------------------------------------------------------------

@QUERIES.rule(q.Select)
def _select(ctx: Context, node: q.Select) -> list[Output]:
    checker, parent = ctx.checker, ctx.scope
    sources: list[Source] = []
    visible: list[SourceColumn] = []
    for item in node.from_:
        found, columns = ctx.check_from(item)
        sources.extend(found)
        visible.extend(columns)
    _unique_qualifiers(sources)
    scope = Scope(sources, visible, parent)
    node.set("items", _expand_stars(node.items, scope))
    listing = Context(checker, scope, "the select list", aggregates=True)
    types = [listing.check(item.expr) for item in node.items]
    outputs = [Output(name, adql_type, _exact(item), _pg_typed(item.expr))
               for name, adql_type, item in
               zip(_output_names(node.items), types, node.items, strict=True)]
    if node.where is not None:
        Context(checker, scope, "WHERE").check_condition(node.where)
    node.grouping = [_group_term(checker, term, node.items, scope)
                     for term in node.group_by or ()]
    if node.having is not None:
        Context(checker, scope, "HAVING", aggregates=True).check_condition(node.having)
    for item in node.order_by or ():
        _order_item(checker, item, node, outputs, scope)
    if node.group_by or node.having is not None or any(
            has_aggregate(i.expr) for i in node.items):
        check_grouping(node, scope)
    node.outputs = outputs
    return outputs


def _group_term(checker: Checker, term: n.Node, items: list[q.SelectItem],
                scope: Scope) -> q.GroupTerm:
    position = _output_position(term, [Output(_plain(i), t.NULL) for i in items])
    if isinstance(term, n.NumberLiteral) and position is not None:
        _groupable(term, items[position - 1].expr)
        return q.GroupTerm(items[position - 1].expr, position)
    if isinstance(term, n.ColumnRef) and not term.qualifier and position is not None:
        try:
            scope.resolve(term)
        except ADQLError:
            _groupable(term, items[position - 1].expr)
            return q.GroupTerm(items[position - 1].expr)
    got = Context(checker, scope, "GROUP BY").check(term)
    if got.is_geometry:
        raise fail(term, "geometries cannot be grouped by")
    return q.GroupTerm(term)


def _order_item(checker: Checker, item: q.OrderItem, node: q.Select,
                outputs: list[Output], scope: Scope) -> None:
    position = _output_position(item.expr, outputs)
    if position is not None:
        item.position = position
        return
    got = Context(checker, scope, "ORDER BY", aggregates=True).check(item.expr)
    if got.is_geometry:
        raise fail(item, "results cannot be ordered by a geometry")
    if node.quantifier == "DISTINCT":
        raise fail(item, "with SELECT DISTINCT, ORDER BY can only use result columns",
                   hint="order by the name or position of a selected column")


# -- FROM -------------------------------------------------------------------------

@FROM_ITEMS.rule(q.TableRef)
def _table_ref(ctx: Context, node: q.TableRef) -> FromResult:
    node.source = _table_source(ctx.checker, node)
    return [node.source], list(node.source.columns)


@FROM_ITEMS.rule(q.DerivedTable)
def _derived_table(ctx: Context, node: q.DerivedTable) -> FromResult:
    outputs = ctx.checker.check_query(node.query, None)   # not LATERAL: sees no columns
    source = Source(_qualifier(node.alias), node.alias)
    for output in outputs:
        source.add(output.name, output.name, output.type, output.exact, output.pg_typed)
    node.source = source
    return [source], list(source.columns)


@FROM_ITEMS.rule(q.Join)
def _join(ctx: Context, node: q.Join) -> FromResult:
    left_sources, left = ctx.check_from(node.left)
    right_sources, right = ctx.check_from(node.right)
    if node.natural:
        names = [c.name for c in left
                 if any(r.name.lower() == c.name.lower() for r in right)]
    else:
        names = [name.text if name.delimited else name.key for name in node.using or ()]
    merged = [_merge(node, name, left, right) for name in names]
    node.equated = [pair for _, pair in merged]
    columns = [column for column, _ in merged]
    taken = {c.name.lower() for c in columns}
    visible = columns + [c for c in left + right if c.name.lower() not in taken]
    sources = left_sources + right_sources
    if node.condition is not None:
        scope = Scope(sources, visible, ctx.scope)
        Context(ctx.checker, scope, "a join condition").check_condition(node.condition)
    return sources, visible


def _merge(node: q.Join, name: str, left: list[SourceColumn],
           right: list[SourceColumn]) -> tuple[SourceColumn, tuple[str, str]]:
    key = n.Name(name, True)
    sides = []
    for columns, side in ((left, "left"), (right, "right")):
        found = [c for c in columns if c.named(key) or c.name.lower() == name.lower()
                 and not c.exact and name == name.lower()]
        if len(found) != 1:
            raise fail(node, f"the {side} side of the join has "
                             f"{'no' if not found else 'more than one'} column {name}")
        sides.append(found[0])
    merged = t.common_type(sides[0].type, sides[1].type)
    if merged is None:
        raise fail(node, f"the join columns {name} have incompatible types")
    if node.kind == "FULL":
        sql = f"COALESCE({sides[0].sql}, {sides[1].sql})"
    else:
        sql = sides[1].sql if node.kind == "RIGHT" else sides[0].sql
    kept = sides[1] if node.kind == "RIGHT" else sides[0]
    column = SourceColumn(kept.name, sql, kept.type if node.kind != "FULL" else merged,
                          None, kept.sql_name, kept.exact,
                          kept.pg_typed and node.kind != "FULL")
    return column, (sides[0].sql, sides[1].sql)


def _table_source(checker: Checker, node: q.TableRef) -> Source:
    parts = node.parts
    if len(parts) == 1:
        for name, outputs in checker.ctes:
            if name.key == parts[0].key:
                source = Source(_qualifier(node.alias or name), node.alias, cte=name)
                for output in outputs:
                    source.add(output.name, output.name, output.type, output.exact,
                               output.pg_typed)
                return source
    meta = _find_table(checker, node)
    alias = node.alias
    source = Source(_qualifier(alias) if alias else _implicit_qualifier(meta.name),
                    alias, table=meta)
    for column in meta.columns:
        source.add(column.name, *_column_facts(column))
    return source


@functools.lru_cache(maxsize=8192)  # tables' columns, met in query after query
def _column_facts(column: ColumnMeta) -> tuple[str, t.ADQLType, bool]:
    """A table column's SQL name, ADQL type and whether only a delimited name reaches it."""
    return (column_sql_name(column.name, column.sql_name), t.of_column(column),
            needs_delimiting(column.name, column.sql_name))


def _find_table(checker: Checker, node: q.TableRef) -> TableMeta:
    parts = node.parts
    label = ".".join(map(str, parts))
    if len(parts) == 3:
        raise fail(node, f"unknown table {label}",
                   hint="catalog names are not supported; use schema.table")
    if len(parts) == 1:
        found = [m for m in checker.by_name.get(parts[0].key.lower(), [])
                 if parts[0].matches(m.name)]
        if len(found) > 1:
            raise fail(node, f"table name {label} is ambiguous", hint="qualify it: "
                       + " or ".join(sorted(m.qualified_name for m in found)))
    else:
        meta = checker.tables.get(f"{parts[0].key}.{parts[1].key}".lower())
        found = [meta] if meta is not None and parts[0].matches(meta.schema) \
            and parts[1].matches(meta.name) else []
    if not found:
        close = difflib.get_close_matches(label.lower(), list(checker.tables), n=3)
        raise UnknownTable(f"unknown table {label}", offset=node.pos,
                           hint=("did you mean " + " or ".join(close) + "?") if close
                           else None)
    return found[0]


def _groupable(term: n.Node, expr: n.Node) -> None:
    if has_aggregate(expr):
        raise fail(term, "a query cannot be grouped by an aggregate")
    if expr.type.is_geometry:
        raise fail(term, "geometries cannot be grouped by")


def _plain(item: q.SelectItem) -> str:
    if item.alias is not None:
        return item.alias.key
    column = item.expr.column if isinstance(item.expr, n.ColumnRef) else None
    return column.name if column is not None else ""


def _output_position(expr: n.Node, outputs: list[Output]) -> int | None:
    """The 1-based result column ``expr`` names by position or name, if it does."""
    if isinstance(expr, n.NumberLiteral) and expr.is_integer:
        position = expr.value
        if not 1 <= position <= len(outputs):
            raise fail(expr, f"there is no result column {abbreviated(expr.text)} (the "
                             f"query returns {len(outputs)})")
        return int(position)
    if isinstance(expr, n.ColumnRef) and not expr.qualifier:
        for i, output in enumerate(outputs):
            if output.name and name_matches(expr.name, output.name, output.exact):
                return i + 1
    return None


def _pg_typed(expr: n.Node) -> bool:
    """Does PostgreSQL compute exactly the checker's type for ``expr``?

    Not for computed numbers: literals like 0.5 are numeric there, AVG of
    integers too; the generator casts those where they leave the query.
    """
    if expr.type.kind != "number":
        return True
    if isinstance(expr, n.ColumnRef):
        return expr.column.pg_typed
    if isinstance(expr, n.Aggregate) and expr.name == "COUNT":
        return True
    if isinstance(expr, n.FunctionCall):
        function = functions.lookup(expr.name)
        return function is not None and function.returns == "same"
    return False


def _exact(item: q.SelectItem) -> bool:
    if item.alias is not None:
        return item.alias.delimited and needs_delimiting(item.alias.text, item.alias.text)
    column = item.expr.column if isinstance(item.expr, n.ColumnRef) else None
    return column is not None and column.exact


def _qualifier(name: n.Name) -> str:
    return name.key


def _implicit_qualifier(table_name: str) -> str:
    return table_name.lower() if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", table_name) \
        else table_name


def _unique_qualifiers(sources: list[Source]) -> None:
    seen: dict[str, Source] = {}
    for source in sources:
        other = seen.get(source.qualifier)
        if other is not None:
            if source.alias is not None or other.alias is not None or \
                    source.table is other.table:
                raise ADQLError(f"{source.label} appears twice in this FROM clause",
                                hint="give each occurrence its own alias")
            suffix = 2
            while f"{source.qualifier}_{suffix}" in seen:
                suffix += 1
            source.qualifier = f"{source.qualifier}_{suffix}"
            for column in source.columns:
                column.sql = f"{identifier(source.qualifier)}.{identifier(column.sql_name)}"
        seen[source.qualifier] = source


def _expand_stars(items: list[n.Node], scope: Scope) -> list[q.SelectItem]:
    expanded: list[q.SelectItem] = []
    for item in items:
        if not isinstance(item, n.Star):
            expanded.append(item)
            continue
        columns = (scope.source_named(item.qualifier, item.pos).columns
                   if item.qualifier else scope.visible)
        for column in columns:
            ref = n.ColumnRef(item.pos, parts=(n.Name(column.name, True),))
            ref.column = column
            expanded.append(q.SelectItem(item.pos, expr=ref))
    return expanded


def _output_names(items: list[q.SelectItem]) -> list[str]:
    names, seen = [], set()
    for item in items:
        name = _plain(item) or _derived_name(item.expr)
        base, suffix = name, 2
        while name.lower() in seen:
            name, suffix = f"{base}_{suffix}", suffix + 1
        seen.add(name.lower())
        names.append(name)
    return names


def _derived_name(expr: n.Node) -> str:
    if isinstance(expr, n.FunctionCall):
        return expr.name.lower()
    if isinstance(expr, n.Aggregate):
        return expr.name.lower()
    if isinstance(expr, n.InUnit):
        return "in_unit"
    name = type(expr).__name__.lower()
    return name if name not in ("numberliteral", "stringliteral", "arithmetic",
                                "concatenation", "negative", "nullliteral", "hexliteral",
                                "bitwise", "bitnot", "scalarsubquery") else "expr"
