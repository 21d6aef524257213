"""References between RDs: ``//scs#coreDescs``, ``otherres/q#main``, and the RDs they name.

A reference is ``[rd id]#id``.  RD ids are DaCHS's: the RD's path below the
inputs directory without ``.rd`` (``ppmx/q``); ``//scs`` is short for
``__system__/scs``, DR's own system RDs in ``rd/system``.  The :class:`Library`
finds and reads each RD another refers to once per load, and notices cycles.

DaCHS's system RDs that DR does not ship (``//products``, ``//siap``…) and
DaCHS system ids DR lacks are DaCHS vocabulary: referring to them loads with
a warning.  Anything else that does not resolve is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from rd.errors import RDError
from rd.structure import Position
from rd.vocabulary import DACHS_SYSTEM_IDS

SYSTEM_DIR = Path(__file__).parent / "system"
SYSTEM_PREFIX = "__system__/"

# The system RDs of DaCHS 2.7 (gavo/resources/inputs/__system__).
DACHS_SYSTEM_RDS = frozenset("""
    adql datalink dc_tables echelle epntap2 linetap obscore obsvis pql procs
    products rds run scs services siap siap2 slap soda ssap tap tests timeseries
    userconfig users uws
""".split())


class Unavailable(Exception):
    """A reference to DaCHS vocabulary DR does not provide; warn and skip."""


@dataclass
class Fragment:
    """Recorded XML (a STREAM, a mixin's events) and where it came from.

    ``site`` is set for system fragments: errors in what they add are
    reported where the user's RD used them, not inside rd/system.  ``origin``
    is the RD id the fragment was written in, so ids inside it resolve there.
    """

    xml: etree._Element
    path: str
    expand: bool = True
    site: Position | None = None
    origin: str | None = None


def split_reference(ref: str) -> tuple[str | None, str]:
    """(RD id or None for this RD, id inside it); ``//x#y`` gives ``__system__/x``."""
    ref = ref.strip()
    if ref.startswith("//"):
        rd_part, _, ident = ref[2:].partition("#")
        return SYSTEM_PREFIX + rd_part, ident
    if "#" in ref:
        rd_part, _, ident = ref.partition("#")
        return (rd_part or None), ident
    return None, ref


def short_name(rd_id: str) -> str:
    """How users write an RD id in messages: ``//scs`` for system RDs."""
    return "//" + rd_id[len(SYSTEM_PREFIX):] if rd_id.startswith(SYSTEM_PREFIX) else rd_id


def parse_xml(source: bytes, path: str) -> etree._Element:
    parser = etree.XMLParser(remove_blank_text=False, resolve_entities=False,
                             no_network=True)
    try:
        return etree.fromstring(source, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else None
        raise RDError(f"not well-formed XML: {exc.msg}", path=path, line=line) from None


@dataclass
class Library:
    """The RDs one load refers to, each parsed (and, on demand, read) once.

    ``read_rd`` builds another RD completely (a function of rd/reader.py,
    passed in to keep the import arrows one way); it returns that RD's reader.
    """

    inputs_dir: Path | None
    read_rd: Callable[[Library, Path, str, etree._Element], Any]
    _xml: dict[str, tuple[str, etree._Element]] = field(default_factory=dict)
    _read: dict[str, Any] = field(default_factory=dict)
    _reading: list[str] = field(default_factory=list)

    def locate(self, rd_id: str) -> Path | None:
        if rd_id.startswith(SYSTEM_PREFIX):
            path = SYSTEM_DIR / f"{rd_id[len(SYSTEM_PREFIX):]}.rd"
            return path if path.is_file() else None
        if self.inputs_dir is None:
            return None
        for path in (self.inputs_dir / f"{rd_id}.rd", self.inputs_dir / rd_id / "q.rd"):
            if path.is_file():
                return path
        return None

    def _missing(self, rd_id: str, ref: str, at: Position, tag: str) -> Exception:
        if rd_id.startswith(SYSTEM_PREFIX):
            name = rd_id[len(SYSTEM_PREFIX):]
            if name in DACHS_SYSTEM_RDS:
                return Unavailable(f"{ref} is DaCHS vocabulary DR does not provide yet")
            return RDError(f"no system RD //{name} (in {ref!r})", path=at.path,
                           line=at.line, element=tag)
        where = self.inputs_dir if self.inputs_dir is not None else "the inputs directory"
        return RDError(f"reference {ref!r}: no RD {rd_id!r} in {where}", path=at.path,
                       line=at.line, element=tag,
                       hint="RD ids are paths below the inputs directory without .rd, "
                            "e.g. myres/q")

    def xml(self, rd_id: str, ref: str, at: Position, tag: str
            ) -> tuple[str, etree._Element]:
        """(display path, root) of another RD's XML."""
        if rd_id not in self._xml:
            path = self.locate(rd_id)
            if path is None:
                raise self._missing(rd_id, ref, at, tag)
            shown = (f"rd/system/{path.name}" if rd_id.startswith(SYSTEM_PREFIX)
                     else str(path))
            self._xml[rd_id] = (shown, parse_xml(path.read_bytes(), shown))
        return self._xml[rd_id]

    def read(self, rd_id: str, ref: str, at: Position, tag: str) -> Any:
        """The reader of another RD, built completely (for originals and procDefs)."""
        if rd_id in self._read:
            return self._read[rd_id]
        if rd_id in self._reading:
            chain = " -> ".join([*self._reading, rd_id])
            raise RDError(f"reference {ref!r} is circular ({chain})", path=at.path,
                          line=at.line, element=tag)
        shown, root = self.xml(rd_id, ref, at, tag)
        self._reading.append(rd_id)
        try:
            reader = self.read_rd(self, Path(shown), rd_id, root)
        except RDError as exc:
            raise RDError(f"reference {ref!r}: {short_name(rd_id)} does not load: "
                          f"{exc.message}", path=at.path, line=at.line,
                          element=tag) from None
        finally:
            self._reading.pop()
        self._read[rd_id] = reader
        return reader

    def find_xml(self, rd_id: str, ident: str, ref: str, at: Position, tag: str
                 ) -> tuple[str, etree._Element]:
        """(display path, raw XML) of the element ``ident`` in another RD."""
        shown, root = self.xml(rd_id, ref, at, tag)
        found = root.xpath("//*[@id=$ident]", ident=ident)
        if found:
            return shown, found[0]
        if rd_id.startswith(SYSTEM_PREFIX) and (
                f"//{rd_id[len(SYSTEM_PREFIX):]}#{ident}" in DACHS_SYSTEM_IDS):
            raise Unavailable(f"{ref} is DaCHS vocabulary DR does not provide yet")
        if rd_id.startswith(SYSTEM_PREFIX):
            raise RDError(f"no system element {ref!r}", path=at.path, line=at.line,
                          element=tag)
        raise RDError(f"reference {ref!r}: {rd_id} has no element with id {ident!r}",
                      path=at.path, line=at.line, element=tag)
