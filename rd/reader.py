"""Reading RD XML into element objects: attributes, text, children, active tags, macros.

Handles what happens before elements are built: ``STREAM``/``NXSTREAM``
recording, ``FEED`` and ``LOOP`` replay with macro parameters, ``original=``
copies, mixins (``mixin="//scs#pgs-pos-index"``), and the DaCHS-vocabulary
policy (known but unimplemented names warn, unknown names fail).  Every error
names file, line and element.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from rd.elements.resource import Resource
from rd.errors import RDError
from rd.structure import Element, Position
from rd.vocabulary import DACHS_ATTRIBUTES, DACHS_ELEMENTS, DACHS_MACROS, DACHS_SYSTEM_IDS

SYSTEM_DIR = Path(__file__).parent / "system"
MACRO_RE = re.compile(r"\\([A-Za-z][A-Za-z0-9_]*)((?:\{[^{}]*\})*)")
ACTIVE_TAGS = {"STREAM", "NXSTREAM", "FEED", "LFEED", "LOOP"}


@dataclass
class Fragment:
    """Recorded XML (a STREAM or mixin's events) and the file it came from.

    ``site`` is set for system fragments: errors in what they add are
    reported where the user's RD used them, not inside rd/system.
    """

    xml: etree._Element
    path: str
    expand: bool = True
    site: Position | None = None


def parse_xml(source: bytes, path: str) -> etree._Element:
    parser = etree.XMLParser(remove_blank_text=False, resolve_entities=False,
                             no_network=True)
    try:
        return etree.fromstring(source, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        raise RDError(f"not well-formed XML: {exc.msg}", path=path, line=line) from None


class SystemRDs:
    """The built-in system RDs (``//scs`` is ``rd/system/scs.rd``), parsed once."""

    _cache: dict[str, etree._Element] = {}

    def find(self, ref: str, at: Position) -> Fragment | None:
        """The element ``//rd#id``; None for DaCHS ids DR lacks; else an error."""
        rd_name, _, ident = ref[2:].partition("#")
        path = SYSTEM_DIR / f"{rd_name}.rd"
        if path.exists():
            root = self._cache.get(rd_name)
            if root is None:
                root = parse_xml(path.read_bytes(), str(path))
                self._cache[rd_name] = root
            found = root.xpath("//*[@id=$ident]", ident=ident)
            if found:
                return Fragment(found[0], f"rd/system/{rd_name}.rd", site=at)
        if ref in DACHS_SYSTEM_IDS:
            return None
        raise RDError(f"no system element {ref!r}", path=at.path, line=at.line)


@dataclass
class Reader:
    """Builds one RD; collects its warnings."""

    path: str
    root_xml: etree._Element
    rd_id: str = ""
    system: SystemRDs = field(default_factory=SystemRDs)
    warnings: list[str] = field(default_factory=list)
    streams: dict[str, Fragment] = field(default_factory=dict)
    rd: Resource | None = None

    # -- entry ---------------------------------------------------------------

    def read(self) -> Resource:
        if self.root_xml.tag != "resource":
            raise RDError(f"the root element is <{self.root_xml.tag}>, not <resource>",
                          path=self.path, line=self.root_xml.sourceline)
        rd = self.build(self.root_xml, Resource, None, self.path, {})
        assert isinstance(rd, Resource)
        rd.warnings = self.warnings
        return rd

    def warn(self, pos: Position, tag: str, message: str) -> None:
        self.warnings.append(f"{pos}: <{tag}> {message}")

    # -- macros ------------------------------------------------------------------

    def expand(self, text: str, macros: dict[str, str], pos: Position, tag: str) -> str:
        def substitute(match: re.Match) -> str:
            name = match.group(1)
            if name in macros:
                return macros[name]
            if name in DACHS_MACROS:
                self.warn(pos, tag, f"uses the macro \\{name}, which DR does not expand")
            return match.group(0)

        return MACRO_RE.sub(substitute, text) if "\\" in text else text

    def base_macros(self) -> dict[str, str]:
        if self.rd is None:
            return {}
        return {"schema": self.rd.schema or "", "rdId": self.rd.rd_id,
                "rdIdDotted": self.rd.rd_id.replace("/", ".")}

    # -- building ------------------------------------------------------------------

    def build(self, xml: etree._Element, cls: type[Element], parent: Element | None,
              path: str, macros: dict[str, str], expand: bool = True,
              site: Position | None = None) -> Element:
        pos = site or Position(path, xml.sourceline)
        if "original" in xml.attrib:
            xml = self.merge_original(xml, pos)
        obj = cls(parent, pos)
        if isinstance(obj, Resource):
            self.rd = obj
            obj.rd_id = self.rd_id
        all_macros = {**self.base_macros(), **macros}
        fix = (lambda s: self.expand(s, all_macros, pos, cls.tag)) if expand else (
            lambda s: s)

        for name, raw in xml.attrib.items():
            self.set_attribute(obj, name, fix(raw), pos)
        self.set_text(obj, xml, fix, pos)

        for child in xml:
            if not isinstance(child.tag, str):
                continue  # comments, processing instructions
            self.build_child(obj, child, path, macros, expand, site)
        for ref in getattr(obj, "mixin", ()) or ():
            self.apply_mixin(obj, ref, pos)

        obj.finish()
        if obj.id is not None and self.rd is not None and obj is not self.rd:
            self.rd.register_id(obj)
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
            setattr(obj, attr.py_name, attr.parse(raw))
        except ValueError as exc:
            raise RDError(f"attribute {name}: {exc}", path=pos.path, line=pos.line,
                          element=obj.tag) from None

    def set_text(self, obj: Element, xml: etree._Element, fix: Callable[[str], str],
                 pos: Position) -> None:
        pieces = [xml.text or ""] + [child.tail or "" for child in xml]
        text = "".join(pieces)
        if obj.text:
            setattr(obj, obj.text, fix(text) if text.strip() else None)
        elif text.strip():
            raise RDError(f"takes no text content (found {text.strip()[:40]!r})",
                          path=pos.path, line=pos.line, element=obj.tag)

    def build_child(self, obj: Element, child: etree._Element, path: str,
                    macros: dict[str, str], expand: bool,
                    site: Position | None = None) -> None:
        tag = child.tag
        pos = site or Position(path, child.sourceline)
        if tag in ACTIVE_TAGS:
            self.active_tag(obj, child, path, macros, pos)
            return
        cls = obj.child_class(tag)
        if cls is not None:
            obj.add_child(self.build(child, cls, obj, path, macros, expand, site))
        elif tag in DACHS_ELEMENTS:
            self.warn(pos, tag, f"is not implemented by DR yet (inside <{obj.tag}>); "
                                "ignored")
        else:
            allowed = ", ".join(sorted(obj.children)) or "none"
            raise RDError(f"unknown element <{tag}> inside <{obj.tag}> "
                          f"(allowed here: {allowed})", path=pos.path, line=pos.line,
                          element=tag)

    # -- active tags -----------------------------------------------------------------

    def active_tag(self, obj: Element, xml: etree._Element, path: str,
                   macros: dict[str, str], pos: Position) -> None:
        tag = xml.tag
        if tag in ("STREAM", "NXSTREAM"):
            ident = xml.get("id")
            if not ident:
                raise RDError("needs an id", path=pos.path, line=pos.line, element=tag)
            self.streams[ident] = Fragment(xml, path, expand=(tag == "STREAM"))
        elif tag in ("FEED", "LFEED"):
            source = xml.get("source")
            if not source:
                raise RDError("needs source (the STREAM to replay)", path=pos.path,
                              line=pos.line, element=tag)
            fragment = self.find_fragment(source, pos, tag)
            if fragment is None:
                return
            params = {k: v for k, v in xml.attrib.items() if k != "source"}
            if len(xml):
                self.warn(pos, tag, "children of FEED (EDIT, PRUNE) are not "
                                    "implemented by DR yet; ignored")
            self.replay(obj, fragment, {**macros, **params})
        else:  # LOOP
            self.loop(obj, xml, path, macros, pos)

    def find_fragment(self, ref: str, pos: Position, tag: str) -> Fragment | None:
        if ref.startswith("//"):
            found = self.system.find(ref, pos)
            if found is None:
                self.warn(pos, tag, f"{ref} is DaCHS vocabulary DR does not provide "
                                    "yet; ignored")
            return found
        ident = ref.lstrip("#")
        if ident not in self.streams:
            raise RDError(f"no STREAM with id {ident!r} defined before this point",
                          path=pos.path, line=pos.line, element=tag)
        return self.streams[ident]

    def replay(self, obj: Element, fragment: Fragment, macros: dict[str, str]) -> None:
        for child in fragment.xml:
            if isinstance(child.tag, str):
                self.build_child(obj, child, fragment.path, macros, fragment.expand,
                                 fragment.site)

    def loop(self, obj: Element, xml: etree._Element, path: str,
             macros: dict[str, str], pos: Position) -> None:
        events = xml.find("events")
        if events is None:
            raise RDError("needs an <events> child", path=pos.path, line=pos.line,
                          element="LOOP")
        rows: list[dict[str, str]]
        if xml.get("listItems") is not None:
            rows = [{"item": item} for item in xml.get("listItems", "").split()]
        else:
            csv_el = xml.find("csvItems")
            text = csv_el.text if csv_el is not None else xml.get("csvItems")
            if text is None:
                raise RDError("needs listItems or csvItems", path=pos.path,
                              line=pos.line, element="LOOP")
            lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
            rows = list(csv.DictReader(io.StringIO("\n".join(lines)),
                                       skipinitialspace=True))
        for row in rows:
            self.replay(obj, Fragment(events, path), {**macros, **row})

    def apply_mixin(self, obj: Element, ref: str, pos: Position) -> None:
        if ref == "//scs#q3cindex":
            ref = "//scs#pgs-pos-index"  # DR's equivalent: the pgsphere index
        fragment = self.find_fragment(ref, pos, obj.tag) if ref.startswith("//") else None
        if not ref.startswith("//"):
            raise RDError(f"mixin {ref!r} must be a system reference like //scs#name",
                          path=pos.path, line=pos.line, element=obj.tag)
        if fragment is None:
            return
        events = fragment.xml.find("events")
        if fragment.xml.tag != "mixinDef" or events is None:
            raise RDError(f"{ref} is not a mixin", path=pos.path, line=pos.line,
                          element=obj.tag)
        self.replay(obj, Fragment(events, fragment.path, site=pos), {})

    # -- original= ---------------------------------------------------------------------

    def merge_original(self, xml: etree._Element, pos: Position) -> etree._Element:
        ref = xml.get("original")
        if ref.startswith("//"):
            fragment = self.system.find(ref, pos)
            base = fragment.xml if fragment is not None else None
        else:
            found = self.root_xml.xpath("//*[@id=$ident]", ident=ref.lstrip("#"))
            base = found[0] if found else None
        if base is None:
            raise RDError(f"original {ref!r} does not name an element", path=pos.path,
                          line=pos.line, element=xml.tag)
        merged = copy.deepcopy(base)
        merged.attrib.pop("id", None)
        for key, value in xml.attrib.items():
            if key != "original":
                merged.set(key, value)
        merged.text = xml.text if (xml.text or "").strip() else merged.text
        for child in xml:
            merged.append(copy.deepcopy(child))
        merged.sourceline = xml.sourceline
        return merged
