"""Small helpers for answering requests: status, content type, errors, finishing once.

HTML error pages name who is logged in, and a 401's links to /login."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from engine.errors import ProtocolError
from engine.web import errors, urls
from engine.web.context import CHALLENGES

# The error formats a resource may answer in (engine.web.resource.Endpoint).
ERROR_FORMATS = ("html", "dali", "scs", "text")
TEXT = b"text/plain; charset=utf-8"


def client_gone(request: Any) -> bool:
    """Whether the client has disconnected (engine.web.request.Request records it)."""
    return bool(getattr(request, "gone", False))


def finish(request: Any, body: bytes) -> None:
    """Write ``body`` and finish, unless the client has gone already (reactor thread)."""
    if client_gone(request) or request.finished:
        return
    request.write(body)
    request.finish()


def error_headers(request: Any, exc: ProtocolError) -> None:
    """Headers an error asks for: Retry-After on a 503 (busy, database down), the
    WWW-Authenticate challenges on a 401."""
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        request.setHeader(b"retry-after", str(retry_after).encode())
    if exc.status == 401:
        challenges = getattr(exc, "challenges", None) or CHALLENGES
        request.responseHeaders.setRawHeaders(
            b"www-authenticate", [c.encode("ascii") for c in challenges])


def login_url(request: Any) -> str:
    """The login page, coming back to where ``request`` went (a GET's query too)."""
    if request.path in (b"/login", b"/logout"):
        return urls.login()
    here = request.uri if request.method in (b"GET", b"HEAD") else request.path
    return urls.login(urls.local_path(here.decode("utf-8", "replace")))


def html_error(app: Any, request: Any, status: int, title: str, message: str) -> bytes:
    """An error page; a 401's links to the login page, coming back here (its
    WWW-Authenticate stays, for clients that are not browsers)."""
    request.setResponseCode(status)
    request.setHeader(b"content-type", b"text/html; charset=utf-8")
    login = login_url(request) if status == 401 else None
    return app.render_page("error.html", request, title=title, message=message,
                           back=None, login=login)


def votable_error(request: Any, status: int, message: str, *, scs: bool = False) -> bytes:
    request.setResponseCode(status)
    request.setHeader(b"content-type", b"application/x-votable+xml; charset=utf-8")
    return errors.scs_error(message) if scs else errors.dali_error(message)


def text_error(request: Any, status: int, message: str) -> bytes:
    request.setResponseCode(status)
    request.setHeader(b"content-type", TEXT)
    return (message + "\n").encode("utf-8")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_document(app: Any, request: Any, error_format: str, exc: ProtocolError,
                   title: str | None = None) -> bytes:
    """``exc`` answered in one of ERROR_FORMATS, with its status and headers."""
    error_headers(request, exc)
    if error_format == "html":
        return html_error(app, request, exc.status, title or _phrase(exc.status),
                          exc.message)
    if error_format in ("dali", "scs"):
        return votable_error(request, exc.status, exc.message, scs=error_format == "scs")
    return text_error(request, exc.status, exc.message)
