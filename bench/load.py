"""Load: DR under rising concurrency — cone searches, small TAP queries, form pages
and TAP async jobs at once.

Builds a catalogue (``--rows``, default 1,000,000) with ``dr imp``, serves it
with ``dr serve`` (``--processes`` server processes sharing the port) on a
free loopback port, and at each concurrency level (``--levels``, default
1 4 16 64 200 clients) runs, for ``--seconds`` each:

* ``wrk`` (Debian's package, installed by this script if missing) with that
  many keep-alive connections, each sending, one after another, requests
  drawn from a mix: half cone searches (``scs.xml``, r = 0.1°, random
  centres), three tenths small TAP sync queries (a CONTAINS cone, a TOP 10
  with a magnitude cut, a COUNT over an index range), a fifth form result
  pages (HTML);
* beside it, one client after another running a TAP async job (create with
  PHASE=RUN, wait with WAIT, read the result, delete it).

For each level it prints throughput (requests/s), median and 99th-percentile
latency, the errors (connection errors, time-outs, HTTP ≥ 400 and documents
saying ERROR), the async jobs done and failed, and at the end the level at
which the median latency has doubled against one client.  Everything talks
to loopback and stops by itself.  Not a test: CI never runs it.

    .venv/bin/python bench/load.py [--rows N] [--levels 1 4 16 64 200]
                                   [--seconds S] [--processes P]
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _latency import CATALOG_COLUMNS, served, write_catalog

from engine.config import load_config
from engine.db.connect import open_database

RD = f"""<resource schema="bench_load">
  <meta name="title">Load benchmark catalogue</meta>
  <table id="cat" onDisk="True" adql="True" primary="id" mixin="//scs#pgs-pos-index">
    {CATALOG_COLUMNS}
    <index columns="mag"/>
  </table>
  <data id="import">
    <sources pattern="cat.csv"/>
    <csvGrammar/>
    <make table="cat"><rowmaker idmaps="*"/></make>
  </data>
  <service id="cone" allowed="scs.xml,form">
    <meta name="title">Load benchmark cone search</meta>
    <scsCore queriedTable="cat"><FEED source="//scs#coreDescs"/></scsCore>
  </service>
</resource>
"""

# What wrk runs in each of its threads: requests from the mix, in turn from a
# random start; answers with a status of 400 or more, or a document saying
# ERROR, are counted as bad; at the end, one line of JSON.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  paths = {}
  for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
  math.randomseed(os.time() + #threads * 7919)
  counter = math.random(#paths)
  bad = 0
end
function request()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end
function response(status, headers, body)
  if status >= 400 or string.find(body, 'value="ERROR"', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local bad_total = 0
  for _, t in ipairs(threads) do bad_total = bad_total + t:get("bad") end
  local e = summary.errors
  io.write(string.format('{"requests": %%d, "duration_us": %%d, "p50_us": %%d, ' ..
    '"p99_us": %%d, "socket_errors": %%d, "timeouts": %%d, "bad": %%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write, e.timeout, bad_total))
end
"""


def request_mix(count: int, seed: int = 5) -> list[str]:
    """``count`` request paths: cone searches, small TAP queries and form pages."""
    rng = np.random.default_rng(seed)
    paths = []
    for _ in range(count):
        ra, dec = rng.uniform(0, 360), np.degrees(np.arcsin(rng.uniform(-0.95, 0.95)))
        draw = rng.uniform()
        if draw < 0.5:
            paths.append(f"/bench/q/cone/scs.xml?RA={ra:.5f}&DEC={dec:.5f}&SR=0.1")
        elif draw < 0.8:
            queries = [
                f"SELECT id, ra, dec, mag FROM bench_load.cat WHERE 1 = CONTAINS("
                f"POINT('ICRS', ra, dec), CIRCLE('ICRS', {ra:.5f}, {dec:.5f}, 0.1))",
                f"SELECT TOP 10 id, mag FROM bench_load.cat "
                f"WHERE mag < {rng.uniform(13, 15):.2f}",
                f"SELECT COUNT(*) FROM bench_load.cat WHERE id BETWEEN {int(ra * 1000)} AND "
                f"{int(ra * 1000) + 500}"]
            query = queries[int(rng.integers(3))]
            paths.append("/tap/sync?" + urllib.parse.urlencode(
                {"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query}))
        else:
            paths.append(f"/bench/q/cone/form?hscs_pos={ra:.4f}+{dec:.4f}&hscs_sr=6&_run=1")
    return paths


@dataclass
class Level:
    clients: int
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    jobs_done: int
    jobs_failed: int


class AsyncJobs(threading.Thread):
    """TAP async jobs one after another until stopped: create, run, wait, fetch, delete."""

    QUERY = "SELECT TOP 2000 id, ra, dec, mag FROM bench_load.cat WHERE mag > 20"

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port, self.done, self.failed = port, 0, 0
        self.stopping = threading.Event()
        self.failures: list[str] = []

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._one_job()
                self.done += 1
            except Exception as exc:  # counted and reported, the load goes on
                self.failed += 1
                self.failures.append(repr(exc)[:200])

    def _call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict,
                                                                               bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            data = urllib.parse.urlencode(body).encode() if body else None
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def _one_job(self) -> None:
        status, headers, _ = self._call("POST", "/tap/async", {
            "REQUEST": "doQuery", "LANG": "ADQL", "QUERY": self.QUERY, "PHASE": "RUN"})
        if status != 303:
            raise RuntimeError(f"creating a job answered {status}")
        job = urllib.parse.urlparse(headers["Location"]).path
        deadline = time.monotonic() + 120
        while True:
            status, _, body = self._call("GET", f"{job}?WAIT=10")
            phase = body.split(b"<uws:phase>")[1].split(b"</uws:phase>")[0].decode()
            if phase == "COMPLETED":
                break
            if phase in ("ERROR", "ABORTED") or time.monotonic() > deadline:
                raise RuntimeError(f"the job ended {phase}")
        status, _, body = self._call("GET", f"{job}/results/result")
        if status != 200 or b'value="OK"' not in body:
            raise RuntimeError(f"the result answered {status}")
        self._call("DELETE", job)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False,
                   capture_output=True)
    found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is not installed and could not be: apt-get install wrk")
    return found


def run_level(wrk: str, port: int, script: Path, clients: int, seconds: int) -> Level:
    jobs = AsyncJobs(port)
    jobs.start()
    threads = min(clients, 2)
    run = subprocess.run([wrk, "-t", str(threads), "-c", str(clients), "-d", f"{seconds}s",
                          "--timeout", "60s", "-s", str(script),
                          f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, timeout=seconds + 120)
    jobs.stopping.set()
    jobs.join(timeout=180)
    line = next((x for x in run.stdout.splitlines() if x.startswith("{")), None)
    if line is None:
        sys.exit(f"wrk printed no summary:\n{run.stdout}\n{run.stderr}")
    summary = json.loads(line)
    for failure in jobs.failures[:3]:
        print(f"  async job failed: {failure}")
    return Level(clients, summary["requests"] / (summary["duration_us"] / 1e6),
                 summary["p50_us"] / 1000, summary["p99_us"] / 1000,
                 summary["socket_errors"] + summary["timeouts"] + summary["bad"],
                 jobs.done, jobs.failed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 4, 16, 64, 200])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--processes", type=int, default=2,
                        help="dr serve processes sharing the port ([web] processes)")
    args = parser.parse_args()
    wrk = ensure_wrk()
    db = open_database(load_config())
    work = Path(tempfile.mkdtemp(prefix="dr-bench-load-"))
    try:
        (work / "paths.txt").write_text("\n".join(request_mix(5000)) + "\n")
        script = work / "mix.lua"
        script.write_text(WRK_SCRIPT % {"paths": work / "paths.txt"})
        web = f"processes = {args.processes}\nhardMaxrec = 100000\n"
        with served("bench", RD, lambda d: write_catalog(d / "cat.csv", args.rows), db.dsn,
                    f"{args.rows:,} rows", web_config=web) as site:
            run_level(wrk, site.port, script, 2, 3)  # warm up the caches
            levels = []
            for clients in args.levels:
                level = run_level(wrk, site.port, script, clients, args.seconds)
                levels.append(level)
                print(f"{clients:4d} clients: {level.requests_per_s:7.0f} req/s, "
                      f"p50 {level.p50_ms:7.2f} ms, p99 {level.p99_ms:8.2f} ms, "
                      f"{level.errors} errors; async jobs {level.jobs_done} done, "
                      f"{level.jobs_failed} failed", flush=True)
        report(levels, args.processes)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(levels: list[Level], processes: int) -> None:
    print("\n| clients | req/s | p50 ms | p99 ms | errors | async jobs done/failed |"
          "\n|---:|---:|---:|---:|---:|---:|")
    for level in levels:
        print(f"| {level.clients} | {level.requests_per_s:.0f} | {level.p50_ms:.2f} | "
              f"{level.p99_ms:.2f} | {level.errors} | {level.jobs_done}/{level.jobs_failed} |")
    base = levels[0].p50_ms
    doubled = next((lv.clients for lv in levels if lv.p50_ms >= 2 * base), None)
    print(f"\n{processes} server process(es); median latency "
          + (f"doubles (against {levels[0].clients} client(s)) at {doubled} clients"
             if doubled else "never doubles over these levels"))
    print(f"errors in all: {sum(lv.errors for lv in levels)}; "
          f"async jobs failed: {sum(lv.jobs_failed for lv in levels)}")


if __name__ == "__main__":
    main()
