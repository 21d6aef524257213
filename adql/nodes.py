"""Syntax-tree nodes of ADQL value expressions and predicates.

As in sqlglot's expressions, each construct is one small class declaring its
children in ``arg_types`` (name → required?); the constructor validates against
that declaration.  Nodes carry the character offset of their first token
(``pos``) for error messages, and the checker's annotations: ``type`` (an
``adql.adqltypes.ADQLType``) and ``ann`` (a dict, e.g. the resolved column).
Geometry nodes live in ``nodes_geometry``, query structure in ``nodes_query``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class Name:
    """An identifier as written: regular names compare case-insensitively."""

    text: str
    delimited: bool = False

    @property
    def key(self) -> str:
        """The form used for comparisons (regular identifiers fold to lower case)."""
        return self.text if self.delimited else self.text.lower()

    def matches(self, declared: str) -> bool:
        """Does this name denote ``declared`` (a name from table metadata)?"""
        return self.text == declared if self.delimited else self.key == declared.lower()

    def __str__(self) -> str:
        return '"' + self.text.replace('"', '""') + '"' if self.delimited else self.text


class Node:
    """Base of all syntax-tree nodes."""

    arg_types: ClassVar[dict[str, bool]] = {}

    def __init__(self, pos: int = -1, **args: Any) -> None:
        for key in args:
            if key not in self.arg_types:
                raise TypeError(f"{type(self).__name__} has no child {key!r}")
        for key, required in self.arg_types.items():
            if required and args.get(key) is None:
                raise TypeError(f"{type(self).__name__} needs {key!r}")
        self.args = args
        self.pos = pos
        self.type: Any = None
        self.ann: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name in type(self).arg_types:
            return self.__dict__["args"].get(name)
        raise AttributeError(name)

    def set(self, name: str, value: Any) -> None:
        if name not in self.arg_types:
            raise TypeError(f"{type(self).__name__} has no child {name!r}")
        self.args[name] = value

    def children(self) -> Iterator[Node]:
        for value in self.args.values():
            if isinstance(value, Node):
                yield value
            elif isinstance(value, list | tuple):
                yield from (v for v in value if isinstance(v, Node))

    def walk(self) -> Iterator[Node]:
        """This node and all below it, depth first."""
        yield self
        for child in self.children():
            yield from child.walk()

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.args.items() if v is not None)
        return f"{type(self).__name__}({inner})"


# -- literals and references ---------------------------------------------------

class NumberLiteral(Node):
    arg_types = {"text": True}

    @property
    def is_integer(self) -> bool:
        return all(c.isdigit() for c in self.text)

    @property
    def value(self) -> float:
        # Integers beyond 64 bits are computed as floats anyway, and Python
        # refuses int() of very long digit strings.
        if self.is_integer and len(self.text) <= 19:
            return int(self.text)
        return float(self.text)


class HexLiteral(Node):
    arg_types = {"text": True}

    @property
    def value(self) -> int:
        return int(self.text, 16)


class StringLiteral(Node):
    arg_types = {"value": True}


class NullLiteral(Node):
    arg_types = {}


class ColumnRef(Node):
    """``[[[catalog.]schema.]table.]column``; parts are Names."""

    arg_types = {"parts": True}

    @property
    def name(self) -> Name:
        return self.parts[-1]

    @property
    def qualifier(self) -> tuple[Name, ...]:
        return tuple(self.parts[:-1])


class Star(Node):
    """``*`` or ``qualifier.*`` in a select list."""

    arg_types = {"qualifier": False}


# -- operators -------------------------------------------------------------------

class Arithmetic(Node):
    arg_types = {"op": True, "left": True, "right": True}


class Bitwise(Node):
    arg_types = {"op": True, "left": True, "right": True}


class Concatenation(Node):
    arg_types = {"left": True, "right": True}


class Negative(Node):
    arg_types = {"operand": True}


class BitNot(Node):
    arg_types = {"operand": True}


# -- functions -------------------------------------------------------------------

class FunctionCall(Node):
    """A math, trig, string or user-defined function from ``adql.functions``."""

    arg_types = {"name": True, "arguments": True}


class Aggregate(Node):
    """COUNT/AVG/MIN/MAX/SUM; ``operand`` is None for COUNT(*)."""

    arg_types = {"name": True, "operand": False, "distinct": False}


class CastTarget(Node):
    arg_types = {"name": True, "length": False}


class Cast(Node):
    arg_types = {"operand": True, "target": True}


class Coalesce(Node):
    arg_types = {"items": True}


class NullIf(Node):
    arg_types = {"left": True, "right": True}


class When(Node):
    arg_types = {"condition": True, "result": True}


class Case(Node):
    """Searched CASE (``operand`` None) or simple CASE."""

    arg_types = {"operand": False, "whens": True, "default": False}


class InUnit(Node):
    arg_types = {"operand": True, "unit": True}


class ScalarSubquery(Node):
    arg_types = {"query": True}


# -- predicates --------------------------------------------------------------------

class Comparison(Node):
    arg_types = {"op": True, "left": True, "right": True}


class Between(Node):
    arg_types = {"operand": True, "low": True, "high": True, "negated": False}


class Like(Node):
    arg_types = {"operand": True, "pattern": True, "negated": False, "nocase": False}


class InList(Node):
    arg_types = {"operand": True, "items": True, "negated": False}


class InQuery(Node):
    arg_types = {"operand": True, "query": True, "negated": False}


class IsNull(Node):
    arg_types = {"operand": True, "negated": False}


class Exists(Node):
    arg_types = {"query": True}


class Not(Node):
    arg_types = {"operand": True}


class And(Node):
    arg_types = {"items": True}


class Or(Node):
    arg_types = {"items": True}
