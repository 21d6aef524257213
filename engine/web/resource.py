"""The base of every resource DR serves: methods as ``render_GET``…, errors in its own format.

A resource answers the methods it defines ``render_<METHOD>`` for.  Any other
method gets a 405 whose ``Allow`` header lists those, and HEAD is answered by
``render_GET`` (Twisted's Request sends no body for HEAD), so no resource
lists its methods by hand.  (Twisted's own ``Resource.render`` answers
methods outside GET/HEAD/POST with 501 and fakes HEAD by finishing the
request at once, which breaks answers that come later.)

Each resource class names its ``error_format`` — ``html`` (pages), ``dali``
or ``scs`` (VOTable errors) or ``text`` (UWS) — and every error it answers,
405s and 404s below it included, comes in that format.  A ProtocolError out
of a ``render_*`` method becomes its error; any other exception is logged
and becomes a 500 without a traceback.  All of this runs on the reactor
thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from twisted.python.failure import Failure
from twisted.web import resource
from twisted.web.server import NOT_DONE_YET

from engine.errors import ProtocolError
from engine.web.respond import error_document, finish

log = logging.getLogger("dr.web")
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def segment(name: bytes) -> str:
    """A path segment as text (Twisted has %-decoded it already)."""
    return name.decode("utf-8", "replace")


class Endpoint(resource.Resource):
    """A resource of the site; subclasses define ``render_GET`` etc. and ``child``."""

    error_format: str = "html"  # one of respond.ERROR_FORMATS

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.app = app

    # -- the tree --------------------------------------------------------------------

    def getChild(self, path: bytes, request: Any) -> resource.Resource:
        if path == b"":
            return self  # a trailing or doubled slash names the same resource
        found = self.child(segment(path), request)
        return found if found is not None else NotFound(self.app, self.error_format)

    def child(self, name: str, request: Any) -> resource.Resource | None:
        """The resource called ``name`` below this one; None for a 404."""
        return None

    # -- answering -------------------------------------------------------------------

    @classmethod
    def allowed_methods(cls) -> list[str]:
        return [m for m in METHODS if callable(getattr(cls, f"render_{m}", None))]

    def render(self, request: Any) -> Any:
        method = request.method.decode("ascii", "replace")
        handler = getattr(self, f"render_{method}", None) if method in METHODS else None
        if handler is None and method == "HEAD":
            handler = getattr(self, "render_GET", None)
        if handler is None:
            allowed = self.allowed_methods()
            request.setHeader(b"allow", ", ".join(allowed).encode())
            return self.error(request, ProtocolError(
                f"{method} is not allowed here; use {' or '.join(allowed)}", status=405))
        try:
            return handler(request)
        except ProtocolError as exc:
            return self.error(request, exc)
        except Exception:
            log.error("error serving %s\n%s", request.uri.decode("utf-8", "replace"),
                      Failure().getTraceback())
            return self.error(request, ProtocolError(
                "something went wrong on the server; it has been logged", status=500))

    def error(self, request: Any, exc: ProtocolError, title: str | None = None) -> bytes:
        """Answer ``exc`` in this resource's error format."""
        return error_document(self.app, request, self.error_format, exc, title)


def failure_error(failure: Any, request: Any) -> ProtocolError:
    """What a failed deferred tells the client: its ProtocolError, or (a bug, logged
    with the traceback) a 500 that says no more."""
    exc = failure.value
    if isinstance(exc, ProtocolError):
        return exc
    log.error("error serving %s\n%s", request.uri.decode("utf-8", "replace"),
              failure.getTraceback())
    return ProtocolError("something went wrong on the server; it has been logged",
                         status=500)


def answer_from_pool(endpoint: Endpoint, request: Any,
                     work: Callable[[Any], tuple[str, bytes | None]]) -> Any:
    """Run ``work(conn)`` on a pooled connection (a worker thread) and send the
    ``(content type, body)`` it gives — no body: 204 — or its failure in the
    endpoint's error format (reactor thread)."""

    def send(answer: tuple[str, bytes | None]) -> None:
        content_type, body = answer
        if body is None:
            request.setResponseCode(204)
            finish(request, b"")
            return
        request.setHeader(b"content-type", content_type.encode())
        finish(request, body)

    def failed(failure: Any) -> None:
        finish(request, endpoint.error(request, failure_error(failure, request)))

    endpoint.app.pool.run_with_connection(work).addCallbacks(send, failed)
    return NOT_DONE_YET


class NotFound(Endpoint):
    """A 404 for any method, below any path, in the error format of where it was asked."""

    isLeaf = True

    def __init__(self, app: Any, error_format: str = "html",
                 message: str | None = None) -> None:
        super().__init__(app)
        self.error_format = error_format
        self.message = message

    def render(self, request: Any) -> bytes:
        path = request.path.decode("utf-8", "replace")
        return self.error(request, ProtocolError(
            self.message or f"Nothing is published at {path}.", status=404))


class Failing(Endpoint):
    """The same error for any method, in the given error format."""

    isLeaf = True

    def __init__(self, app: Any, error_format: str, exc: ProtocolError,
                 title: str | None = None) -> None:
        super().__init__(app)
        self.error_format, self.exc, self.title = error_format, exc, title

    def render(self, request: Any) -> bytes:
        return self.error(request, self.exc, self.title)


class Collection(NotFound):
    """A resource that only holds others (``/static``): itself a 404, for any method."""

    isLeaf = False


class Refused(Failing):
    """An endpoint refused to the caller: the refusal answered as the endpoint
    answers its own errors (SODA's leading words in dlget's, say)."""

    def __init__(self, endpoint: Endpoint, refusal: ProtocolError) -> None:
        super().__init__(endpoint.app, endpoint.error_format, refusal, "Restricted")
        self.endpoint = endpoint

    def error(self, request: Any, exc: ProtocolError, title: str | None = None) -> bytes:
        return self.endpoint.error(request, exc, title)


def refused(endpoint: Endpoint, refusal: ProtocolError) -> Failing:
    """``endpoint`` refused to the caller (engine.web.access: a 401 or 403) in its
    error format."""
    return Refused(endpoint, refusal)


class ServiceRenderer(Endpoint):
    """A renderer of an RD service: ``/<rd id>/<service id>/<name>``.

    ``implicit`` renderers (VOSI) belong to every service, whether its
    ``allowed`` names them or not.  ``renderers`` are all the site's service
    renderers by name, for those that describe the others (VOSI capabilities).
    """

    implicit: ClassVar[bool] = False

    def __init__(self, app: Any, bound: Any = None,
                 renderers: Mapping[str, type[ServiceRenderer]] | None = None) -> None:
        super().__init__(app)
        self.bound = bound
        self.renderers = renderers or {}

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> Any:
        """This renderer's VOSI capability (an engine.vosi.Capability) at ``url``, or
        None."""
        return None
