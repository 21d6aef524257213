"""Rule tables: the one way checker, generator and syntax rules are registered and found.

A table maps a node class to the function handling it; rule modules register
with a decorator, and a node whose class has no rule in the table its place
asks for is refused with an ADQLError at its position — ADQL is DR's security
boundary, so nothing passes through unhandled.  Lookup is by exact class: a
subclass of a handled node needs rules of its own.

    @VALUES.rule(n.Arithmetic)          # adql.checking
    def _arithmetic(ctx, node) -> ADQLType: ...

    @SQL.rule(n.Arithmetic)             # adql.generator
    def arithmetic(gen, node) -> str: ...
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from adql.errors import ADQLError
from adql.nodes import Node

R = TypeVar("R", bound=Callable[..., Any])


class RuleTable(Generic[R]):
    """The rules of one pass (or one role within a pass), by node class."""

    def __init__(self, name: str, refusal: Callable[[Node], str] | None = None) -> None:
        self.name = name
        self.refusal = refusal or _not_here   # the message for a node without a rule
        self.rules: dict[type[Node], R] = {}

    def rule(self, *classes: type[Node]) -> Callable[[R], R]:
        """Register the decorated function as the rule for ``classes``."""
        def register(function: R) -> R:
            for cls in classes:
                if cls in self.rules:
                    raise RuntimeError(f"two {self.name} rules for {cls.__name__}")
                self.rules[cls] = function
            return function
        return register

    def find(self, node: Node) -> R:
        """The rule for ``node``; ADQLError if its class has none."""
        rule = self.rules.get(type(node))
        if rule is None:
            raise ADQLError(self.refusal(node), offset=node.pos)
        return rule

    def get(self, node: Node) -> R | None:
        """The rule for ``node``, or None (for passes that leave other nodes alone)."""
        return self.rules.get(type(node))

    def classes(self) -> frozenset[type[Node]]:
        return frozenset(self.rules)


def _not_here(node: Node) -> str:
    return f"{type(node).__name__} cannot be used here"
