"""The worker process running one job: ``python -m engine.uws.worker <job id>``.

Started by the runner in ``dr serve`` once it has claimed the job (so the job
is EXECUTING); configuration comes from the environment (DR_CONFIG, …), the
job kinds from DR_UWS_KINDS.  The worker validates the parameters, runs the
kind on a connection whose ``statement_timeout`` is the execution duration,
and records COMPLETED with the results or ERROR with a message a user can
read.  Tracebacks go to stderr, which the runner copies into the server's
error log.  The worker dies with the server (PR_SET_PDEATHSIG on Linux).

A job whose kind says it only reads runs on the read replica when the
runner names one (DR_READ_DSN: the server sent reads there when it started
the job), else, or when the replica cannot be reached, on the primary.  The
job's state is always written to the primary.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import shutil
import signal
import sys
import traceback
from pathlib import Path

import psycopg2

from engine.config import load_config
from engine.db.connect import Database, open_database
from engine.db.replication import READ_DSN_VAR
from engine.errors import DatabaseError
from engine.uws import kinds, model, scheduling, store
from engine.uws.model import Job, Result
from rd.errors import DRError

log = logging.getLogger("dr.uws.worker")
GENERIC_FAILURE = "the job failed on the server; the error has been logged"
NO_SPACE_MESSAGE = ("the job's result did not fit: the server has no space left on device "
                    "for job results; please try again later, or ask for a smaller result")
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask Linux to terminate us when the server process ends (no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def checked_results(results: list[Result], workdir: Path) -> list[Result]:
    """Results with sizes, each file inside ``workdir``; a broken one is a kind's bug."""
    checked = []
    for r in results:
        path = (workdir / r.path).resolve()
        if not path.is_relative_to(workdir.resolve()) or not path.is_file():
            raise RuntimeError(f"result {r.id!r}: {r.path!r} is not a file in {workdir}")
        size = r.size if r.size is not None else path.stat().st_size
        checked.append(Result(r.id, str(path.relative_to(workdir.resolve())), r.mime_type,
                              size, r.rows))
    return checked


def open_work_connection(db, job: Job):
    """The kind's connection: named after the job, limited to its execution duration."""
    conn = db.connect()
    with conn.cursor() as cur:
        cur.execute("SET application_name = %s", (store.worker_app_name(job.job_id),))
        # PostgreSQL takes at most 2^31-1 ms (24.8 days); longer durations are
        # left to the runner's deadline alone.
        timeout = job.execution_duration * 1000
        cur.execute("SET statement_timeout = %s", (timeout if timeout < 2**31 else 0,))
        # A query whose worker died stops within a second instead of running on.
        cur.execute("SET client_connection_check_interval = 1000")
    conn.commit()
    return conn


def reads_only(job: Job) -> bool:
    """Whether the job's kind says it only reads (a broken answer: it may write)."""
    kind = kinds.get_kind(job.kind)
    if kind is None or kind.reads_only is None:
        return False
    try:
        return bool(kinds.load(kind.reads_only)(job))
    except Exception:
        log.warning("job %s: deciding where it runs failed; it runs on the primary\n%s",
                    job.job_id, traceback.format_exc())
        return False


def connect_for(db, job: Job):
    """The kind's connection: on the read replica for a job that only reads while
    the server sends reads there (DR_READ_DSN), else on the primary."""
    read_dsn = os.environ.get(READ_DSN_VAR, "")
    if read_dsn and reads_only(job):
        try:
            return open_work_connection(Database(read_dsn), job)
        except (DatabaseError, psycopg2.Error) as exc:
            log.warning("job %s: the read replica is not reachable (%s); it runs on "
                        "the primary", job.job_id, exc)
    return open_work_connection(db, job)


def execute(job: Job, conn, workdir: Path) -> list[Result]:
    """Validate and run the job with its kind (this process)."""
    kind = kinds.get_kind(job.kind)
    if kind is None:
        raise RuntimeError(f"job kind {job.kind!r} is not registered in this worker")
    if kind.validate:
        kinds.load(kind.validate)(job)
    results = kinds.load(kind.run)(job, conn, workdir)
    conn.commit()
    return checked_results(list(results), workdir)


def os_failure_message(job: Job, exc: OSError) -> str:
    """What the user reads when the job failed on the file system (and what is logged)."""
    if exc.errno in _NO_SPACE:
        log.error("job %s (%s): its results do not fit: %s", job.job_id, job.kind, exc)
        return NO_SPACE_MESSAGE
    log.error("job %s (%s) failed:\n%s", job.job_id, job.kind, traceback.format_exc())
    return GENERIC_FAILURE


def run_job(job_id: str) -> int:
    """Run one claimed job to its end; the exit status is 0 once the outcome is stored."""
    cfg = load_config()
    db = open_database(cfg, start=False)   # dr serve started it
    admin = db.connect()
    job = store.load_job(admin, job_id)
    if job is None or job.phase != model.EXECUTING:
        return 0
    workdir = model.job_dir(cfg, job_id)
    shutil.rmtree(workdir, ignore_errors=True)
    conn = connect_for(db, job)
    if not scheduling.record_worker(admin, job_id, os.getpid(), conn.get_backend_pid()):
        return 0
    try:
        workdir.mkdir(parents=True)  # may find the disk full too (OSError below)
        results = execute(job, conn, workdir)
    except DRError as exc:
        scheduling.fail_jobs(admin, [job_id], str(exc))
    except psycopg2.errors.QueryCanceled:
        # Either our statement_timeout, or an abort (then the job is ABORTED already
        # and fail_jobs changes nothing).
        scheduling.fail_jobs(admin, [job_id], model.timeout_message(job.execution_duration))
    except OSError as exc:
        # A result that did not fit is never served: free its space for other jobs.
        shutil.rmtree(workdir, ignore_errors=True)
        scheduling.fail_jobs(admin, [job_id], os_failure_message(job, exc))
    except Exception:
        log.error("job %s (%s) failed:\n%s", job_id, job.kind, traceback.format_exc())
        scheduling.fail_jobs(admin, [job_id], GENERIC_FAILURE)
    else:
        scheduling.complete(admin, job_id, results)
    finally:
        conn.close()
    admin.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    die_with_parent()
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format="%(name)s: %(message)s")
    if len(argv) != 1:
        print("usage: python -m engine.uws.worker JOB_ID", file=sys.stderr)
        return 2
    kinds.from_env()
    return run_job(argv[0])


if __name__ == "__main__":
    sys.exit(main())
