"""Several ``dr serve`` front-ends behind nginx: any of them answers any request, a TAP
job lives across them, ``dr serve reload`` reaches them all, a dead one is routed around.

The tests share one farm (conftest.py) and run in this order; the last one
kills a front-end.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
import urllib.parse

from tests.frontends.farm import (
    FILE,
    create_job,
    job_row,
    nginx_upstreams,
    phase_of,
    request,
    running,
    sync_path,
)
from tests.support import run_dr, wait_until

QUICK = "SELECT TOP 3 name FROM farm.main ORDER BY name"
ENDLESS = "SELECT COUNT(*) AS n FROM farm.main AS a, farm.main AS b, farm.main AS c"


def dr_access(farm, marker: str) -> list[dict]:
    """The front-ends' (shared) access log entries whose URI holds ``marker``."""
    lines = (farm.state / "log" / "access.log").read_text().splitlines()
    return [e for e in map(json.loads, lines) if marker in e["uri"]]


# -- any front-end answers ----------------------------------------------------------

def test_sync_queries_are_spread_over_the_frontends(farm):
    marker = "QUERY=SELECT+TOP+3+name"
    path = sync_path(QUICK).replace("%20", "+")
    for _ in range(9):
        status, headers, body = request(farm.url, "GET", path,
                                        headers={"X-Forwarded-For": "203.0.113.7"})
        assert status == 200 and b"NGC" in body
        assert headers["content-type"].startswith("text/csv")
    ports = {f"127.0.0.1:{f.port}" for f in farm.frontends}
    assert set(nginx_upstreams(farm, marker)) == ports
    entries = dr_access(farm, marker)
    assert {(e["port"], e["pid"]) for e in entries} == {
        (f.port, f.process.pid) for f in farm.frontends}
    # DR logs the client nginx forwards for, not nginx.
    assert {e["client"] for e in entries} == {"203.0.113.7"}


def test_urls_name_the_proxy_whichever_frontend_answers(farm):
    for base in [farm.url] + [f.url for f in farm.frontends]:
        job_url = create_job(base, QUICK)
        assert job_url.startswith(farm.url + "/tap/async/")
        assert request(base, "DELETE", urllib.parse.urlsplit(job_url).path)[0] == 303
        status, _, caps = request(base, "GET", "/tap/capabilities")
        assert status == 200
        urls = re.findall(rb"<accessURL[^>]*>([^<]+)</accessURL>", caps)
        assert urls and all(u.decode().startswith(farm.url + "/") for u in urls)
    ident = urllib.parse.quote(f"ivo://dr.example.org/~?{FILE}")
    status, _, links = request(farm.url, "GET", f"/farm/q/dl/dlmeta?ID={ident}")
    assert status == 200
    this = f"{farm.url}/getproduct/{FILE}".encode()
    assert this in links, links
    # The product streams through nginx whole.
    status, headers, data = request(farm.url, "GET", f"/getproduct/{FILE}")
    assert status == 200 and data == (farm.home / "inputs" / FILE).read_bytes()


# -- one job, three front-ends ---------------------------------------------------------

def test_a_job_made_on_one_frontend_is_polled_and_fetched_on_all(farm):
    a, b, c = farm.frontends
    job_url = create_job(a.url, QUICK)
    path = urllib.parse.urlsplit(job_url).path
    job_id = path.rsplit("/", 1)[1]
    deadline = time.monotonic() + 30
    status, _, document = request(b.url, "GET", path)
    while phase_of(document) in ("QUEUED", "EXECUTING") and time.monotonic() < deadline:
        # WAIT on B, which learns of the job's progress from the database.
        status, _, document = request(b.url, "GET", path + "?WAIT=10")
    assert status == 200 and phase_of(document) == "COMPLETED", document
    result = f"{farm.url}{path}/results/result".encode()
    assert result in document
    bodies = set()
    for base in [farm.url, a.url, b.url, c.url]:
        status, _, body = request(base, "GET", path + "/results/result")
        assert status == 200, body
        bodies.add(body)
    assert len(bodies) == 1 and b"NGC" in bodies.pop()
    assert request(c.url, "DELETE", path)[0] == 303
    assert job_row(farm, job_id) == {}


def test_a_job_aborted_on_another_frontend_stops_its_worker(farm):
    job_url = create_job(farm.url, ENDLESS)
    path = urllib.parse.urlsplit(job_url).path
    job_id = path.rsplit("/", 1)[1]
    assert wait_until(lambda: (job_row(farm, job_id).get("worker_pid") or 0) > 0,
                      timeout=20), job_row(farm, job_id)
    row = job_row(farm, job_id)
    assert row["phase"] == "EXECUTING" and running(row["worker_pid"])
    by_pid = {f.process.pid: f for f in farm.frontends}
    runs_it = by_pid[row["server_pid"]]
    others = [f for f in farm.frontends if f is not runs_it]

    status, headers, _ = request(others[0].url, "POST", path + "/phase",
                                 {"PHASE": "ABORT"})
    assert status == 303 and headers["location"].startswith(farm.url)
    status, _, document = request(others[1].url, "GET", path)
    assert phase_of(document) == "ABORTED"
    # The worker, a child of another process than the one aborting, ends, and
    # so does its query.
    assert wait_until(lambda: not running(row["worker_pid"]), timeout=10)
    assert wait_until(lambda: not farm.query(
        "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
        (f"dr uws {job_id}",)), timeout=10)
    assert job_row(farm, job_id)["phase"] == "ABORTED"


# -- running them -------------------------------------------------------------------

def loads_by_pid(farm) -> dict[int, int]:
    """How often each process logged loading the RDs."""
    counts: dict[int, int] = {}
    for line in (farm.state / "log" / "error.log").read_text().splitlines():
        if "loaded " in line and "RDs" in line:
            pid = int(re.search(r'"pid": (\d+)', line).group(1))
            counts[pid] = counts.get(pid, 0) + 1
    return counts


def test_reload_reaches_every_frontend(farm):
    before = loads_by_pid(farm)
    result = run_dr("serve", "reload", config=farm.config)
    assert result.returncode == 0, result.stderr
    for frontend in farm.frontends:
        assert f"port {frontend.port} (pid {frontend.process.pid})" in result.stdout
    assert wait_until(lambda: all(
        loads_by_pid(farm).get(f.process.pid, 0) > before.get(f.process.pid, 0)
        for f in farm.frontends), timeout=30), loads_by_pid(farm)
    # One front-end alone.
    before, one = loads_by_pid(farm), farm.frontends[1]
    result = run_dr("serve", "reload", "--port", str(one.port), config=farm.config)
    assert result.returncode == 0 and result.stdout.count("asked dr serve") == 1
    assert wait_until(lambda: loads_by_pid(farm).get(one.process.pid, 0)
                      > before.get(one.process.pid, 0), timeout=30)


def test_a_second_server_on_a_served_port_is_refused(farm):
    port = farm.frontends[0].port
    result = run_dr("serve", "--port", str(port), config=farm.config, timeout=30)
    assert result.returncode == 1
    assert f"already serves port {port}" in result.stderr


def test_nginx_routes_around_a_dead_frontend_and_its_job_fails(farm):
    job_url = create_job(farm.url, ENDLESS)
    job_id = job_url.rsplit("/", 1)[1]
    assert wait_until(lambda: (job_row(farm, job_id).get("worker_pid") or 0) > 0,
                      timeout=20), job_row(farm, job_id)
    row = job_row(farm, job_id)
    dead, = [f for f in farm.frontends if f.process.pid == row["server_pid"]]
    os.kill(dead.process.pid, signal.SIGKILL)   # a crash: no goodbye to anyone
    dead.process.wait(10)

    marker = "QUERY=SELECT+TOP+2+name"
    path = sync_path("SELECT TOP 2 name FROM farm.main").replace("%20", "+")
    for _ in range(9):
        status, _, body = request(farm.url, "GET", path)
        assert status == 200 and b"NGC" in body
    answered = [u.split(", ")[-1] for u in nginx_upstreams(farm, marker)]
    assert len(answered) == 9 and f"127.0.0.1:{dead.port}" not in answered
    assert len(set(answered)) == 2
    # The worker died with its server; the others mark the orphaned job ERROR.
    assert wait_until(lambda: not running(row["worker_pid"]), timeout=10)
    assert wait_until(lambda: job_row(farm, job_id)["phase"] == "ERROR", timeout=10)
    status, _, document = request(farm.url, "GET", urllib.parse.urlsplit(job_url).path)
    assert status == 200 and phase_of(document) == "ERROR"
    # Reload reaches the living and says which one is gone.
    result = run_dr("serve", "reload", config=farm.config)
    assert result.returncode == 0
    assert f"port {dead.port}: no dr serve runs" in result.stderr
    assert result.stdout.count("asked dr serve") == 2
