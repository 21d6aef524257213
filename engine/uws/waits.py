"""WAIT long-polling (UWS 1.1 blocking GET): requests parked until a job's phase changes.

Nothing blocks: a waiting request holds a Deferred and a timer.  The runner
fires waiters when it changes a job itself (claim, worker exit, abort) and,
once a tick, compares the phases of all waited-for jobs in one query, which
catches changes made by other servers.  Everything here runs on the reactor
thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from twisted.internet.defer import Deferred


@dataclass(eq=False)
class _Waiter:
    phase: str
    deferred: Deferred
    timer: Any = None


class Waits:
    """The parked requests, by job id."""

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor
        self._waiters: dict[str, list[_Waiter]] = {}

    def wait(self, job_id: str, phase: str, seconds: float) -> Deferred:
        """A Deferred firing (with None) when the job leaves ``phase`` or time is up.

        Cancelling it (the client went away) forgets the waiter.
        """
        waiter = _Waiter(phase, Deferred(lambda _d: self._drop(job_id, waiter)))
        waiter.timer = self.reactor.callLater(seconds, self._fire, job_id, waiter)
        self._waiters.setdefault(job_id, []).append(waiter)
        return waiter.deferred

    def job_ids(self) -> list[str]:
        return list(self._waiters)

    def changed(self, job_id: str) -> None:
        """Something happened to the job: wake all its waiters (they look again)."""
        for waiter in list(self._waiters.get(job_id, ())):
            self._fire(job_id, waiter)

    def seen(self, job_id: str, phase: str | None) -> None:
        """The job is now in ``phase`` (None: gone); wake waiters expecting another."""
        for waiter in list(self._waiters.get(job_id, ())):
            if waiter.phase != phase:
                self._fire(job_id, waiter)

    def _drop(self, job_id: str, waiter: _Waiter) -> None:
        waiters = self._waiters.get(job_id, [])
        if waiter in waiters:
            waiters.remove(waiter)
        if not waiters:
            self._waiters.pop(job_id, None)
        if waiter.timer is not None and waiter.timer.active():
            waiter.timer.cancel()

    def _fire(self, job_id: str, waiter: _Waiter) -> None:
        self._drop(job_id, waiter)
        if not waiter.deferred.called:
            waiter.deferred.callback(None)
