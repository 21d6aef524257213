"""The machinery of RD elements: declared attributes and children, positions, warnings.

Each RD element is a small class deriving from :class:`Element` that declares
its attributes (:class:`Attr`) and the child elements it admits.  The XML
reader, the validator and the XML Schema generator all work from these
declarations, so they cannot disagree.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from rd.errors import DRError, RDError
from rd.vocabulary import misplaced


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


OPEN_PREFIX = "open:"


@dataclass(frozen=True)
class OpenAttr(Attr):
    """An attribute of an element that takes any name (a meta's sub-keys, a
    mixin's parameters); :meth:`Element.open_attributes` lists those given."""

    @property
    def py_name(self) -> str:
        return OPEN_PREFIX + self.name


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
    has any; an element with ``open_attrs`` takes attributes of any name.

    Errors that are not the RD's fault (bugs) raised while an element is
    checked or given a child still name the element and its line, never a
    traceback.
    """

    tag: ClassVar[str] = ""
    doc: ClassVar[str] = ""
    attrs: ClassVar[tuple[Attr, ...]] = ()
    children: ClassVar[dict[str, type[Element]]] = {}
    text: ClassVar[str | None] = None
    open_attrs: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "finish" in cls.__dict__:
            cls.finish = _located_finish(cls.__dict__["finish"])
        if "add_child" in cls.__dict__:
            cls.add_child = _located_add_child(cls.__dict__["add_child"])

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
        if cls.open_attrs and name not in ("id", "original"):
            return OpenAttr(name)
        return None

    @classmethod
    def child_class(cls, tag: str) -> type[Element] | None:
        found = cls.children.get(tag)
        if found is None and cls.tag and misplaced(cls.tag, tag) \
                and cls.attr_named(tag) is None:
            return misplaced_class(tag)
        return found

    def add_child(self, child: Element) -> None:
        """Called for every child once it is complete; subclasses sort them."""
        self.child_elements.append(child)

    def open_attributes(self) -> dict[str, str]:
        """The attributes of an ``open_attrs`` element not declared in ``attrs``."""
        return {name[len(OPEN_PREFIX):]: value for name, value in vars(self).items()
                if name.startswith(OPEN_PREFIX)}

    def warn(self, message: str) -> None:
        """A warning naming this element's file and line (collected by its RD)."""
        note = getattr(self.rd, "note_warning", None)
        if note is not None:
            note(self.pos, self.tag, message)

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


_OPAQUE: dict[str, type[Opaque]] = {}


class Opaque(Element):
    """DaCHS vocabulary DR keeps but does not interpret (a core or grammar it lacks):
    any attributes, text and children, so what the RD says about them loads
    and the element that holds one can say why it cannot work."""

    open_attrs = True
    text = "content"

    @classmethod
    def child_class(cls, tag: str) -> type[Element] | None:
        return opaque_class(tag)


class Misplaced(Element):
    """DaCHS vocabulary where DaCHS does not allow it either: an error naming it."""

    def __init__(self, parent: Element | None, pos: Position) -> None:
        where = parent.tag if parent is not None else "?"
        raise RDError(f"is not allowed inside <{where}>", path=pos.path,
                      line=pos.line, element=self.tag)


_MISPLACED: dict[str, type[Misplaced]] = {}


def misplaced_class(tag: str) -> type[Misplaced]:
    if tag not in _MISPLACED:
        _MISPLACED[tag] = type(f"Misplaced_{tag}", (Misplaced,), {"tag": tag})
    return _MISPLACED[tag]


def opaque_class(tag: str) -> type[Opaque]:
    """The Opaque element class for ``tag``."""
    if tag not in _OPAQUE:
        _OPAQUE[tag] = type(f"Opaque_{tag}", (Opaque,), {"tag": tag})
    return _OPAQUE[tag]


# What a bug raises, as opposed to exceptions the reader uses to steer.
_BUGS = (ArithmeticError, AssertionError, AttributeError, LookupError, NameError,
         RecursionError, SyntaxError, TypeError, ValueError)


def _as_located(elem: Element, exc: Exception) -> Exception:
    """An RDError naming ``elem`` for an error raised while checking it."""
    if isinstance(exc, RDError) and exc.path is not None:
        return exc
    if isinstance(exc, DRError):
        return elem.error(exc.message, hint=exc.hint)
    if not isinstance(exc, _BUGS):
        return exc
    return elem.error(f"cannot be read: {type(exc).__name__}: {exc}",
                      hint="this is a bug in DR, not in your RD; please report it "
                           "together with the RD")


def _located_finish(method: Callable[[Element], None]) -> Callable[[Element], None]:
    @functools.wraps(method)
    def finish(self: Element) -> None:
        try:
            method(self)
        except Exception as exc:
            located = _as_located(self, exc)
            if located is exc:
                raise
            raise located from exc

    return finish


def _located_add_child(method: Callable[[Element, Element], None]
                       ) -> Callable[[Element, Element], None]:
    @functools.wraps(method)
    def add_child(self: Element, child: Element) -> None:
        try:
            method(self, child)
        except Exception as exc:
            located = _as_located(child, exc)
            if located is exc:
                raise
            raise located from exc

    return add_child
