"""How costs grow with the table: import rate, cone latency, a full scan, at several sizes.

For each size N (default 1, 10 and 100 million rows; ``--billion`` adds a
thousand million, for machines with the disk for it) writes a catalogue of N
rows (id, ra, dec uniform on the sphere, mag, two more numbers) as
``--files`` CSV files, then imports it with ``dr imp`` (its own process, as a
user runs it) into a table partitioned by HEALPix index
(``//scs#healpix-partitions``) and, with ``--compare``, into an unpartitioned
one, and measures on each:

* the import rate (rows/s, ``dr imp`` end to end: COPY, indexes, ANALYZE);
* cone latency: the median of ``--cones`` small cones (``--radius`` degrees)
  through the SQL DR's ADQL translator generates, run with psycopg2 (the
  first time each, then again), and of a quarter of them through HTTP, TAP
  sync against ``dr serve`` on loopback (the database has seen them by then);
* a full-table aggregate (count and mean of a column), best of two.

Prints a markdown table.  Uses the configured database (the embedded cluster
by default) with a state directory of its own; drops what it made.  Not a
test: CI never runs it.

    .venv/bin/python bench/scale.py --sizes 1e6,1e7 --compare
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _latency import free_port, time_gets  # noqa: E402

from adql.translate import translate  # noqa: E402
from engine.config import load_config  # noqa: E402
from engine.db.connect import open_database  # noqa: E402
from rd.loader import load_rd  # noqa: E402

COLUMNS = """
    <column name="id" type="bigint" required="True" ucd="meta.id;meta.main"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="mag" type="real" unit="mag" ucd="phot.mag"/>
    <column name="pmra" type="real" unit="mas/yr"/>
    <column name="pmdec" type="real" unit="mas/yr"/>"""

RD = """<resource schema="scale">
  <table id="part" onDisk="True" adql="True" primary="id">
    <mixin order="{order}" partitions="{partitions}" writers="{writers}"
      >//scs#healpix-partitions</mixin>{columns}
  </table>
  <table id="flat" onDisk="True" adql="True" primary="id"
    mixin="//scs#pgs-pos-index">{columns}
  </table>
  <data id="load_part" auto="False"><sources pattern="data/*.csv"/><csvGrammar/>
    <make table="part"><rowmaker idmaps="*"/></make></data>
  <data id="load_flat" auto="False"><sources pattern="data/*.csv"/><csvGrammar/>
    <make table="flat"><rowmaker idmaps="*"/></make></data>
</resource>
"""


def write_catalog(directory: Path, rows: int, files: int) -> None:
    """``rows`` rows in ``files`` CSV files, positions uniform on the sphere."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    per_file = -(-rows // files)
    for k in range(files):
        first, last = k * per_file, min(rows, (k + 1) * per_file)
        with open(directory / f"c{k:03d}.csv", "w") as out:
            out.write("id,ra,dec,mag,pmra,pmdec\n")
            for start in range(first, last, 500_000):
                n = min(500_000, last - start)
                table = np.column_stack((
                    np.arange(start + 1, start + n + 1), rng.uniform(0, 360, n),
                    np.degrees(np.arcsin(rng.uniform(-1, 1, n))), rng.normal(19, 1.5, n),
                    rng.normal(0, 5, n), rng.normal(0, 5, n)))
                np.savetxt(out, table, fmt=("%d", "%.9f", "%.9f", "%.3f", "%.2f", "%.2f"),
                           delimiter=",")


def cone_queries(count: int, radius: float, table: str) -> list[str]:
    rng = np.random.default_rng(5)
    ra = rng.uniform(0, 360, count)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, count)))
    return [f"SELECT * FROM scale.{table} WHERE 1 = CONTAINS(POINT(ra, dec), "
            f"CIRCLE({a:.6f}, {d:.6f}, {radius}))" for a, d in zip(ra, dec)]


def time_sql(conn, queries: list[str], tables: dict) -> float:
    times = []
    with conn.cursor() as cur:
        for query in queries:
            sql = translate(query, tables).sql
            start = time.perf_counter()
            cur.execute(sql)
            cur.fetchall()
            times.append(time.perf_counter() - start)
    conn.rollback()
    return statistics.median(times)


def time_aggregate(conn, table: str) -> float:
    best = float("inf")
    with conn.cursor() as cur:
        for _ in range(2):
            start = time.perf_counter()
            cur.execute(f"SELECT count(*), avg(mag) FROM scale.{table}")
            cur.fetchall()
            best = min(best, time.perf_counter() - start)
    conn.rollback()
    return best


def time_tap(env: dict, port: int, queries: list[str]) -> float:
    server = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve"], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        if "listening" not in server.stdout.readline():
            sys.exit("dr serve did not start")
        paths = ["/tap/sync?" + urllib.parse.urlencode(
            {"REQUEST": "doQuery", "LANG": "ADQL", "QUERY": q}) for q in queries]
        time_gets(port, paths[:3])  # warm up
        return statistics.median(time_gets(port, paths))
    finally:
        server.terminate()
        server.wait()


def measure(args, rows: int, work: Path, dsn: str) -> list[str]:
    inputs = work / "inputs"
    (inputs / "scale").mkdir(parents=True)
    start = time.perf_counter()
    write_catalog(inputs / "scale" / "data", rows, args.files)
    print(f"{rows:,} rows written in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    port = free_port()
    config = work / "gavo.conf"
    config.write_text(f"[general]\nstateDir = {work / 'state'}\ninputsDir = {inputs}\n"
                      f"[db]\ndsn = {dsn}\n[web]\nserverPort = {port}\n")
    env = dict(os.environ, DR_CONFIG=str(config), DR_STATE_DIR="", DR_INPUTS_DIR="")
    dr = [sys.executable, "-m", "engine.cli"]
    lines = []
    import psycopg2

    variants = [("part", int(w)) for w in args.writers.split(",")]
    for table, writers in variants + ([("flat", 1)] if args.compare else []):
        (inputs / "scale" / "q.rd").write_text(RD.format(
            order=args.order, partitions=args.partitions, writers=writers,
            columns=COLUMNS))
        start = time.perf_counter()
        subprocess.run([*dr, "imp", "scale", f"load_{table}"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        rate = rows / (time.perf_counter() - start)
        queries = cone_queries(args.cones, args.radius, table)
        tables = {f"scale.{t.id}": t.metadata() for t in load_rd("scale", inputs).tables}
        with psycopg2.connect(dsn) as conn:
            cold = time_sql(conn, queries, tables)  # the first look at each cone
            warm = time_sql(conn, queries, tables)
            aggregate = time_aggregate(conn, table)
        tap = time_tap(env, port, queries[:max(10, args.cones // 4)])
        kind = (f"partitioned ({args.partitions}, {writers} writer(s))"
                if table == "part" else "unpartitioned")
        lines.append(f"| {rows:,} | {kind} | {rate:,.0f} | {cold * 1000:.2f} | "
                     f"{warm * 1000:.2f} | {tap * 1000:.1f} | {aggregate:.2f} |")
        print(lines[-1], file=sys.stderr)
    subprocess.run([*dr, "drop", "scale"], env=env, capture_output=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,1e7,1e8",
                        help="comma-separated row counts (1e6 style allowed)")
    parser.add_argument("--billion", action="store_true", help="add 1e9 rows")
    parser.add_argument("--compare", action="store_true",
                        help="also import into an unpartitioned table")
    parser.add_argument("--files", type=int, default=8, help="CSV files per catalogue")
    parser.add_argument("--order", type=int, default=6)
    parser.add_argument("--partitions", type=int, default=32)
    parser.add_argument("--writers", default="2",
                        help="writers of the partitioned import; a list (2,1) imports "
                             "it once with each")
    parser.add_argument("--cones", type=int, default=200)
    parser.add_argument("--radius", type=float, default=0.05, help="cone radius, deg")
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",")] + (
        [1_000_000_000] if args.billion else [])
    dsn = open_database(load_config()).dsn
    lines = ["| rows | table | import rows/s | cone SQL ms, first | cone SQL ms, again "
             "| cone TAP sync ms | count+avg s |", "|---|---|---|---|---|---|---|"]
    for rows in sizes:
        work = Path(tempfile.mkdtemp(prefix="dr-bench-scale-"))
        try:
            lines += measure(args, rows, work, dsn)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
