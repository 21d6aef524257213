"""The root element ``resource`` (an RD) and ``mixinDef``: tables, data, references."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from rd.elements.column import MAX_NAME_BYTES
from rd.elements.coverage import Coverage
from rd.elements.data import Data
from rd.elements.procs import MacDef, ProcDef
from rd.elements.rowmaker import Rowmaker
from rd.elements.service import CORES, CondDesc, OutputTable, Publish, Service
from rd.elements.table import Table
from rd.errors import RDError
from rd.meta import Doc, HasMeta, HasProperties, Meta, Property
from rd.structure import Attr, Element, element, parse_bool

SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]*$", re.IGNORECASE)
_LINE_RE = re.compile(r":(\d+):")


@element
class Events(Element):
    tag = "events"
    doc = "RD elements a mixin adds to the element it is applied to."
    # The reader keeps the raw XML of events; they are replayed, not built here.


@element
class MixinPar(Element):
    tag = "mixinPar"
    doc = ("A parameter of a mixin: \\key in its events; the text is the default, "
           "the mixin element's attribute of that name sets it.")
    attrs = (Attr("key", doc="the parameter's name"),
             Attr("name", doc="same as key"),
             Attr("alias", doc="a deprecated name of the parameter, still accepted"),
             Attr("description", default="", doc="what it is for"),
             Attr("late", parse_bool, False, doc="DaCHS: expanded late (DR: as others)"))
    text = "default"

    def finish(self) -> None:
        super().finish()
        self.key = self.key or self.name
        if not self.key:
            raise self.error("needs key (the parameter's name)")


@element
class MixinDef(Element):
    tag = "mixinDef"
    doc = "A mixin: elements added to a table that names it in its mixin attribute."
    children = {"events": Events, "doc": Doc, "mixinPar": MixinPar}


@element
class Resource(HasMeta, HasProperties):
    tag = "resource"
    doc = "A resource descriptor: one database schema, its tables, data and services."
    attrs = (
        Attr("schema", required=True, doc="the database schema of the RD's tables"),
        Attr("resdir", default=".", doc="directory sources are relative to "
                                        "(. is the RD's own)"),
    )
    children = {"meta": Meta, "table": Table, "data": Data, "rowmaker": Rowmaker,
                "mixinDef": MixinDef, "service": Service, "condDesc": CondDesc,
                "procDef": ProcDef, "macDef": MacDef, "outputTable": OutputTable,
                "property": Property, "coverage": Coverage, **CORES}

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.tables: list[Table] = []
        self.data: list[Data] = []
        self.services: list[Service] = []
        self.ids: dict[str, Element] = {}
        self._read_warnings: list[str] = []  # the reader's
        self._element_warnings: list[str] = []  # the elements' own (Element.warn)
        # Set by the reader:
        self.rd_id = ""
        self.inputs_dir: Path | None = None  # for RD ids and inputs-relative paths
        self.macro_defs: dict[str, str] = {}  # macDef names -> expansions
        # Finds a table of another RD (``otherrd#id``); set by the reader.
        self.other_table: Callable[[str, Element], Table] | None = None
        self.path = Path(pos.path)
        self.sha256 = ""

    @property
    def warnings(self) -> list[str]:
        """Everything DR accepted but does not do yet, by line in this RD."""
        own = str(self.pos.path)

        def key(text: str) -> tuple[int, int]:
            line = _LINE_RE.search(text)
            return (0 if text.startswith(own) else 1, int(line.group(1)) if line else 0)

        return sorted(self._read_warnings + self._element_warnings, key=key)

    @warnings.setter
    def warnings(self, value: list[str]) -> None:
        self._read_warnings = value

    def note_warning(self, pos, tag: str, message: str) -> None:
        text = f"{pos}: <{tag}> {message}"
        if text not in self._element_warnings:
            self._element_warnings.append(text)

    def add_child(self, child: Element) -> None:
        super().add_child(child)
        if isinstance(child, Table):
            self.tables.append(child)
        elif isinstance(child, Data):
            self.data.append(child)
        elif isinstance(child, Service):
            self.services.append(child)

    def register_id(self, elem: Element) -> None:
        if elem.id in self.ids:
            raise elem.error(f"id {elem.id!r} is already used at "
                             f"{self.ids[elem.id].pos}")
        self.ids[elem.id] = elem

    def by_id(self, ident: str) -> Element | None:
        return self.ids.get(ident)

    def finish(self) -> None:
        super().finish()
        if not SCHEMA_RE.match(self.schema):
            raise self.error(f"schema {self.schema!r} is not an SQL name",
                             hint="use letters, digits and underscores")
        if len(self.schema) > MAX_NAME_BYTES:
            raise self.error(f"schema {self.schema!r} is longer than PostgreSQL's "
                             f"{MAX_NAME_BYTES} bytes", hint="choose a shorter schema name")
        self.schema = self.schema.lower()  # as PostgreSQL reads it unquoted
        for data in self.data:
            for make in data.makes:
                make.resolve()
        for table in self.tables:
            for fk in table.foreign_keys:
                self.resolve_table(fk.in_table, fk)
            for pub in table.publications:
                for ident in pub.services:
                    if "#" not in ident:
                        self._check_service(ident, pub)
        for service in self.services:
            if service.unavailable is not None:
                continue
            try:
                core = service.resolve_core()
            except RDError:
                if service.unavailable is None:
                    raise
                continue
            table = (self.resolve_table(core.queried_table, core)
                     if core.queried_table else None)
            for pub in service.children_of(Publish):
                if pub.service:
                    other = self._check_service(pub.service, pub)
                    if pub.render not in other.allowed:
                        raise pub.error(f"service {pub.service!r} does not allow "
                                        f"renderer {pub.render!r}")
            for output in (*service.children_of(OutputTable), *core.children_of(OutputTable)):
                self._resolve_notes(output, table)

    def _check_service(self, ident: str, at: Element) -> Service:
        found = self.service(ident)
        if found is None:
            known = ", ".join(s.id for s in self.services if s.id) or "none"
            raise at.error(f"{ident!r} is not a service of this RD (services: {known})")
        return found

    def _resolve_notes(self, output: OutputTable, table: Table | None) -> None:
        """note= of output fields: the outputTable's notes, else the queried table's."""
        notes = {**(table.notes if table is not None else {}), **output.notes}
        for fld in output.fields:
            if not fld.note:
                continue
            if fld.note not in notes:
                raise fld.error(f"note {fld.note!r} is not a note of the output table or "
                                "the queried table",
                                hint=f'add <meta name="note" tag="{fld.note}">...</meta>')
            fld.note_item = notes[fld.note]

    def resolve_table(self, ref: str, at: Element) -> Table:
        """The table ``ref`` names: an id of this RD, or ``otherrd#id`` of another."""
        if "#" in ref and self.other_table is not None:
            rd_part, _, local = ref.strip().partition("#")
            if rd_part:
                return self.other_table(ref, at)
            ref = local  # "#id": an id of this RD
        found = self.by_id(ref)
        if not isinstance(found, Table):
            known = ", ".join(t.id for t in self.tables) or "none"
            raise at.error(f"{ref!r} is not a table of this RD (tables: {known})")
        return found

    @property
    def resdir_path(self) -> Path:
        base = self.path.parent
        return (base / self.resdir).resolve() if self.resdir else base

    def table(self, ident: str) -> Table | None:
        found = self.by_id(ident)
        return found if isinstance(found, Table) else None

    @property
    def coverage(self) -> Coverage | None:
        """The RD's ``<coverage>`` (None: it has none)."""
        return next(self.children_of(Coverage), None)

    def service(self, ident: str) -> Service | None:
        found = self.by_id(ident)
        return found if isinstance(found, Service) else None

    def data_by_id(self, ident: str) -> Data | None:
        found = self.by_id(ident)
        return found if isinstance(found, Data) else None
