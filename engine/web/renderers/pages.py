"""Browser pages that are not services: the root page, table pages, static files."""

from __future__ import annotations

from engine.config import CHECKOUT_ROOT
from engine.web import urls
from engine.web.app import App
from engine.web.respond import html_error

STATIC_DIR = CHECKOUT_ROOT / "templates" / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript",
                ".png": "image/png", ".svg": "image/svg+xml"}
# What the CALIFA-style source keys mean, for the table page.
PROVENANCE_LABELS = {"AUTHOR": "Author", "SOURCE": "Source", "DATE": "Date",
                     "VERSION": "Version", "COLAPRV": "Approved for the collaboration by",
                     "PUBAPRV": "Approved for the public by"}


def root_page(app: App, request) -> bytes:
    state = app.state
    resources = []
    for rd_id, rd in sorted(state.rds.items()):
        services = []
        for svc in rd.services:
            bound = state.service(rd_id, svc.id)
            if bound is None:
                continue
            renderers = [(r, urls.service(rd_id, svc.id, r)) for r in svc.allowed]
            main = svc.default_renderer or ("form" if "form" in svc.allowed
                                            else svc.allowed[0])
            services.append({
                "title": bound.title, "renderers": renderers,
                "description": svc.meta.get("description", inherit=False),
                "main_url": urls.service(rd_id, svc.id, main)})
        tables = [{"name": t.qualified_name.lower(), "description": t.description,
                   "nrows": state.imported[t.qualified_name.lower()]["nrows"]}
                  for t in rd.tables if t.qualified_name.lower() in state.tables]
        if services or tables:
            resources.append({"title": rd.meta.get("title") or rd_id,
                              "description": rd.meta.get("description"),
                              "services": services, "tables": tables})
    return app.render_page("root.html", title="Data and services", resources=resources)


def table_page(app: App, request, name: str) -> bytes:
    state = app.state
    table = state.tables.get(name.lower())
    row = state.imported.get(name.lower())
    if table is None or row is None:
        return html_error(app, request, 404, "No such table",
                          f"There is no table {name!r} here.")
    provenance = [(PROVENANCE_LABELS.get(k, k), v)
                  for k, v in (row.get("source_meta") or {}).items()]
    order = list(PROVENANCE_LABELS.values())
    provenance.sort(key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    columns = [{"name": c.name, "type": c.type, "unit": c.unit, "ucd": c.ucd,
                "description": c.description} for c in table.columns if not c.hidden]
    return app.render_page(
        "table.html", title=f"Table {table.qualified_name}",
        table_name=table.qualified_name, description=table.description,
        nrows=row.get("nrows"), rd_id=row.get("rd_id"), adql=table.adql == "True",
        updated=row.get("updated"), provenance=provenance, columns=columns)


def static_file(app: App, request, name: str) -> bytes:
    if "\x00" in name or "/" in name:
        return html_error(app, request, 404, "Not found", f"No file {name!r}.")
    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR.resolve() not in path.parents or not path.is_file():
        return html_error(app, request, 404, "Not found", f"No file {name!r}.")
    request.setHeader(b"content-type",
                      STATIC_TYPES.get(path.suffix, "application/octet-stream").encode())
    request.setHeader(b"cache-control", b"max-age=3600")
    return path.read_bytes()

