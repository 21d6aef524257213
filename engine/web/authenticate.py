"""Who is asking: HTTP Basic and Bearer credentials checked against engine.accounts.

A request without ``Authorization`` is anonymous.  ``Basic`` (RFC 7617)
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

Everything here runs on the reactor thread except the checks themselves
(worker threads of the pool).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from twisted.internet import defer, task
from twisted.internet.defer import Deferred

from engine.accounts import Backoff, verify_password, verify_token
from engine.errors import ProtocolError
from engine.web.context import ANONYMOUS, BASIC_CHALLENGE, REALM, RequestContext
from engine.web.dbpool import ServiceUnavailable

# RFC 7235's token68: what a Basic or Bearer credential may look like.
TOKEN68 = re.compile(rb"[A-Za-z0-9\-._~+/]+=*")


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


@dataclass(frozen=True)
class _Remembered:
    context: RequestContext
    until: float


class Authenticator:
    """The site's ``authenticate``: a request's context, as a Deferred."""

    def __init__(self, pool: Any, *, checks: int = 2, queue: int = 32,
                 ttl: float = 60.0, cache_size: int = 1024,
                 backoff: Backoff | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.pool = pool
        self.semaphore = defer.DeferredSemaphore(checks)
        self.queue, self.ttl, self.cache_size = queue, ttl, cache_size
        self.backoff = backoff or Backoff()
        self._clock = clock
        self._cache: OrderedDict[bytes, _Remembered] = OrderedDict()

    def __call__(self, request: Any) -> Deferred:
        """(reactor thread) A Deferred firing with the caller's RequestContext, or
        failing with a ProtocolError (400, 401, 503)."""
        headers = request.requestHeaders.getRawHeaders(b"authorization") or []
        if not headers:
            return defer.succeed(ANONYMOUS)
        if len(headers) > 1:
            return defer.fail(ProtocolError("send one Authorization header, not "
                                            f"{len(headers)}", status=400))
        key = hashlib.sha256(headers[0]).digest()
        remembered = self._cache.get(key)
        if remembered is not None:
            if remembered.until > self._clock():
                return defer.succeed(remembered.context)
            del self._cache[key]
        try:
            credentials = parse(headers[0])
        except ProtocolError as exc:
            return defer.fail(exc)
        if len(self.semaphore.waiting) >= self.queue:
            return defer.fail(ServiceUnavailable(
                "the server is checking too many passwords at the moment; please try "
                "again in a few seconds"))
        address = _address(request)
        delay = self.backoff.delay(address)
        d = (task.deferLater(self.pool.reactor, delay, lambda: None) if delay > 0
             else defer.succeed(None))
        d.addCallback(lambda _: self._check(credentials))
        d.addCallback(self._checked, key, address, credentials)
        return d

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
        self._cache[key] = _Remembered(context, self._clock() + self.ttl)
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return context


def _address(request: Any) -> str:
    peer = request.getClientAddress()
    return getattr(peer, "host", "") or ""
