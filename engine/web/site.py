"""The resource tree: URLs ``/<rd id>/<service>/<renderer>``, pages, static files.

One leaf resource reads the whole path and hands the request to the right
renderer; the mapping follows DaCHS (``/califa/q/cone/scs.xml``).  Any
unexpected exception becomes a 500 page and a log entry, never a traceback
page.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from twisted.python.failure import Failure
from twisted.web import resource, server

from engine.config import Config
from engine.errors import ProtocolError
from engine.web import urls
from engine.web.app import App
from engine.web.renderers import api, form, pages, scs, tap, vosi
from engine.web.request import Channel, Request
from engine.web.respond import error_headers, html_error

log = logging.getLogger("dr.web")

def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dr")
    except PackageNotFoundError:
        return "dev"


# The Server header Twisted sends: name the VO software (taplint's SoftID check).
server.version = f"DR/{_version()} TwistedWeb".encode()

Renderer = Callable[[App, Any, Any], Any]
RENDERERS: dict[str, Renderer] = {
    "form": form.render,
    "scs.xml": scs.render,
    "api": api.render,
    "availability": vosi.availability,
    "capabilities": vosi.capabilities,
    "tables": vosi.tables,
    "tableMetadata": vosi.tables,
}
ALLOWED_METHODS = (b"GET", b"POST", b"HEAD")
# UWS deletes jobs with DELETE.
DELETE_PREFIX = ("tap", "async")


class Root(resource.Resource):
    """Dispatches every request by its path."""

    isLeaf = True

    def __init__(self, app: App) -> None:
        super().__init__()
        self.app = app

    def render(self, request: server.Request) -> Any:
        deletes_job = (request.method == b"DELETE"
                       and tuple(p.decode("utf-8", "replace")
                                 for p in request.postpath[:2]) == DELETE_PREFIX)
        if request.method not in ALLOWED_METHODS and not deletes_job:
            request.setResponseCode(405)
            request.setHeader(b"allow", b", ".join(ALLOWED_METHODS))
            return b""
        try:
            return self.dispatch(request)
        except ProtocolError as exc:
            error_headers(request, exc)
            return html_error(self.app, request, exc.status, "Bad request", exc.message)
        except Exception:
            log.error("error serving %s\n%s", request.uri.decode("utf-8", "replace"),
                      Failure().getTraceback())
            return html_error(self.app, request, 500, "Internal error",
                              "Something went wrong on the server; it has been logged.")

    def dispatch(self, request: server.Request) -> Any:
        segments = [unquote(s.decode("utf-8", "replace")) for s in request.postpath]
        segments = [s for s in segments if s] or []
        if not segments:
            return pages.root_page(self.app, request)
        if segments[0] == "static" and len(segments) == 2:
            return pages.static_file(self.app, request, segments[1])
        if segments[0] == "tableinfo" and len(segments) == 2:
            return pages.table_page(self.app, request, segments[1])
        if segments[0] == "tap":
            return tap.render(self.app, request, segments[1:])
        return self.dispatch_service(request, segments)

    def dispatch_service(self, request: server.Request, segments: list[str]) -> Any:
        state = self.app.state
        if len(segments) >= 3:
            rd_id, svc_id, renderer = "/".join(segments[:-2]), segments[-2], segments[-1]
            bound = state.service(rd_id, svc_id)
            if bound is not None:
                if renderer not in bound.service.allowed and renderer not in vosi.VOSI:
                    return html_error(
                        self.app, request, 404, "No such renderer",
                        f"Service {rd_id}/{svc_id} offers "
                        f"{', '.join(bound.service.allowed)}, not {renderer!r}.")
                handler = RENDERERS.get(renderer)
                if handler is None:
                    return html_error(self.app, request, 404, "No such renderer",
                                      f"DR has no renderer {renderer!r}.")
                return handler(self.app, request, bound)
        if len(segments) >= 2:
            bound = state.service("/".join(segments[:-1]), segments[-1])
            if bound is not None:
                svc = bound.service
                default = svc.default_renderer or ("form" if "form" in svc.allowed
                                                   else svc.allowed[0])
                request.redirect(urls.service(bound.rd.rd_id, svc.id, default).encode())
                return b""
        return html_error(self.app, request, 404, "Not found",
                          f"Nothing is published at /{'/'.join(segments)}.")


class Site(server.Site):
    """A twisted Site with DR's bounded requests, writing one JSON line per request
    to the access log.  Idle connections (between requests, or sending headers and
    bodies too slowly) are closed after ``[web] writeTimeout`` seconds."""

    protocol = Channel
    requestFactory = Request

    def __init__(self, root: resource.Resource, config: Config,
                 access_log: Any = None) -> None:
        super().__init__(root, timeout=max(config.web.write_timeout, 1))
        self.config = config
        self.access_log = access_log
        self.displayTracebacks = False
        # Request.process parses POST bodies; Twisted's parser refuses some clients'.
        self._parsePOSTFormSubmission = False

    def log(self, request: server.Request) -> None:
        if self.access_log is None:
            return
        started = getattr(request, "started", None)
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "pid": os.getpid(),
            "client": request.getClientAddress().host
            if hasattr(request.getClientAddress(), "host") else "",
            "method": request.method.decode("ascii", "replace"),
            "uri": request.uri.decode("utf-8", "replace"),
            "status": request.code,
            "bytes": request.sentLength,
            "seconds": round(time.monotonic() - started, 4) if started else None,
            "agent": (request.getHeader(b"user-agent") or b"").decode("utf-8", "replace"),
        }
        self.access_log.write(json.dumps(entry) + "\n")
        self.access_log.flush()

    def getResourceFor(self, request: server.Request) -> resource.Resource:
        request.started = time.monotonic()
        return super().getResourceFor(request)
