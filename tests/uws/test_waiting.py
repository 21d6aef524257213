"""WAIT on the job document: blocking until the phase changes, never blocking the server.

The bounds are loose on purpose (the machine may be busy): each tells a
prompt answer from one that waited out the WAIT.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from tests.uws.conftest import BASE, text
from tests.uws.test_running import sleeping, wait_until


def timed_get(uws, job: str, **params) -> tuple[float, str]:
    started = time.monotonic()
    doc = uws.xml(f"{BASE}/{job}", params=params)
    return time.monotonic() - started, text(doc, "uws:phase")


def test_wait_returns_as_soon_as_the_phase_changes(uws, db):
    job = uws.create({"DELAY": "2", "PHASE": "RUN"})
    assert wait_until(lambda: sleeping(db, job)), "the job's query never ran"
    seconds, phase = timed_get(uws, job, WAIT="30")
    assert phase == "COMPLETED"
    assert seconds < 10


def test_wait_on_an_unchanging_job_lasts_the_time_asked(uws):
    job = uws.create({"DELAY": "0"})
    seconds, phase = timed_get(uws, job, WAIT="1")
    assert phase == "PENDING"
    assert 0.9 < seconds < 5


def test_wait_answers_at_once_for_finished_jobs_and_other_phases(uws):
    done = uws.create({"DELAY": "0", "PHASE": "RUN"})
    uws.wait_for(done, "COMPLETED")
    assert timed_get(uws, done, WAIT="30")[0] < 5
    pending = uws.create({"DELAY": "0"})
    seconds, phase = timed_get(uws, pending, WAIT="30", PHASE="EXECUTING")
    assert (phase, seconds < 5) == ("PENDING", True)


def test_many_waiting_clients_neither_hold_up_others_nor_miss_the_change(uws):
    job = uws.create({"DELAY": "0"})
    with ThreadPoolExecutor(max_workers=12) as pool:
        # More waiting clients than the server has database threads.
        waits = [pool.submit(timed_get, uws, job, WAIT="30") for _ in range(12)]
        time.sleep(0.5)
        started = time.monotonic()
        assert uws.phase(job) == "PENDING"
        assert time.monotonic() - started < 5
        uws.post(f"{BASE}/{job}/phase", {"PHASE": "RUN"})
        answers = [w.result() for w in waits]
    assert all(seconds < 15 and phase != "PENDING" for seconds, phase in answers), answers
