"""Data descriptors: ``data`` with its ``sources``, grammar and ``make`` elements.

A data element without sources and grammar makes its tables empty, to be
filled otherwise (by scripts, say), as in DaCHS.  A make without a rowmaker
gets DaCHS's default: every column from the grammar field of the same name.
A grammar of DaCHS that DR lacks loads; its data element then cannot be
imported, and says so (:attr:`Data.unimportable`).
"""

from __future__ import annotations

import fnmatch
import glob
from pathlib import Path

from rd.elements.column import Param
from rd.elements.grammar import GRAMMAR_ELEMENTS, GrammarElement
from rd.elements.rowmaker import Rowmaker
from rd.elements.script import Script
from rd.elements.table import DataPublish, Table
from rd.meta import HasMeta, HasProperties, Meta, Property
from rd.structure import Attr, Element, Opaque, element, parse_bool, parse_list
from rd.vocabulary import DACHS_GRAMMARS

__all__ = ["Script"]  # also importable from here, as before


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
class IgnoreSources(Element):
    tag = "ignoreSources"
    doc = ("Sources not to import: globs (pattern), a file listing them (fromfile), or "
           "an SQL query giving them (fromdb; fromdbUpdating only when the data is "
           "updating), as paths relative to the resource directory or absolute.")
    attrs = (
        Attr("pattern", doc="globs, relative to the resource directory"),
        Attr("fromfile", doc="a file (resdir-relative) naming one source per line"),
        Attr("fromdb", doc="SQL whose first column gives the sources"),
        Attr("fromdbUpdating", doc="like fromdb, for updating imports only"),
    )
    children = {"pattern": Pattern}

    def patterns(self) -> list[str]:
        found = [p.strip() for p in (self.pattern or "").split(",") if p.strip()]
        return found + [(c.content or "").strip() for c in self.children_of(Pattern)]

    def matches(self, path: Path, resdir: Path) -> bool:
        try:
            rel = str(path.relative_to(resdir))
        except ValueError:
            rel = str(path)
        return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(path.name, p)
                   for p in self.patterns())

    def listed(self, resdir: Path) -> set[str]:
        """The sources the fromfile file names (relative and absolute forms)."""
        if not self.fromfile:
            return set()
        path = resdir / self.fromfile
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise self.error(f"cannot read fromfile {str(path)!r}: {exc.strerror}") from None
        return {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}


@element
class Sources(Element):
    tag = "sources"
    doc = "The source files of a data element: globs relative to the resource directory."
    attrs = (
        Attr("pattern", doc="a glob, e.g. data/*.csv"),
        Attr("recurse", parse_bool, False, doc="also match in subdirectories"),
    )
    children = {"pattern": Pattern, "item": Item, "ignoreSources": IgnoreSources}
    text = "inline_pattern"

    @property
    def ignored(self) -> IgnoreSources | None:
        return next(self.children_of(IgnoreSources), None)  # type: ignore[return-value]

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

    def resolve(self, resdir: Path, ignore: bool = True) -> list[Path]:
        """The matching files, sorted, without duplicates, less ignoreSources patterns
        and fromfile (fromdb needs the database: the importer applies it)."""
        found: set[Path] = set()
        for pat in self.patterns():
            if self.recurse:
                matches = (p for p in resdir.rglob(pat)) if "/" not in pat else \
                    (Path(m) for m in glob.glob(str(resdir / "**" / pat), recursive=True))
            else:
                matches = (Path(m) for m in glob.glob(str(resdir / pat)))
            found.update(m for m in matches if m.is_file())
        # Items are tokens passed to the grammar as they are (DaCHS); file names
        # among them are relative to the resource directory.
        found.update(resdir / item if (resdir / item).is_file() else Path(item)
                     for item in self.items())
        ignored = self.ignored
        if ignored is not None and ignore:
            listed = ignored.listed(resdir)
            found = {p for p in found if not ignored.matches(p, resdir)
                     and not is_listed(p, resdir, listed)}
        return sorted(found)


def is_listed(path: Path, resdir: Path, names: set[str]) -> bool:
    """Whether ``names`` (resdir-relative or absolute paths) name ``path``."""
    if not names:
        return False
    try:
        rel = str(path.relative_to(resdir))
    except ValueError:
        rel = None
    return str(path) in names or (rel is not None and (rel in names
                                                       or f"./{rel}" in names))


# What a parmaker may apply: DR's SDM delivery (engine/soda/sdm.py) puts the SSA
# row's metadata on a spectrum itself.
_PARMAKER_PROCS = frozenset({"//ssap#feedSSAToSDM"})


@element
class Parmaker(Rowmaker):
    tag = "parmaker"
    doc = ("Sets the params of the table made from the data's params.  DR runs "
           "what DaCHS RDs put here, //ssap#feedSSAToSDM (the SSA row's metadata "
           "on an SDM spectrum), itself; anything else is reported and left out.")

    def finish(self) -> None:
        super().finish()
        others = [a.proc_def or "code" for a in self.applies
                  if a.proc_def not in _PARMAKER_PROCS]
        if others or self.maps or self.vars:
            self.warn("DR runs only //ssap#feedSSAToSDM in a parmaker yet; "
                      f"left out: {', '.join(others) or 'its maps and vars'}")


@element
class Make(Element):
    tag = "make"
    doc = "Makes one table of a data element, through a rowmaker."
    attrs = (
        Attr("table", required=True, doc="the table to fill (id)"),
        Attr("rowmaker", doc="a rowmaker defined elsewhere in the RD (id)"),
        Attr("role", doc="a name for this make within the data element"),
    )
    children = {"rowmaker": Rowmaker, "script": Script, "parmaker": Parmaker}

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.inline_rowmaker: Rowmaker | None = None
        self._default_rowmaker: Rowmaker | None = None

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Rowmaker) and not isinstance(child, Parmaker):
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
        """The target table and the rowmaker; without one, DaCHS's default: every
        column from the grammar field of the same name (idmaps="*")."""
        rd = self.rd
        table = rd.resolve_table(self.table, self)
        if self.inline_rowmaker is not None:
            return table, self.inline_rowmaker
        if self.rowmaker:
            found = rd.by_id(self.rowmaker)
            if not isinstance(found, Rowmaker):
                raise self.error(f"{self.rowmaker!r} is not a rowmaker of this RD")
            return table, found
        if self._default_rowmaker is None:
            default = Rowmaker(self, self.pos)
            default.idmaps = ("*",) if table.columns else ()
            default.finish()
            self._default_rowmaker = default
        return table, self._default_rowmaker

    @property
    def all_scripts(self) -> list[Script]:
        """The make's scripts and its table's, in that order."""
        table = self.rd.resolve_table(self.table, self)
        return self.scripts + table.scripts


class UnimplementedGrammar(Opaque):
    """A DaCHS grammar DR lacks: its data element loads but cannot be imported."""


def _unimplemented_grammars() -> dict[str, type[Element]]:
    return {tag: type(f"Unimplemented_{tag}", (UnimplementedGrammar,), {"tag": tag})
            for tag in sorted(DACHS_GRAMMARS) if tag not in GRAMMAR_ELEMENTS}


@element
class Data(HasMeta, HasProperties):
    tag = "data"
    doc = ("What to import: sources, a grammar and the tables to make.  Without "
           "sources and grammar, its tables are made empty (scripts may fill them).")
    attrs = (
        Attr("auto", parse_bool, True, doc="imported by dr imp without naming it"),
        Attr("updating", parse_bool, False,
             doc="import only new or changed sources, keeping the others' rows"),
        Attr("recreateAfter", parse_list, (),
             doc="data elements of this RD (ids) that dr imp makes again after this "
                 "one, e.g. the views over its tables; repeatable as an element"),
    )
    children = {"sources": Sources, "make": Make, "meta": Meta, "param": Param,
                "property": Property, "publish": DataPublish,
                **_unimplemented_grammars(), **GRAMMAR_ELEMENTS}

    @property
    def publications(self) -> list[DataPublish]:
        """Its ``<publish>`` elements: the registry's data collections."""
        return list(self.children_of(DataPublish))  # type: ignore[arg-type]

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.sources: Sources | None = None
        self.grammar: GrammarElement | None = None
        self.makes: list[Make] = []
        # Why DR cannot import this data element yet (None: it can).
        self.unimportable: str | None = None

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Sources):
            if self.sources is not None:
                raise child.error("a data element takes one sources element")
            self.sources = child
        elif isinstance(child, GrammarElement | UnimplementedGrammar):
            if self.grammar is not None or self.unimportable is not None:
                raise child.error("a data element takes exactly one grammar")
            if isinstance(child, UnimplementedGrammar):
                self.unimportable = f"DR does not implement <{child.tag}> yet"
                child.warn(f"is not implemented by DR yet; data {self.id or ''!r} "
                           "cannot be imported")
            else:
                self.grammar = child
        elif isinstance(child, Make):
            self.makes.append(child)

    def finish(self) -> None:
        super().finish()
        if self.sources is not None and self.grammar is None \
                and self.unimportable is None:
            raise self.error("has sources but no grammar to read them with")
        elsewhere = [ref for ref in self.recreate_after if "#" in ref]
        if elsewhere:
            self.warn(f"recreateAfter {', '.join(elsewhere)}: dr imp remakes data of "
                      "this RD only; views in other RDs over its tables are kept over "
                      "its re-imports by themselves")
            self.recreate_after = tuple(r for r in self.recreate_after if "#" not in r)

    @property
    def fills_rows(self) -> bool:
        """Whether rows come from sources through a grammar (else: tables made empty)."""
        # A nullGrammar without sources (DaCHS's way to make tables) reads nothing.
        return self.grammar is not None and (self.grammar.yields_rows
                                             or self.sources is not None)
