"""Syntax-tree nodes of ADQL query structure: statements, selects, FROM clauses.

A ``Select`` or ``SetOperation`` carries its own ORDER BY and OFFSET, as ADQL
2.1's ``<select_expression>`` does; WITH lives only on the ``Statement``.
"""

from __future__ import annotations

from adql.nodes import Node


class Statement(Node):
    """The whole query: optional common table expressions and the query."""

    arg_types = {"ctes": False, "query": True}


class CommonTable(Node):
    arg_types = {"name": True, "query": True}


class Select(Node):
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


class SetOperation(Node):
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


class TableRef(Node):
    """A table by (schema-qualified) name, with an optional correlation name."""

    arg_types = {"parts": True, "alias": False}


class DerivedTable(Node):
    arg_types = {"query": True, "alias": True}


class Join(Node):
    arg_types = {
        "kind": True,          # "INNER", "LEFT", "RIGHT", "FULL", "CROSS"
        "natural": False,
        "left": True,
        "right": True,
        "condition": False,
        "using": False,        # list of Names
    }
