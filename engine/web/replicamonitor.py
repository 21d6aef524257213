"""Watching the read replica from ``dr serve``: is it up, and how far behind?

Every second (in a thread of the reactor's pool, on two connections of its
own) the monitor asks the primary for its flushed WAL position and the
standby for its replay position, and turns them into a lag in seconds
(:class:`engine.db.replication.LagClock`).  The standby is *usable* while it
answers, is still a standby, and lags no more than ``[db] maxReplicaLag``;
until the first check, and whenever the primary cannot be asked, it is not.
Changes of the verdict are logged.  The verdict is read on the reactor
thread by :mod:`engine.web.readpool`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import psycopg2
from twisted.internet import task
from twisted.internet.threads import deferToThreadPool

from engine.db.replication import LagClock, Verdict, judge, primary_position, standby_position

log = logging.getLogger("dr.web")
INTERVAL = 1.0  # seconds between checks
# A check never hangs on a server that does not answer.
CHECK_OPTIONS = dict(connect_timeout=3, options="-c statement_timeout=3000",
                     application_name="dr serve replica monitor")
NOT_YET = Verdict(False, "the standby has not been checked yet")


class ReplicaMonitor:
    """The standby's current verdict, renewed every ``interval`` seconds."""

    def __init__(self, primary_dsn: str, standby_dsn: str, max_lag: float, *,
                 reactor: Any, on_down: Callable[[], None] = lambda: None,
                 interval: float = INTERVAL) -> None:
        self.dsns = {"primary": primary_dsn, "standby": standby_dsn}
        self.max_lag, self.reactor, self.on_down = max_lag, reactor, on_down
        self.interval = interval
        self.clock = LagClock(keep=max_lag + 3 * interval)
        self.verdict = NOT_YET                 # reactor thread only
        self._conns: dict[str, Any] = {}       # the checking thread's
        self._busy = False
        self._loop: task.LoopingCall | None = None

    @property
    def usable(self) -> bool:
        return self.verdict.usable

    # -- reactor thread -------------------------------------------------------------

    def start(self) -> None:
        self._loop = task.LoopingCall(self._tick)
        self._loop.clock = self.reactor
        self._loop.start(self.interval, now=True)

    def stop(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if not self._busy:  # else the checking thread still uses the connections
            self.close()

    def close(self) -> None:
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()

    def _tick(self) -> None:
        if self._busy:
            return
        self._busy = True
        d = deferToThreadPool(self.reactor, self.reactor.getThreadPool(), self.check)
        d.addErrback(lambda f: Verdict(
            False, f"checking the standby failed: {f.getErrorMessage()}"))
        d.addCallback(self._checked)

    def _checked(self, verdict: Verdict) -> None:
        self._busy = False
        if self._loop is None or not self._loop.running:
            self.close()  # stopped while checking
            return
        self.settle(verdict)

    def settle(self, verdict: Verdict) -> None:
        """Take a new verdict; log it when it changes whether reads use the standby."""
        before, self.verdict = self.verdict, verdict
        if verdict.usable and not before.usable:
            log.info("reads go to the standby (%s)", verdict.reason)
        elif before.usable and not verdict.usable:
            log.warning("reads go to the primary: %s", verdict.reason)
        if not verdict.usable and verdict.lag is None:
            self.on_down()

    def mark_down(self, reason: str) -> None:
        """A request found the standby unreachable: stop sending reads there now."""
        if self.verdict.usable:
            self.settle(Verdict(False, reason))

    # -- the checking thread --------------------------------------------------------

    def check(self) -> Verdict:
        """Measure the standby's lag (a thread of the reactor's pool)."""
        try:
            with self._cursor("primary") as cur:
                lsn = primary_position(cur)
        except psycopg2.Error as exc:
            return self._failed("primary", exc)
        self.clock.note_primary(time.monotonic(), lsn)
        try:
            with self._cursor("standby") as cur:
                replayed = standby_position(cur)
        except psycopg2.Error as exc:
            return self._failed("standby", exc)
        if replayed is None:
            return Verdict(False, "the standby server is not in recovery (promoted?)")
        return judge(self.clock.lag(time.monotonic(), replayed), self.max_lag)

    def _cursor(self, which: str) -> Any:
        conn = self._conns.get(which)
        if conn is None or conn.closed:
            conn = self._conns[which] = psycopg2.connect(self.dsns[which], **CHECK_OPTIONS)
            conn.autocommit = True
        return conn.cursor()

    def _failed(self, which: str, exc: psycopg2.Error) -> Verdict:
        conn = self._conns.pop(which, None)
        if conn is not None:
            conn.close()
        return Verdict(False, f"the {which} does not answer: "
                              f"{str(exc).strip().splitlines()[0] if str(exc) else exc!r}")
