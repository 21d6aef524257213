"""``original=``: the XML an element copies before its own attributes and children.

A reference is an id of this RD (``original="cols"``), a name on DaCHS's
*name path* (``<column original="mag">`` in a table means its column mag, an
``<inputKey original="mag">`` a column of the core's queried table),
``table.column``, ``rd#id`` (another RD, as it was built) or ``//sys#id``.
What the copy starts from is the referenced element's snapshot: its XML as
built, macros expanded and FEEDs replayed, without what mixins added (the
copy applies the mixin again).  A name that may come from a mixin DR lacks
is DaCHS vocabulary: warned and skipped, not an error.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from lxml import etree

from rd.elements.column import QUOTED_PREFIX
from rd.errors import RDError
from rd.references import SYSTEM_PREFIX, Unavailable, split_reference
from rd.structure import Position, parse_list

if TYPE_CHECKING:
    from rd.reader import Reader

MIXIN_MARK = "_dr_mixin"  # snapshot children a mixin added (the copy re-applies it)


class Originals:
    """Resolves the ``original`` references of one reader's RD."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def merge(self, xml: etree._Element, ref: str, pos: Position) -> etree._Element:
        """``xml`` laid over a copy of what ``original`` (``ref``, expanded) names."""
        base = self.resolve(ref, pos, xml.tag)
        merged = copy.deepcopy(base)
        for node in merged.iter():  # errors in the copy point at the original= element
            node.sourceline = xml.sourceline
        merged.tag = xml.tag  # <inputKey original="col"> copies a column
        merged.attrib.pop("id", None)
        merged.attrib.pop(MIXIN_MARK, None)
        for child in list(merged):
            if isinstance(child.tag, str) and child.get(MIXIN_MARK):
                merged.remove(child)
        for key, value in xml.attrib.items():
            if key != "original":
                merged.set(key, value)
        merged.text = xml.text if (xml.text or "").strip() else merged.text
        for child in xml:
            merged.append(copy.deepcopy(child))
        merged.sourceline = xml.sourceline
        return merged

    def resolve(self, ref: str, pos: Position, tag: str) -> etree._Element:
        """The XML an ``original`` reference names (an id, a name, rd#id, table.column)."""
        rd_id, ident = split_reference(ref)
        # a delimited column name (quoted/nufnu_0.5keV) may hold dots itself
        container, _, name = ident.partition(".") \
            if "." in ident and not ident.startswith(QUOTED_PREFIX) else (ident, "", "")
        if rd_id is not None:
            assert self.reader.library is not None
            if rd_id.startswith(SYSTEM_PREFIX):
                base = self.reader.library.find_xml(rd_id, container, ref, pos, tag)[1]
            else:
                other = self.reader.other_reader(rd_id, ref, pos, tag)
                base = other.snapshots.get(container)
                if base is None:
                    raise RDError(f"reference {ref!r}: {rd_id} has no element with id "
                                  f"{container!r}", path=pos.path, line=pos.line,
                                  element=tag)
        elif name:
            base = _present(self.reader.snapshots.get(container), self._raw_by_id(container))
            if base is None:
                raise RDError(f"original {ref!r}: no element with id {container!r}",
                              path=pos.path, line=pos.line, element=tag)
        else:
            found, searched = self._by_name_path(ident)
            if found is not None:
                return found
            base = _present(self.reader.snapshots.get(ident), self._raw_by_id(ident))
            if base is None:
                raise self._unresolved(ref, pos, tag, *searched)
        if not name:
            return base
        found = _named_child(base, name)
        if found is None:
            raise self._unresolved(ref, pos, tag, base)
        return found

    def _raw_by_id(self, ident: str) -> etree._Element | None:
        found = self.reader.root_xml.xpath("//*[@id=$ident]", ident=ident)
        return found[0] if found else None

    def _by_name_path(self, name: str
                      ) -> tuple[etree._Element | None, list[etree._Element]]:
        """DaCHS's name path: a column of the enclosing table or of a queried table
        (and the tables searched)."""
        for obj, xml, snap in reversed(self.reader._stack):
            tables: list[etree._Element] = []
            if obj.tag == "table":
                tables = [snap, xml, *self._name_path_tables(xml, obj.pos)]
            elif xml.get("queriedTable") or snap.get("queriedTable"):
                tables = self._tables_named(xml.get("queriedTable") or snap.get(
                    "queriedTable"))
            elif obj.tag == "service":
                for core in [self.reader.snapshots.get(xml.get("core", "")), *xml]:
                    if core is not None and isinstance(core.tag, str) and core.get(
                            "queriedTable"):
                        tables = self._tables_named(core.get("queriedTable"))
                        break
            for table in tables:
                found = _named_child(table, name)
                if found is not None:
                    return found, tables
            if tables:
                return None, tables
        return None, []

    def _name_path_tables(self, xml: etree._Element, pos: Position
                          ) -> list[etree._Element]:
        """The table a table's namePath names (DaCHS: its columns are what original=
        names there), as built, e.g. //obscore#ObsCore for ObsCore-like tables."""
        ref = xml.get("namePath")
        if not ref:
            return []
        rd_id, ident = split_reference(ref)
        if rd_id is None:
            return self._tables_named(ident)
        found = self.reader.other_reader(rd_id, ref, pos, "table").snapshots.get(ident)
        return [found] if found is not None else []

    def _tables_named(self, ident: str) -> list[etree._Element]:
        found = [self.reader.snapshots.get(ident), self._raw_by_id(ident)]
        return [t for t in found if t is not None]

    def _unresolved(self, ref: str, pos: Position, tag: str,
                    *containers: etree._Element) -> Exception:
        """The error for an unresolvable original, or a warning if a mixin DR lacks
        (of an enclosing element, or of the container named) may define the name."""
        missing: set[str] = set()
        holders = [xml for _, xml, _ in self.reader._stack]  # mixins apply once it is read
        for xml in [*holders, *containers]:
            named = parse_list(xml.get("mixin", "")) + tuple(
                (c.text or "").strip() for c in xml if c.tag == "mixin")
            missing.update(m for m in named if not self._provided(m, pos, tag))
        missing = sorted(missing)
        if missing:
            return Unavailable(f"original {ref!r} names nothing DR knows; it probably "
                               f"comes from {', '.join(missing)}, which DR does not "
                               "provide yet")
        return RDError(f"original {ref!r} names no element (no id, and no column of that "
                       "name in the enclosing or queried table)", path=pos.path,
                       line=pos.line, element=tag)


    def _provided(self, ref: str, pos: Position, tag: str) -> bool:
        """Whether DR has the mixin ``ref`` (False for DaCHS vocabulary DR lacks)."""
        rd_id, ident = split_reference(ref)
        if rd_id is None or ref == "//scs#q3cindex":
            return True
        assert self.reader.library is not None
        try:
            self.reader.library.find_xml(rd_id, ident, ref, pos, tag)
        except Unavailable:
            return False
        except RDError:
            return True  # reported when the mixin is applied
        return True


def _present(*candidates: etree._Element | None) -> etree._Element | None:
    return next((c for c in candidates if c is not None), None)


def _named_child(container: etree._Element, name: str) -> etree._Element | None:
    """The child with this id or name; a delimited column (quoted/B-V) also answers
    to its bare name, as in DaCHS."""
    for child in container:
        if isinstance(child.tag, str) and name in (child.get("name"), child.get("id"),
                                                   _bare(child.get("name"))):
            return child
    return None


def _bare(name: str | None) -> str | None:
    if name is not None and name.startswith(QUOTED_PREFIX):
        return name[len(QUOTED_PREFIX):]
    return None
