"""PostgreSQL for ADQL query structure: WITH, SELECT, FROM and joins, set operations.

The result columns of the statement (``Query.result_types`` on the SELECTs
that produce them) leave PostgreSQL in their declared types: geometries as
DALI arrays, computed numbers cast to the type the metadata announces.
USING and NATURAL joins become ON conditions on the columns the checker
matched, so the merged columns are exactly what name resolution said.
"""

from __future__ import annotations

from adql import nodes as n
from adql import nodes_query as q
from adql.adqltypes import ADQLType
from adql.gen_geometry import DALI_OUTPUT
from adql.generator import SQL, Generator
from adql.resolved import Output
from adql.sqltext import identifier, qualified

_NUMERIC = ("smallint", "integer", "bigint", "real", "double precision")


@SQL.rule(q.Statement)
def statement(gen: Generator, node: q.Statement) -> str:
    body = gen.sql(node.query)
    if gen.maxrec is not None and isinstance(node.query, q.SetOperation):
        body += f" LIMIT {gen.maxrec + 1}"
    if not node.ctes:
        return body
    ctes = ", ".join(f"{identifier(cte.name.key)} AS ({gen.sql(cte.query)})"
                     for cte in node.ctes)
    return f"WITH {ctes} {body}"


def _result_item(expr_sql: str, expr: n.Node, output: Output, wanted: ADQLType) -> str:
    kind = expr.type.kind
    if kind in DALI_OUTPUT:
        return DALI_OUTPUT[kind].format(expr_sql)
    exact = output.pg_typed and expr.type.sql == wanted.sql
    if wanted.sql in _NUMERIC and not exact and kind in ("number", "null", "unknown"):
        return f"CAST({expr_sql} AS {wanted.sql})"
    return expr_sql


@SQL.rule(q.Select)
def select(gen: Generator, node: q.Select) -> str:
    results = node.result_types
    items = []
    for i, (item, output) in enumerate(zip(node.items, node.outputs, strict=True)):
        sql = gen.sql(item.expr)
        if results is not None:
            sql = _result_item(sql, item.expr, output, results[i])
        items.append(f"{sql} AS {identifier(output.name)}")
    parts = ["SELECT"]
    if node.quantifier == "DISTINCT":
        parts.append("DISTINCT")
    parts.append(", ".join(items))
    parts.append("FROM " + ", ".join(gen.sql(item) for item in node.from_))
    if node.where is not None:
        parts.append("WHERE " + gen.sql(node.where))
    if node.group_by:
        parts.append("GROUP BY " + ", ".join(_group_term(gen, t) for t in node.grouping))
    if node.having is not None:
        parts.append("HAVING " + gen.sql(node.having))
    parts.extend(_tail(gen, node, node.top))
    return " ".join(parts)


_LITERALS = (n.NumberLiteral, n.HexLiteral, n.StringLiteral, n.NullLiteral)


def _sort_key(gen: Generator, expr: n.Node) -> str:
    """An ORDER BY/GROUP BY expression; a bare literal would mean a position there."""
    sql = gen.sql(expr)
    if isinstance(expr, _LITERALS) or isinstance(expr, n.Negative) and isinstance(
            expr.operand, _LITERALS):
        kind = expr.type.sql if expr.type.kind == "number" else "text"
        return f"CAST({sql} AS {kind})"
    return sql


def _group_term(gen: Generator, term: q.GroupTerm) -> str:
    if term.position is not None:
        return str(term.position)
    return _sort_key(gen, term.expr)


def _tail(gen: Generator, node: q.Query, top: int | None) -> list[str]:
    parts = []
    if node.order_by:
        terms = []
        for item in node.order_by:
            sql = (str(item.position) if item.position is not None
                   else _sort_key(gen, item.expr))
            terms.append(sql + (" DESC" if item.descending else " ASC"))
        parts.append("ORDER BY " + ", ".join(terms))
    limit = top
    if node.outermost and gen.maxrec is not None and isinstance(node, q.Select):
        limit = gen.maxrec + 1 if top is None else min(top, gen.maxrec + 1)
    if limit is not None:
        parts.append(f"LIMIT {limit}")
    if node.offset is not None:
        parts.append(f"OFFSET {node.offset}")
    return parts


@SQL.rule(q.SetOperation)
def set_operation(gen: Generator, node: q.SetOperation) -> str:
    op = node.op + (" ALL" if node.all else "")
    text = f"({gen.sql(node.left)}) {op} ({gen.sql(node.right)})"
    tail = _tail(gen, node, None)
    return " ".join([text] + tail) if tail else text


@SQL.rule(q.TableRef)
def table_ref(gen: Generator, node: q.TableRef) -> str:
    source = node.source
    if source.cte is not None:
        table = identifier(source.cte.key)
    elif source.table.sql_name:
        table = source.table.sql_name
    else:
        table = qualified(source.table.schema, source.table.name)
    return f"{table} AS {identifier(source.qualifier)}"


@SQL.rule(q.DerivedTable)
def derived_table(gen: Generator, node: q.DerivedTable) -> str:
    return f"({gen.sql(node.query)}) AS {identifier(node.source.qualifier)}"


@SQL.rule(q.Join)
def join(gen: Generator, node: q.Join) -> str:
    left = gen.sql(node.left)
    right = gen.sql(node.right)
    if isinstance(node.right, q.Join):
        right = f"({right})"
    if node.kind == "CROSS":
        return f"{left} CROSS JOIN {right}"
    keyword = {"INNER": "JOIN", "LEFT": "LEFT JOIN", "RIGHT": "RIGHT JOIN",
               "FULL": "FULL JOIN"}[node.kind]
    if node.condition is not None:
        condition = gen.sql(node.condition)
    elif node.equated:
        condition = "(" + " AND ".join(f"{a} = {b}" for a, b in node.equated) + ")"
    else:
        condition = "TRUE"
    return f"{left} {keyword} {right} ON {condition}"
