"""The file system of job results full: a job ends in ERROR saying there is no space left
and gives back what it had written, while sync queries, other jobs' results and the
next jobs go on — on a small tmpfs mounted over the results directory (needs root)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from engine.uws.worker import NO_SPACE_MESSAGE
from tests.conftest import in_ci
from tests.faults.conftest import Restartable, retire, serve
from tests.support import wait_until

RESULTS_SPACE = "4m"
HUGE = "SELECT a.id, b.id AS other, a.mag FROM faults.main AS a, faults.main AS b"
SMALL = "SELECT TOP 10 id, ra, dec FROM faults.main ORDER BY id"


def mount_tmpfs(where: Path) -> None:
    """A tmpfs of RESULTS_SPACE at ``where``; a skip (a failure in CI) if not allowed."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={RESULTS_SPACE}",
                           "tmpfs", str(where)], capture_output=True, text=True)
    if done.returncode != 0:
        message = f"cannot mount a tmpfs (needs root): {done.stderr.strip()}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def full_server(pg_cluster, faults_template, faults_inputs, tmp_path_factory
                ) -> Iterator[Restartable]:
    """A server whose ``<stateDir>/uws`` is a tmpfs of RESULTS_SPACE."""
    home = tmp_path_factory.mktemp("faults-full")
    results = home / "state" / "uws"
    mount_tmpfs(results)
    try:
        srv = serve(pg_cluster.dsn, faults_template, faults_inputs, home)
        yield srv
        retire(srv, pg_cluster.dsn)
    finally:
        subprocess.run(["umount", "-l", str(results)], check=False)


def run_job(server: Restartable, query: str, maxrec: int = 1000) -> str:
    """A TAP async job run to its end; its id."""
    response = requests.post(f"{server.url}/tap/async", allow_redirects=False, timeout=30,
                             data={"LANG": "ADQL", "QUERY": query, "MAXREC": str(maxrec),
                                   "PHASE": "RUN"})
    assert response.status_code == 303, response.text
    job = response.headers["location"].rsplit("/", 1)[1]
    assert wait_until(lambda: phase(server, job) in ("COMPLETED", "ERROR"), 60)
    return job


def phase(server: Restartable, job: str) -> str:
    return requests.get(f"{server.url}/tap/async/{job}/phase", timeout=30).text


def error_of(server: Restartable, job: str) -> str:
    return requests.get(f"{server.url}/tap/async/{job}/error", timeout=30).text


def result_of(server: Restartable, job: str) -> bytes:
    response = requests.get(f"{server.url}/tap/async/{job}/results/result", timeout=30)
    assert response.status_code == 200, response.text
    return response.content


def sync_works(server: Restartable) -> bool:
    response = requests.get(f"{server.url}/tap/sync", timeout=30,
                            params={"LANG": "ADQL", "QUERY": SMALL})
    return response.status_code == 200 and b'QUERY_STATUS" value="OK"' in response.content


def used_bytes(path: Path) -> int:
    return shutil.disk_usage(path).used


@pytest.fixture(scope="module")
def done_before(full_server) -> tuple[str, bytes]:
    """A job completed before the disk filled up, and its result."""
    job = run_job(full_server, SMALL)
    assert phase(full_server, job) == "COMPLETED"
    return job, result_of(full_server, job)


def test_a_job_filling_the_disk_ends_in_error_and_gives_its_space_back(full_server,
                                                                        done_before):
    before, kept = done_before
    huge = run_job(full_server, HUGE, 10_000_000)
    assert phase(full_server, huge) == "ERROR"
    assert NO_SPACE_MESSAGE in error_of(full_server, huge)
    assert "no space left" in NO_SPACE_MESSAGE
    assert not (full_server.state / "uws" / huge).exists()
    assert used_bytes(full_server.state / "uws") < 1_000_000

    assert sync_works(full_server)
    assert result_of(full_server, before) == kept
    after = run_job(full_server, SMALL)
    assert phase(full_server, after) == "COMPLETED"
    assert result_of(full_server, after) == kept


@contextlib.contextmanager
def filled(where: Path) -> Iterator[None]:
    """The file system of ``where`` filled to the last byte, for the block's time."""
    filler = where / "filler"
    with contextlib.suppress(OSError), open(filler, "wb") as out:
        while True:
            out.write(b"\0" * 65536)
    try:
        yield
    finally:
        os.unlink(filler)


def test_a_full_disk_fails_new_jobs_clearly_while_the_rest_works(full_server, done_before):
    before, kept = done_before
    with filled(full_server.state / "uws"):
        job = run_job(full_server, SMALL)
        assert phase(full_server, job) == "ERROR"
        assert NO_SPACE_MESSAGE in error_of(full_server, job)
        assert sync_works(full_server)
        assert result_of(full_server, before) == kept
        assert requests.get(f"{full_server.url}/tap/async", timeout=30).status_code == 200
    # Space again: jobs run as before, without a restart.
    again = run_job(full_server, SMALL)
    assert phase(full_server, again) == "COMPLETED"
    assert result_of(full_server, again) == kept
