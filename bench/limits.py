"""What ``dr limits`` costs: measuring a 10-million-row table (MOC and column
statistics) against the same SQL aggregates run directly.

Imports an RD whose table ``cat`` (id, ra/dec in a survey footprint, six
float columns — one a wavelength in Angstrom with UCD ``em.wl`` for the energy
range, one an MJD with UCD ``time.epoch`` for the time range, some with NaN
or NULL — and a text column with ``statistics=enumerate``) gets one seed row
from ``dr imp``; PostgreSQL then fills it with generated rows (INSERT ...
SELECT over generate_series, two connections) and VACUUM ANALYZE.  Then times

* ``survey()`` + ``store.save()`` in this process, recording every statement
  ``survey()`` issues and how long PostgreSQL took for it,
* the same statements back to back on a plain psycopg2 connection as DR's
  database user (no query role, hence no row-level security), and once more
  after the query role is set as ``survey()`` does (these three alternate,
  ``--repeat`` times, the best of each kept),
* ``dr limits`` end to end (a separate process, as a user runs it), and
* the MOC's statement alone at each ``--orders`` with ``Moc.from_cells`` and
  its ASCII serialisation (cells and sky fraction).

Prints a table per part (extremes scan, percentiles on the sample, enumerated
values, time and energy ranges, MOC) with the ratio DR/direct.  Uses the
configured database (the embedded cluster by default) and drops its table and
limits afterwards.  Not a test: CI never runs it.

    .venv/bin/python bench/limits.py [--rows N] [--sample-rows N] [--repeat N]
                                     [--orders 6,8]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import psycopg2.extensions

from engine.config import load_config
from engine.db.connect import open_database
from engine.limits import store
from engine.limits.survey import Options, survey
from rd.loader import load_rd
from rd.moc import Moc

RESDIR = "benchlim"
TABLE = f"{RESDIR}.cat"
RD = f"""<resource schema="{RESDIR}">
  <table id="cat" onDisk="True" adql="True">
    <column name="id" type="bigint" required="True" ucd="meta.id;meta.main"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="mag" type="real" unit="mag" ucd="phot.mag"/>
    <column name="mag_err" type="real" unit="mag" ucd="stat.error;phot.mag"/>
    <column name="wl" type="real" unit="Angstrom" ucd="em.wl"/>
    <column name="mjd" type="double precision" unit="d" ucd="time.epoch"/>
    <column name="redshift" type="double precision" ucd="src.redshift"/>
    <column name="pmra" type="real" unit="mas/yr" ucd="pos.pm;pos.eq.ra"/>
    <column name="band" type="text" ucd="instr.bandpass">
      <property name="statistics">enumerate</property></column>
  </table>
  <data id="import">
    <sources pattern="seed.csv"/>
    <csvGrammar/>
    <make table="cat"><rowmaker idmaps="*"/></make>
  </data>
</resource>
"""
SEED = ("id,ra,dec,mag,mag_err,wl,mjd,redshift,pmra,band\n"
        "1,180.0,30.0,19.0,0.05,5000.0,56000.0,0.1,1.0,r\n")

# Positions uniform in ra 110..260, dec -5..70 (about a fifth of the sky); mag
# normal (Box-Muller), 5 % of mag_err NULL, 1 % of redshift NaN; bands skewed.
FILL = f"""
INSERT INTO {TABLE} (id, ra, dec, mag, mag_err, wl, mjd, redshift, pmra, band)
SELECT i, 110 + 150 * random(),
  degrees(asin(sin(radians(-5)) + (sin(radians(70)) - sin(radians(-5))) * random())),
  (19 + 1.5 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))::real,
  CASE WHEN random() < 0.05 THEN NULL ELSE (0.01 + 0.2 * random() ^ 2)::real END,
  (3700 + 3800 * random())::real,
  55000 + 3000 * random(),
  CASE WHEN random() < 0.01 THEN 'NaN' ELSE -ln(1 - random()) * 0.3 END,
  ((random() - 0.5) * 200)::real,
  (ARRAY['u', 'g', 'r', 'i', 'z', 'y'])[1 + floor(6 * random() ^ 1.5)::int]
FROM generate_series(%s, %s) AS i
"""
CHUNK = 1_000_000

PARTS = ("query role", "extremes scan", "sample choice", "percentiles (sample)",
         "enumerate", "time/energy ranges", "MOC")


class Recording(psycopg2.extensions.cursor):
    """A cursor that notes each statement (parameters filled in) and the seconds
    its execute took, in its connection's ``statements``."""

    def execute(self, sql, params=None):
        text = self.mogrify(sql, params).decode()
        start = time.perf_counter()
        try:
            return super().execute(sql, params)
        finally:
            self.connection.statements.append((text, time.perf_counter() - start))


class RecordingConnection(psycopg2.extensions.connection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements: list[tuple[str, float]] = []
        self.cursor_factory = Recording


def part(sql: str) -> str:
    """Which part of survey() a statement belongs to."""
    if "SET LOCAL ROLE" in sql:
        return "query role"
    if "healpix_nest" in sql:
        return "MOC"
    if "percentile_disc" in sql:
        return "percentiles (sample)"
    if "GROUP BY" in sql:
        return "enumerate"
    if "count(*)" in sql:
        return "extremes scan"
    if "pg_class" in sql:
        return "sample choice"
    return "time/energy ranges"


def fill(dsn: str, first: int, last: int) -> None:
    """Rows first..last, in chunks, committed one by one."""
    conn = psycopg2.connect(dsn)
    try:
        for start in range(first, last + 1, CHUNK):
            with conn.cursor() as cur:
                cur.execute(FILL, (start, min(start + CHUNK - 1, last)))
            conn.commit()
    finally:
        conn.close()


def build(dsn: str, rows: int) -> None:
    """Replace the seed row with ``rows`` generated ones, in two connections."""
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"TRUNCATE {TABLE}")
    half = rows // 2
    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(fill, dsn, 1, half),
                     pool.submit(fill, dsn, half + 1, rows)]:
            done.result()
    with conn.cursor() as cur:
        cur.execute(f"VACUUM (ANALYZE) {TABLE}")
        cur.execute(f"SELECT count(*), pg_total_relation_size('{TABLE}'), "
                    f"(SELECT relrowsecurity FROM pg_class WHERE oid = '{TABLE}'::regclass)"
                    f" FROM {TABLE}")
        count, size, secured = cur.fetchone()
    conn.close()
    assert count == rows, (count, rows)
    print(f"table {TABLE}: {rows:,} rows, {size / 1e6:,.0f} MB, row-level security "
          f"{'on' if secured else 'off'}")


def run_direct(dsn: str, statements: list[str]) -> dict[str, float]:
    """Seconds per part of the statements run and fetched back to back, in one
    transaction (rolled back) on a plain connection."""
    times = dict.fromkeys(PARTS, 0.0)
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            for sql in statements:
                start = time.perf_counter()
                cur.execute(sql)
                if cur.description is not None:
                    cur.fetchall()
                times[part(sql)] += time.perf_counter() - start
    finally:
        conn.rollback()
        conn.close()
    return times


def time_moc(dsn: str, moc_sql: str, order: int) -> tuple[float, float, Moc, int]:
    """(SQL seconds, Moc.from_cells + ascii seconds, the MOC, ASCII length) of the
    MOC statement at ``order``."""
    sql = re.sub(r"healpix_nest\(\d+,", f"healpix_nest({order},", moc_sql)
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            start = time.perf_counter()
            cur.execute(sql)
            cells = [row[0] for row in cur.fetchall()]
            sql_seconds = time.perf_counter() - start
    finally:
        conn.rollback()
        conn.close()
    start = time.perf_counter()
    moc = Moc.from_cells(order, cells)
    ascii_length = len(moc.ascii())
    return sql_seconds, time.perf_counter() - start, moc, ascii_length


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--sample-rows", type=int, default=Options.sample_rows,
                        help="survey()'s sample for the percentiles (dr limits -s)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs of survey() and of the direct SQL (best kept)")
    parser.add_argument("--orders", default="6,8",
                        help="MOC orders to time the MOC statement at (the survey "
                             "itself runs at the first)")
    args = parser.parse_args()
    orders = [int(o) for o in args.orders.split(",")]

    dsn = open_database(load_config()).dsn
    work = Path(tempfile.mkdtemp(prefix="dr-bench-limits-"))
    inputs = work / "inputs"
    (inputs / RESDIR).mkdir(parents=True)
    (inputs / RESDIR / "q.rd").write_text(RD)
    (inputs / RESDIR / "seed.csv").write_text(SEED)
    config = work / "gavo.conf"
    config.write_text(f"[general]\nstateDir = {work / 'state'}\ninputsDir = {inputs}\n"
                      f"[db]\ndsn = {dsn}\n")
    env = dict(os.environ, DR_CONFIG=str(config))
    dr = [sys.executable, "-m", "engine.cli"]
    options = Options(moc_order=orders[0], sample_rows=args.sample_rows)
    try:
        subprocess.run([*dr, "imp", RESDIR], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        t0 = time.perf_counter()
        build(dsn, args.rows)
        print(f"generated in {time.perf_counter() - t0:.1f} s")
        rd = load_rd(RESDIR, load_config(env).inputs_dir)
        table = next(t for t in rd.tables if t.id == "cat")

        # Alternate DR and the direct SQL, --repeat times, keeping the best of each.
        dr_parts, direct, as_role = ({name: float("inf") for name in PARTS}
                                     for _ in range(3))
        surveyed = saved = python = float("inf")
        for _ in range(args.repeat):
            # DR in this process: survey() + store.save(), statements recorded.
            conn = psycopg2.connect(dsn, connection_factory=RecordingConnection)
            try:
                start = time.perf_counter()
                limits = survey(conn, table, options)
                elapsed = time.perf_counter() - start
                surveyed = min(surveyed, elapsed)
                recorded = list(conn.statements)
                python = min(python, elapsed - sum(seconds for _, seconds in recorded))
                start = time.perf_counter()
                with conn.cursor() as cur:
                    store.save(cur, limits)
                conn.commit()
                saved = min(saved, time.perf_counter() - start)
            finally:
                conn.close()
            this_run = dict.fromkeys(PARTS, 0.0)
            for sql, seconds in recorded:
                this_run[part(sql)] += seconds
            statements = [sql for sql, _ in recorded]
            for best, found in (
                    (dr_parts, this_run),
                    (direct, run_direct(dsn, [s for s in statements
                                              if part(s) != "query role"])),
                    (as_role, run_direct(dsn, statements))):
                for name in PARTS:
                    best[name] = min(best[name], found[name])

        start = time.perf_counter()
        proc = subprocess.run([*dr, "limits", RESDIR, "cat", "-m", str(orders[0]),
                               "-s", str(args.sample_rows)],
                              env=env, capture_output=True, text=True)
        cli_wall = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"dr limits failed:\n{proc.stderr}")
        cli_line = next(line for line in proc.stdout.splitlines()
                        if line.startswith(TABLE))
        cli_own = float(re.search(r"\(([\d.]+) s\)$", cli_line).group(1))

        moc_sql = next(s for s in statements if part(s) == "MOC")
        mocs = [(order, *time_moc(dsn, moc_sql, order)) for order in orders]
    finally:
        subprocess.run([*dr, "drop", RESDIR], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)

    print(f"dr limits: {cli_line}")
    sample = re.search(r"TABLESAMPLE SYSTEM \(([\d.]+)\)", " ".join(statements))
    sampled = f"TABLESAMPLE SYSTEM ({sample.group(1)} %)" if sample else "all rows"
    print(f"percentiles from {sampled}; best of {args.repeat} runs each")
    print(f"\n{'part':<22}{'statements':>11}{'DR (s)':>9}{'direct (s)':>12}"
          f"{'as query role (s)':>19}{'DR/direct':>11}")
    for name in PARTS:
        count = sum(1 for s in statements if part(s) == name)
        if not count:
            continue
        ratio = f"{dr_parts[name] / direct[name]:.2f}" if direct[name] >= 0.005 else "-"
        print(f"{name:<22}{count:>11}{dr_parts[name]:>9.2f}{direct[name]:>12.2f}"
              f"{as_role[name]:>19.2f}{ratio:>11}")
    sql_total = sum(dr_parts.values())
    direct_total, role_total = sum(direct.values()), sum(as_role.values())
    print(f"{'all SQL':<22}{len(statements):>11}{sql_total:>9.2f}{direct_total:>12.2f}"
          f"{role_total:>19.2f}{sql_total / direct_total:>11.2f}")
    print(f"\nsurvey() in process: {surveyed:.2f} s (of which Python: fetching, the MOC "
          f"from its cells, statistics {surveyed - sql_total:.2f} s); store.save() + "
          f"commit {saved:.3f} s")
    print(f"dr limits (CLI): {cli_wall:.2f} s wall, {cli_own:.1f} s by its own count")
    print(f"ratio in-process survey()+save()/direct SQL: "
          f"{(surveyed + saved) / direct_total:.2f}; CLI wall/direct SQL: "
          f"{cli_wall / direct_total:.2f}")
    print(f"\n{'MOC order':<11}{'SQL (s)':>9}{'from_cells+ascii (s)':>22}{'cells':>11}"
          f"{'normalised cells':>18}{'ASCII bytes':>13}{'sky fraction':>14}")
    for order, sql_seconds, py_seconds, moc, ascii_length in mocs:
        cells = sum(e - s for s, e in moc.ranges)
        normalised = sum(len(v) for v in moc.cells().values())
        print(f"{order:<11}{sql_seconds:>9.2f}{py_seconds:>22.2f}{cells:>11,}"
              f"{normalised:>18,}{ascii_length:>13,}{moc.sky_fraction:>14.4f}")


if __name__ == "__main__":
    main()
