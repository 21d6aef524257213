"""Turning a checked ADQL tree into PostgreSQL: the dispatch table and its driver.

As in sqlglot's generator, each node class has one translation function,
registered with ``@rule(NodeClass)`` in ``gen_expr``, ``gen_geometry`` and
``gen_query``; a node without one raises ADQLError, so nothing reaches
PostgreSQL as text the translator did not produce itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adql import nodes as n
from adql.errors import ADQLError

Rule = Callable[["Generator", Any], str]
RULES: dict[type, Rule] = {}


def rule(*classes: type) -> Callable[[Rule], Rule]:
    """Register the decorated function as the translation of ``classes``."""
    def register(function: Rule) -> Rule:
        for cls in classes:
            if cls in RULES:
                raise RuntimeError(f"two translations for {cls.__name__}")
            RULES[cls] = function
        return function
    return register


class Generator:
    """Emits the SQL of one checked statement."""

    def __init__(self, maxrec: int | None = None) -> None:
        self.maxrec = maxrec

    def sql(self, node: n.Node) -> str:
        translate = RULES.get(type(node))
        if translate is None:
            raise ADQLError(f"{type(node).__name__} cannot be translated to SQL",
                            offset=node.pos)
        return translate(self, node)

    def list(self, nodes: list[n.Node]) -> str:
        return ", ".join(self.sql(node) for node in nodes)

    def typed(self, node: n.Node, sql_type: str) -> str:
        """The SQL of ``node``, cast to ``sql_type`` if it is an untyped NULL.

        PostgreSQL cannot choose an operator or function for NULL of unknown
        type (``- NULL``, ``sum(NULL)``); ADQL's NULL takes the expected type.
        """
        sql = self.sql(node)
        if node.type is not None and node.type.kind == "null":
            return f"CAST({sql} AS {sql_type})"
        return sql


# The rule modules register themselves on import.
from adql import gen_expr, gen_geometry, gen_query  # noqa: E402, F401
