"""VOSI endpoints of each service (and /tap/availability): availability, capabilities,
tables.  A service's capabilities are the VOSI ones plus what each renderer it
allows says of itself (``ServiceRenderer.capability``)."""

from __future__ import annotations

import datetime
from typing import Any

from twisted.web.server import NOT_DONE_YET

from engine import vosi
from engine.web import urls
from engine.web.resource import Endpoint, ServiceRenderer
from engine.web.respond import finish

STARTED = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
XML = b"text/xml; charset=utf-8"


class Availability(ServiceRenderer):
    """Available while the database answers (of a service, or of TAP without one)."""

    implicit = True

    def render_GET(self, request: Any) -> Any:
        def check(conn) -> bool:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
                return cur.fetchone() == (1,)

        def answer(ok: bool) -> None:
            request.setHeader(b"content-type", XML)
            note = ("the service is accepting queries" if ok
                    else "the database is unreachable")
            finish(request, vosi.availability(ok, note, STARTED))

        def failed(_failure) -> None:
            answer(False)

        self.app.pool.run_with_connection(check).addCallbacks(answer, failed)
        return NOT_DONE_YET

    render_POST = render_GET


class Capabilities(ServiceRenderer):
    implicit = True

    def render_GET(self, request: Any) -> bytes:
        bound = self.bound
        base = (self.app.config.web.server_url.rstrip("/")
                + urls.service(bound.rd.rd_id, bound.id))
        caps = vosi.vosi_capabilities(base)
        for name in bound.service.allowed:
            renderer = self.renderers.get(name)
            cap = renderer.capability(self.app, bound, f"{base}/{name}") if renderer \
                else None
            if cap is not None:
                caps.append(cap)
        request.setHeader(b"content-type", XML)
        return vosi.capabilities(caps)

    render_POST = render_GET


class Tables(ServiceRenderer):
    implicit = True

    def render_GET(self, request: Any) -> bytes:
        schemas: dict = {}
        if self.bound.table is not None:
            meta = self.bound.table_meta
            schemas[meta.schema] = (self.bound.rd.meta.get("description"), [meta])
        request.setHeader(b"content-type", XML)
        return vosi.tableset(schemas)

    render_POST = render_GET


class Unavailable(Endpoint):
    """The availability of a service DR cannot serve: not available, and why."""

    def __init__(self, app: Any, reason: str) -> None:
        super().__init__(app)
        self.reason = reason

    def render_GET(self, request: Any) -> bytes:
        request.setHeader(b"content-type", XML)
        return vosi.availability(False, f"DR cannot serve this service yet: {self.reason}",
                                 STARTED)

    render_POST = render_GET
