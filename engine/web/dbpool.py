"""Database work off the reactor: a thread pool and a pool of psycopg2 connections.

Every function handed to :meth:`DBPool.run` runs in a worker thread with a
connection of its own; the reactor thread never touches the database.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import psycopg2
from twisted.internet import reactor as default_reactor
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

T = TypeVar("T")


class DBPool:
    """``size`` worker threads and up to ``size`` idle connections to ``dsn``."""

    def __init__(self, dsn: str, size: int = 8, reactor: Any = None,
                 statement_timeout: int = 0) -> None:
        self.dsn = dsn
        # Set once per connection, at connect time: no round trip per query.
        self._options = f"-c statement_timeout={statement_timeout * 1000}"
        self.reactor = reactor or default_reactor
        self.threads = ThreadPool(minthreads=1, maxthreads=size, name="dr-db")
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._size = size

    def start(self) -> None:
        self.threads.start()
        self.reactor.addSystemEventTrigger("during", "shutdown", self.stop)

    def stop(self) -> None:
        self.threads.stop()
        with self._lock:
            for conn in self._idle:
                conn.close()
            self._idle.clear()

    def getconn(self):
        """A connection for this thread's work (worker threads only)."""
        with self._lock:
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed:
                    return conn
        conn = psycopg2.connect(self.dsn, application_name="dr serve",
                                options=self._options)
        return conn

    def putconn(self, conn, *, discard: bool = False) -> None:
        """Return a connection (worker threads only).  ``discard`` drops what the
        user left in the session — temporary (upload) tables, settings — so the
        next user cannot see it."""
        if conn.closed:
            return
        try:
            conn.rollback()
            conn.readonly = False
            if discard:
                conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute("DISCARD ALL")
                conn.autocommit = False
        except psycopg2.Error:
            conn.close()
            return
        with self._lock:
            if len(self._idle) < self._size:
                self._idle.append(conn)
                return
        conn.close()

    @contextlib.contextmanager
    def connection(self) -> Iterator[Any]:
        """Borrow a connection (worker threads only); broken ones are dropped."""
        conn = self.getconn()
        try:
            yield conn
        except psycopg2.OperationalError:
            conn.close()
            raise
        finally:
            self.putconn(conn)

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Deferred:
        """Run ``fn`` in a worker thread (call from the reactor thread)."""
        return deferToThreadPool(self.reactor, self.threads, fn, *args, **kwargs)

    def run_with_connection(self, fn: Callable[..., T], *args: Any) -> Deferred:
        """Run ``fn(conn, *args)`` in a worker thread with a pooled connection."""
        def work() -> T:
            with self.connection() as conn:
                return fn(conn, *args)
        return self.run(work)
