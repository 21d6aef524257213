"""SSA 1.1 latency: ssap.xml over HTTP against the same SQL through psycopg2.

Builds a table of 100,000 spectra mixing in //ssap#hcd with ``dr imp``
(generated rows, no files: positions uniform on the sphere, optical or
near-infrared wavelength ranges, dates, target names, accrefs), starts
``dr serve`` with an ssapCore service over it (//ssap#hcd_condDescs), and runs
300 SSA queries ``REQUEST=queryData&POS=ra,dec&SIZE=1`` (a cone of 1° diameter)
at random centres, one after another, over one keep-alive HTTP connection;
then 300 more with ``BAND=5e-7`` as well (spectra covering 500 nm).  For each
query it then runs the SQL the service runs (the same statement, built in
process by engine.ssa.ssa1.build_query as the renderer builds it, with the
server's configuration) directly through psycopg2, fetching every row.
Prints median and p95 latency of both and the target check (median ≤ 2 × raw
+ 10 ms) for each series.  Uses the configured database (the embedded cluster
by default); the bench schema is dropped and the server stopped at the end.
Not a test: CI never runs it.

    .venv/bin/python bench/ssa.py [--rows N] [--queries N]
"""

from __future__ import annotations

import argparse
import http.client
import urllib.parse
from pathlib import Path

import numpy as np
from _latency import report, served, time_gets, time_sql

from engine.config import load_config
from engine.db.connect import open_database
from engine.db.metadata import served_metadata
from engine.services.conddescs import Context
from engine.services.core import BoundService
from engine.services.params import Params
from engine.ssa import ssa1
from rd.loader import load_rd_file

RESDIR = "benchssa"
SERVICE = f"/{RESDIR}/q/ssa/ssap.xml"
SIZE = 1.0  # degrees, the cone's diameter: about two spectra per query
BAND = "5e-7"  # metres: about half the spectra cover it
RD = r"""<resource schema="bench_ssa">
  <meta name="title">SSA benchmark spectra</meta>
  <meta name="description">Generated spectra (no files) for bench/ssa.py.</meta>
  <meta name="creationDate">2026-12-06T00:00:00Z</meta>
  <table id="spectra" onDisk="True" adql="True">
    <mixin fluxCalibration="RELATIVE" fluxUnit="" spectralUnit="Angstrom"
      collection="bench spectra" instrument="bench" dataSource="survey"
      creationType="archival">//ssap#hcd</mixin>
  </table>
  <data id="import">
    <sources pattern="spectra.csv"/>
    <csvGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.spectra"</bind>
        <bind key="accref">@accref</bind>
        <bind key="path">@accref</bind>
        <bind key="fsize">int(@fsize)</bind>
        <bind key="mime">"application/x-votable+xml"</bind>
        <bind key="preview">None</bind>
      </rowfilter>
    </csvGrammar>
    <make table="spectra">
      <rowmaker idmaps="*">
        <apply procDef="//ssap#setMeta">
          <bind key="pubDID">"ivo://bench.example/ssa?" + @accref</bind>
          <bind key="dstitle">@target + " spectrum"</bind>
          <bind key="targname">@target</bind>
          <bind key="targclass">"star"</bind>
          <bind key="alpha">@ra</bind>
          <bind key="delta">@dec</bind>
          <bind key="aperture">0.0005</bind>
          <bind key="dateObs">float(@mjd)</bind>
          <bind key="timeExt">@exptime</bind>
          <bind key="specstart">@specstart</bind>
          <bind key="specend">@specend</bind>
          <bind key="length">@length</bind>
          <bind key="bandpass">@bandpass</bind>
        </apply>
      </rowmaker>
    </make>
  </data>
  <service id="ssa" allowed="ssap.xml">
    <meta name="shortName">bench SSA</meta>
    <meta name="title">SSA benchmark</meta>
    <meta name="description">SSA 1.1 over the benchmark spectra.</meta>
    <ssapCore queriedTable="spectra">
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>
</resource>
"""


def write_spectra(path: Path, rows: int) -> None:
    rng = np.random.default_rng(7)
    ra = rng.uniform(0, 360, rows)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, rows)))
    optical = rng.random(rows) < 0.7
    start = np.where(optical, rng.uniform(3.5e-7, 4.5e-7, rows),
                     rng.uniform(0.9e-6, 1.1e-6, rows))
    end = start + np.where(optical, rng.uniform(2e-7, 4e-7, rows),
                           rng.uniform(0.5e-6, 1.5e-6, rows))
    mjd = rng.uniform(51000, 60000, rows)
    exptime = rng.uniform(60, 3600, rows)
    length = rng.integers(1000, 5000, rows)
    with open(path, "w") as out:
        out.write("accref,ra,dec,mjd,exptime,specstart,specend,length,fsize,target,"
                  "bandpass\n")
        out.writelines(
            f"benchssa/spec{i:06d}.vot,{a!r},{d!r},{m:.5f},{x:.1f},{s:.4e},{e:.4e},"
            f"{n},{n * 24 + 2000},BS {i:06d},{'optical' if o else 'near-infrared'}\n"
            for i, (a, d, m, x, s, e, n, o) in enumerate(zip(
                ra.tolist(), dec.tolist(), mjd.tolist(), exptime.tolist(),
                start.tolist(), end.tolist(), length.tolist(), optical.tolist()), 1))


def rows_served(port: int, paths: list[str]) -> list[int]:
    """The rows (TR elements) of each answer: the service returns what the SQL does."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    counts = []
    for path in paths:
        conn.request("GET", path)
        counts.append(conn.getresponse().read().count(b"<TR>"))
    conn.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    db = open_database(load_config())
    rng = np.random.default_rng(11)
    centres = list(zip(rng.uniform(0, 360, args.queries).tolist(),
                       np.degrees(np.arcsin(rng.uniform(-1, 1, args.queries))).tolist()))
    series = {"POS+SIZE": [[("REQUEST", "queryData"), ("POS", f"{ra},{dec}"),
                            ("SIZE", str(SIZE))] for ra, dec in centres]}
    series["POS+SIZE+BAND"] = [[*q, ("BAND", BAND)] for q in series["POS+SIZE"]]
    with served(RESDIR, RD, lambda d: write_spectra(d / "spectra.csv", args.rows),
                db.dsn, f"{args.rows:,} spectra") as site:
        # The server's own configuration: its serverURL is in the accref URLs.
        cfg = load_config({"DR_CONFIG": str(site.inputs.parent / "gavo.conf")})
        paths = {name: [f"{SERVICE}?{urllib.parse.urlencode(q)}" for q in queries]
                 for name, queries in series.items()}
        http_times = {name: time_gets(site.port, p) for name, p in paths.items()}
        rd = load_rd_file(site.inputs / RESDIR / "q.rd", f"{RESDIR}/q")
        pg = db.connect()
        with pg.cursor() as cur:
            cur.execute("SELECT unicode_columns FROM dc.tables WHERE table_name = %s",
                        ("bench_ssa.spectra",))
            imported = {"unicode_columns": cur.fetchone()[0]}
        table = rd.resolve_table("spectra", rd)
        bound = BoundService(rd, rd.service("ssa"), {},
                             served_metadata(table, imported))
        results = {}
        with pg.cursor() as cur:
            for name, queries in series.items():
                plans = [ssa1.build_query(bound, Params(q), Context(cur, []),
                                          limit=cfg.web.maxrec, verb=None,
                                          server_url=cfg.web.server_url)
                         for q in queries]
                results[name] = time_sql(cur, [(p.sql, p.values) for p in plans])
                # Untimed: the same rows both ways, query by query.
                expected = []
                for p in plans:
                    cur.execute(p.sql, p.values)
                    expected.append(len(cur.fetchall()))
                assert rows_served(site.port, paths[name]) == expected, name
        pg.rollback()
        pg.close()
    for name in series:
        raw_times, found = results[name]
        print(f"\n{name}: {found / len(centres):.2f} spectra per query on average")
        report(f"ssap.xml {name}", http_times[name], raw_times, 0.010)


if __name__ == "__main__":
    main()
