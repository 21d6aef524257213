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
from pathlib import Path

import numpy as np
from _latency import report, served, time_gets, time_sql

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    cfg = load_config()
    db = open_database(cfg)
    rng = np.random.default_rng(11)
    centres = list(zip(rng.uniform(0, 360, args.queries),
                       np.degrees(np.arcsin(rng.uniform(-0.98, 0.98, args.queries)))))
    with served("benchsia", RD, lambda d: write_products(d / "images.csv", args.rows),
                db.dsn, f"{args.rows:,} products") as site:
        http_times = time_gets(site.port, [f"{SERVICE}?POS=CIRCLE+{ra}+{dec}+{RADIUS}"
                                           for ra, dec in centres])
        rd = sia2.system_rd()
        pg = db.connect()
        bound = sia2.bind(rd, rd.service("sitewide"), pg, {})
        plans = [bound.build_query(Params([("POS", f"CIRCLE {ra} {dec} {RADIUS}")]),
                                   "siap2.xml", Context(), limit=cfg.web.maxrec)
                 for ra, dec in centres]
        with pg.cursor() as cur:
            raw_times, found = time_sql(cur, [(p.sql, p.values) for p in plans])
        pg.rollback()
        pg.close()
    print(f"{found / len(centres):.1f} products per query on average")
    report("siap2.xml", http_times, raw_times, 0.010)


if __name__ == "__main__":
    main()
