"""Data descriptors: ``data`` with its ``sources``, grammar and ``make`` elements."""

from __future__ import annotations

import glob
from pathlib import Path

from rd.elements.grammar import GRAMMAR_ELEMENTS, GrammarElement
from rd.elements.rowmaker import Rowmaker
from rd.elements.table import Param, Table
from rd.meta import HasMeta, Meta
from rd.structure import Attr, Element, element, one_of, parse_bool


@element
class Pattern(Element):
    tag = "pattern"
    doc = "A glob of source files, relative to the resource directory."
    text = "content"


@element
class Item(Element):
    tag = "item"
    doc = "A literal source token (a file name relative to the resource directory)."
    text = "content"


@element
class Sources(Element):
    tag = "sources"
    doc = "The source files of a data element: globs relative to the resource directory."
    attrs = (
        Attr("pattern", doc="a glob, e.g. data/*.csv"),
        Attr("recurse", parse_bool, False, doc="also match in subdirectories"),
    )
    children = {"pattern": Pattern, "item": Item}
    text = "inline_pattern"

    def patterns(self) -> list[str]:
        found = [self.pattern] if self.pattern else []
        if self.inline_pattern and self.inline_pattern.strip():
            found.append(self.inline_pattern.strip())
        found += [(c.content or "").strip() for c in self.children_of(Pattern)]
        return [p for p in found if p]

    def items(self) -> list[str]:
        return [(c.content or "").strip() for c in self.children_of(Item)]

    def finish(self) -> None:
        super().finish()
        if not self.patterns() and not self.items():
            raise self.error("names no sources (give pattern or item)")

    def resolve(self, resdir: Path) -> list[Path]:
        """The matching files, sorted, without duplicates."""
        found: set[Path] = set()
        for pat in self.patterns():
            if self.recurse:
                matches = (p for p in resdir.rglob(pat)) if "/" not in pat else \
                    (Path(m) for m in glob.glob(str(resdir / "**" / pat), recursive=True))
            else:
                matches = (Path(m) for m in glob.glob(str(resdir / pat)))
            found.update(m for m in matches if m.is_file())
        found.update(resdir / item for item in self.items())
        return sorted(found)


@element
class Script(Element):
    tag = "script"
    doc = "SQL run at a point of the import (type) for the table being made."
    attrs = (
        Attr("type", one_of("preImport", "postCreation", "preIndex", "afterMeta",
                            "beforeDrop", "newSource", "sourceDone", "preCreation"),
             required=True, doc="when it runs"),
        Attr("lang", one_of("SQL", "AC_SQL", "python"), "SQL",
             doc="SQL; AC_SQL ignores errors"),
        Attr("name", default="", doc="a name for messages"),
    )
    text = "content"


@element
class Make(Element):
    tag = "make"
    doc = "Makes one table of a data element, through a rowmaker."
    attrs = (
        Attr("table", required=True, doc="the table to fill (id)"),
        Attr("rowmaker", doc="a rowmaker defined elsewhere in the RD (id)"),
        Attr("role", doc="a name for this make within the data element"),
    )
    children = {"rowmaker": Rowmaker, "script": Script}

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.inline_rowmaker: Rowmaker | None = None

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Rowmaker):
            if self.inline_rowmaker is not None:
                raise child.error("a make takes only one rowmaker")
            self.inline_rowmaker = child

    def finish(self) -> None:
        super().finish()
        if self.rowmaker and self.inline_rowmaker:
            raise self.error("has both a rowmaker attribute and a rowmaker element")

    @property
    def scripts(self) -> list[Script]:
        return list(self.children_of(Script))  # type: ignore[arg-type]

    def resolve(self) -> tuple[Table, Rowmaker]:
        """The target table and the rowmaker (an empty one maps nothing)."""
        rd = self.rd
        table = rd.resolve_table(self.table, self)
        if self.inline_rowmaker is not None:
            return table, self.inline_rowmaker
        if self.rowmaker:
            found = rd.by_id(self.rowmaker)
            if not isinstance(found, Rowmaker):
                raise self.error(f"{self.rowmaker!r} is not a rowmaker of this RD")
            return table, found
        return table, Rowmaker(self, self.pos)


@element
class Data(HasMeta):
    tag = "data"
    doc = "What to import: sources, a grammar and the tables to make."
    attrs = (
        Attr("auto", parse_bool, True, doc="imported by dr imp without naming it"),
        Attr("updating", parse_bool, False,
             doc="import only new or changed sources, keeping the others' rows"),
    )
    children = {"sources": Sources, "make": Make, "meta": Meta, "param": Param,
                **GRAMMAR_ELEMENTS}

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.sources: Sources | None = None
        self.grammar: GrammarElement | None = None
        self.makes: list[Make] = []

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Sources):
            if self.sources is not None:
                raise child.error("a data element takes one sources element")
            self.sources = child
        elif isinstance(child, GrammarElement):
            if self.grammar is not None:
                raise child.error("a data element takes exactly one grammar")
            self.grammar = child
        elif isinstance(child, Make):
            self.makes.append(child)

