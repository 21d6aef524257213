"""Browser pages that are not services: the root page, table pages, static files.

Restricted services and tables (:mod:`engine.web.access`) are listed on the
root page only to those who may use them: what a publisher restricts may
include its description.  ``dr serve`` logs them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.config import CHECKOUT_ROOT
from engine.products.ancillary import file_sets
from engine.products.collect import is_product_table
from engine.web import access, urls
from engine.web.renderers import search
from engine.web.resource import Collection, Endpoint, refused

STATIC_DIR = CHECKOUT_ROOT / "templates" / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript",
                ".png": "image/png", ".svg": "image/svg+xml"}
# What the CALIFA-style source keys mean, for the table page.
PROVENANCE_LABELS = {"AUTHOR": "Author", "SOURCE": "Source", "DATE": "Date",
                     "VERSION": "Version", "COLAPRV": "Approved for the collaboration by",
                     "PUBAPRV": "Approved for the public by"}


class RootPage(Endpoint):
    """/: every service and table the caller may use, by resource."""

    def render_GET(self, request: Any) -> bytes:
        state, context = self.app.state, request.context
        resources = []
        for rd_id, rd in sorted(state.rds.items()):
            services = []
            for svc in rd.services:
                bound = state.service(rd_id, svc.id)
                if bound is None or access.service_refusal(context, state, bound):
                    continue
                renderers = [(r, urls.service(rd_id, svc.id, r)) for r in svc.allowed]
                main = svc.default_renderer or ("form" if "form" in svc.allowed
                                                else svc.allowed[0])
                ivoid = state.registered.get((rd_id, "service", svc.id))
                services.append({
                    "title": bound.title, "renderers": renderers,
                    "description": svc.meta.get("description", inherit=False),
                    "main_url": urls.service(rd_id, svc.id, main), "ivoid": ivoid})
            tables = [{"name": t.qualified_name.lower(), "description": t.description,
                       "nrows": state.imported[t.qualified_name.lower()]["nrows"],
                       "files": is_product_table(t),
                       "ivoid": state.registered.get((rd_id, "table", t.id))}
                      for t in rd.tables if t.qualified_name.lower() in state.tables
                      and not access.table_refusal(context, t)]
            unavailable = [{"title": svc.meta.get("title", inherit=False) or svc.id,
                            "reason": reason} for svc in rd.services
                           if (reason := state.unavailable_reason(rd_id, svc.id))
                           and not svc.limit_to]
            if services or tables or unavailable:
                searchable = search.resource_of(state, rd_id)
                resources.append({"title": rd.meta.get("title") or rd_id,
                                  "search": (f"/search/{rd_id}" if searchable and not
                                             access.table_refusal(context,
                                                                  searchable.table)
                                             else None),
                                  "description": rd.meta.get("description"),
                                  "services": services, "tables": tables,
                                  "unavailable": unavailable})
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return self.app.render_page("root.html", request, title="Data and services",
                                    resources=resources)


class TableInfo(Collection):
    """/tableinfo/<schema.table>: a table's columns and provenance."""

    def child(self, name: str, request: Any) -> Endpoint | None:
        table = self.app.state.tables.get(name.lower())
        if table is None or name.lower() not in self.app.state.imported:
            return None
        page = TablePage(self.app, table)
        why = access.table_refusal(request.context, table)
        return page if why is None else refused(page, why)


class TablePage(Endpoint):
    """A table's facts, provenance and columns; for a catalogue, the tables holding
    its rows' files; for a table of files, that it is one."""

    def __init__(self, app: Any, table: Any) -> None:
        super().__init__(app)
        self.table = table

    def render_GET(self, request: Any) -> bytes:
        table = self.table
        row = self.app.state.imported.get(table.qualified_name.lower()) or {}
        provenance = [(PROVENANCE_LABELS.get(k, k), v)
                      for k, v in (row.get("source_meta") or {}).items()]
        order = list(PROVENANCE_LABELS.values())
        provenance.sort(key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
        columns = [{"name": c.name, "type": c.type, "unit": c.unit, "ucd": c.ucd,
                    "description": c.description} for c in table.columns if not c.hidden]
        state, context = self.app.state, request.context
        loaded = [t for name, t in state.tables.items() if name in state.imported
                  and not access.table_refusal(context, t)]
        filesets = [{"name": fs.table.qualified_name.lower(),
                     "description": fs.table.description,
                     "link": ", ".join(fs.columns)} for fs in file_sets(table, loaded)]
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return self.app.render_page(
            "table.html", request, title=f"Table {table.qualified_name}",
            table_name=table.qualified_name, description=table.description,
            nrows=row.get("nrows"), rd_id=row.get("rd_id"), adql=table.adql == "True",
            updated=row.get("updated"), provenance=provenance, columns=columns,
            files=is_product_table(table), filesets=filesets)


class StaticFiles(Collection):
    """/static/<file>: the files of templates/static (no subdirectories)."""

    def child(self, name: str, request: Any) -> Endpoint | None:
        if "\x00" in name:
            return None
        path = (STATIC_DIR / name).resolve()
        if path.parent != STATIC_DIR.resolve() or not path.is_file():
            return None
        return StaticFile(self.app, path)


class StaticFile(Endpoint):
    def __init__(self, app: Any, path: Path) -> None:
        super().__init__(app)
        self.path = path

    def render_GET(self, request: Any) -> bytes:
        request.setHeader(b"content-type", STATIC_TYPES.get(
            self.path.suffix, "application/octet-stream").encode())
        request.setHeader(b"cache-control", b"max-age=3600")
        return self.path.read_bytes()
