"""The root element ``resource`` (an RD) and ``mixinDef``: tables, data, references."""

from __future__ import annotations

import re
from pathlib import Path

from rd.elements.data import Data
from rd.elements.rowmaker import Rowmaker
from rd.elements.service import CORES, CondDesc, Service
from rd.elements.table import Table
from rd.meta import HasMeta, Meta
from rd.structure import Attr, Element, element

SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


@element
class Events(Element):
    tag = "events"
    doc = "RD elements a mixin adds to the element it is applied to."
    # The reader keeps the raw XML of events; they are replayed, not built here.


@element
class MixinDef(Element):
    tag = "mixinDef"
    doc = "A mixin: elements added to a table that names it in its mixin attribute."
    children = {"events": Events}


@element
class Resource(HasMeta):
    tag = "resource"
    doc = "A resource descriptor: one database schema, its tables, data and services."
    attrs = (
        Attr("schema", required=True, doc="the database schema of the RD's tables"),
        Attr("resdir", default=".", doc="directory sources are relative to "
                                        "(. is the RD's own)"),
    )
    children = {"meta": Meta, "table": Table, "data": Data, "rowmaker": Rowmaker,
                "mixinDef": MixinDef, "service": Service, "condDesc": CondDesc, **CORES}

    def __init__(self, parent, pos) -> None:
        super().__init__(parent, pos)
        self.tables: list[Table] = []
        self.data: list[Data] = []
        self.services: list[Service] = []
        self.ids: dict[str, Element] = {}
        self.warnings: list[str] = []
        # Set by the reader:
        self.rd_id = ""
        self.path = Path(pos.path)
        self.sha256 = ""

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
            raise self.error(f"schema {self.schema!r} is not a lower-case SQL name",
                             hint="use lower-case letters, digits and underscores")
        for data in self.data:
            for make in data.makes:
                make.resolve()
        for table in self.tables:
            for fk in table.foreign_keys:
                self.resolve_table(fk.in_table, fk)
        for service in self.services:
            core = service.resolve_core()
            if core.queried_table:
                self.resolve_table(core.queried_table, core)

    def resolve_table(self, ref: str, at: Element) -> Table:
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

    def service(self, ident: str) -> Service | None:
        found = self.by_id(ident)
        return found if isinstance(found, Service) else None

    def data_by_id(self, ident: str) -> Data | None:
        found = self.by_id(ident)
        return found if isinstance(found, Data) else None
