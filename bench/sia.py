"""SIA 2 latency: siap2.xml over HTTP against the same SQL through psycopg2.

Builds a 100,000-product table publishing into ivoa.obscore with ``dr imp``
(generated rows: centres uniform on the sphere, square footprints of 0.2°, no
files), starts ``dr serve``, and runs 300 SIA 2 queries ``POS=CIRCLE ra dec
0.5`` at random centres, one after another, over one keep-alive HTTP
connection, against DaCHS's site-wide service
(/__system__/siap2/sitewide/siap2.xml); then runs the SQL that service runs for
each query directly through psycopg2.  Prints median and p95 latency of both
and the target check (median ≤ 2 × raw + 10 ms).  Uses the configured
database (the embedded cluster by default).  Not a test: CI never runs it.

    .venv/bin/python bench/sia.py [--rows N] [--queries N]
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
from engine.services.params import Params
from engine.sia import sia2

SERVICE = "/__system__/siap2/sitewide/siap2.xml"
RADIUS = 0.5  # degrees: a few footprints per query
RD = """<resource schema="bench_sia">
  <table id="images" onDisk="True" adql="True">
    <mixin calib_level="2" obs_collection="'bench images'" dataproduct_type="'image'"
      obs_id="obs_id" obs_publisher_did="'ivo://bench.example/sia?' || obs_id"
      access_url="'http://bench.example/data/' || obs_id" access_format="'image/fits'"
      s_ra="ra" s_dec="dec" s_region="footprint" s_fov="0.2" t_min="mjd"
      t_max="mjd + 0.01" em_min="4e-7" em_max="5e-7">//obscore#publish</mixin>
    <column name="obs_id" type="text" required="True"/>
    <column name="ra" type="double precision" unit="deg"/>
    <column name="dec" type="double precision" unit="deg"/>
    <column name="footprint" type="spoly"/>
    <column name="mjd" type="double precision" unit="d"/>
    <index columns="footprint" method="gist"/>
  </table>
  <data id="import">
    <sources pattern="images.csv"/>
    <csvGrammar/>
    <make table="images"><rowmaker idmaps="*"/></make>
  </data>
</resource>
"""


def write_products(path: Path, rows: int) -> None:
    rng = np.random.default_rng(7)
    ra = rng.uniform(0, 360, rows)
    dec = np.degrees(np.arcsin(rng.uniform(-0.99, 0.99, rows)))
    half = 0.1
    with open(path, "w") as out:
        out.write("obs_id,ra,dec,footprint,mjd\n")
        for i, (a, d) in enumerate(zip(ra.tolist(), dec.tolist()), 1):
            corners = ",".join(f"({x % 360:.6f}d,{y:.6f}d)" for x, y in (
                (a - half, d - half), (a + half, d - half), (a + half, d + half),
                (a - half, d + half)))
            out.write(f'img{i:06d},{a!r},{d!r},"{{{corners}}}",{59000 + i / 100:.4f}\n')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    cfg = load_config()
    db = open_database(cfg)
    work = Path(tempfile.mkdtemp(prefix="dr-bench-sia-"))
    inputs = work / "inputs"
    (inputs / "benchsia").mkdir(parents=True)
    (inputs / "benchsia" / "q.rd").write_text(RD)
    write_products(inputs / "benchsia" / "images.csv", args.rows)
    port = free_port()
    config = work / "gavo.conf"
    config.write_text(f"[general]\nstateDir = {work / 'state'}\ninputsDir = {inputs}\n"
                      f"[db]\ndsn = {db.dsn}\n[web]\nserverPort = {port}\n")
    env = dict(os.environ, DR_CONFIG=str(config))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "engine.cli", "imp", "benchsia"], env=env,
                   check=True)
    print(f"imported {args.rows:,} products in {time.perf_counter() - t0:.1f} s")

    server = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve"], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        if "listening" not in server.stdout.readline():
            sys.exit("dr serve did not start")
        rng = np.random.default_rng(11)
        centres = list(zip(rng.uniform(0, 360, args.queries),
                           np.degrees(np.arcsin(rng.uniform(-0.98, 0.98, args.queries)))))
        http_times, found = [], 0
        conn = http.client.HTTPConnection("127.0.0.1", port)
        for ra, dec in centres:
            start = time.perf_counter()
            conn.request("GET", f"{SERVICE}?POS=CIRCLE+{ra}+{dec}+{RADIUS}")
            body = conn.getresponse().read()
            http_times.append(time.perf_counter() - start)
            assert b'QUERY_STATUS" value="OK"' in body, body[:500]
        conn.close()

        rd = sia2.system_rd()
        pg = db.connect()
        raw_times = []
        bound = sia2.bind(rd, rd.service("sitewide"), pg, {})
        with pg.cursor() as cur:
            for ra, dec in centres:
                params = Params([("POS", f"CIRCLE {ra} {dec} {RADIUS}")])
                plan = bound.build_query(params, "siap2.xml", Context(),
                                         limit=cfg.web.maxrec)
                start = time.perf_counter()
                cur.execute(plan.sql, plan.values)
                found += len(cur.fetchall())
                raw_times.append(time.perf_counter() - start)
        pg.rollback()
        pg.close()
    finally:
        server.terminate()
        server.wait()
        subprocess.run([sys.executable, "-m", "engine.cli", "drop", "benchsia"], env=env,
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)

    med_http, med_raw = statistics.median(http_times), statistics.median(raw_times)
    print(f"{found / len(centres):.1f} products per query on average")
    print(f"siap2.xml over HTTP: median {med_http * 1000:.2f} ms, "
          f"p95 {percentile(http_times, 95) * 1000:.2f} ms")
    print(f"raw SQL (psycopg2): median {med_raw * 1000:.2f} ms, "
          f"p95 {percentile(raw_times, 95) * 1000:.2f} ms")
    budget = 2 * med_raw + 0.010
    print(f"target median <= 2 x raw + 10 ms = {budget * 1000:.2f} ms: "
          f"{'met' if med_http <= budget else 'NOT met'} "
          f"(ratio http/raw {med_http / med_raw:.1f})")


if __name__ == "__main__":
    main()
