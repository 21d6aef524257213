"""The machinery of RD elements: declared attributes and children, positions, warnings.

Each RD element is a small class deriving from :class:`Element` that declares
its attributes (:class:`Attr`) and the child elements it admits.  The XML
reader, the validator and the XML Schema generator all work from these
declarations, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from rd.errors import RDError


@dataclass(frozen=True)
class Position:
    """Where an element starts: RD file and line."""

    path: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


# -- attribute value parsers --------------------------------------------------

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{text!r} is not a boolean (use True or False)")


def parse_int(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not an integer") from None


def parse_list(text: str) -> tuple[str, ...]:
    """Comma-separated names, blanks ignored."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


def one_of(*choices: str) -> Callable[[str], str]:
    lowered = {c.lower(): c for c in choices}

    def parse(text: str) -> str:
        try:
            return lowered[text.strip().lower()]
        except KeyError:
            raise ValueError(f"{text!r} is not one of {', '.join(choices)}") from None

    parse.choices = choices  # type: ignore[attr-defined]
    return parse


@dataclass(frozen=True)
class Attr:
    """A declared attribute: its XML name, how its text is parsed, default and doc."""

    name: str
    parse: Callable[[str], Any] = str
    default: Any = None
    required: bool = False
    doc: str = ""

    @property
    def py_name(self) -> str:
        out = []
        for ch in self.name:
            out.append("_" + ch.lower() if ch.isupper() else ch)
        return "".join(out)


# -- elements ------------------------------------------------------------------

ELEMENTS: dict[str, type[Element]] = {}


def element(cls: type[Element]) -> type[Element]:
    """Class decorator registering an element class under its tag."""
    ELEMENTS.setdefault(cls.tag, cls)
    return cls


class Element:
    """Base of RD elements.

    ``attrs`` declares the attributes; ``children`` maps child tags to element
    classes (a tag may mean different things under different parents);
    ``text`` names the attribute receiving the element's text content, if it
    has any; ``known_unimplemented`` lists DaCHS attributes accepted with a
    warning.
    """

    tag: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    attrs: ClassVar[tuple[Attr, ...]] = ()
    children: ClassVar[dict[str, type[Element]]] = {}
    text: ClassVar[str | None] = None

    def __init__(self, parent: Element | None, pos: Position) -> None:
        self.parent = parent
        self.pos = pos
        self.id: str | None = None
        self.child_elements: list[Element] = []
        for attr in self.attrs:
            setattr(self, attr.py_name, attr.default)
        if self.text:
            setattr(self, self.text, getattr(self, self.text, None))

    # -- structure hooks ----------------------------------------------------

    @classmethod
    def attr_named(cls, name: str) -> Attr | None:
        for attr in cls.attrs:
            if attr.name == name:
                return attr
        return None

    @classmethod
    def child_class(cls, tag: str) -> type[Element] | None:
        return cls.children.get(tag)

    def add_child(self, child: Element) -> None:
        """Called for every child once it is complete; subclasses sort them."""
        self.child_elements.append(child)

    def finish(self) -> None:
        """Called when the element and its children are read; validate here."""
        for attr in self.attrs:
            if attr.required and getattr(self, attr.py_name) in (None, ""):
                raise self.error(f"lacks the required attribute {attr.name!r}")

    def children_of(self, cls: type[Element]) -> Iterator[Element]:
        return (c for c in self.child_elements if isinstance(c, cls))

    # -- navigation ------------------------------------------------------------

    @property
    def rd(self) -> Any:
        node: Element | None = self
        while node is not None and node.parent is not None:
            node = node.parent
        return node

    def error(self, message: str, hint: str | None = None) -> RDError:
        return RDError(message, path=self.pos.path, line=self.pos.line,
                       element=self.tag, hint=hint)

    def __repr__(self) -> str:
        ident = f" id={self.id!r}" if self.id else ""
        return f"<{self.tag}{ident} at {self.pos}>"
