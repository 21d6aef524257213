"""The TAP service at /tap: sync, async (UWS), capabilities, availability, tables, examples.

Every endpoint is a sibling of /tap/capabilities, as TAP 1.1 wants.  Sync
queries stream like any other result; async ones are UWS jobs of kind
``tap`` run by worker processes.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from twisted.internet.threads import deferToThreadPool
from twisted.web.server import NOT_DONE_YET

from engine import vosi
from engine.errors import ProtocolError
from engine.services.params import Params
from engine.tap import examples
from engine.tap.capabilities import tap_capabilities
from engine.tap.query import TapQuery
from engine.tap.tables import table_map, tap_schema_rd
from engine.uws.resource import UWSResource
from engine.web.app import App
from engine.web.renderers import vosi as vosi_renderers
from engine.web.respond import finish, html_error, votable_error
from engine.web.streaming import QueryStream

XML = b"text/xml; charset=utf-8"
log = logging.getLogger("dr.web")
BASE_PATH = "/tap"


def base_url(app: App) -> str:
    return app.config.web.server_url.rstrip("/") + BASE_PATH


def _user_groups(request: Any) -> frozenset[str]:
    return frozenset(getattr(request, "dr_groups", ()) or ())


def render(app: App, request: Any, segments: list[str]) -> Any:
    """Answer /tap/<segments…> (reactor thread)."""
    head = segments[0] if segments else ""
    if head == "sync":
        return sync(app, request)
    if head == "async":
        return _uws(app).render(request, segments[1:])
    if head == "capabilities":
        request.setHeader(b"content-type", XML)
        return vosi.capabilities(tap_capabilities(app.config, base_url(app)))
    if head == "availability":
        return vosi_renderers.availability(app, request)
    if head == "tables":
        return tables(app, request, segments[1:])
    if head == "examples":
        request.setHeader(b"content-type", b"application/xhtml+xml; charset=utf-8")
        available = set(table_map(app.state.tap_tables, _user_groups(request)))
        return examples.document(examples.collect(app.state.rds.values(), available))
    if not segments:
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return app.render_page("tap.html", title="TAP service", base=base_url(app),
                               tables=sorted(table_map(_listed(app)).values(),
                                             key=lambda t: t.qualified_name))
    return html_error(app, request, 404, "Not found", f"TAP has no endpoint {head!r}.")


def _uws(app: App) -> UWSResource:
    resource = getattr(app, "tap_jobs", None)
    if resource is None:
        resource = app.tap_jobs = UWSResource(app, "tap", BASE_PATH + "/async")
    return resource


def sync(app: App, request: Any) -> Any:
    """Answer /tap/sync (reactor thread).  Uploads given by URL are fetched first,
    in a thread of the reactor's pool, so slow upload hosts hold no database
    connection; the query is streamed once they are in."""
    try:
        params = Params.from_twisted(request.args)
        query = TapQuery.from_params(params, app.config)
    except ProtocolError as exc:
        log.info("TAP request refused (%d): %s", exc.status, exc.message)
        return votable_error(request, exc.status, exc.message)
    tables = table_map(app.state.tap_tables, _user_groups(request))

    def part(name: str) -> bytes | None:
        values = request.args.get(name.encode("utf-8"))
        return values[0] if values else None

    def stream(query: TapQuery) -> Any:
        def plan(conn):
            return query.plan(conn, tables, part, app.config.web.upload_limit)

        return QueryStream(app, request, plan, fmt=query.format, errors="dali").start()

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


def _listed(app: App) -> list:
    """Tables TAP_SCHEMA and /tables list (not adql="hidden" ones)."""
    return [t for t in app.state.tap_tables
            if t.qualified_name.lower() in app.state.tap_listed]


def tables(app: App, request: Any, rest: list[str]) -> bytes:
    request.setHeader(b"content-type", XML)
    metas = table_map(_listed(app), _user_groups(request))
    if rest:
        meta = metas.get(rest[0].lower())
        if meta is None:
            return html_error(app, request, 404, "No such table",
                              f"TAP has no table {rest[0]!r}.")
        return vosi.table_document(meta)
    detail = (Params.from_twisted(request.args).get("detail") or "max").lower()
    schemas: dict[str, tuple[str, list]] = {}
    descriptions = {rd.schema: rd.meta.get("description")
                    for rd in (tap_schema_rd(), *app.state.rds.values())}
    for meta in sorted(metas.values(), key=lambda m: m.qualified_name):
        if detail == "min":
            meta = dataclasses.replace(meta, columns=(), foreign_keys=())
        schemas.setdefault(meta.schema, (descriptions.get(meta.schema, ""), []))[1] \
            .append(meta)
    return vosi.tableset(schemas)
