"""VOSI endpoints of each service: availability, capabilities, tables."""

from __future__ import annotations

import datetime
from typing import Any

from twisted.web.server import NOT_DONE_YET

from engine import vosi
from engine.services.core import BoundService
from engine.web import urls
from engine.web.app import App
from engine.web.respond import finish

VOSI = ("availability", "capabilities", "tables", "tableMetadata")
STARTED = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
XML = b"text/xml; charset=utf-8"


def _base(app: App, bound: BoundService) -> str:
    return app.config.web.server_url.rstrip("/") + urls.service(bound.rd.rd_id, bound.id)


def availability(app: App, request: Any, bound: BoundService | None = None) -> Any:
    """VOSI availability: available while the database answers (of a service or /tap)."""

    def check(conn) -> bool:
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            return cur.fetchone() == (1,)

    def answer(ok: bool) -> None:
        request.setHeader(b"content-type", XML)
        note = "the service is accepting queries" if ok else "the database is unreachable"
        finish(request, vosi.availability(ok, note, STARTED))

    def failed(_failure) -> None:
        answer(False)

    app.pool.run_with_connection(check).addCallbacks(answer, failed)
    return NOT_DONE_YET


def service_capabilities(app: App, bound: BoundService) -> list[vosi.Capability]:
    base = _base(app, bound)
    caps = vosi.vosi_capabilities(base)
    svc = bound.service
    for renderer in svc.allowed:
        url = f"{base}/{renderer}"
        if renderer == "scs.xml":
            params = [vosi.ParamDesc(f.name, f.description, f.unit,
                                     {"RA": "pos.eq.ra", "DEC": "pos.eq.dec"}.get(f.name, ""),
                                     "double", True)
                      for f in bound.fields("scs.xml") if f.name in ("RA", "DEC", "SR")]
            test = {k: svc.meta.get(f"testQuery.{k}") for k in ("ra", "dec", "sr")}
            caps.append(vosi.Capability(
                "ivo://ivoa.net/std/ConeSearch", url + "?", use="base", role="std",
                params=params, result_type="application/x-votable+xml",
                capability_type="cs:ConeSearch",
                extra=(("maxSR", "180"), ("maxRecords", str(app.config.web.hard_maxrec)),
                       ("verbosity", "true")),
                test_query={k: v for k, v in test.items() if v}))
        elif renderer == "form":
            caps.append(vosi.Capability(None, url, interface="vr:WebBrowser"))
        elif renderer == "api":
            params = [vosi.ParamDesc(f.name, f.description, f.unit)
                      for f in bound.fields("api")]
            caps.append(vosi.Capability(None, url + "?", use="base", params=params,
                                        result_type="application/x-votable+xml"))
    return caps


def capabilities(app: App, request: Any, bound: BoundService) -> bytes:
    request.setHeader(b"content-type", XML)
    return vosi.capabilities(service_capabilities(app, bound))


def tables(app: App, request: Any, bound: BoundService) -> bytes:
    request.setHeader(b"content-type", XML)
    schemas: dict = {}
    if bound.table is not None:
        meta = bound.table_meta
        schemas[meta.schema] = (bound.rd.meta.get("description"), [meta])
    return vosi.tableset(schemas)
