"""Small helpers for answering requests: status, content type, errors, finishing once."""

from __future__ import annotations

from typing import Any

from engine.web import errors


def finish(request: Any, body: bytes) -> None:
    """Write ``body`` and finish, unless the client has gone already (reactor thread)."""
    if getattr(request, "_disconnected", False) or request.finished:
        return
    request.write(body)
    request.finish()


def html_error(app: Any, request: Any, status: int, title: str, message: str) -> bytes:
    request.setResponseCode(status)
    request.setHeader(b"content-type", b"text/html; charset=utf-8")
    return app.render_page("error.html", title=title, message=message, back=None)


def votable_error(request: Any, status: int, message: str, *, scs: bool = False) -> bytes:
    request.setResponseCode(status)
    request.setHeader(b"content-type", b"application/x-votable+xml; charset=utf-8")
    return errors.scs_error(message) if scs else errors.dali_error(message)
