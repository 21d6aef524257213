"""RD metadata: ``<meta>`` elements, nested and dotted keys, meta streams, inheritance;
and ``<property>``, a publisher's named setting on an element.

``<meta name="creator"><meta name="name">Doe, J.</meta></meta>`` and
``<meta name="creator.name">Doe, J.</meta>`` both give the key
``creator.name``; a ``<meta>`` without a name holds a *meta stream*, one
``key: value`` per line.  Keys may repeat (several creators).  A table's
meta falls back to its RD's.  Other attributes of a meta (``title``,
``tag`` of a note, ``ivoId``…) are kept with its value, as DaCHS keeps them
as sub-keys.  Notes (``<meta name="note" tag="1">``) are reStructuredText
unless a format says otherwise, as in DaCHS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from rd.structure import Attr, Element, element, one_of


@dataclass(frozen=True)
class MetaItem:
    key: str
    value: str
    format: str = "plain"
    attrs: tuple[tuple[str, str], ...] = ()

    def attr(self, name: str, default: str = "") -> str:
        return dict(self.attrs).get(name, default)


@dataclass
class MetaStore:
    """Meta items of one element, with an optional parent store to fall back to."""

    items: list[MetaItem] = field(default_factory=list)
    parent: MetaStore | None = None

    def add(self, item: MetaItem) -> None:
        self.items.append(item)

    def get_all(self, key: str, inherit: bool = True) -> list[MetaItem]:
        found = [i for i in self.items if i.key == key]
        if not found and inherit and self.parent is not None:
            return self.parent.get_all(key)
        return found

    def get(self, key: str, default: str = "", inherit: bool = True) -> str:
        found = self.get_all(key, inherit)
        return found[0].value if found else default

    def __iter__(self) -> Iterator[MetaItem]:
        return iter(self.items)

    def as_dict(self) -> dict[str, str]:
        """The first value per key (own keys only), e.g. for system tables."""
        out: dict[str, str] = {}
        for item in self.items:
            out.setdefault(item.key, item.value)
        return out


def _dedent(text: str) -> str:
    lines = text.strip("\n").splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    cut = min(indents) if indents else 0
    first = lines[0].strip() if lines else ""
    rest = [line[cut:] for line in lines[1:]]
    return "\n".join([first, *rest]).strip()


def _normalise(text: str, fmt: str) -> str:
    """Plain values: blanks collapsed within paragraphs, paragraphs kept."""
    if fmt != "plain":
        return text
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


@element
class Meta(Element):
    tag = "meta"
    doc = ("A piece of metadata (title, description, creator.name, ...); further "
           "attributes (title, ivoId, tag of a note, ...) qualify the value.")
    attrs = (
        Attr("name", doc="the meta key; dotted keys nest (creator.name)"),
        Attr("format", one_of("plain", "rst", "literal", "raw"), None,
             doc="how the value is written (default plain; rst for notes)"),
        Attr("title", doc="a title, e.g. of an _example"),
        Attr("ivoId", doc="an IVOA identifier the value refers to"),
        Attr("altIdentifier", doc="an alternative identifier (e.g. a DOI)"),
    )  # and others, e.g. tag of a note (what a column's note= names)
    text = "content"
    open_attrs = True

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.nested: list[Meta] = []

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Meta):
            self.nested.append(child)

    def finish(self) -> None:
        super().finish()
        if self.name is None and self.nested:
            raise self.error("a meta with nested metas needs a name")
        if self.format is None:
            self.format = "rst" if self.name == "note" else "plain"
        if self.name == "note" and not self.open_attributes().get("tag"):
            raise self.error("a note needs a tag (what columns' note= refers to)")

    def items(self, prefix: str = "") -> Iterator[MetaItem]:
        """Flatten this element into MetaItems with dotted keys."""
        if self.name is None:
            yield from self._stream_items(prefix)
            return
        key = f"{prefix}{self.name}"
        value = _normalise(_dedent(self.content or ""), self.format)
        attrs = tuple((a.name, getattr(self, a.py_name)) for a in self.attrs
                      if a.name not in ("name", "format")
                      and getattr(self, a.py_name) is not None)
        attrs += tuple(self.open_attributes().items())
        if value or not self.nested:
            yield MetaItem(key, value, self.format, attrs)
        for child in self.nested:
            yield from child.items(key + ".")

    def _stream_items(self, prefix: str) -> Iterator[MetaItem]:
        current: list[str] | None = None
        key = ""
        for raw in _dedent(self.content or "").splitlines():
            if not raw.strip():
                continue
            head, sep, rest = raw.strip().partition(":")
            is_key = sep and head and " " not in head.strip() and not raw[:1].isspace()
            if is_key:
                if current is not None:
                    yield MetaItem(prefix + key, _normalise("\n".join(current), "plain"))
                key, current = head.strip(), [rest.strip()]
            elif current is not None:
                current.append(raw.strip())
            else:
                raise self.error(f"meta stream line {raw.strip()!r} is not 'key: value'")
        if current is not None:
            yield MetaItem(prefix + key, _normalise("\n".join(current), "plain"))


Meta.children = {"meta": Meta}


@element
class Doc(Element):
    tag = "doc"
    doc = "Documentation for readers of the RD (of a mixinDef, say)."
    text = "content"


@element
class Property(Element):
    tag = "property"
    doc = "A named setting, e.g. onlyForRenderer on a condDesc, targetType on a column."
    attrs = (Attr("name", required=True, doc="the property's name"),)
    text = "content"


class HasProperties(Element):
    """Base of elements carrying ``<property>`` children."""

    @property
    def properties(self) -> dict[str, str]:
        return {c.name: (c.content or "").strip() for c in self.child_elements
                if isinstance(c, Property)}

    def property(self, name: str, default: str = "") -> str:
        return self.properties.get(name, default)


class HasMeta(Element):
    """Mixin base for elements carrying ``<meta>`` children and a MetaStore."""

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        parent_store = getattr(parent, "meta", None)
        self.meta = MetaStore(parent=parent_store if isinstance(parent_store, MetaStore)
                              else None)

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Meta):
            for item in child.items():
                self.meta.add(item)
