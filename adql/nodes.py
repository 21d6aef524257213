"""Syntax-tree nodes of ADQL value expressions and predicates.

As in sqlglot's expressions, each construct is one small class declaring its
children in ``arg_types`` (name → required?); the constructor validates against
that declaration.  Nodes carry the character offset of their first token
(``pos``) for error messages.  What the checker learns about a node is kept
in typed annotations declared on its class (``type`` on every node,
``column`` on ColumnRef…); the generator reads them.  Geometry nodes live in
``nodes_geometry``, query structure in ``nodes_query``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from adql.adqltypes import ADQLType
from adql.names import Name  # at home in adql.names; rules write n.Name
from adql.resolved import SourceColumn


class _Child:
    """How ``node.<child>`` reads ``node.args``: a descriptor on the class, which
    Python finds at once (a ``__getattr__`` runs only after a failed lookup,
    and checking and generating read children hundreds of times per query)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, node: Any, owner: Any = None) -> Any:
        if node is None:
            return self
        return node.args.get(self.name)


class Node:
    """Base of all syntax-tree nodes."""

    arg_types: ClassVar[dict[str, bool]] = {}
    type: ADQLType      # the checker: the ADQL type of a value or condition it accepted

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A child reads as node.<name>; an annotation of that name would hide it.
        annotated = {k for c in cls.__mro__ for k in vars(c).get("__annotations__", {})}
        for name in cls.arg_types:
            if isinstance(getattr(cls, name, None), _Child):
                continue  # a parent's child of the same name
            if hasattr(cls, name) or name in annotated:
                raise TypeError(f"{cls.__name__}: child {name!r} hides an attribute")
            setattr(cls, name, _Child(name))

    def __init__(self, pos: int = -1, **args: Any) -> None:
        for key in args:
            if key not in self.arg_types:
                raise TypeError(f"{type(self).__name__} has no child {key!r}")
        for key, required in self.arg_types.items():
            if required and args.get(key) is None:
                raise TypeError(f"{type(self).__name__} needs {key!r}")
        self.args = args
        self.pos = pos

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
    as_boolean: bool | None = None      # the checker: 0 or 1 compared with a boolean

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
    column: SourceColumn | None = None  # the checker: what the name resolves to

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
    factor: float | None = None         # the checker: operand's unit → the unit asked for


class ScalarSubquery(Node):
    arg_types = {"query": True}


# -- predicates --------------------------------------------------------------------

@dataclass(frozen=True)
class RegionTest:
    """CONTAINS/INTERSECTS(…) = 1 (or 0): written as the pgsphere predicate itself."""

    predicate: Node                     # the Contains or Intersects
    positive: bool                      # false for "= 0" and "<> 1"


@dataclass(frozen=True)
class DistanceTest:
    """DISTANCE(p, q) < r (or <=): written as "p in the circle of radius r around q"."""

    distance: Node                      # the Distance
    radius: Node
    op: str                             # "<" or "<=", as if DISTANCE were on the left
    constant_radius: bool               # r is a number given in the query


class Comparison(Node):
    arg_types = {"op": True, "left": True, "right": True}
    # The checker: a form PostgreSQL can answer from a position index.
    index_form: RegionTest | DistanceTest | None = None


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
