"""Turning a checked ADQL tree into PostgreSQL: the rule table and its driver.

As in sqlglot's generator, each node class has one translation function,
registered with ``@SQL.rule(NodeClass)`` in ``gen_expr``, ``gen_geometry``
and ``gen_query``; a node without one raises ADQLError, so nothing reaches
PostgreSQL as text the translator did not produce itself.  Rules read what
the checker found from the nodes' typed annotations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adql import nodes as n
from adql.rules import RuleTable

SQL: RuleTable[Callable[[Generator, Any], str]] = RuleTable(
    "SQL", lambda node: f"{type(node).__name__} cannot be translated to SQL")


class Generator:
    """Emits the SQL of one checked statement."""

    def __init__(self, maxrec: int | None = None) -> None:
        self.maxrec = maxrec

    def sql(self, node: n.Node) -> str:
        return SQL.find(node)(self, node)

    def list(self, nodes: list[n.Node]) -> str:
        return ", ".join(self.sql(node) for node in nodes)

    def typed(self, node: n.Node, sql_type: str) -> str:
        """The SQL of ``node``, cast to ``sql_type`` if it is an untyped NULL.

        PostgreSQL cannot choose an operator or function for NULL of unknown
        type (``- NULL``, ``sum(NULL)``); ADQL's NULL takes the expected type.
        """
        sql = self.sql(node)
        if node.type.kind == "null":
            return f"CAST({sql} AS {sql_type})"
        return sql
