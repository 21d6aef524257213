"""Database work off the reactor: a capped pool of psycopg2 connections and its threads.

At most ``connections`` connections exist per server process.  A request
that finds them all in use waits up to ``wait`` seconds — as a Deferred on
the reactor, never blocking a thread — and is then refused with a 503
(:class:`ServiceUnavailable`), so a flood of slow clients cannot queue work
forever or exhaust PostgreSQL's ``max_connections``.  A connection is lent
with :meth:`DBPool.acquire` and given back with :meth:`DBPool.release`; the
work itself runs in the pool's threads (one per connection), never in the
reactor thread.  A database that cannot be reached is a 503 too.
"""

from __future__ import annotations

import collections
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg2
from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from twisted.internet import defer
from twisted.internet import reactor as default_reactor
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from engine.errors import ProtocolError

T = TypeVar("T")
log = logging.getLogger("dr.web")
RETRY_AFTER = 5  # seconds a client refused with 503 is asked to wait


class ServiceUnavailable(ProtocolError):
    """The server cannot take this request now (HTTP 503 with Retry-After)."""

    def __init__(self, message: str, retry_after: int = RETRY_AFTER) -> None:
        super().__init__(message, status=503)
        self.retry_after = retry_after


def busy() -> ServiceUnavailable:
    return ServiceUnavailable("the server is busy: every database connection is in use; "
                              "please try again in a few seconds")


def database_down() -> ServiceUnavailable:
    return ServiceUnavailable("the database is not reachable at the moment; "
                              "please try again later")


def is_connection_failure(exc: BaseException) -> bool:
    """Whether ``exc`` says the database is gone (rather than a query being wrong)."""
    if isinstance(exc, psycopg2.errors.QueryCanceled):
        return False
    if isinstance(exc, psycopg2.InterfaceError):
        return True
    if isinstance(exc, psycopg2.OperationalError):
        code = getattr(exc, "pgcode", None) or ""
        # No SQLSTATE: the connection broke.  57P0x: the server shuts down;
        # 53xxx: it lacks resources (memory, connections); 08xxx: connection.
        return not code or code[:2] in ("08", "53") or code.startswith("57P0")
    return False


class DBPool:
    """Up to ``connections`` connections to ``dsn`` and as many worker threads."""

    def __init__(self, dsn: str, *, connections: int = 16, wait: float = 10,
                 reactor: Any = None, statement_timeout: int = 0) -> None:
        self.dsn = dsn
        # Set once per connection, at connect time: no round trip per query.
        self._options = f"-c statement_timeout={statement_timeout * 1000}"
        self.reactor = reactor or default_reactor
        self.capacity = max(connections, 1)
        self.wait = wait
        self.threads = ThreadPool(minthreads=1, maxthreads=self.capacity, name="dr-db")
        self._idle: list[Any] = []        # reactor thread only, as are the two below
        self._lent = 0                    # connections out (or being opened)
        self._waiters: collections.deque[Deferred] = collections.deque()

    def start(self) -> None:
        self.threads.start()
        self.reactor.addSystemEventTrigger("during", "shutdown", self.stop)

    def stop(self) -> None:
        self.threads.stop()
        for conn in self._idle:
            conn.close()
        self._idle.clear()

    # -- lending connections (reactor thread) ------------------------------------

    def acquire(self) -> Deferred:
        """A Deferred firing with a connection; ServiceUnavailable after ``wait`` s."""
        if self._lent < self.capacity:
            self._lent += 1
            return self._open()
        waiter: Deferred = Deferred(lambda d: self._forget(d))
        timer = self.reactor.callLater(self.wait, self._give_up, waiter)
        waiter.addBoth(self._cancel_timer, timer)
        self._waiters.append(waiter)
        return waiter

    def _open(self) -> Deferred:
        while self._idle:
            conn = self._idle.pop()
            if not conn.closed:
                return defer.succeed(conn)
        d = deferToThreadPool(self.reactor, self.threads, self._connect)

        def failed(failure):
            self._returned()
            return failure

        return d.addErrback(failed)

    def _connect(self):
        """A new connection (worker thread); a database that is down is a 503."""
        try:
            return psycopg2.connect(self.dsn, application_name="dr serve",
                                    options=self._options)
        except psycopg2.OperationalError as exc:
            log.error("cannot connect to the database: %s", str(exc).strip())
            raise database_down() from None

    @staticmethod
    def _cancel_timer(result: Any, timer: Any) -> Any:
        if timer.active():
            timer.cancel()
        return result

    def _give_up(self, waiter: Deferred) -> None:
        self._forget(waiter)
        if not waiter.called:
            waiter.errback(busy())

    def _forget(self, waiter: Deferred) -> None:
        try:
            self._waiters.remove(waiter)
        except ValueError:
            pass

    def _returned(self, conn: Any = None) -> None:
        """A lent connection came back (None: it was closed); serve a waiter first."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if waiter.called:
                continue
            if conn is not None:
                waiter.callback(conn)
            else:
                self._open().chainDeferred(waiter)
            return
        self._lent -= 1
        if conn is not None:
            self._idle.append(conn)

    def release(self, conn: Any, *, discard: bool = False) -> Deferred:
        """Give ``conn`` back (reactor thread): it is cleaned in a worker thread first.

        ``discard`` drops what the user left in the session — temporary
        (upload) tables, settings — so the next user cannot see it.
        """
        d = deferToThreadPool(self.reactor, self.threads, reset_connection, conn, discard)
        d.addCallbacks(self._returned, lambda _f: self._returned(None))
        return d

    def give_back(self, conn: Any) -> None:
        """Take back a connection its borrower already cleaned with
        :func:`reset_connection` (None: it was closed) (reactor thread)."""
        self._returned(conn)

    # -- running work ------------------------------------------------------------------

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Deferred:
        """Run ``fn`` in a worker thread (call from the reactor thread)."""
        return deferToThreadPool(self.reactor, self.threads, fn, *args, **kwargs)

    def run_with_connection(self, fn: Callable[..., T], *args: Any) -> Deferred:
        """Run ``fn(conn, *args)`` in a worker thread with a lent connection, which
        is cleaned and returned in the same thread trip."""

        def work(conn) -> tuple[bool, Any]:
            try:
                result = (True, fn(conn, *args))
            except BaseException as exc:  # carried to the reactor below
                result = (False, exc)
                if is_connection_failure(exc):
                    conn.close()
            return result, reset_connection(conn, False)

        def lent(conn) -> Deferred:
            return self.run(work, conn).addCallback(returned)

        def returned(outcome) -> Any:
            (ok, value), conn = outcome
            self._returned(conn)
            if ok:
                return value
            if is_connection_failure(value):
                log.error("database connection failed: %s", str(value).strip())
                raise database_down()
            raise value

        return self.acquire().addCallback(lent)


def reset_connection(conn: Any, discard: bool) -> Any:
    """Roll back and (with ``discard``) clear the session; the connection, or None
    when it is unusable and was closed (worker thread)."""
    if conn.closed:
        return None
    try:
        if conn.autocommit:  # the server was told BEGIN itself (begin_as_caller)
            if conn.info.transaction_status != TRANSACTION_STATUS_IDLE:
                with conn.cursor() as cur:
                    cur.execute("ROLLBACK")
            conn.autocommit = False
        else:
            conn.rollback()
        # The server's default, not False: an explicit False would make psycopg2
        # send a SET on every later switch out of autocommit (a round trip each).
        conn.readonly = None
        if discard:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("DISCARD ALL")
            conn.autocommit = False
    except psycopg2.Error:
        conn.close()
        return None
    return conn
