"""Running jobs in worker processes: abort, time limits, errors, concurrency, restarts."""

from __future__ import annotations

from engine.uws.model import RESTART_MESSAGE, timeout_message
from engine.uws.worker import GENERIC_FAILURE
from tests.support import wait_until
from tests.uws.conftest import BASE, text
from tests.web.schemata import assert_valid


def sleeping(db, job_id: str) -> list[tuple]:
    """The job's pg_sleep as PostgreSQL sees it running."""
    return db.query("SELECT pid FROM pg_stat_activity WHERE application_name = %s"
                    " AND state = 'active' AND query LIKE %s",
                    (f"dr uws {job_id}", "SELECT pg_sleep%"))


def test_abort_stops_the_running_query_and_the_worker(uws, db):
    job = uws.create({"DELAY": "60", "PHASE": "RUN"})
    assert wait_until(lambda: sleeping(db, job)), "the job's query never ran"
    [(worker_pid,)] = db.query("SELECT worker_pid FROM uws.jobs WHERE job_id = %s", (job,))

    response = uws.post(f"{BASE}/{job}/phase", {"PHASE": "ABORT"})
    assert (response.status_code, response.headers["location"]) == (
        303, f"{uws.url}{BASE}/{job}")
    assert uws.phase(job) == "ABORTED"
    assert wait_until(lambda: not sleeping(db, job), 3), "pg_sleep still runs"
    assert wait_until(lambda: not _alive(worker_pid), 5), "the worker still runs"
    assert uws.phase(job) == "ABORTED"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_job_running_past_its_execution_duration_ends_in_error(uws):
    job = uws.create({"DELAY": "10"})
    uws.post(f"{BASE}/{job}/executionduration", {"EXECUTIONDURATION": "1"})
    uws.post(f"{BASE}/{job}/phase", {"PHASE": "RUN"})
    doc = uws.wait_for(job, "ERROR", "COMPLETED", timeout=8)
    message = text(doc, "uws:errorSummary/uws:message")
    assert (text(doc, "uws:phase"), message) == ("ERROR", timeout_message(1))

    response = uws.get(f"{BASE}/{job}/error")
    assert response.status_code == 200
    votable = assert_valid(response.content, "VOTable.xsd")
    [info] = votable.iter("{*}INFO")
    assert (info.get("name"), info.get("value"), info.text) == (
        "QUERY_STATUS", "ERROR", message)


def test_a_job_busy_outside_the_database_is_stopped_after_its_duration(uws):
    job = uws.create({"SPIN": "30"})
    uws.post(f"{BASE}/{job}/executionduration", {"EXECUTIONDURATION": "1"})
    uws.post(f"{BASE}/{job}/phase", {"PHASE": "RUN"})
    doc = uws.wait_for(job, "ERROR", "COMPLETED", timeout=10)
    assert text(doc, "uws:errorSummary/uws:message") == timeout_message(1)
    assert wait_until(lambda: "overran its execution duration" in uws.log, 5)


def test_parameters_are_checked_when_the_job_runs(uws):
    job = uws.create({"DELAY": "forever"})
    assert uws.phase(job) == "PENDING"
    uws.post(f"{BASE}/{job}/phase", {"PHASE": "RUN"})
    doc = uws.wait_for(job, "ERROR", "COMPLETED")
    assert text(doc, "uws:errorSummary/uws:message") == (
        "DELAY must be a number, not 'forever'")


def test_a_crashing_job_shows_a_plain_message_and_logs_the_traceback(uws):
    job = uws.create({"DELAY": "0", "FAIL": "1", "PHASE": "RUN"})
    doc = uws.wait_for(job, "ERROR", "COMPLETED")
    assert text(doc, "uws:errorSummary/uws:message") == GENERIC_FAILURE
    assert "Traceback" not in uws.get(f"{BASE}/{job}/error").text
    assert wait_until(lambda: "the sleep kind was asked to fail" in uws.log, 5)
    assert "Traceback" in uws.log


def test_two_workers_run_two_jobs_at_once_and_the_third_waits(uws, db):
    jobs = [uws.create({"DELAY": "2.5", "PHASE": "RUN"}) for _ in range(3)]
    assert wait_until(lambda: sum(bool(sleeping(db, job)) for job in jobs) == 2)
    assert sorted(uws.phase(job) for job in jobs) == ["EXECUTING", "EXECUTING", "QUEUED"]
    for job in jobs:
        uws.wait_for(job, "COMPLETED")
    rows = db.query("SELECT start_time, end_time FROM uws.jobs ORDER BY start_time")
    assert rows[2][0] >= min(rows[0][1], rows[1][1])
    assert rows[1][0] < rows[0][1]


def test_a_restart_fails_the_running_job_and_still_runs_the_queued_one(uws1, db):
    running = uws1.create({"DELAY": "60", "PHASE": "RUN"})
    assert wait_until(lambda: sleeping(db, running)), "the job's query never ran"
    queued = uws1.create({"DELAY": "0", "PHASE": "RUN"})
    assert uws1.phase(queued) == "QUEUED"

    uws1.restart()
    doc = uws1.wait_for(running, "ERROR", "COMPLETED", timeout=10)
    assert text(doc, "uws:errorSummary/uws:message") == RESTART_MESSAGE
    assert text(uws1.wait_for(queued, "COMPLETED"), "uws:phase") == "COMPLETED"
    assert wait_until(lambda: not sleeping(db, running), 5), "pg_sleep outlived its server"
