"""Cone search latency: scs.xml over HTTP against the same query through psycopg2.

Builds a 2,000,000-row catalogue with ``dr imp`` (generated positions,
uniform on the sphere), starts ``dr serve`` on it, and runs 500 cone
searches of radius 0.1° at random centres, one after another, over one
keep-alive HTTP connection; then runs the SQL the service runs for each
cone directly through psycopg2.  Prints median and p95 latency of both and
the target check (median ≤ 2 × raw + 5 ms).  Uses the configured database
(the embedded cluster by default).  Not a test: CI never runs it.

    .venv/bin/python bench/cone.py [--rows N] [--queries N]
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from engine.config import load_config
from engine.db.connect import open_database
from engine.services.conddescs import Context
from engine.services.core import BoundService
from engine.services.params import Params
from rd.loader import load_rd_file

RD = """<resource schema="bench_cone">
  <table id="cat" onDisk="True" adql="True" primary="id" mixin="//scs#pgs-pos-index">
    <column name="id" type="bigint" required="True" ucd="meta.id;meta.main" verbLevel="1"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"
      verbLevel="1"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"
      verbLevel="1"/>
    <column name="mag" type="real" unit="mag" ucd="phot.mag" verbLevel="5"/>
  </table>
  <data id="import">
    <sources pattern="cat.csv"/>
    <csvGrammar/>
    <make table="cat"><rowmaker idmaps="*"/></make>
  </data>
  <service id="cone" allowed="scs.xml">
    <scsCore queriedTable="cat"><FEED source="//scs#coreDescs"/></scsCore>
  </service>
</resource>
"""


def write_catalog(path: Path, rows: int) -> None:
    rng = np.random.default_rng(7)
    with open(path, "w") as out:
        out.write("id,ra,dec,mag\n")
        for start in range(0, rows, 200_000):
            n = min(200_000, rows - start)
            ra = rng.uniform(0, 360, n)
            dec = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
            mag = rng.normal(19, 1.5, n)
            out.writelines(f"{i},{a!r},{d!r},{m:.3f}\n" for i, a, d, m in
                           zip(range(start + 1, start + n + 1), ra.tolist(), dec.tolist(),
                               mag.tolist()))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()

    cfg = load_config()
    db = open_database(cfg)
    work = Path(tempfile.mkdtemp(prefix="dr-bench-cone-"))
    inputs = work / "inputs"
    (inputs / "bench").mkdir(parents=True)
    (inputs / "bench" / "q.rd").write_text(RD)
    write_catalog(inputs / "bench" / "cat.csv", args.rows)
    port = free_port()
    config = work / "gavo.conf"
    config.write_text(f"[general]\nstateDir = {work / 'state'}\ninputsDir = {inputs}\n"
                      f"[db]\ndsn = {db.dsn}\n[web]\nserverPort = {port}\n")
    env = dict(os.environ, DR_CONFIG=str(config))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "engine.cli", "imp", "bench"], env=env, check=True)
    print(f"imported {args.rows:,} rows in {time.perf_counter() - t0:.1f} s")

    server = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve"], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        if "listening" not in server.stdout.readline():
            sys.exit("dr serve did not start")
        rng = np.random.default_rng(11)
        centres = list(zip(rng.uniform(0, 360, args.queries),
                           np.degrees(np.arcsin(rng.uniform(-1, 1, args.queries)))))
        http_times = []
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for ra, dec in centres:
            start = time.perf_counter()
            conn.request("GET", f"/bench/q/cone/scs.xml?RA={ra}&DEC={dec}&SR=0.1")
            body = conn.getresponse().read()
            http_times.append(time.perf_counter() - start)
            assert b'QUERY_STATUS" value="OK"' in body, body[:500]
        conn.close()

        rd = load_rd_file(inputs / "bench" / "q.rd", "bench/q")
        bound = BoundService(rd, rd.services[0])
        pg = db.connect()
        raw_times = []
        with pg.cursor() as cur:
            for ra, dec in centres:
                params = Params([("RA", str(ra)), ("DEC", str(dec)), ("SR", "0.1")])
                plan = bound.build_query(params, "scs.xml", Context(), limit=cfg.web.maxrec,
                                         verb=2)
                start = time.perf_counter()
                cur.execute(plan.sql, plan.values)
                cur.fetchall()
                raw_times.append(time.perf_counter() - start)
        pg.rollback()
        pg.close()
    finally:
        server.terminate()
        server.wait()
        subprocess.run([sys.executable, "-m", "engine.cli", "drop", "bench"], env=env,
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)

    med_http, med_raw = statistics.median(http_times), statistics.median(raw_times)
    print(f"scs.xml over HTTP: median {med_http * 1000:.2f} ms, "
          f"p95 {percentile(http_times, 95) * 1000:.2f} ms")
    print(f"raw SQL (psycopg2): median {med_raw * 1000:.2f} ms, "
          f"p95 {percentile(raw_times, 95) * 1000:.2f} ms")
    budget = 2 * med_raw + 0.005
    print(f"target median <= 2 x raw + 5 ms = {budget * 1000:.2f} ms: "
          f"{'met' if med_http <= budget else 'NOT met'} "
          f"(ratio http/raw {med_http / med_raw:.1f})")


if __name__ == "__main__":
    main()
