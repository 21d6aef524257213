"""The whole farm: nginx in front of three ``dr serve`` front-ends sharing one primary, one
read replica and the UWS queue. Every front-end reads from the standby, a job
started on one runs on the standby and is aborted from another, and when the
standby goes away all of them fall back to the primary without an error.

The replica site (conftest.py) brings the primary, the standby and the first
front-end; the ``farm`` fixture adds two front-ends and nginx on the same
gavo.conf.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.db.cluster import Cluster
from engine.db.standby import Standby
from tests.frontends.farm import (
    Farm,
    Frontend,
    create_job,
    job_row,
    log_of,
    nginx_binary,
    nginx_upstreams,
    phase_of,
    request,
    running,
    spawn_frontend,
    start_nginx,
    sync_path,
    wait_listening,
)
from tests.replica.conftest import (
    ReplicaSite,
    insert_far_away,
    replay_paused,
    transitions,
    wait_serving_from_standby,
)
from tests.servers import free_port, stop_processes
from tests.support import run_dr, wait_until

# Ten rows joined ten times: 10^10 rows to count, which runs until aborted.
ENDLESS = "SELECT COUNT(*) AS n FROM " + ", ".join(f"rep.main AS t{i}" for i in range(10))


@pytest.fixture(scope="module")
def farm(site: ReplicaSite) -> Iterator[tuple[Farm, dict[int, Path]]]:
    """The replica site's front-end, two more on other ports, nginx before them;
    with the log of each front-end by port."""
    nginx_binary()
    farm = Farm(site.home, site.config, site.primary_dsn, site.nginx_port)
    first = Frontend(urllib.parse.urlsplit(site.url).port, site.process)
    logs = {first.port: site.log}
    added: list[Frontend] = []
    try:
        added = [spawn_frontend(farm, free_port()) for _ in range(2)]
        for frontend in added:
            wait_listening(farm, frontend)
            logs[frontend.port] = log_of(farm, frontend.port)
        farm.frontends = [first, *added]
        farm.nginx = start_nginx(farm)
        yield farm, logs
    finally:
        stop_processes([farm.nginx] + [f.process for f in added])


def all_on_standby(logs: dict[int, Path]) -> None:
    for log in logs.values():
        wait_serving_from_standby(log)


def counts_through_nginx(farm: Farm, label: str, times: int = 6) -> list[int]:
    """``times`` TAP counts of rep.main through nginx, tagged ``label`` in its log."""
    path = sync_path(f"SELECT COUNT(*) AS {label} FROM rep.main")
    counts = []
    for _ in range(times):
        status, _, body = request(farm.url, "GET", path)
        assert status == 200, body
        counts.append(int(body.decode().split()[-1]))
    return counts


def answered_by(farm: Farm, label: str) -> set[str]:
    return {u.split(", ")[-1] for u in nginx_upstreams(farm, f"AS+{label}+FROM")}


def ports_of(farm: Farm) -> set[str]:
    return {f"127.0.0.1:{f.port}" for f in farm.frontends}


def standby_queries(site: ReplicaSite, job_id: str) -> list[tuple]:
    return site.sql("standby", "SELECT pid FROM pg_stat_activity WHERE application_name"
                    " = %s", (f"dr uws {job_id}",))


def test_every_frontend_answers_from_the_standby(site, farm):
    farm, logs = farm
    all_on_standby(logs)
    before = site.sql("primary", "SELECT count(*) FROM rep.main")[0][0]
    with replay_paused(site):
        insert_far_away(site, 2001)
        # Whichever front-end nginx picks, the answer lacks the row only the
        # primary has: it came from the standby.
        assert counts_through_nginx(farm, "paused") == [before] * 6
    assert answered_by(farm, "paused") == ports_of(farm)
    # Replaying again, the standby catches up, and so does every answer.
    assert wait_until(lambda: counts_through_nginx(farm, "resumed") == [before + 1] * 6,
                      timeout=15)
    assert all(transitions(log)[-1] == "standby" for log in logs.values())


def test_a_job_runs_on_the_standby_and_another_frontend_aborts_it(site, farm):
    farm, logs = farm
    all_on_standby(logs)
    a, b, c = farm.frontends
    path = urllib.parse.urlsplit(create_job(a.url, ENDLESS)).path
    job_id = path.rsplit("/", 1)[1]
    assert wait_until(lambda: standby_queries(site, job_id), timeout=20), \
        job_row(farm, job_id)
    # Its state is on the primary, its query is not.
    row = job_row(farm, job_id)
    assert row["phase"] == "EXECUTING" and running(row["worker_pid"])
    assert not site.sql("primary", "SELECT pid FROM pg_stat_activity"
                        " WHERE application_name = %s", (f"dr uws {job_id}",))

    status, headers, _ = request(b.url, "POST", path + "/phase", {"PHASE": "ABORT"})
    assert status == 303 and headers["location"].startswith(farm.url)
    assert phase_of(request(c.url, "GET", path)[2]) == "ABORTED"
    assert phase_of(request(farm.url, "GET", path)[2]) == "ABORTED"
    # The worker ends, and with it the query on the standby.
    assert wait_until(lambda: not running(row["worker_pid"]), timeout=10)
    assert wait_until(lambda: not standby_queries(site, job_id), timeout=10)


def test_a_job_made_through_nginx_reads_the_standby_and_every_frontend_serves_it(
        site, farm):
    farm, logs = farm
    all_on_standby(logs)
    a, b, c = farm.frontends
    with replay_paused(site):
        insert_far_away(site, 2002)
        on_standby = site.sql("standby", "SELECT count(*) FROM rep.main")[0][0]
        path = urllib.parse.urlsplit(
            create_job(farm.url, "SELECT COUNT(*) AS n FROM rep.main")).path
        status, _, document = request(b.url, "GET", path + "?WAIT=10")
        while phase_of(document) in ("QUEUED", "EXECUTING"):
            status, _, document = request(c.url, "GET", path + "?WAIT=10")
        assert status == 200 and phase_of(document) == "COMPLETED", document
    results = {request(base, "GET", path + "/results/result")[2]
               for base in (farm.url, a.url, b.url, c.url)}
    # One result, counted on the standby before it saw the new row.
    assert len(results) == 1
    assert int(results.pop().decode().split()[-1]) == on_standby
    assert request(a.url, "DELETE", path)[0] == 303


def test_with_the_standby_down_every_frontend_reads_the_primary(site, farm):
    farm, logs = farm
    all_on_standby(logs)
    expected = site.sql("primary", "SELECT count(*) FROM rep.main")[0][0]
    assert Standby(Cluster(site.home / "state")).stop()
    try:
        # No 503 anywhere: each front-end finds its standby connections dead
        # and asks the primary.
        assert counts_through_nginx(farm, "down", times=9) == [expected] * 9
        assert answered_by(farm, "down") == ports_of(farm)
        assert all(transitions(log)[-1] == "primary" for log in logs.values())
    finally:
        started = run_dr("db", "start", config=site.config)
    assert "replica started" in started.stdout, started.stdout + started.stderr
    all_on_standby(logs)
    assert counts_through_nginx(farm, "back") == [expected] * 6
