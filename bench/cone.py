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

import numpy as np
from _latency import CATALOG_COLUMNS, report, served, time_gets, time_sql, write_catalog

from engine.config import load_config
from engine.db.connect import open_database
from engine.services.conddescs import Context
from engine.services.core import BoundService
from engine.services.params import Params
from rd.loader import load_rd_file

RD = f"""<resource schema="bench_cone">
  <table id="cat" onDisk="True" adql="True" primary="id" mixin="//scs#pgs-pos-index">
    {CATALOG_COLUMNS}
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()

    cfg = load_config()
    db = open_database(cfg)
    rng = np.random.default_rng(11)
    centres = list(zip(rng.uniform(0, 360, args.queries),
                       np.degrees(np.arcsin(rng.uniform(-1, 1, args.queries)))))
    with served("bench", RD, lambda d: write_catalog(d / "cat.csv", args.rows), db.dsn,
                f"{args.rows:,} rows") as site:
        http_times = time_gets(site.port, [f"/bench/q/cone/scs.xml?RA={ra}&DEC={dec}&SR=0.1"
                                           for ra, dec in centres])
        rd = load_rd_file(site.inputs / "bench" / "q.rd", "bench/q")
        bound = BoundService(rd, rd.services[0])
        plans = [bound.build_query(Params([("RA", str(ra)), ("DEC", str(dec)),
                                           ("SR", "0.1")]),
                                   "scs.xml", Context(), limit=cfg.web.maxrec, verb=2)
                 for ra, dec in centres]
        pg = db.connect()
        with pg.cursor() as cur:
            raw_times, _ = time_sql(cur, [(p.sql, p.values) for p in plans])
        pg.rollback()
        pg.close()
    report("scs.xml", http_times, raw_times, 0.005)


if __name__ == "__main__":
    main()
