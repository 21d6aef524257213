"""The Twisted Site: DR's bounded requests, the request context, the access log.

The resource tree itself is :mod:`engine.web.routes`.  Before a request is
routed, the site finds its caller (``authenticate``, in production
:class:`engine.web.authenticate.Authenticator`) and attaches it as
``request.context`` (a :class:`~engine.web.context.RequestContext`), in this
one place.  Credentials that fail — wrong, malformed, or not checkable now —
are answered by whatever resource the path names, in its error format, with
that failure (401, 400 or 503), so no resource ever runs for them.
"""

from __future__ import annotations

import functools
import json
import os
import time
from typing import Any

from twisted.internet import defer
from twisted.internet.defer import Deferred
from twisted.web import resource, server

from engine.config import Config
from engine.web import proxy
from engine.web.context import Authenticate, anonymous
from engine.web.request import Channel, Request
from engine.web.resource import Failing


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("dr")
    except PackageNotFoundError:
        return "dev"


# The Server header Twisted sends: name the VO software (taplint's SoftID check).
server.version = f"DR/{_version()} TwistedWeb".encode()


@functools.lru_cache(maxsize=4)
def _local_time(second: int) -> str:
    """The access log's time stamp of a second (many requests share one)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(second))


class Site(server.Site):
    """A twisted Site with DR's bounded requests, writing one JSON line per request
    to the access log.  Idle connections (between requests, or sending headers and
    bodies too slowly) are closed after ``[web] writeTimeout`` seconds.
    ``authenticate`` tells each request's caller (reactor thread)."""

    protocol = Channel
    requestFactory = Request

    def __init__(self, root: resource.Resource, config: Config,
                 access_log: Any = None, authenticate: Authenticate = anonymous) -> None:
        super().__init__(root, timeout=max(config.web.write_timeout, 1))
        self.config = config
        self.access_log = access_log
        self.authenticate = authenticate
        self.trusted_proxies = proxy.parse_networks(config.web.trusted_proxies)
        self.displayTracebacks = False
        # Request.process parses POST bodies; Twisted's parser refuses some clients'.
        self._parsePOSTFormSubmission = False

    def log(self, request: server.Request) -> None:
        if self.access_log is None:
            return
        started = getattr(request, "started", None)
        client = request.getClientAddress()
        entry = {
            "time": _local_time(int(time.time())),
            "pid": os.getpid(),
            "port": self.config.web.server_port,  # which front-end, when several log here
            "client": getattr(client, "host", ""),
            "method": request.method.decode("ascii", "replace"),
            "uri": request.uri.decode("utf-8", "replace"),
            "status": request.code,
            "bytes": request.sentLength,
            "seconds": round(time.monotonic() - started, 4) if started else None,
            "agent": (request.getHeader(b"user-agent") or b"").decode("utf-8", "replace"),
        }
        self.access_log.write(json.dumps(entry) + "\n")
        self.access_log.flush()

    def identify(self, request: server.Request) -> Deferred:
        """(reactor thread) A Deferred firing with the request's caller."""
        return defer.maybeDeferred(self.authenticate, request)

    def getResourceFor(self, request: server.Request) -> resource.Resource:
        found = super().getResourceFor(request)
        failure = getattr(request, "auth_failure", None)
        if failure is None:
            return found
        app = getattr(found, "app", None)
        error_format = getattr(found, "error_format", "text") if app else "text"
        return Failing(app, error_format, failure, "Not authenticated")
