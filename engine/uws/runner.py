"""The job scheduler inside ``dr serve``: claims QUEUED jobs and runs worker processes.

Wake-up is by polling: a tick every second (and at once when this server
queues or aborts a job) does, in one DB-pool thread call, the heartbeat, the
orphan check (jobs of servers that are gone become ERROR, their half-written
results are deleted), the phases of our own workers' jobs and of jobs WAIT
requests are parked on, the destruction sweep (every ``sweep_interval``) and
the claim of up to ``[async] workers`` minus the running QUEUED jobs
(``FOR UPDATE SKIP LOCKED``).  Back on the reactor it starts workers with
``reactor.spawnProcess``, stops workers whose job was aborted or destroyed (by
any server) or ran out of time, and wakes WAITing requests.  Polling keeps
other servers' changes at most a second away without a dedicated LISTEN
connection.

The server calls :func:`start_runner` once the reactor runs; the runner stops
itself before the reactor shuts down (its running jobs then end as ERROR).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import sys
import time
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from twisted.internet import error, protocol
from twisted.internet import reactor as default_reactor
from twisted.internet.defer import Deferred, succeed

from engine.db.replication import READ_DSN_VAR
from engine.uws import kinds, model, scheduling, store
from engine.uws.waits import Waits

log = logging.getLogger("dr.uws")
GRACE_SECONDS = 2           # wall-clock slack beyond the execution duration
KILL_AFTER_SECONDS = 5      # SIGTERM first, SIGKILL if the worker lingers
OUTPUT_LIMIT = 65536        # bytes of a worker's stderr kept for the log
WORKER_DIED_MESSAGE = ("the job's worker process ended unexpectedly; please submit it "
                       "again")
START_FAILED_MESSAGE = "the server could not start a worker for this job"


class WorkerProtocol(protocol.ProcessProtocol):
    """One worker process; collects its output for the log (reactor thread)."""

    def __init__(self, runner: Runner, job_id: str) -> None:
        self.runner, self.job_id = runner, job_id
        self.output = bytearray()

    def outReceived(self, data: bytes) -> None:
        self.errReceived(data)

    def errReceived(self, data: bytes) -> None:
        self.output += data
        del self.output[:-OUTPUT_LIMIT]

    def processEnded(self, reason: Any) -> None:
        self.runner.worker_ended(self.job_id, getattr(reason.value, "exitCode", None),
                                 bytes(self.output))


@dataclass
class Child:
    job_id: str
    process: Any
    execution_duration: int
    deadline: float | None      # time.monotonic() past which it is killed
    stopping: bool = False


@dataclass
class TickOutcome:
    orphaned: list[str] = field(default_factory=list)
    phases: dict[str, str] = field(default_factory=dict)
    destroyed: list[str] = field(default_factory=list)
    claims: list[scheduling.Claim] = field(default_factory=list)


class Runner:
    """This server's scheduler; one per App (see :func:`runner_for`)."""

    def __init__(self, app: Any, reactor: Any = None) -> None:
        self.config, self.pool = app.config, app.pool
        self.worker_dsn = app.worker_dsn  # the read replica a reading job may use now
        self.reactor = reactor or default_reactor
        self.host, self.pid = socket.gethostname(), os.getpid()
        self.children: dict[str, Child] = {}
        self.waits = Waits(self.reactor)
        self.poll_interval, self.sweep_interval = 1.0, 60.0
        self._next_sweep = 0.0
        self._call: Any = None
        self._busy = self._again = self._running = False

    # -- life cycle (reactor thread) ----------------------------------------------

    def start(self, *, poll_interval: float = 1.0, sweep_interval: float = 60.0) -> Deferred:
        """Forget a previous server of our pid, then tick; fires once started."""
        self.poll_interval, self.sweep_interval = poll_interval, sweep_interval
        self._running = True
        self.reactor.addSystemEventTrigger("before", "shutdown", self.stop)
        d = self.pool.run_with_connection(scheduling.fail_jobs_of_servers,
                                          [(self.host, self.pid)])
        d.addCallback(lambda _: self.wake())
        return d

    def stop(self) -> Deferred:
        """Stop our workers; their jobs end as ERROR (before reactor shutdown)."""
        if not self._running:
            return succeed(None)
        self._running = False
        if self._call is not None and self._call.active():
            self._call.cancel()
        for job_id in list(self.children):
            self.terminate(job_id)
        d = self.pool.run_with_connection(scheduling.leave, self.host, self.pid)
        return d.addErrback(lambda f: log.error("uws: leaving failed: %s",
                                                f.getErrorMessage()))

    def wake(self) -> None:
        """Tick now (or right after the running tick)."""
        if not self._running:
            return
        if self._busy:
            self._again = True
            return
        if self._call is not None and self._call.active():
            self._call.cancel()
        self._tick()

    # -- the tick ------------------------------------------------------------------

    def _tick(self) -> None:
        self._busy, self._again = True, False
        sweep = time.monotonic() >= self._next_sweep
        if sweep:
            self._next_sweep = time.monotonic() + self.sweep_interval
        watched = sorted(set(self.children) | set(self.waits.job_ids()))
        free = self.config.async_.workers - len(self.children)
        d = self.pool.run_with_connection(self._tick_db, watched, free, sweep)
        d.addCallbacks(self._ticked, lambda f: log.error("uws: tick failed: %s",
                                                         f.getErrorMessage()))
        d.addBoth(self._tick_over)

    def _tick_db(self, conn, watched: list[str], free: int, sweep: bool) -> TickOutcome:
        """All of a tick's database work (DB-pool thread)."""
        out = TickOutcome()
        scheduling.heartbeat(conn, self.host, self.pid)
        gone = scheduling.orphaned_servers(conn, self.host, self.pid)
        if gone:
            out.orphaned = scheduling.fail_jobs_of_servers(conn, gone)
            log.warning("uws: servers %s are gone; their jobs %s are now ERROR",
                        gone, out.orphaned)
            self.remove_dirs(out.orphaned)  # half-written results, never served
        out.phases = scheduling.phases(conn, watched)
        if sweep:
            out.destroyed = store.destroy_expired(conn,
                                                  self.config.async_.max_destruction)
            self.remove_dirs(out.destroyed)
        if self._running:
            out.claims = scheduling.claim(conn, self.host, self.pid, kinds.kind_names(),
                                          free)
            conn.commit()
        return out

    def _ticked(self, out: TickOutcome) -> None:
        """Act on a tick's findings (reactor thread)."""
        for job_id in out.orphaned + out.destroyed:
            self.waits.changed(job_id)
        now = time.monotonic()
        for job_id, child in list(self.children.items()):
            if out.phases.get(job_id) != model.EXECUTING:
                self.terminate(job_id)
            elif child.deadline is not None and now > child.deadline:
                self._time_out(job_id)
        for job_id in self.waits.job_ids():
            self.waits.seen(job_id, out.phases.get(job_id))
        for claim in out.claims if self._running else ():
            self._spawn(claim)

    def _tick_over(self, _result: Any) -> None:
        self._busy = False
        if not self._running:
            return
        if self._again:
            self._tick()
        else:
            self._call = self.reactor.callLater(self.poll_interval, self._tick)

    # -- workers (reactor thread) --------------------------------------------------

    def _spawn(self, claim: scheduling.Claim) -> None:
        env = dict(os.environ)
        env[kinds.ENV_VAR] = kinds.to_env()
        env[READ_DSN_VAR] = self.worker_dsn()
        argv = [sys.executable, "-m", "engine.uws.worker", claim.job_id]
        try:
            process = self.reactor.spawnProcess(WorkerProtocol(self, claim.job_id),
                                                sys.executable, argv, env=env)
        except OSError as exc:
            log.error("uws: cannot start a worker for job %s: %s", claim.job_id, exc)
            self._fail(claim.job_id, START_FAILED_MESSAGE)
            return
        duration = claim.execution_duration
        deadline = time.monotonic() + duration + GRACE_SECONDS if duration else None
        self.children[claim.job_id] = Child(claim.job_id, process, duration, deadline)
        self.waits.changed(claim.job_id)

    def terminate(self, job_id: str) -> None:
        """Stop our worker of this job, if we run one: SIGTERM, later SIGKILL."""
        child = self.children.get(job_id)
        if child is None or child.stopping:
            return
        child.stopping = True
        for signal_name, delay in (("TERM", 0), ("KILL", KILL_AFTER_SECONDS)):
            self.reactor.callLater(delay, self._signal, child, signal_name)

    def _signal(self, child: Child, signal_name: str) -> None:
        if self.children.get(child.job_id) is not child:
            return
        try:
            child.process.signalProcess(signal_name)
        except (error.ProcessExitedAlready, OSError):
            pass

    def _time_out(self, job_id: str) -> None:
        """Stop a worker the statement_timeout did not stop (e.g. busy in Python)."""
        log.warning("uws: job %s overran its execution duration; stopping it", job_id)
        child = self.children[job_id]
        child.deadline = None
        self._fail(job_id, model.timeout_message(child.execution_duration)).addCallback(
            lambda _: self.terminate(job_id))

    def _fail(self, job_id: str, message: str) -> Deferred:
        d = self.pool.run_with_connection(scheduling.fail_jobs, [job_id], message)
        d.addCallback(lambda _: self.waits.changed(job_id))
        return d.addErrback(lambda f: log.error("uws: cannot fail job %s: %s", job_id,
                                                f.getErrorMessage()))

    def worker_ended(self, job_id: str, exit_code: int | None, output: bytes) -> None:
        """A worker exited: log what it said, settle its job, free the slot."""
        self.children.pop(job_id, None)
        if output.strip():
            log.error("uws: worker of job %s (exit %s) said:\n%s", job_id, exit_code,
                      output.decode("utf-8", "replace").rstrip())
        d = self.pool.run_with_connection(self._settle, job_id, exit_code)
        d.addErrback(lambda f: log.error("uws: settling job %s failed: %s", job_id,
                                         f.getErrorMessage()))
        d.addBoth(lambda _: (self.waits.changed(job_id), self.wake()))

    def _settle(self, conn, job_id: str, exit_code: int | None) -> None:
        """After a worker's exit (DB-pool thread): a crash is an ERROR; a destroyed
        job's directory goes (the worker may have written after the deletion)."""
        if exit_code != 0:
            scheduling.fail_jobs(conn, [job_id], WORKER_DIED_MESSAGE)
        if not scheduling.phases(conn, [job_id]):
            self.remove_dirs([job_id])

    def remove_dirs(self, job_ids: list[str]) -> None:
        """Delete the jobs' directories (DB-pool thread: file system work)."""
        for job_id in job_ids:
            shutil.rmtree(model.job_dir(self.config, job_id), ignore_errors=True)


_RUNNERS: WeakKeyDictionary = WeakKeyDictionary()


def runner_for(app: Any) -> Runner:
    """The runner of this App, created on first use (reactor thread)."""
    runner = _RUNNERS.get(app)
    if runner is None:
        runner = _RUNNERS[app] = Runner(app)
    return runner


def start_runner(app: Any, *, poll_interval: float = 1.0,
                 sweep_interval: float = 60.0) -> Deferred:
    """Start running this server's share of the jobs (call once the reactor runs,
    after ``app.pool`` started); fires when the first tick is under way."""
    return runner_for(app).start(poll_interval=poll_interval,
                                 sweep_interval=sweep_interval)
