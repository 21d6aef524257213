"""Import speed: ``dr imp`` against the physical limit, PostgreSQL's own COPY, in one run.

Generates an N-row catalogue CSV (id, ra, dec, mag, name and a 12-element
real[] column written as a PostgreSQL array literal), then on the same
database times

* ``dr imp`` end to end (a separate process, as a user runs it), and
* the same database work by hand: in one transaction, CREATE TABLE, ``COPY
  FROM`` the same file, the same primary key and pgsphere position index,
  ANALYZE, COMMIT.

Prints rows/s of both, their ratio and dr's peak RSS.  ``--grammar-path``
makes DR parse the file in Python (its path for anything PostgreSQL cannot
read directly) instead of handing the bytes to COPY.  Uses the configured
database (the embedded cluster by default).  Not a test: CI never runs it.

    .venv/bin/python bench/import.py --rows 2000000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from engine.config import load_config
from engine.db.connect import open_database
from rd.tablemeta import pos_index_expression

RD = """<resource schema="bench">
  <table id="cat" onDisk="True" adql="True" primary="id" mixin="//scs#pgs-pos-index">
    <column name="id" type="bigint" required="True" ucd="meta.id;meta.main"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="mag" type="real" unit="mag"/>
    <column name="name" type="text"/>
    <column name="flux" type="real[12]"/>
  </table>
  <data id="import">
    <sources pattern="cat.csv"/>
    <csvGrammar{grammar_options}/>
    <make table="cat"><rowmaker idmaps="*"/></make>
  </data>
</resource>
"""

MANUAL_DDL = """
CREATE TABLE bench.manual (id bigint NOT NULL, ra double precision NOT NULL,
  dec double precision NOT NULL, mag real, name text, flux real[])
"""


def write_catalog(path: Path, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    chunk = 100_000
    with open(path, "w") as out:
        out.write("id,ra,dec,mag,name,flux\n")
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            ids = np.arange(start + 1, start + n + 1)
            ra = rng.uniform(0, 360, n)
            dec = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
            mag = rng.normal(19, 1.5, n).astype(np.float32)
            flux = rng.lognormal(2, 1, (n, 12)).astype(np.float32)
            flux_txt = ["{" + ",".join(r) + "}" for r in flux.astype(str).tolist()]
            lines = [f'{i},{a!r},{d!r},{m},obj {i},"{f}"\n' for i, a, d, m, f in
                     zip(ids.tolist(), ra.tolist(), dec.tolist(), mag.astype(str).tolist(),
                         flux_txt)]
            out.writelines(lines)


# dr imp in its own process, reporting its own peak RSS from VmHWM (ru_maxrss
# survives exec and would include this process's pages from before it).
DR_IMP = """
import re, sys
from engine.cli import main
status = main(["imp", sys.argv[1]])
hwm = re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)
print("maxrss", hwm, file=sys.stderr)
sys.exit(status)
"""


def time_dr(workdir: Path, env: dict) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", DR_IMP, str(workdir / "q.rd")],
                          env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"dr imp failed:\n{proc.stderr}")
    rss_kb = int(proc.stderr.split("maxrss")[-1].split()[0])
    return elapsed, rss_kb


def time_manual(conn, csv_path: Path) -> float:
    start = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("CREATE SCHEMA IF NOT EXISTS bench")
        cur.execute("DROP TABLE IF EXISTS bench.manual")
        cur.execute(MANUAL_DDL)
        with open(csv_path, "rb") as f:
            cur.copy_expert("COPY bench.manual FROM STDIN WITH (FORMAT csv, HEADER)", f,
                            size=1 << 20)
        cur.execute("ALTER TABLE bench.manual ADD PRIMARY KEY (id)")
        cur.execute("CREATE INDEX ON bench.manual USING gist "
                    f"(({pos_index_expression('ra', 'dec')}))")
        cur.execute("ANALYZE bench.manual")
    conn.commit()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each (best kept)")
    parser.add_argument("--grammar-path", action="store_true",
                        help="make DR parse the CSV in Python (strip=True) instead of "
                             "letting PostgreSQL read it")
    args = parser.parse_args()

    cfg = load_config()
    db = open_database(cfg)
    workdir = Path(tempfile.mkdtemp(prefix="dr-bench-import-"))
    options = ' strip="True"' if args.grammar_path else ""
    (workdir / "q.rd").write_text(RD.replace("{grammar_options}", options))
    csv_path = workdir / "cat.csv"
    t0 = time.perf_counter()
    write_catalog(csv_path, args.rows)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"catalogue: {args.rows:,} rows, {size_mb:,.0f} MB "
          f"(written in {time.perf_counter() - t0:.1f} s)")

    env = dict(os.environ)
    conn = db.connect()
    dr_times, manual_times, rss = [], [], 0
    for _ in range(args.repeat):
        # Alternate, so neither side always runs on a warmer cache.
        manual_times.append(time_manual(conn, csv_path))
        elapsed, rss = time_dr(workdir, env)
        dr_times.append(elapsed)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM bench.cat")
        assert cur.fetchone()[0] == args.rows
        cur.execute("DROP TABLE bench.manual")
    conn.commit()
    conn.close()
    subprocess.run([sys.executable, "-m", "engine.cli", "drop", str(workdir / "q.rd")],
                   env=env, check=True, capture_output=True)

    dr_rate = args.rows / min(dr_times)
    manual_rate = args.rows / min(manual_times)
    print(f"dr imp (end to end):       {dr_rate:12,.0f} rows/s  (best of "
          f"{', '.join(f'{t:.2f}' for t in dr_times)} s)")
    print(f"COPY + indexes + ANALYZE:  {manual_rate:12,.0f} rows/s  (best of "
          f"{', '.join(f'{t:.2f}' for t in manual_times)} s)")
    print(f"ratio dr/limit: {dr_rate / manual_rate:.2f}  (target >= 0.7)")
    print(f"dr imp peak RSS: {rss / 1024:.0f} MB")
    for path in workdir.iterdir():
        path.unlink()
    workdir.rmdir()


if __name__ == "__main__":
    main()
