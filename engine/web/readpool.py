"""Read-only user queries on the read replica, with the primary as the fallback.

With a standby configured (``[db] replicaDsn``, or the embedded one ``dr db
replica`` made), the App has a :class:`ReadReplica`: a second capped pool of
connections to the standby and a :class:`~engine.web.replicamonitor.ReplicaMonitor`.
``app.reads()`` hands a request a :class:`ReadRoute` — the same interface as
the primary's :class:`~engine.web.dbpool.DBPool` (acquire, run, release,
give_back, run_with_connection) — that takes its connection from the standby while the
monitor finds it up and lagging no more than ``[db] maxReplicaLag``, and from
the primary otherwise.  A standby that turns out unreachable when a
connection is opened sends that request (and, through the monitor, the next
ones) to the primary too: a standby that is gone is never the reason for a
503.  A connection whose server hung up while it sat idle in the pool is
dropped before it is lent (its socket is readable), so a standby that was
stopped costs no failed query either.

Only queries that cannot write take this route: the streamed results of
services and TAP queries without uploads (uploads are temporary tables,
which a hot standby cannot create) and async TAP jobs (through the runner,
see :meth:`ReadReplica.worker_dsn`).  UWS jobs, accounts, sessions, tokens
and the login back-off stay on ``app.pool``, the primary's.  The standby runs
the query under the same query role and row-level security: ``SET LOCAL
ROLE`` and ``set_config`` are allowed on a hot standby.
"""

from __future__ import annotations

import logging
import select
from collections.abc import Callable
from typing import Any

import psycopg2
from twisted.internet.defer import Deferred

from engine.config import Config
from engine.db.connect import replica_dsn
from engine.web.dbpool import DBPool, ServiceUnavailable
from engine.web.replicamonitor import ReplicaMonitor

log = logging.getLogger("dr.web")
APPLICATION_NAME = "dr serve reads"


class StandbyDown(ServiceUnavailable):
    """No connection to the standby could be opened (the request goes to the primary)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the read replica is not reachable: {reason}")


def hung_up(conn: Any) -> bool:
    """Whether an idle connection's server has closed it: an idle libpq socket has
    nothing to read unless the server said goodbye (reactor thread; no wait)."""
    if conn.closed:
        return True
    try:
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg2.Error):
        return True
    return bool(readable)


class StandbyPool(DBPool):
    """The capped pool of connections to the standby."""

    def _open(self) -> Deferred:
        self.drop_idle(only_hung_up=True)
        return super()._open()

    def _connect(self) -> Any:
        """A new connection to the standby (worker thread); StandbyDown if none."""
        try:
            return psycopg2.connect(self.dsn, application_name=APPLICATION_NAME,
                                    options=self._options, connect_timeout=5)
        except psycopg2.OperationalError as exc:
            raise StandbyDown(str(exc).strip().splitlines()[0]) from None

    def drop_idle(self, *, only_hung_up: bool = False) -> None:
        """Close the idle connections (those whose server hung up) (reactor thread)."""
        keep = []
        for conn in self._idle:
            if only_hung_up and not hung_up(conn):
                keep.append(conn)
            else:
                conn.close()
        self._idle[:] = keep


class ReadRoute:
    """One request's way to a read connection: the standby, or else the primary.

    Used from the reactor thread, like a DBPool; the pool that lent the
    connection also runs the work on it and takes it back.
    """

    def __init__(self, replica: ReadReplica, primary: DBPool) -> None:
        self.replica, self.primary = replica, primary
        self.chosen: DBPool = replica.pool

    @property
    def reactor(self) -> Any:
        return self.primary.reactor

    def acquire(self) -> Deferred:
        return self.replica.pool.acquire().addErrback(self._fall_back, self.primary.acquire)

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Deferred:
        return self.chosen.run(fn, *args, **kwargs)

    def release(self, conn: Any, *, discard: bool = False) -> Deferred:
        return self.chosen.release(conn, discard=discard)

    def give_back(self, conn: Any) -> None:
        self.chosen.give_back(conn)

    def run_with_connection(self, fn: Callable[..., Any], *args: Any) -> Deferred:
        d = self.replica.pool.run_with_connection(fn, *args)
        return d.addErrback(self._fall_back, self.primary.run_with_connection, fn, *args)

    def _fall_back(self, failure: Any, again: Callable[..., Deferred], *args: Any) -> Any:
        failure.trap(StandbyDown)
        self.replica.monitor.mark_down(failure.getErrorMessage())
        log.info("a read went to the primary: %s", failure.getErrorMessage())
        self.chosen = self.primary
        return again(*args)


class ReadReplica:
    """The standby's pool and monitor of one server process."""

    def __init__(self, config: Config, dsn: str, primary: DBPool, reactor: Any) -> None:
        web = config.web
        self.dsn, self.primary = dsn, primary
        self.pool = StandbyPool(dsn, connections=web.db_connections, wait=web.db_wait,
                                reactor=reactor, statement_timeout=web.sync_timeout)
        self.monitor = ReplicaMonitor(primary.dsn, dsn, config.db.max_replica_lag,
                                      reactor=self.pool.reactor,
                                      on_down=self.pool.drop_idle)

    def start(self) -> None:
        self.pool.start()
        self.monitor.start()
        self.pool.reactor.addSystemEventTrigger("during", "shutdown", self.monitor.stop)

    def route(self) -> DBPool | ReadRoute:
        """Where a read-only query goes now (reactor thread)."""
        return ReadRoute(self, self.primary) if self.monitor.usable else self.primary

    def worker_dsn(self) -> str:
        """The standby's DSN for a UWS worker while reads go there, else ''."""
        return self.dsn if self.monitor.usable else ""


def read_replica(config: Config, primary: DBPool, reactor: Any) -> ReadReplica | None:
    """The configured read replica (None: every query goes to the primary)."""
    dsn = replica_dsn(config)
    return ReadReplica(config, dsn, primary, reactor) if dsn else None
