"""What the latency benchmarks share (bench/cone.py, bench/sia.py): a resource
imported into the configured database and served by ``dr serve`` on a free
loopback port, many small GET requests over one keep-alive connection, the
same SQL run directly, and the comparison printed against a target.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Site:
    port: int
    inputs: Path


@contextlib.contextmanager
def served(resdir: str, rd: str, write_data: Callable[[Path], None], dsn: str,
           what: str, web_config: str = "") -> Iterator[Site]:
    """``inputs/<resdir>/q.rd`` (text ``rd``, data written by ``write_data(dir)``),
    imported with ``dr imp`` and served by ``dr serve`` (with ``web_config`` lines
    added to its [web] section); dropped and removed after."""
    work = Path(tempfile.mkdtemp(prefix=f"dr-bench-{resdir}-"))
    inputs = work / "inputs"
    (inputs / resdir).mkdir(parents=True)
    (inputs / resdir / "q.rd").write_text(rd)
    write_data(inputs / resdir)
    port = free_port()
    config = work / "gavo.conf"
    config.write_text(f"[general]\nstateDir = {work / 'state'}\ninputsDir = {inputs}\n"
                      f"[db]\ndsn = {dsn}\n[web]\nserverPort = {port}\n{web_config}")
    env = dict(os.environ, DR_CONFIG=str(config))
    dr = [sys.executable, "-m", "engine.cli"]
    server = None
    try:
        t0 = time.perf_counter()
        subprocess.run([*dr, "imp", resdir], env=env, check=True)
        print(f"imported {what} in {time.perf_counter() - t0:.1f} s")
        server = subprocess.Popen([*dr, "serve"], env=env, stdout=subprocess.PIPE,
                                  text=True)
        if "listening" not in server.stdout.readline():
            sys.exit("dr serve did not start")
        yield Site(port, inputs)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        subprocess.run([*dr, "drop", resdir], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


# The columns write_catalog writes, as RD <column> elements (before any extra ones).
CATALOG_COLUMNS = """
    <column name="id" type="bigint" required="True" ucd="meta.id;meta.main" verbLevel="1"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"
      verbLevel="1"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"
      verbLevel="1"/>
    <column name="mag" type="real" unit="mag" ucd="phot.mag" verbLevel="5"/>"""


def write_catalog(path: Path, rows: int, extra_columns: Sequence[str] = (),
                  extra: Callable[[np.random.Generator, int], list[list[str]]] | None = None
                  ) -> None:
    """A CSV catalogue of ``rows`` positions uniform on the sky (columns id, ra, dec,
    mag) and ``extra_columns``, whose values ``extra(rng, n)`` gives as text, one
    list per column, for each batch of ``n`` rows."""
    rng = np.random.default_rng(7)
    with open(path, "w") as out:
        out.write(",".join(("id", "ra", "dec", "mag", *extra_columns)) + "\n")
        for start in range(0, rows, 200_000):
            n = min(200_000, rows - start)
            ra = rng.uniform(0, 360, n)
            dec = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))
            mag = rng.normal(19, 1.5, n)
            more = extra(rng, n) if extra else []
            out.writelines(f"{i},{a!r},{d!r},{m:.3f}{''.join(',' + x for x in rest)}\n"
                           for i, a, d, m, *rest in zip(range(start + 1, start + n + 1),
                                                        ra.tolist(), dec.tolist(),
                                                        mag.tolist(), *more))


def time_gets(port: int, paths: Sequence[str],
              headers: dict[str, str] | None = None) -> list[float]:
    """Seconds per GET of each path (with ``headers``), one after another over one
    connection; each answer must be a VOTable saying QUERY_STATUS OK."""
    times = []
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for path in paths:
        start = time.perf_counter()
        conn.request("GET", path, headers=headers or {})
        body = conn.getresponse().read()
        times.append(time.perf_counter() - start)
        assert b'QUERY_STATUS" value="OK"' in body, body[:500]
    conn.close()
    return times


def time_sql(cur, statements: Sequence[tuple[str, Sequence]]) -> tuple[list[float], int]:
    """Seconds per statement run and fetched, and the rows fetched in all."""
    times, rows = [], 0
    for sql, values in statements:
        start = time.perf_counter()
        cur.execute(sql, values)
        rows += len(cur.fetchall())
        times.append(time.perf_counter() - start)
    return times, rows


def report(label: str, http_times: list[float], raw_times: list[float],
           slack: float) -> None:
    """Median and p95 of both, and the target median ≤ 2 × raw + ``slack`` seconds."""
    med_http, med_raw = statistics.median(http_times), statistics.median(raw_times)
    for name, times, med in ((f"{label} over HTTP", http_times, med_http),
                             ("raw SQL (psycopg2)", raw_times, med_raw)):
        print(f"{name}: median {med * 1000:.2f} ms, "
              f"p95 {float(np.percentile(times, 95)) * 1000:.2f} ms")
    budget = 2 * med_raw + slack
    print(f"target median <= 2 x raw + {slack * 1000:.0f} ms = {budget * 1000:.2f} ms: "
          f"{'met' if med_http <= budget else 'NOT met'} "
          f"(ratio http/raw {med_http / med_raw:.1f})")
