"""The active tags of RD XML: ``STREAM``/``NXSTREAM`` recording, ``FEED``/``LFEED``
replay with macro parameters (and a STREAM's ``DEFAULTS``), and ``LOOP`` over
``listItems``, ``csvItems`` or ``codeItems`` — here, in a system RD or in
another RD, with replays that would lead back to themselves refused.

A part of :class:`rd.reader.Reader` (its base class), split off to keep each
file to one job; it uses the reader's element building (``build_child``),
macros (``expand``) and library of other RDs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager

from lxml import etree

from rd import rmkfuncs
from rd.errors import RDError
from rd.references import SYSTEM_PREFIX, Fragment, Unavailable, split_reference
from rd.structure import Element, Position

ACTIVE_TAGS = {"STREAM", "NXSTREAM", "FEED", "LFEED", "LOOP"}
_ACTIVE_ATTRIBUTES = {"source", "listItems", "csvItems", "codeItems", "reexpand"}


class ActiveTags:
    """Recording and replaying streams for a :class:`rd.reader.Reader`."""

    def active_tag(self, obj: Element, xml: etree._Element, path: str,
                   macros: dict[str, str], pos: Position, mode: str) -> None:
        tag = xml.tag
        attrs = {k: self.expand(v, macros, pos, tag, obj, mode)
                 for k, v in xml.attrib.items()}
        for child in xml:  # attributes written as elements: <listItems>a b</listItems>
            if child.tag in _ACTIVE_ATTRIBUTES and child.tag not in attrs:
                text = child.text or ""
                attrs[child.tag] = (text if child.tag == "codeItems" else
                                    self.expand(text, macros, pos, tag, obj, mode))
        if tag in ("STREAM", "NXSTREAM"):
            ident = attrs.get("id")
            if not ident:
                raise RDError("needs an id", path=pos.path, line=pos.line, element=tag)
            self.streams[ident] = Fragment(xml, path, origin=self.current_origin())
        elif tag in ("FEED", "LFEED"):
            fragment = self.fragment_of(xml, attrs, path, pos, tag)
            if fragment is None:
                return
            params = {k: v for k, v in attrs.items() if k not in ("source", "reexpand")}
            for child in xml:
                if isinstance(child.tag, str) and child.tag != "events":
                    self.warn(pos, tag, f"<{child.tag}> inside FEED (editing the replayed "
                                        "stream) is not implemented by DR yet; ignored")
            with self.replaying(attrs.get("source"), pos, tag):
                self.replay(obj, fragment, {**macros, **_defaults(fragment.xml), **params},
                            mode)
        else:
            self.loop(obj, xml, attrs, path, macros, pos, mode)

    def fragment_of(self, xml: etree._Element, attrs: dict[str, str], path: str,
                    pos: Position, tag: str) -> Fragment | None:
        """What a FEED or LOOP replays: its source stream or its own <events>."""
        if attrs.get("source"):
            return self.find_fragment(attrs["source"], pos, tag)
        events = xml.find("events")
        if events is None:
            raise RDError("needs source (the STREAM to replay) or an <events> child",
                          path=pos.path, line=pos.line, element=tag)
        return Fragment(events, path, origin=self.current_origin())

    def current_origin(self) -> str | None:
        return self._origins[-1] if self._origins else None

    @contextmanager
    def replaying(self, ref: str | None, pos: Position, tag: str) -> Iterator[None]:
        """Around replaying the STREAM ``ref`` (None: inline events): a STREAM
        already being replayed, here or in another RD, would replay itself for
        ever."""
        if not ref:
            yield
            return
        rd_id, ident = split_reference(ref)
        key = f"{rd_id or self.current_origin() or self.rd_id}#{ident}"
        keys = [k for k, _ in self._replaying]
        if key in keys:
            chain = [shown for _, shown in self._replaying[keys.index(key):]] + [ref]
            through = f" (through {' -> '.join(chain)})" if len(chain) > 2 else ""
            raise RDError(f"STREAM {ref!r} replays itself{through}", path=pos.path,
                          line=pos.line, element=tag,
                          hint="a stream may FEED other streams, but none of them "
                               "may lead back to it")
        self._replaying.append((key, ref))
        try:
            yield
        finally:
            self._replaying.pop()

    def find_fragment(self, ref: str, pos: Position, tag: str) -> Fragment | None:
        """The STREAM ``ref`` names: here, in a system RD or in another RD."""
        rd_id, ident = split_reference(ref)
        if rd_id is None and self.current_origin() is None:
            if ident not in self.streams:
                raise RDError(f"no STREAM with id {ident!r} defined before this point",
                              path=pos.path, line=pos.line, element=tag)
            return self.streams[ident]
        rd_id = rd_id or self.current_origin()
        assert self.library is not None and rd_id is not None
        try:
            shown, found = self.library.find_xml(rd_id, ident, ref, pos, tag)
        except Unavailable as exc:
            self.warn(pos, tag, f"{exc}; ignored")
            return None
        system = rd_id.startswith(SYSTEM_PREFIX)
        return Fragment(found, shown, site=pos if system else None, origin=rd_id)

    def replay(self, obj: Element, fragment: Fragment, macros: dict[str, str],
               mode: str = "full") -> None:
        if fragment.origin:
            self._origins.append(fragment.origin)
        try:
            for child in fragment.xml:
                if isinstance(child.tag, str) and child.tag not in ("DEFAULTS", "doc"):
                    self.build_child(obj, child, fragment.path, macros, mode,
                                     fragment.site)
        finally:
            if fragment.origin:
                self._origins.pop()

    def loop(self, obj: Element, xml: etree._Element, attrs: dict[str, str], path: str,
             macros: dict[str, str], pos: Position, mode: str) -> None:
        fragment = self.fragment_of(xml, attrs, path, pos, "LOOP")
        if fragment is None:
            return
        rows: list[dict[str, str]]
        if attrs.get("listItems") is not None:
            rows = [{"item": item} for item in attrs["listItems"].split()]
        elif attrs.get("csvItems") is not None:
            lines = [ln.strip() for ln in attrs["csvItems"].strip().splitlines()
                     if ln.strip()]
            rows = list(csv.DictReader(io.StringIO("\n".join(lines)),
                                       skipinitialspace=True))
        elif attrs.get("codeItems") is not None:
            rows = self.code_items(attrs["codeItems"], obj, pos)
        else:
            raise RDError("needs listItems, csvItems or codeItems", path=pos.path,
                          line=pos.line, element="LOOP")
        with self.replaying(attrs.get("source"), pos, "LOOP"):
            for row in rows:
                self.replay(obj, fragment, {**macros, **_defaults(fragment.xml), **row},
                            mode)

    def code_items(self, code: str, obj: Element, pos: Position) -> list[dict[str, str]]:
        """LOOP codeItems: a Python generator body yielding dicts (the RD is trusted)."""
        from rd.proccode import dedent

        names = rmkfuncs.namespace()
        names["context"] = _LoopContext(obj)
        body = "\n".join("    " + line for line in dedent(code).splitlines())
        try:
            exec(compile(f"def _items():\n{body}\n    yield from ()", str(pos), "exec"),
                 names)  # noqa: S102 (publisher code, trusted)
            return [{k: str(v) for k, v in item.items()} for item in names["_items"]()]
        except Exception as exc:
            raise RDError(f"codeItems failed: {type(exc).__name__}: {exc}", path=pos.path,
                          line=pos.line, element="LOOP") from None


class _LoopContext:
    """``context`` in LOOP codeItems: DaCHS offers the element fed as replayTarget."""

    def __init__(self, target: Element) -> None:
        self.replayTarget = target


def _defaults(fragment: etree._Element) -> dict[str, str]:
    """A STREAM's <DEFAULTS> (macro values used when the FEED gives none)."""
    found = fragment.find("DEFAULTS")
    return dict(found.attrib) if found is not None else {}
