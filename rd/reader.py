"""Reading RD XML into element objects: attributes, text, children, active tags, macros.

Handles what happens before elements are built: ``STREAM``/``NXSTREAM``
recording, ``FEED`` and ``LOOP`` replay with macro parameters (rd/replay.py,
the reader's base class), ``original=`` copies, mixins
(``mixin="//scs#pgs-pos-index"``), references into other RDs (rd/references.py),
macros (rd/macros.py) and the DaCHS-vocabulary policy (known but
unimplemented names warn, unknown names fail).  Every error names
file, line and element.

DaCHS lets any attribute be written as a child element
(``<simplemaps>a:b</simplemaps>``, ``<mixin>//scs#q3cindex</mixin>``); so does
DR.  For ``original=`` the reader keeps, for every element with an id, a
*snapshot*: its XML as built (macros expanded, FEEDs replayed), which is
what a later copy starts from, in this RD or in one referring to it.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from rd import site as site_config
from rd.elements.procs import MacDef, ProcApp, ProcDef
from rd.elements.resource import MixinDef, Resource
from rd.elements.table import AppliedMixin, Table
from rd.errors import RDError
from rd.macros import Scope, expand_in, in_code_context, inputs_relative_resdir
from rd.originals import MIXIN_MARK, Originals
from rd.references import (
    SYSTEM_DIR,
    SYSTEM_PREFIX,
    Fragment,
    Library,
    Unavailable,
    parse_xml,
    short_name,
    split_reference,
)
from rd.replay import ACTIVE_TAGS, ActiveTags
from rd.structure import Element, Position, parse_list
from rd.vocabulary import DACHS_ATTRIBUTES, DACHS_ELEMENTS, DACHS_SYSTEM_IDS

_PARAM_RE = re.compile(r"\\([A-Za-z_][A-Za-z_0-9]+)")
_SYSTEM_READERS: dict[str, Reader] = {}  # system RDs never change: read once
_LIMITED_PROCS = {
    "//procs#resolveObject": "DR has no object-name resolver for imports yet; importing "
                             "rows through this procedure fails",
}

__all__ = ["SYSTEM_DIR", "Fragment", "Reader", "parse_xml", "read_rd"]


@dataclass
class Reader(ActiveTags):
    """Builds one RD; collects its warnings."""

    path: str
    root_xml: etree._Element
    rd_id: str = ""
    inputs_dir: Path | None = None
    library: Library | None = None
    warnings: list[str] = field(default_factory=list)
    streams: dict[str, Fragment] = field(default_factory=dict)
    macro_defs: dict[str, str] = field(default_factory=dict)
    snapshots: dict[str, etree._Element] = field(default_factory=dict)
    rd: Resource | None = None
    _stack: list[tuple[Element, etree._Element, etree._Element]] = field(
        default_factory=list)
    _origins: list[str] = field(default_factory=list)
    # The STREAMs being replayed, outermost first: (RD id#id, as written).
    _replaying: list[tuple[str, str]] = field(default_factory=list)
    _in_mixin: int = 0
    _mixin_params: dict[Element, dict[str, dict[str, str]]] = field(default_factory=dict)
    _procs: list[ProcApp] = field(default_factory=list)
    _skipped: dict[Element, str] = field(default_factory=dict)  # element -> why

    # -- entry ---------------------------------------------------------------

    def __post_init__(self) -> None:
        self.originals = Originals(self)

    def read(self) -> Resource:
        if self.library is None:
            self.library = Library(self.inputs_dir, read_rd)
        if self.root_xml.tag != "resource":
            raise RDError(f"the root element is <{self.root_xml.tag}>, not <resource>",
                          path=self.path, line=self.root_xml.sourceline)
        rd = self.build(self.root_xml, Resource, None, self.path, {})
        assert isinstance(rd, Resource)
        for app in self._procs:
            self.resolve_proc_def(app)
        rd.warnings = self.warnings
        return rd

    def warn(self, pos: Position, tag: str, message: str) -> None:
        self.warnings.append(f"{pos}: <{tag}> {message}")

    # -- macros ------------------------------------------------------------------

    def expand(self, text: str, macros: dict[str, str], pos: Position, tag: str,
               obj: Element | None, mode: str = "full") -> str:
        """``text`` with macros expanded; ``lenient`` only fills FEED/LOOP parameters."""
        if "\\" not in text or mode == "none":
            return text
        params = {**self.macro_defs, **macros}
        if mode == "lenient":
            return _PARAM_RE.sub(lambda m: params.get(m.group(1), m.group(0)), text)
        rd = self.rd
        if rd is None:
            return text
        scope = Scope(rd, obj, site_config.current(), params, code=in_code_context(obj),
                      inputs_relative_resdir=inputs_relative_resdir(rd))
        return expand_in(text, scope, lambda message: self.warn(pos, tag, message))

    # -- building ------------------------------------------------------------------

    def build(self, xml: etree._Element, cls: type[Element], parent: Element | None,
              path: str, macros: dict[str, str], mode: str = "full",
              site: Position | None = None) -> Element:
        pos = site or Position(path, xml.sourceline)
        if cls in (ProcDef, MixinDef) and mode == "full":
            mode = "lenient"  # their text expands where they are applied
        if "original" in xml.attrib:
            ref = self.expand(xml.get("original", ""), macros, pos, xml.tag, parent, mode)
            xml = self.originals.merge(xml, ref, pos)
        obj = cls(parent, pos)
        if isinstance(obj, Resource):
            self.rd = obj
            obj.rd_id = self.rd_id
            obj.inputs_dir = self.inputs_dir
            obj.macro_defs = self.macro_defs
            obj.other_table = functools.partial(_other_rd_table, self)

        def fix(text: str) -> str:
            return self.expand(text, macros, pos, cls.tag, obj, mode)

        snap = etree.Element(xml.tag)
        if self._in_mixin:
            snap.set(MIXIN_MARK, "1")
        for name, raw in xml.attrib.items():
            if name == MIXIN_MARK:
                continue
            value = fix(raw)
            snap.set(name, value)
            self.set_attribute(obj, name, value, pos)
        snap.text = self.set_text(obj, xml, fix, pos)

        self._stack.append((obj, xml, snap))
        try:
            for child in xml if xml.tag != "events" else ():  # events are replayed
                if isinstance(child.tag, str):  # not comments, processing instructions
                    self.build_child(obj, child, path, macros, mode, site)
            for ref in getattr(obj, "mixin", ()) or ():
                self.apply_mixin(obj, ref, pos)
        finally:
            self._stack.pop()

        try:
            obj.finish()
        except RDError as exc:
            if obj not in self._skipped:
                raise
            # incomplete because a child was DaCHS vocabulary DR lacks: skip it too
            raise Unavailable(f"{exc.message.split('> ', 1)[-1]}, since "
                              f"{self._skipped[obj]}") from None
        if self._stack:
            self._stack[-1][2].append(snap)
        if isinstance(obj, ProcApp) and obj.proc_def:
            self._procs.append(obj)
        if obj.id is not None and self.rd is not None and obj is not self.rd:
            self.rd.register_id(obj)
            self.snapshots[obj.id] = snap
        return obj

    def set_attribute(self, obj: Element, name: str, raw: str, pos: Position) -> None:
        if name == "id":
            obj.id = raw
            return
        attr = obj.attr_named(name)
        if attr is None:
            if name in DACHS_ATTRIBUTES:
                self.warn(pos, obj.tag, f"attribute {name!r} is not implemented by DR "
                                        "yet; ignored")
                return
            known = ", ".join(sorted(a.name for a in obj.attrs)) or "none besides id"
            raise RDError(f"unknown attribute {name!r} (known: {known})",
                          path=pos.path, line=pos.line, element=obj.tag)
        try:
            value = attr.parse(raw)
        except ValueError as exc:
            raise RDError(f"attribute {name}: {exc}", path=pos.path, line=pos.line,
                          element=obj.tag) from None
        if attr.parse is parse_list and getattr(obj, attr.py_name) \
                and getattr(obj, attr.py_name) != attr.default:  # not onto defaults
            value = tuple(getattr(obj, attr.py_name)) + tuple(value)
        setattr(obj, attr.py_name, value)

    def set_text(self, obj: Element, xml: etree._Element, fix: Callable[[str], str],
                 pos: Position) -> str | None:
        pieces = [xml.text or ""] + [child.tail or "" for child in xml]
        text = "".join(pieces)
        if obj.text:
            value = fix(text) if text.strip() else None
            setattr(obj, obj.text, value)
            return value
        if text.strip():
            raise RDError(f"takes no text content (found {text.strip()[:40]!r})",
                          path=pos.path, line=pos.line, element=obj.tag)
        return None

    def build_child(self, obj: Element, child: etree._Element, path: str,
                    macros: dict[str, str], mode: str,
                    site: Position | None = None) -> None:
        tag = child.tag
        pos = site or Position(path, child.sourceline)
        if tag in ACTIVE_TAGS:
            self.active_tag(obj, child, path, macros, pos, mode)
            return
        cls = obj.child_class(tag)
        if cls is not None:
            try:
                built = self.build(child, cls, obj, path, macros, mode, site)
            except Unavailable as exc:
                self.warn(pos, tag, f"{exc}; ignored")
                self._skipped.setdefault(obj, f"<{tag}> at {pos} was ignored")
                return
            obj.add_child(built)
            if isinstance(built, MacDef):
                self.macro_defs[built.name] = built.content or ""
        elif obj.attr_named(tag) is not None:
            self.attribute_element(obj, child, macros, pos, mode)
        elif tag in DACHS_ELEMENTS or tag in DACHS_ATTRIBUTES:
            self.warn(pos, tag, f"is not implemented by DR yet (inside <{obj.tag}>); "
                                "ignored")
        else:
            allowed = ", ".join(sorted(obj.children)) or "none"
            raise RDError(f"unknown element <{tag}> inside <{obj.tag}> "
                          f"(allowed here: {allowed})", path=pos.path, line=pos.line,
                          element=tag)

    def attribute_element(self, obj: Element, child: etree._Element,
                          macros: dict[str, str], pos: Position, mode: str) -> None:
        """``<simplemaps>a:b</simplemaps>``: an attribute written as a child element."""
        if child.tag == "viewStatement" and mode == "full":
            mode = "lenient"  # the table's macros expand once it is complete
        value = self.expand((child.text or "").strip(), macros, pos, child.tag, obj, mode)
        if child.tag == "mixin":
            params = {k: self.expand(v, macros, pos, "mixin", obj, mode)
                      for k, v in child.attrib.items()}
            self._mixin_params.setdefault(obj, {})[value] = params
        elif len(child.attrib):
            self.warn(pos, child.tag, "attributes of an attribute element are ignored")
        self.set_attribute(obj, child.tag, value, pos)
        self._stack[-1][2].append(copy.deepcopy(child))

    # -- mixins --------------------------------------------------------------------------

    def apply_mixin(self, obj: Element, ref: str, pos: Position) -> None:
        params = self._mixin_params.get(obj, {}).get(ref, {})
        if ref == "//scs#q3cindex":
            ref = "//scs#pgs-pos-index"  # DR's equivalent: the pgsphere index
        rd_id, ident = split_reference(ref)
        try:
            if rd_id is None:
                found = self.root_xml.xpath("//mixinDef[@id=$i]", i=ident)
                if not found:
                    raise RDError(f"no mixinDef {ident!r} in this RD", path=pos.path,
                                  line=pos.line, element=obj.tag)
                shown, definition = self.path, found[0]
            else:
                assert self.library is not None
                shown, definition = self.library.find_xml(rd_id, ident, ref, pos, obj.tag)
        except Unavailable as exc:
            self.warn(pos, obj.tag, f"{exc}; ignored")
            return
        events = definition.find("events")
        if definition.tag != "mixinDef" or events is None:
            raise RDError(f"{ref} is not a mixin", path=pos.path, line=pos.line,
                          element=obj.tag)
        pars = self.mixin_pars(definition, rd_id, pos, obj.tag)
        aliases = {alias: key for key, (_, alias) in pars.items() if alias}
        given = {aliases.get(name, name): value for name, value in params.items()}
        for name in sorted(set(given) - set(pars)):
            self.warn(pos, obj.tag, f"mixin {ref} has no parameter {name!r}; ignored")
        defaults = {}
        for key, (text, _) in pars.items():
            if key in given:
                continue
            if not text:  # DaCHS: no default means the RD must give it
                raise RDError(f"mixin {ref} needs the parameter {key!r}", path=pos.path,
                              line=pos.line, element=obj.tag,
                              hint=f'give it as an attribute: <mixin {key}="...">{ref}'
                                   "</mixin>")
            # defaults may use the table's macros (\qName, \getParam{...}, meta)
            defaults[key] = ("" if text == "__EMPTY__" else
                             self.expand(text, {}, pos, "mixinPar", obj))
        if isinstance(obj, Table):
            obj.applied_mixins.append(AppliedMixin(ref, rd_id, ident, given, defaults))
        system = rd_id is not None and rd_id.startswith(SYSTEM_PREFIX)
        self._in_mixin += 1
        try:
            self.replay(obj, Fragment(events, shown, site=pos if system else None,
                                      origin=rd_id), {**defaults, **given})
        finally:
            self._in_mixin -= 1

    def mixin_pars(self, definition: etree._Element, rd_id: str | None, pos: Position,
                   tag: str) -> dict[str, tuple[str, str]]:
        """A mixinDef's parameters: name -> (default, alias).  Those its (L)FEEDs
        bring in come first (DaCHS's obscore mixins share theirs through
        STREAMs); a later one overrides the default and keeps the alias."""
        pars: dict[str, tuple[str, str]] = {}
        for child in definition:
            if child.tag == "mixinPar":
                key = child.get("key", child.get("name", ""))
                alias = child.get("alias") or pars.get(key, ("", ""))[1]
                pars[key] = ((child.text or "").strip(), alias)
            elif child.tag in ("FEED", "LFEED") and child.get("source"):
                source_rd, ident = split_reference(child.get("source", ""))
                source_rd = source_rd or rd_id
                if source_rd is None:
                    found = self.root_xml.xpath("//STREAM[@id=$i]", i=ident)
                    if not found:
                        raise RDError(f"no STREAM {ident!r} in this RD", path=pos.path,
                                      line=pos.line, element=tag)
                    stream = found[0]
                else:
                    assert self.library is not None
                    stream = self.library.find_xml(source_rd, ident, child.get("source", ""),
                                                   pos, tag)[1]
                for key, (text, alias) in self.mixin_pars(stream, source_rd, pos,
                                                          tag).items():
                    pars[key] = (text, alias or pars.get(key, ("", ""))[1])
        return pars

    # -- procDef= -------------------------------------------------------------------------

    def resolve_proc_def(self, app: ProcApp) -> None:
        ref = app.proc_def
        rd_id, ident = split_reference(ref)
        try:
            found = self.element_in(rd_id, ident, ref, app.pos, app.tag)
        except Unavailable as exc:
            self.warn(app.pos, app.tag, f"{exc}; ignored")
            app.unavailable = True
            return
        if not isinstance(found, ProcDef):
            raise app.error(f"procDef {ref!r} names a <{found.tag}>, not a <procDef>")
        app.definition = found
        if ref in _LIMITED_PROCS:
            self.warn(app.pos, app.tag, f"{ref}: {_LIMITED_PROCS[ref]}")
        if found.deprecated:
            self.warn(app.pos, app.tag, f"procDef {ref!r} is deprecated: "
                                        f"{' '.join(found.deprecated.split())}")

    def element_in(self, rd_id: str | None, ident: str, ref: str, pos: Position,
                   tag: str) -> Element:
        """The element ``ident`` of this RD (rd_id None) or of another, fully read."""
        if rd_id is None:
            assert self.rd is not None
            found = self.rd.by_id(ident)
            if found is None:
                raise RDError(f"no element with id {ident!r} in this RD (for {ref!r})",
                              path=pos.path, line=pos.line, element=tag)
            return found
        other = self.other_reader(rd_id, ref, pos, tag)
        found = other.rd.by_id(ident)
        if found is None:
            if rd_id.startswith(SYSTEM_PREFIX) and (f"//{rd_id[len(SYSTEM_PREFIX):]}#"
                                                    f"{ident}" in DACHS_SYSTEM_IDS):
                raise Unavailable(f"{ref} is DaCHS vocabulary DR does not provide yet")
            raise RDError(f"{short_name(rd_id)} has no element with id {ident!r} "
                          f"(for {ref!r})", path=pos.path, line=pos.line, element=tag)
        return found

    def other_reader(self, rd_id: str, ref: str, pos: Position, tag: str) -> Reader:
        if rd_id in _SYSTEM_READERS:
            return _SYSTEM_READERS[rd_id]
        assert self.library is not None
        reader = self.library.read(rd_id, ref, pos, tag)
        if rd_id.startswith(SYSTEM_PREFIX):
            _SYSTEM_READERS[rd_id] = reader
        return reader

def _other_rd_table(reader: Reader, ref: str, at: Element) -> Table:
    """The table ``rdid#id`` names in another RD (read completely, once)."""
    rd_id, ident = split_reference(ref)
    assert reader.library is not None and rd_id is not None
    other = reader.library.read(rd_id, ref, at.pos, at.tag).rd
    found = other.table(ident) if other is not None else None
    if found is None:
        raise at.error(f"reference {ref!r}: {rd_id} has no table {ident!r}")
    return found


def read_rd(library: Library, path: Path, rd_id: str, root: etree._Element) -> Reader:
    """Read another RD completely for ``library`` (its elements and snapshots)."""
    reader = Reader(str(path), root, rd_id=rd_id, inputs_dir=library.inputs_dir,
                    library=library)
    reader.read()
    return reader
