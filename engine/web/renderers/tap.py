"""The TAP service at /tap: sync, capabilities, availability, tables, examples, and
the ADQL console for people (/tap/console).

Every endpoint is a sibling of /tap/capabilities, as TAP 1.1 wants (the
routes are in :mod:`engine.web.routes`).  Sync queries stream like any other
result; async ones (/tap/async) are UWS jobs of kind ``tap``
(:mod:`engine.web.uws`) run by worker processes.  Which tables a request
sees depends on its caller's groups (``request.context``): restricted tables
do not exist for those outside them.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

from markupsafe import Markup
from twisted.internet.threads import deferToThreadPool
from twisted.web.server import NOT_DONE_YET

from engine import vosi
from engine.errors import ProtocolError
from engine.services.params import Params
from engine.tap import examples
from engine.tap.capabilities import tap_capabilities
from engine.tap.query import TapQuery
from engine.tap.tables import table_map, tap_schema_rd
from engine.web.app import App
from engine.web.resource import Endpoint
from engine.web.respond import finish, votable_error
from engine.web.streaming import QueryStream
from rd.tablemeta import TableMeta

XML = b"text/xml; charset=utf-8"
log = logging.getLogger("dr.web")
BASE_PATH = "/tap"


def base_url(app: App) -> str:
    return app.config.web.server_url.rstrip("/") + BASE_PATH


def _listed(app: App, request: Any) -> dict[str, TableMeta]:
    """Tables TAP_SCHEMA and /tables list (not adql="hidden" ones) that the caller
    may see."""
    return table_map([t for t in app.state.tap_tables
                      if t.qualified_name.lower() in app.state.tap_listed],
                     request.context.groups)


class TapPage(Endpoint):
    """/tap: a page for people, listing the tables."""

    def render_GET(self, request: Any) -> bytes:
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return self.app.render_page(
            "tap.html", request, title="TAP service", base=base_url(self.app),
            tables=sorted(_listed(self.app, request).values(),
                          key=lambda t: t.qualified_name))


def _json_for_script(value: Any) -> Markup:
    """``value`` as JSON safe inside a <script> element."""
    text = json.dumps(value, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e")
                  .replace("&", "\\u0026"))


class Console(Endpoint):
    """/tap/console: an ADQL editor for people (templates/console.html and
    static/console.js): highlighting, completion of the tables and columns the
    caller may query, the examples as a menu, sync runs shown as a table, async
    runs in a job list, errors marked at their line and column."""

    def render_GET(self, request: Any) -> bytes:
        app = self.app
        listed = sorted(_listed(app, request).values(), key=lambda t: t.qualified_name)
        schema = {t.qualified_name: [[c.name, c.unit, c.description] for c in t.columns]
                  for t in listed}
        available = set(table_map(app.state.tap_tables, request.context.groups))
        found = examples.collect(app.state.rds.values(), available)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return app.render_page(
            "console.html", request, title="ADQL console", base=base_url(app),
            schema=_json_for_script(schema), maxrec=app.config.web.maxrec,
            examples=[(e.title, e.query) for e in found],
            first=found[0].query if found else (
                f"SELECT TOP 10 * FROM {listed[0].qualified_name}" if listed else ""))


class Sync(Endpoint):
    """/tap/sync: a query answered in the response (reactor thread).

    Uploads given by URL are fetched first, in a thread of the reactor's pool,
    so slow upload hosts hold no database connection; the query is streamed
    once they are in.
    """

    error_format = "dali"

    def render_GET(self, request: Any) -> Any:
        app = self.app
        try:
            query = TapQuery.from_params(Params.from_twisted(request.args), app.config)
        except ProtocolError as exc:
            log.info("TAP request refused (%d): %s", exc.status, exc.message)
            raise
        tables = table_map(app.state.tap_tables, request.context.groups)
        challenge = request.context.user is None and app.state.tap_restricted

        def part(name: str) -> bytes | None:
            values = request.args.get(name.encode("utf-8"))
            return values[0] if values else None

        def stream(query: TapQuery) -> Any:
            def plan(conn):
                return query.plan(conn, tables, part, app.config.web.upload_limit,
                                  challenge=challenge)

            # Uploads become temporary tables, which only the primary can make.
            pool = app.pool if query.uploads else app.reads()
            return QueryStream(app, request, plan, fmt=query.format, errors="dali",
                               pool=pool).start()

        if not query.remote_uploads:
            return stream(query)
        gone: list[bool] = []
        request.notifyFinish().addErrback(lambda _: gone.append(True))

        def fetched(query: TapQuery) -> None:
            if not gone:
                stream(query)

        def failed(failure) -> None:
            exc = failure.value
            if not isinstance(exc, ProtocolError):
                log.error("fetching TAP uploads failed: %r", exc)
                exc = ProtocolError("fetching the uploads failed on the server; the error "
                                    "has been logged", status=500)
            log.info("TAP request refused (%d): %s", exc.status, exc.message)
            if not gone:
                finish(request, votable_error(request, exc.status, exc.message))

        reactor = app.pool.reactor
        d = deferToThreadPool(reactor, reactor.getThreadPool(), query.fetch_uploads,
                              app.config.web)
        d.addCallbacks(fetched, failed)
        return NOT_DONE_YET

    render_POST = render_GET


class Capabilities(Endpoint):
    def render_GET(self, request: Any) -> bytes:
        request.setHeader(b"content-type", XML)
        return vosi.capabilities(tap_capabilities(self.app.config, base_url(self.app)))

    render_POST = render_GET


class Examples(Endpoint):
    def render_GET(self, request: Any) -> bytes:
        request.setHeader(b"content-type", b"application/xhtml+xml; charset=utf-8")
        available = set(table_map(self.app.state.tap_tables, request.context.groups))
        return examples.document(examples.collect(self.app.state.rds.values(), available))

    render_POST = render_GET


class Tables(Endpoint):
    """/tap/tables: the VOSI tableset; /tap/tables/<name>: one table."""

    def child(self, name: str, request: Any) -> Endpoint | None:
        meta = _listed(self.app, request).get(name.lower())
        return TableDocument(self.app, meta) if meta is not None else None

    def render_GET(self, request: Any) -> bytes:
        metas = _listed(self.app, request)
        detail = (Params.from_twisted(request.args).get("detail") or "max").lower()
        schemas: dict[str, tuple[str, list]] = {}
        descriptions = {rd.schema: rd.meta.get("description")
                        for rd in (tap_schema_rd(), *self.app.state.rds.values())}
        for meta in sorted(metas.values(), key=lambda m: m.qualified_name):
            if detail == "min":
                meta = dataclasses.replace(meta, columns=(), foreign_keys=())
            schemas.setdefault(meta.schema, (descriptions.get(meta.schema, ""), []))[1] \
                .append(meta)
        request.setHeader(b"content-type", XML)
        return vosi.tableset(schemas)

    render_POST = render_GET


class TableDocument(Endpoint):
    def __init__(self, app: App, meta: TableMeta) -> None:
        super().__init__(app)
        self.meta = meta

    def render_GET(self, request: Any) -> bytes:
        request.setHeader(b"content-type", XML)
        return vosi.table_document(self.meta)

    render_POST = render_GET
