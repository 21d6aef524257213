"""TAP speed: bulk sync download and concurrent small cone queries, against direct SQL.

Imports a J-PLUS-like table of ``--rows`` rows (default 1,000,000, made by
inputs/jplus/generate.py) with ``dr imp`` under its own schema, starts
``dr serve``, then measures in one run:

* bulk: ``SELECT TOP N *`` through /tap/sync as a BINARY2 VOTable, read to the
  end over HTTP, against the same translated SQL read directly — the faster
  of a psycopg2 server-side cursor and ``COPY (…) TO STDOUT (FORMAT binary)``;
* small: rounds of 20 concurrent ADQL cone queries (CONTAINS/CIRCLE, 0.05°)
  through /tap/sync, against the same SQL run by 20 concurrent psycopg2
  connections.

Prints rates, latencies and the targets' checks (bulk ≥ 0.5 of direct; median
small-query latency ≤ 2 × direct + 10 ms).  Not a test: CI never runs it.

    .venv/bin/python bench/tap.py [--rows N]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import numpy as np

from adql import translate
from engine.config import CHECKOUT_ROOT, load_config
from engine.db.connect import open_database
from engine.tap.tables import table_map
from rd.loader import load_rd_file

SCHEMA = "bench_tap"
CONCURRENCY = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tap_get(port: int, adql: str, maxrec: int) -> tuple[float, int]:
    """Seconds to run one sync query and read its body; and the body's size."""
    query = urllib.parse.urlencode({"LANG": "ADQL", "QUERY": adql, "MAXREC": maxrec})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    conn.request("GET", f"/tap/sync?{query}")
    response = conn.getresponse()
    size = 0
    while block := response.read(1 << 20):
        size += len(block)
    elapsed = time.perf_counter() - start
    if response.status != 200:
        sys.exit(f"TAP query failed with {response.status}")
    conn.close()
    return elapsed, size


def direct_cursor(dsn: str, sql: str) -> float:
    import psycopg2

    conn = psycopg2.connect(dsn)
    start = time.perf_counter()
    with conn.cursor(name="bench") as cur:
        cur.itersize = 10000
        cur.execute(sql)
        for _ in cur:
            pass
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def direct_copy(dsn: str, sql: str) -> float:
    import psycopg2

    class Sink:
        def write(self, data: bytes) -> int:
            return len(data)

    conn = psycopg2.connect(dsn)
    start = time.perf_counter()
    with conn.cursor() as cur:
        cur.copy_expert(f"COPY ({sql}) TO STDOUT (FORMAT binary)", Sink(), size=1 << 20)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def concurrent(run, jobs: list) -> list[float]:
    """Run ``run(job)`` for all jobs, CONCURRENCY at a time; their latencies."""
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(batch: list) -> None:
        for job in batch:
            elapsed = run(job)
            with lock:
                latencies.append(elapsed)

    batches = [jobs[i::CONCURRENCY] for i in range(CONCURRENCY)]
    threads = [threading.Thread(target=worker, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--cones", type=int, default=200, help="small queries in all")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="dr serve processes ([web] processes; default: cores)")
    args = parser.parse_args()

    cfg = load_config()
    db = open_database(cfg)
    work = Path(tempfile.mkdtemp(prefix="dr-bench-tap-"))
    resdir = work / "inputs" / "benchtap"
    (resdir / "data").mkdir(parents=True)
    rd_text = (CHECKOUT_ROOT / "inputs/jplus/q.rd").read_text()
    rd_text = re.sub(r'schema="jplus"', f'schema="{SCHEMA}"', rd_text)
    rd_text = re.sub(r"<service .*?</service>", "", rd_text, flags=re.S)
    (resdir / "q.rd").write_text(rd_text)
    subprocess.run([sys.executable, str(CHECKOUT_ROOT / "inputs/jplus/generate.py"),
                    "--rows", str(args.rows), "--out", str(resdir / "data")], check=True,
                   capture_output=True)
    port = free_port()
    config = work / "gavo.conf"
    config.write_text(f"[general]\nstateDir = {work / 'state'}\n"
                      f"inputsDir = {work / 'inputs'}\n[db]\ndsn = {db.dsn}\n"
                      f"[web]\nserverPort = {port}\nhardMaxrec = {args.rows * 2}\n"
                      f"processes = {args.processes}\n")
    env = dict(os.environ, DR_CONFIG=str(config))
    subprocess.run([sys.executable, "-m", "engine.cli", "imp", "benchtap"], env=env,
                   check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        if "listening" not in server.stdout.readline():
            sys.exit("dr serve did not start")
        rd = load_rd_file(resdir / "q.rd", "benchtap/q")
        tables = table_map(t.metadata() for t in rd.tables)

        bulk_adql = f"SELECT TOP {args.rows} * FROM {SCHEMA}.main"
        bulk_sql = translate(bulk_adql, tables).sql
        http_bulk = min(tap_get(port, bulk_adql, args.rows)[0] for _ in range(2))
        cursor_bulk = min(direct_cursor(db.dsn, bulk_sql) for _ in range(2))
        copy_bulk = min(direct_copy(db.dsn, bulk_sql) for _ in range(2))
        limit = min(cursor_bulk, copy_bulk)
        print(f"bulk {args.rows:,} rows: TAP sync BINARY2 {args.rows / http_bulk:,.0f} rows/s;"
              f" direct cursor {args.rows / cursor_bulk:,.0f}, COPY binary "
              f"{args.rows / copy_bulk:,.0f} rows/s")
        ratio = limit / http_bulk
        print(f"  ratio TAP/direct {ratio:.2f} (target >= 0.5: "
              f"{'met' if ratio >= 0.5 else 'NOT met'})")

        rng = np.random.default_rng(3)
        with db.connect() as conn, conn.cursor() as cur:
            cur.execute(f"SELECT ra, dec FROM {SCHEMA}.main ORDER BY random() LIMIT %s",
                        (args.cones,))
            centres = cur.fetchall()
        cones = [f"SELECT * FROM {SCHEMA}.main WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), "
                 f"CIRCLE('ICRS', {ra + rng.normal(0, 0.01)}, {dec}, 0.05))"
                 for ra, dec in centres]
        tap_latencies = concurrent(lambda q: tap_get(port, q, 10000)[0], cones)

        def direct_small(adql: str) -> float:
            import psycopg2

            sql = translate(adql, tables).sql
            conn = psycopg2.connect(db.dsn)
            start = time.perf_counter()
            with conn.cursor() as cur:
                cur.execute(sql)
                cur.fetchall()
            elapsed = time.perf_counter() - start
            conn.close()
            return elapsed

        direct_latencies = concurrent(direct_small, cones)
        med_tap = statistics.median(tap_latencies)
        med_direct = statistics.median(direct_latencies)
        budget = 2 * med_direct + 0.010
        print(f"{len(cones)} cone queries, {CONCURRENCY} at a time: TAP median "
              f"{med_tap * 1000:.1f} ms (p95 {np.percentile(tap_latencies, 95) * 1000:.1f});"
              f" direct median {med_direct * 1000:.1f} ms "
              f"(p95 {np.percentile(direct_latencies, 95) * 1000:.1f})")
        print(f"  target median <= 2 x direct + 10 ms = {budget * 1000:.1f} ms: "
              f"{'met' if med_tap <= budget else 'NOT met'}")
    finally:
        server.terminate()
        server.wait()
        subprocess.run([sys.executable, "-m", "engine.cli", "drop", "benchtap"], env=env,
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
