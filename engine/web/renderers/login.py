"""Logging in and out in a browser: /login and /logout, a session in a cookie.

``GET /login`` is a form (user, password, and a hidden ``next``); ``POST
/login`` checks the password through the site's
:class:`~engine.web.authenticate.Authenticator` (its queue, backoff and argon2
check) which, when it is right, starts a session and sets its ``dr_session``
cookie; the browser is then sent (303) to ``next`` if that is a path on this
site (:func:`engine.web.urls.local_path`), else to ``/``.  A wrong password
shows the form again with a 401 but no ``WWW-Authenticate``, which would make
the browser ask in its own dialog.  ``GET /logout`` is a button; ``POST
/logout`` ends the session, clears the cookie and sends the browser to ``/``.

Everything here runs on the reactor thread; the checks themselves run in the
database pool's threads.
"""

from __future__ import annotations

import logging
from typing import Any

from twisted.web.server import NOT_DONE_YET

from engine.errors import ProtocolError
from engine.web import urls
from engine.web.resource import Endpoint
from engine.web.respond import error_headers, finish

log = logging.getLogger("dr.web")
# More than a password manager would ever fill in; longer is not worth an argon2 check.
MAX_FIELD = 1024


def _arg(request: Any, name: bytes) -> str:
    values = request.args.get(name) or [b""]
    return values[0].decode("utf-8")  # check_utf8 has run on every parameter


def _see_other(request: Any, location: str) -> bytes:
    request.setResponseCode(303)
    request.setHeader(b"location", location.encode("ascii"))
    request.setHeader(b"content-type", b"text/plain; charset=utf-8")
    return f"See {location}\n".encode("ascii")


def _authenticator(request: Any) -> Any:
    """The site's Authenticator, or None on a site without accounts."""
    authenticate = getattr(request.channel.site, "authenticate", None)
    return authenticate if hasattr(authenticate, "login") else None


class Login(Endpoint):
    """/login: the form, and checking what it sends."""

    def _form(self, request: Any, *, user: str = "", next_path: str | None = None,
              message: str | None = None, status: int = 200) -> bytes:
        request.setResponseCode(status)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        request.setHeader(b"cache-control", b"no-store")
        return self.app.render_page("login.html", request, title="Log in", user=user,
                                    next=next_path or "", message=message,
                                    login_url=None)

    def render_GET(self, request: Any) -> bytes:
        return self._form(request, next_path=urls.local_path(_arg(request, b"next")))

    def render_POST(self, request: Any) -> Any:
        user, password = _arg(request, b"user"), _arg(request, b"password")
        next_path = urls.local_path(_arg(request, b"next"))
        authenticator = _authenticator(request)
        if authenticator is None:
            return self._form(request, user=user, next_path=next_path, status=503,
                              message="This server has no accounts to log in to.")
        if not user or not password or len(user) > MAX_FIELD or len(password) > MAX_FIELD:
            return self._form(request, user=user[:MAX_FIELD], next_path=next_path,
                              status=400, message="Enter your user name and password.")

        def checked(right: bool) -> None:
            if right:
                finish(request, _see_other(request, next_path or urls.root()))
            else:
                finish(request, self._form(request, user=user, next_path=next_path,
                                           status=401,
                                           message="Wrong user name or password."))

        def failed(failure: Any) -> None:
            exc = failure.value
            if not isinstance(exc, ProtocolError):
                log.error("cannot check a login\n%s", failure.getTraceback())
                exc = ProtocolError("the login could not be checked; it has been "
                                    "logged", status=500)
            error_headers(request, exc)  # Retry-After on a 503
            finish(request, self._form(request, user=user, next_path=next_path,
                                       status=exc.status, message=exc.message))

        authenticator.login(request, user, password).addCallbacks(checked, failed)
        return NOT_DONE_YET


class Logout(Endpoint):
    """/logout: a button (GET) ending the session (POST)."""

    def render_GET(self, request: Any) -> bytes:
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return self.app.render_page("logout.html", request, title="Log out")

    def render_POST(self, request: Any) -> Any:
        authenticator = _authenticator(request)
        if authenticator is None:
            return _see_other(request, urls.root())

        def done(_: Any) -> None:
            finish(request, _see_other(request, urls.root()))

        def failed(failure: Any) -> None:
            exc = failure.value
            if not isinstance(exc, ProtocolError):
                exc = ProtocolError("the session could not be ended; please try again",
                                    status=500)
            finish(request, self.error(request, exc))

        authenticator.logout(request).addCallback(done).addErrback(failed)
        return NOT_DONE_YET
