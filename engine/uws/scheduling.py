"""The SQL of running jobs: claiming, heartbeats, orphans, expiry, and finishing.

Several ``dr serve`` processes (on one or several hosts) may share the job
table.  Each registers in ``uws.servers`` and refreshes ``last_seen`` every
tick; it claims QUEUED jobs with ``FOR UPDATE SKIP LOCKED`` and records
itself (host, pid) on them.  A job EXECUTING under a server that is gone (its
pid dead on this host, or no heartbeat for :data:`STALE_SECONDS`) is an
orphan and becomes ERROR.  Server functions run in DB-pool threads; the
worker functions run in the worker process.  All commit.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from engine.uws import model
from engine.uws.model import Result

STALE_SECONDS = 30


@dataclass(frozen=True)
class Claim:
    job_id: str
    execution_duration: int


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def heartbeat(conn, host: str, pid: int) -> None:
    with conn, conn.cursor() as cur:
        cur.execute("INSERT INTO uws.servers (host, pid) VALUES (%s, %s)"
                    " ON CONFLICT (host, pid) DO UPDATE SET last_seen = now()", (host, pid))


def leave(conn, host: str, pid: int) -> None:
    """This server stops: its running jobs end as ERROR and its record goes."""
    fail_jobs_of_servers(conn, [(host, pid)])


def claim(conn, host: str, pid: int, kinds: Sequence[str], limit: int) -> list[Claim]:
    """Move up to ``limit`` QUEUED jobs of ``kinds`` to EXECUTING for this server.

    Runs in the caller's transaction (``with conn``) so tests can hold it open.
    """
    if limit <= 0 or not kinds:
        return []
    with conn.cursor() as cur:
        cur.execute(
            "UPDATE uws.jobs SET phase = %s, start_time = now(), server_host = %s,"
            " server_pid = %s, worker_pid = NULL, backend_pid = NULL"
            " WHERE job_id IN (SELECT job_id FROM uws.jobs"
            "   WHERE phase = %s AND kind = ANY(%s)"
            "   ORDER BY queued_time, creation_time LIMIT %s FOR UPDATE SKIP LOCKED)"
            " RETURNING job_id, execution_duration, queued_time",
            (model.EXECUTING, host, pid, model.QUEUED, list(kinds), limit))
        rows = sorted(cur.fetchall(), key=lambda r: r[2])
    return [Claim(job_id, duration) for job_id, duration, _ in rows]


def orphaned_servers(conn, host: str, pid: int) -> list[tuple[str, int]]:
    """Servers other than this one that have EXECUTING jobs but are gone."""
    with conn, conn.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT j.server_host, j.server_pid,"
            "  s.last_seen IS NULL OR s.last_seen < now() - make_interval(secs => %s)"
            " FROM uws.jobs j LEFT JOIN uws.servers s"
            "  ON s.host = j.server_host AND s.pid = j.server_pid"
            " WHERE j.phase = %s AND NOT (j.server_host = %s AND j.server_pid = %s)",
            (STALE_SECONDS, model.EXECUTING, host, pid))
        rows = cur.fetchall()
    return [(h, p) for h, p, stale in rows
            if stale or (h == host and not pid_alive(p))]


def fail_jobs_of_servers(conn, servers: Sequence[tuple[str, int]]) -> list[str]:
    """EXECUTING jobs of these (gone) servers become ERROR; the servers are forgotten."""
    failed: list[str] = []
    with conn, conn.cursor() as cur:
        for host, pid in servers:
            cur.execute("UPDATE uws.jobs SET phase = %s, error_message = %s,"
                        " end_time = now() WHERE phase = %s AND server_host = %s"
                        " AND server_pid = %s RETURNING job_id",
                        (model.ERROR, model.RESTART_MESSAGE, model.EXECUTING, host, pid))
            failed += [r[0] for r in cur]
            cur.execute("DELETE FROM uws.servers WHERE host = %s AND pid = %s", (host, pid))
    return failed


def phases(conn, job_ids: Sequence[str]) -> dict[str, str]:
    """The current phase of each job that still exists."""
    if not job_ids:
        return {}
    with conn, conn.cursor() as cur:
        cur.execute("SELECT job_id, phase FROM uws.jobs WHERE job_id = ANY(%s)",
                    (list(job_ids),))
        return dict(cur.fetchall())


def fail_jobs(conn, job_ids: Sequence[str], message: str) -> list[str]:
    """These jobs, if still EXECUTING, become ERROR with ``message``."""
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE uws.jobs SET phase = %s, error_message = %s, end_time = now()"
                    " WHERE job_id = ANY(%s) AND phase = %s RETURNING job_id",
                    (model.ERROR, message, list(job_ids), model.EXECUTING))
        return [r[0] for r in cur]


# -- in the worker process ------------------------------------------------------------

def record_worker(conn, job_id: str, worker_pid: int, backend_pid: int) -> bool:
    """Note the worker's pid and its query's backend; False if the job left EXECUTING."""
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE uws.jobs SET worker_pid = %s, backend_pid = %s"
                    " WHERE job_id = %s AND phase = %s",
                    (worker_pid, backend_pid, job_id, model.EXECUTING))
        return cur.rowcount == 1


def complete(conn, job_id: str, results: Sequence[Result]) -> bool:
    """COMPLETED with these results, unless the job was aborted or destroyed meanwhile."""
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE uws.jobs SET phase = %s, end_time = now(), backend_pid = NULL"
                    " WHERE job_id = %s AND phase = %s",
                    (model.COMPLETED, job_id, model.EXECUTING))
        if cur.rowcount != 1:
            return False
        cur.executemany(
            "INSERT INTO uws.results (job_id, position, result_id, path, mime_type, size,"
            " rows) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(job_id, i, r.id, r.path, r.mime_type, r.size, r.rows)
             for i, r in enumerate(results, start=1)])
    return True
