"""Who is asking: HTTP Basic, Bearer and session cookies checked against engine.accounts.

A request without ``Authorization`` is anonymous, unless it brings the
``dr_session`` cookie of a live browser session (see below).  ``Basic`` (RFC 7617)
carries ``user:password`` in base64, read as UTF-8 (the charset our challenge
announces) or, when it is not UTF-8, as ISO-8859-1 (what python-requests, and
so pyvo, sends for non-ASCII); ``Bearer`` (RFC 6750) carries a token of ``dr admin token``.
Credentials are checked wherever they are sent, public resources included:
wrong ones are a 401 with the challenges, never a silent fall back to
anonymous (a client would otherwise get public answers and think them
complete).  A header that is not Basic or Bearer syntax is a 400 saying why.

An argon2 check costs about 0.15 s of CPU and 64 MiB of memory
(engine/accounts/passwords.py), so at most ``checks`` run at once per process
(in the database pool's threads, which hold the connection for the user's
hash); at most ``queue`` more wait, and beyond that a request gets a 503
with Retry-After.  A successful check is remembered for ``ttl`` seconds under
the sha256 of the whole header (never the password itself), for at most
``cache_size`` headers, so a client polling a job costs one check a minute:
a new password, a revoked token or a disabled user takes effect within that
time.  Before each check the per-address :class:`~engine.accounts.Backoff`
delays an address that failed recently, and each outcome is recorded.

People in a browser log in on /login (engine/web/renderers/login.py), which
calls :meth:`Authenticator.login`: the same queue, backoff and argon2 check,
then a session (:mod:`engine.accounts.sessions`) whose secret goes into the
``dr_session`` cookie (HttpOnly, SameSite=Lax, Path=/, Secure with
``secure_cookies``, i.e. an https serverURL).  An ``Authorization`` header wins
over the cookie.  A cookie is checked in a pool thread (a digest lookup, no
argon2) and a live one remembered for ``session_ttl`` seconds; an unknown,
expired or malformed cookie makes the request anonymous (never a 401: it may
be stale on a public page) and the response clears it, and one that cannot
be checked now (the database busy or down) makes it anonymous too, never a
503.  :meth:`Authenticator.logout` deletes the session and forgets it at
once in this process (other processes of ``dr serve`` within
``session_ttl``).

Everything here runs on the reactor thread except the checks themselves
(worker threads of the pool).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from twisted.internet import defer, task
from twisted.internet.defer import Deferred

from engine.accounts import (
    Backoff,
    create_session,
    delete_session,
    sessions,
    verify_password,
    verify_session,
    verify_token,
)
from engine.errors import ProtocolError
from engine.web.context import ANONYMOUS, BASIC_CHALLENGE, REALM, RequestContext
from engine.web.dbpool import ServiceUnavailable

log = logging.getLogger("dr.web")
# RFC 7235's token68: what a Basic or Bearer credential may look like.
TOKEN68 = re.compile(rb"[A-Za-z0-9\-._~+/]+=*")
SESSION_COOKIE = b"dr_session"


class Unauthorized(ProtocolError):
    """Credentials that do not check: 401, with the challenges to send."""

    def __init__(self, message: str, challenges: tuple[str, ...]) -> None:
        super().__init__(message, status=401)
        self.challenges = challenges


@dataclass(frozen=True)
class Basic:
    user: str
    password: str


@dataclass(frozen=True)
class Bearer:
    token: str


def parse(header: bytes) -> Basic | Bearer:
    """The credentials of an Authorization header; ProtocolError (400, or 401 for a
    scheme DR does not take) otherwise."""
    scheme, _, value = header.strip().partition(b" ")
    value = value.strip()
    kind = scheme.lower()
    if kind not in (b"basic", b"bearer"):
        raise Unauthorized("DR accepts HTTP Basic credentials and bearer tokens "
                           "(dr admin token) only.", _challenges())
    if not TOKEN68.fullmatch(value):
        raise ProtocolError(f"the Authorization header's {scheme.decode('ascii', 'replace')}"
                            " credentials are malformed", status=400)
    if kind == b"bearer":
        return Bearer(value.decode("ascii"))
    try:
        raw = base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ProtocolError("the Authorization header's Basic credentials are not "
                            "base64", status=400) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # Clients that ignore our charset (python-requests, so pyvo) send ISO-8859-1.
        text = raw.decode("iso-8859-1")
    user, colon, password = text.partition(":")
    if not colon:
        raise ProtocolError("the Authorization header's Basic credentials lack the "
                            "':' between user and password", status=400)
    return Basic(user, password)


def _challenges(bearer_error: str | None = None) -> tuple[str, ...]:
    bearer = f'Bearer realm="{REALM}"'
    if bearer_error:
        bearer += f', error="{bearer_error}"'
    return (BASIC_CHALLENGE, bearer)


def _check_password(conn: Any, user: str, password: str) -> RequestContext | None:
    """(worker thread) The user's context if the password is theirs; a hash made
    with older parameters is renewed."""
    with conn.cursor() as cur:
        groups = verify_password(cur, user, password)
    conn.commit()
    return None if groups is None else RequestContext(user, groups)


def _check_token(conn: Any, token: str) -> RequestContext | None:
    """(worker thread) The token's user's context, if it is live."""
    with conn.cursor() as cur:
        found = verify_token(cur, token)
    return None if found is None else RequestContext(*found)


def _check_session(conn: Any, secret: str) -> RequestContext | None:
    """(worker thread) The session's user's context, if it is live."""
    with conn.cursor() as cur:
        found = verify_session(cur, secret)
    conn.commit()  # its last_used
    return None if found is None else RequestContext(*found)


def _start_session(conn: Any, user: str, password: str) -> str | None:
    """(worker thread) A new session's secret if the password is ``user``'s."""
    with conn.cursor() as cur:
        if verify_password(cur, user, password) is None:
            conn.commit()
            return None
        secret = create_session(cur, user)
    conn.commit()
    return secret


def _end_session(conn: Any, secret: str) -> bool:
    """(worker thread) Delete the session of ``secret``."""
    with conn.cursor() as cur:
        found = delete_session(cur, secret)
    conn.commit()
    return found


@dataclass(frozen=True)
class _Remembered:
    context: RequestContext
    until: float


class Authenticator:
    """The site's ``authenticate``: a request's context, as a Deferred; and the
    logins and logouts of /login and /logout."""

    def __init__(self, pool: Any, *, checks: int = 2, queue: int = 32,
                 ttl: float = 60.0, session_ttl: float = 10.0, cache_size: int = 1024,
                 backoff: Backoff | None = None, secure_cookies: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.pool = pool
        self.semaphore = defer.DeferredSemaphore(checks)
        self.queue, self.ttl, self.cache_size = queue, ttl, cache_size
        self.session_ttl = session_ttl
        self.backoff = backoff or Backoff()
        self.secure_cookies = secure_cookies
        self._clock = clock
        self._cache: OrderedDict[bytes, _Remembered] = OrderedDict()

    def __call__(self, request: Any) -> Deferred:
        """(reactor thread) A Deferred firing with the caller's RequestContext, or
        failing with a ProtocolError (400, 401, 503)."""
        headers = request.requestHeaders.getRawHeaders(b"authorization") or []
        if not headers:
            cookie = request.getCookie(SESSION_COOKIE)
            return defer.succeed(ANONYMOUS) if cookie is None else self._session(
                request, cookie)
        if len(headers) > 1:
            return defer.fail(ProtocolError("send one Authorization header, not "
                                            f"{len(headers)}", status=400))
        key = hashlib.sha256(headers[0]).digest()
        remembered = self._remembered(key)
        if remembered is not None:
            return defer.succeed(remembered)
        try:
            credentials = parse(headers[0])
        except ProtocolError as exc:
            return defer.fail(exc)
        address = _address(request)
        d = self._after_backoff(address)
        d.addCallback(lambda _: self._check(credentials))
        d.addCallback(self._checked, key, address, credentials)
        return d

    def login(self, request: Any, user: str, password: str) -> Deferred:
        """(reactor thread) Check ``password`` as a Basic header's would be (queue,
        backoff, argon2 under the semaphore); when it is ``user``'s, start a session
        and set its cookie on ``request``.  Fires with whether it was; fails with
        ServiceUnavailable when too many checks wait."""
        address = _address(request)
        d = self._after_backoff(address)
        d.addCallback(lambda _: self.semaphore.run(
            self.pool.run_with_connection, _start_session, user, password))

        def started(secret: str | None) -> bool:
            self.backoff.record(address, success=secret is not None)
            if secret is not None:
                self._set_cookie(request, secret.encode("ascii"))
            return secret is not None

        return d.addCallback(started)

    def logout(self, request: Any) -> Deferred:
        """(reactor thread) End the session of the request's cookie, here at once, in
        the database, and clear the cookie; fires with whether there was one."""
        cookie = request.getCookie(SESSION_COOKIE)
        self._set_cookie(request, None)
        if cookie is None:
            return defer.succeed(False)
        self._cache.pop(_session_key(cookie), None)
        secret = cookie.decode("ascii", "replace")
        if not sessions.plausible(secret):
            return defer.succeed(False)
        return self.pool.run_with_connection(_end_session, secret)

    # -- the checks --------------------------------------------------------------------

    def _remembered(self, key: bytes) -> RequestContext | None:
        remembered = self._cache.get(key)
        if remembered is None:
            return None
        if remembered.until > self._clock():
            return remembered.context
        del self._cache[key]
        return None

    def _remember(self, key: bytes, context: RequestContext, ttl: float) -> None:
        self._cache[key] = _Remembered(context, self._clock() + ttl)
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _after_backoff(self, address: str) -> Deferred:
        """Fires when a check from ``address`` may start (a 503 when too many wait)."""
        if len(self.semaphore.waiting) >= self.queue:
            return defer.fail(ServiceUnavailable(
                "the server is checking too many passwords at the moment; please try "
                "again in a few seconds"))
        delay = self.backoff.delay(address)
        return (task.deferLater(self.pool.reactor, delay, lambda: None) if delay > 0
                else defer.succeed(None))

    def _check(self, credentials: Basic | Bearer) -> Deferred:
        if isinstance(credentials, Bearer):
            return self.pool.run_with_connection(_check_token, credentials.token)
        return self.semaphore.run(self.pool.run_with_connection, _check_password,
                                  credentials.user, credentials.password)

    def _checked(self, context: RequestContext | None, key: bytes, address: str,
                 credentials: Basic | Bearer) -> RequestContext:
        self.backoff.record(address, success=context is not None)
        if context is None:
            if isinstance(credentials, Bearer):
                raise Unauthorized("This bearer token is not valid (unknown or "
                                   "revoked).", _challenges("invalid_token"))
            raise Unauthorized("Wrong user name or password.", _challenges())
        self._remember(key, context, self.ttl)
        return context

    # -- sessions ----------------------------------------------------------------------

    def _session(self, request: Any, cookie: bytes) -> Deferred:
        """The caller of a request with a session cookie; anonymous (and the cookie
        cleared) when it is not a live session's."""
        key = _session_key(cookie)
        remembered = self._remembered(key)
        if remembered is not None:
            return defer.succeed(remembered)
        secret = cookie.decode("ascii", "replace")
        if not sessions.plausible(secret):
            self._set_cookie(request, None)
            return defer.succeed(ANONYMOUS)
        d = self.pool.run_with_connection(_check_session, secret)

        def checked(context: RequestContext | None) -> RequestContext:
            if context is None:
                self._set_cookie(request, None)
                return ANONYMOUS
            self._remember(key, context, self.session_ttl)
            return context

        def failed(failure: Any) -> RequestContext:
            log.warning("cannot check a session cookie; the request is anonymous: %s",
                        failure.getErrorMessage())
            return ANONYMOUS

        return d.addCallbacks(checked, failed)

    def _set_cookie(self, request: Any, secret: bytes | None) -> None:
        """The session cookie on the response: ``secret``, or None to clear it."""
        cookie = SESSION_COOKIE + b"=" + (secret or b"") + b"; Path=/"
        if secret is None:
            cookie += b"; Max-Age=0"
        if self.secure_cookies:
            cookie += b"; Secure"
        prefix = SESSION_COOKIE + b"="
        request.cookies[:] = [c for c in request.cookies if not c.startswith(prefix)]
        request.cookies.append(cookie + b"; HttpOnly; SameSite=Lax")


def _session_key(cookie: bytes) -> bytes:
    """Where a session is remembered: 33 bytes, so never where a header is (32)."""
    return b"s" + hashlib.sha256(cookie).digest()


def _address(request: Any) -> str:
    peer = request.getClientAddress()
    return getattr(peer, "host", "") or ""
