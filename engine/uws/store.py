"""The jobs in PostgreSQL: creating, reading, changing and destroying them.

Every function takes a psycopg2 connection, runs in a DB-pool thread (or in a
worker process) and commits its own transaction.  Functions taking ``user``
enforce ownership: an anonymous job (owner NULL) is anyone's who has its URL
(its id is unguessable, and no list shows it), an owned job only its owner's
(403 for others); unknown jobs raise a 404 ProtocolError.

Destruction times stay within ``[now, creation + max_lifetime]`` (the
``[async] maxDestruction`` hard limit), which the sweep enforces too, so a
job stored with an absurd time before that rule still goes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from engine.errors import ProtocolError
from engine.uws import model
from engine.uws.model import Job, Parameter, Result

# Destruction is shown within years 1 to 9999 (a day inside, whatever the
# session's time zone), the range Python can read; only jobs stored before
# destruction times were clamped lie outside it.
_JOB_COLUMNS = ("job_id, kind, phase, run_id, owner, creation_time, start_time, end_time,"
                " execution_duration,"
                " least(greatest(destruction, timestamptz '0001-01-02 00:00+00'),"
                "       timestamptz '9999-12-30 00:00+00'),"
                " quote, error_message")


@dataclass(frozen=True)
class JobRef:
    """What the job list shows of a job."""

    job_id: str
    phase: str
    run_id: str | None
    owner: str | None
    creation_time: datetime.datetime


def worker_app_name(job_id: str) -> str:
    """The application_name of a worker's connection, so aborts hit only its query."""
    return f"dr uws {job_id}"


def not_found(job_id: str) -> ProtocolError:
    return ProtocolError(f"there is no job {job_id!r}; it may have been destroyed",
                         status=404)


def create_job(conn, *, kind: str, owner: str | None, run_id: str | None,
               parameters: Sequence[tuple[str, bytes]], execution_duration: int,
               lifetime: int, max_lifetime: int,
               destruction: datetime.datetime | None = None, queue: bool) -> str:
    """Insert a PENDING job (QUEUED with ``queue``); returns its id.

    It is destroyed at ``destruction`` or else ``lifetime`` seconds from now,
    but no earlier than now and no later than ``max_lifetime`` from now.
    """
    job_id = model.new_job_id()
    with conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO uws.jobs (job_id, kind, owner, run_id, phase, queued_time,"
            " execution_duration, destruction)"
            " VALUES (%s, %s, %s, %s, %s, CASE WHEN %s THEN now() END, %s,"
            "  greatest(now(), least(coalesce(%s, now() + make_interval(secs => %s)),"
            "                        now() + make_interval(secs => %s))))",
            (job_id, kind, owner, run_id, model.QUEUED if queue else model.PENDING,
             queue, execution_duration, destruction, lifetime, max_lifetime))
        _insert_parameters(cur, job_id, parameters, start=1)
    return job_id


def _insert_parameters(cur, job_id: str, parameters: Iterable[tuple[str, bytes]],
                       start: int) -> None:
    rows = [(job_id, start + i, name, value) for i, (name, value) in enumerate(parameters)]
    if rows:
        cur.executemany("INSERT INTO uws.parameters (job_id, position, name, value)"
                        " VALUES (%s, %s, %s, %s)", rows)


def load_job(conn, job_id: str) -> Job | None:
    """The job with its parameters and results, or None; no ownership check."""
    with conn, conn.cursor() as cur:
        cur.execute(f"SELECT {_JOB_COLUMNS} FROM uws.jobs WHERE job_id = %s", (job_id,))
        row = cur.fetchone()
        if row is None:
            return None
        job = Job(*row)
        cur.execute("SELECT name, value FROM uws.parameters WHERE job_id = %s"
                    " ORDER BY position", (job_id,))
        job.parameters = [Parameter(name, bytes(value)) for name, value in cur]
        cur.execute("SELECT result_id, path, mime_type, size, rows FROM uws.results"
                    " WHERE job_id = %s ORDER BY position", (job_id,))
        job.results = [Result(*r) for r in cur]
    return job


def check_owner(job_id: str, owner: str | None, user: str | None) -> None:
    if owner is not None and owner != user:
        raise ProtocolError(f"job {job_id!r} belongs to someone else", status=403)


def fetch_job(conn, job_id: str, user: str | None) -> Job:
    """The job ``user`` asked for; 404 or 403 as a ProtocolError."""
    job = load_job(conn, job_id)
    if job is None:
        raise not_found(job_id)
    check_owner(job_id, job.owner, user)
    return job


def list_jobs(conn, kind: str, user: str, *, phases: Sequence[str],
              after: datetime.datetime | None, last: int | None) -> list[JobRef]:
    """The user's jobs of ``kind`` (oldest first), filtered as UWS 1.1 §2.2.1.1 says.

    Without PHASE, ARCHIVED jobs are left out; LAST keeps the newest ``last``.
    Anonymous jobs are nobody's: no list shows them.
    """
    where = ["kind = %s", "owner = %s"]
    args: list = [kind, user]
    if phases:
        where.append("phase = ANY(%s)")
        args.append(list(phases))
    else:
        where.append("phase <> %s")
        args.append(model.ARCHIVED)
    if after is not None:
        where.append("creation_time > %s")
        args.append(after)
    sql = (f"SELECT job_id, phase, run_id, owner, creation_time FROM uws.jobs"
           f" WHERE {' AND '.join(where)} ORDER BY creation_time DESC, job_id")
    if last is not None:
        sql += " LIMIT %s"
        args.append(last)
    with conn, conn.cursor() as cur:
        cur.execute(sql, args)
        refs = [JobRef(*row) for row in cur]
    return refs[::-1]


def _lock(cur, job_id: str, user: str | None) -> tuple:
    """Lock the job's row; (phase, backend_pid) after the ownership check."""
    cur.execute("SELECT owner, phase, backend_pid FROM uws.jobs WHERE job_id = %s"
                " FOR UPDATE", (job_id,))
    row = cur.fetchone()
    if row is None:
        raise not_found(job_id)
    check_owner(job_id, row[0], user)
    return row[1], row[2]


def queue_job(conn, job_id: str, user: str | None) -> str:
    """PHASE=RUN: a PENDING or HELD job becomes QUEUED; returns the phase after."""
    with conn, conn.cursor() as cur:
        phase, _ = _lock(cur, job_id, user)
        if phase in (model.QUEUED, model.EXECUTING):
            return phase
        if phase not in (model.PENDING, model.HELD):
            raise ProtocolError(f"job {job_id!r} is {phase} already; it cannot run again"
                                " (create a new job)", param="PHASE")
        cur.execute("UPDATE uws.jobs SET phase = %s, queued_time = now()"
                    " WHERE job_id = %s", (model.QUEUED, job_id))
    return model.QUEUED


def _cancel_backend(cur, job_id: str, backend_pid: int | None) -> None:
    if backend_pid is not None:
        cur.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity"
                    " WHERE pid = %s AND application_name = %s",
                    (backend_pid, worker_app_name(job_id)))


def abort_job(conn, job_id: str, user: str | None) -> str:
    """PHASE=ABORT: an unfinished job becomes ABORTED and its query is cancelled.

    Returns the phase the job had; the worker process itself is stopped by the
    runner that started it.
    """
    with conn, conn.cursor() as cur:
        phase, backend_pid = _lock(cur, job_id, user)
        if phase not in model.ABORTABLE:
            return phase
        cur.execute("UPDATE uws.jobs SET phase = %s, end_time = now() WHERE job_id = %s",
                    (model.ABORTED, job_id))
        if phase == model.EXECUTING:
            _cancel_backend(cur, job_id, backend_pid)
    return phase


def delete_job(conn, job_id: str, user: str | None) -> None:
    """DELETE: the job's record goes now; its files go with :func:`destroy` too."""
    with conn, conn.cursor() as cur:
        _lock(cur, job_id, user)
    destroy(conn, [job_id])


def destroy(conn, job_ids: Sequence[str]) -> list[str]:
    """Delete these jobs (cancelling their queries); returns the ids deleted.

    The caller removes their directories (:func:`engine.uws.model.job_dir`).
    """
    return _delete(conn, "job_id = ANY(%s)", (list(job_ids),))


def destroy_expired(conn, max_lifetime: int, limit: int = 100) -> list[str]:
    """Delete jobs past their destruction time or older than ``max_lifetime``
    seconds, as :func:`destroy` does.

    Rows another server's sweep holds are skipped, not waited for.
    """
    return _delete(conn, "job_id IN (SELECT job_id FROM uws.jobs WHERE destruction < now()"
                   "  OR creation_time < now() - make_interval(secs => %s)"
                   " ORDER BY destruction LIMIT %s FOR UPDATE SKIP LOCKED)",
                   (max_lifetime, limit))


def _delete(conn, condition: str, args: tuple) -> list[str]:
    with conn, conn.cursor() as cur:
        cur.execute(f"DELETE FROM uws.jobs WHERE {condition}"
                    " RETURNING job_id, phase, backend_pid", args)
        gone = cur.fetchall()
        for job_id, phase, backend_pid in gone:
            if phase == model.EXECUTING:
                _cancel_backend(cur, job_id, backend_pid)
    return [job_id for job_id, _, _ in gone]


def update_job(conn, job_id: str, user: str | None, changes: model.Changes,
               max_lifetime: int) -> None:
    """Apply ``changes`` at once, or nothing (400) if the job's phase forbids any.

    Parameters (and RUNID) change only while the job is PENDING, a named
    parameter's values replacing the old ones; the execution duration until it
    runs; the destruction time always, kept within the limits above.
    """
    with conn, conn.cursor() as cur:
        phase, _ = _lock(cur, job_id, user)
        if (changes.parameters or changes.run_id is not None) and phase != model.PENDING:
            raise ProtocolError(f"job {job_id!r} is {phase}; parameters can only change "
                                "while it is PENDING")
        if changes.execution_duration is not None:
            if phase not in (model.PENDING, model.QUEUED, model.HELD):
                raise ProtocolError(f"job {job_id!r} is {phase}; its execution duration "
                                    "can only change before it runs",
                                    param="EXECUTIONDURATION")
            cur.execute("UPDATE uws.jobs SET execution_duration = %s WHERE job_id = %s",
                        (changes.execution_duration, job_id))
        if changes.destruction is not None:
            cur.execute("UPDATE uws.jobs SET destruction = greatest(now(),"
                        "  least(%s, creation_time + make_interval(secs => %s)))"
                        " WHERE job_id = %s", (changes.destruction, max_lifetime, job_id))
        if changes.run_id is not None:
            cur.execute("UPDATE uws.jobs SET run_id = %s WHERE job_id = %s",
                        (changes.run_id, job_id))
        if changes.parameters:
            _replace_parameters(cur, job_id, changes.parameters)


def _replace_parameters(cur, job_id: str, parameters: Sequence[tuple[str, bytes]]) -> None:
    names = sorted({name.lower() for name, _ in parameters})
    cur.execute("DELETE FROM uws.parameters WHERE job_id = %s AND lower(name) = ANY(%s)",
                (job_id, names))
    cur.execute("SELECT coalesce(max(position), 0) FROM uws.parameters"
                " WHERE job_id = %s", (job_id,))
    _insert_parameters(cur, job_id, parameters, start=cur.fetchone()[0] + 1)
