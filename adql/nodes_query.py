"""Syntax-tree nodes of ADQL query structure: statements, selects, FROM clauses.

A ``Select`` or ``SetOperation`` (both a ``Query``) carries its own ORDER BY
and OFFSET, as ADQL 2.1's ``<select_expression>`` does; WITH lives only on
the ``Statement``.  Annotations marked "the checker" are set while checking.
"""

from __future__ import annotations

from dataclasses import dataclass

from adql.adqltypes import ADQLType
from adql.nodes import Node
from adql.resolved import Output, Source


class Statement(Node):
    """The whole query: optional common table expressions and the query."""

    arg_types = {"ctes": False, "query": True}


class CommonTable(Node):
    arg_types = {"name": True, "query": True}


class Query(Node):
    """A query expression: what a subquery, a derived table or a WITH table holds."""

    outputs: list[Output]               # the checker: the result columns
    # The checker, on the query whose rows are the statement's result (and on
    # the members of its set operations): the types those columns must leave
    # PostgreSQL in.  None inside subqueries and common tables.
    result_types: list[ADQLType] | None = None
    outermost: bool = False             # the checker: the statement's own query


@dataclass(frozen=True)
class GroupTerm:
    """One GROUP BY term as the checker read it."""

    expr: Node              # grouped by: the term, or the select-list expression it names
    position: int | None = None     # given as a result-column position (SQL keeps it)


class Select(Query):
    arg_types = {
        "quantifier": False,   # "DISTINCT", "ALL" or None
        "top": False,          # int
        "items": True,         # SelectItem and Star nodes
        "from_": True,         # list of table expressions
        "where": False,
        "group_by": False,     # list of expressions
        "having": False,
        "order_by": False,     # list of OrderItem
        "offset": False,       # int
    }
    grouping: list[GroupTerm]           # the checker: the GROUP BY terms, read


class SetOperation(Query):
    arg_types = {
        "op": True,            # "UNION", "INTERSECT", "EXCEPT"
        "all": False,
        "left": True,
        "right": True,
        "order_by": False,
        "offset": False,
    }


class SelectItem(Node):
    arg_types = {"expr": True, "alias": False}


class OrderItem(Node):
    arg_types = {"expr": True, "descending": False}
    position: int | None = None         # the checker: the result column it names, 1-based


class TableRef(Node):
    """A table by (schema-qualified) name, with an optional correlation name."""

    arg_types = {"parts": True, "alias": False}
    source: Source                      # the checker: the table, CTE and columns


class DerivedTable(Node):
    arg_types = {"query": True, "alias": True}
    source: Source                      # the checker: its columns


class Join(Node):
    arg_types = {
        "kind": True,          # "INNER", "LEFT", "RIGHT", "FULL", "CROSS"
        "natural": False,
        "left": True,
        "right": True,
        "condition": False,
        "using": False,        # list of Names
    }
    # The checker: the SQL of the column pairs a USING or NATURAL join equates.
    equated: list[tuple[str, str]]


# What can stand in a FROM clause.
FROM_ITEMS = (TableRef, DerivedTable, Join)
