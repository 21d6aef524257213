"""What accounts and row-level security cost: the same small queries anonymous on a
public table and authenticated on a table whose rows carry an embargo.

Builds two identical catalogues of 1,000,000 rows with ``dr imp`` (generated
positions, a release date — a fifth of it in the future — and an owner
project): ``pub`` without restrictions and ``emb`` with
``embargoColumn``/``ownerColumn``, so every query on it runs under the
query role with a row policy.  A user in one of the projects sends HTTP
Basic credentials (checked once, then remembered by the server, as for any
client that keeps asking).  Measures, one after another over one keep-alive
connection, 300 cone searches (scs.xml, radius 0.1°) and 300 small TAP
queries (a 0.1° CONTAINS with TOP 50) of each kind, and prints the medians,
their ratio and the target check (authenticated on ``emb`` ≤ 1.2 × anonymous
on ``pub`` + 2 ms).  Uses the configured database (the embedded cluster by
default) and removes its user and tables afterwards.  Not a test: CI never
runs it.

    .venv/bin/python bench/access.py [--rows N] [--queries N]
"""

from __future__ import annotations

import argparse
import base64
import statistics
import urllib.parse
from pathlib import Path

import numpy as np
from _latency import CATALOG_COLUMNS, served, time_gets, write_catalog

from engine import accounts
from engine.config import load_config
from engine.db.connect import open_database

USER, PASSWORD, PROJECT = "bench-access", "bench-access-password", "p3"
COLUMNS = CATALOG_COLUMNS + """
    <column name="released" type="date" ucd="time.release" verbLevel="5"/>
    <column name="project" type="text" ucd="meta.id;obs.proposal" verbLevel="5"/>"""
RD = f"""<resource schema="bench_access">
  <table id="pub" onDisk="True" adql="True" primary="id" mixin="//scs#pgs-pos-index">
    {COLUMNS}
  </table>
  <table id="emb" onDisk="True" adql="True" primary="id" mixin="//scs#pgs-pos-index"
      embargoColumn="released" ownerColumn="project">
    {COLUMNS}
  </table>
  <data id="import">
    <sources pattern="cat.csv"/>
    <csvGrammar/>
    <make table="pub"><rowmaker idmaps="*"/></make>
    <make table="emb"><rowmaker idmaps="*"/></make>
  </data>
  <service id="pubcone" allowed="scs.xml">
    <scsCore queriedTable="pub"><FEED source="//scs#coreDescs"/></scsCore>
  </service>
  <service id="embcone" allowed="scs.xml">
    <scsCore queriedTable="emb"><FEED source="//scs#coreDescs"/></scsCore>
  </service>
</resource>
"""


def release_and_project(rng: np.random.Generator, n: int) -> list[list[str]]:
    """A fifth of the rows under embargo; owners p1 to p5."""
    future = rng.uniform(0, 1, n) < 0.2
    project = rng.integers(1, 6, n)
    return [["2999-01-01" if f else "2020-01-01" for f in future.tolist()],
            [f"p{p}" for p in project.tolist()]]


def tap_path(table: str, ra: float, dec: float) -> str:
    query = (f"SELECT TOP 50 id, ra, dec, mag FROM bench_access.{table} WHERE "
             f"1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', {ra}, {dec}, 0.1))")
    return "/tap/sync?" + urllib.parse.urlencode({"LANG": "ADQL", "QUERY": query})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    db = open_database(load_config())
    rng = np.random.default_rng(11)
    centres = list(zip(rng.uniform(0, 360, args.queries),
                       np.degrees(np.arcsin(rng.uniform(-1, 1, args.queries)))))
    credentials = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    auth = {"Authorization": f"Basic {credentials}"}
    conn = db.connect()
    with conn.cursor() as cur:
        accounts.add_user(cur, USER, PASSWORD)
        accounts.add_to_group(cur, USER, PROJECT)
    conn.commit()
    try:
        def write(folder: Path) -> None:
            write_catalog(folder / "cat.csv", args.rows, ("released", "project"),
                          release_and_project)

        with served("bench", RD, write, db.dsn, f"2 x {args.rows:,} rows") as site:
            time_gets(site.port, ["/bench/q/pubcone/scs.xml?RA=0&DEC=0&SR=0.1"], auth)
            results = {}
            for label, pub, emb in (
                    ("cone search", lambda ra, dec: f"/bench/q/pubcone/scs.xml?RA={ra}"
                     f"&DEC={dec}&SR=0.1", lambda ra, dec: f"/bench/q/embcone/scs.xml?"
                     f"RA={ra}&DEC={dec}&SR=0.1"),
                    ("TAP CONTAINS, TOP 50", lambda ra, dec: tap_path("pub", ra, dec),
                     lambda ra, dec: tap_path("emb", ra, dec))):
                anonymous = time_gets(site.port, [pub(ra, dec) for ra, dec in centres])
                secured = time_gets(site.port, [emb(ra, dec) for ra, dec in centres], auth)
                results[label] = (statistics.median(anonymous), statistics.median(secured))
    finally:
        with conn.cursor() as cur:
            accounts.delete_user(cur, USER)
        conn.commit()
        conn.close()
    for label, (anonymous, secured) in results.items():
        budget = 1.2 * anonymous + 0.002
        print(f"{label}: anonymous on pub median {anonymous * 1000:.2f} ms, "
              f"authenticated on emb (row policy) {secured * 1000:.2f} ms; ratio "
              f"{secured / anonymous:.2f}; target <= 1.2 x + 2 ms = {budget * 1000:.2f} ms:"
              f" {'met' if secured <= budget else 'NOT met'}")


if __name__ == "__main__":
    main()
