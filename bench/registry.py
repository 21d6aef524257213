"""What the publishing registry costs: a full OAI-PMH ListRecords harvest of many records.

Writes an RD of N tables (default 10,000), each publishing itself in
``ivo_managed``, registers them with ``dr pub``, starts ``dr serve`` on a free
loopback port and harvests every record with ListRecords (``ivo_vor``),
following the resumption tokens page by page over one keep-alive connection.
It prints records per second and the server's resident memory after the first
and the last page (pages are built one at a time, so it should stay flat),
the time the server took to load the RDs and bring the records' digests up to
date, and, as the physical limit, the same pages of headers read straight
from ``dc.resources`` with psycopg2 (the keyset query the server runs, no XML).
Uses the configured database (the embedded cluster by default) and removes
its records afterwards.  Not a test: CI never runs it.

    .venv/bin/python bench/registry.py [--records N] [--page N]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import psycopg2
from _latency import free_port

from engine.config import load_config
from engine.db.connect import open_database

RESDIR = "benchreg"
RD_ID = f"{RESDIR}/q"  # what the resource directory's q.rd is called
OAI = "{http://www.openarchives.org/OAI/2.0/}"


def write_rd(path: Path, records: int) -> None:
    tables = "\n".join(
        f'<table id="t{i:06d}" adql="True" description="Generated table {i}">'
        '<column name="x" type="real" unit="mag" ucd="phot.mag"/>'
        '<column name="y" type="text"/><publish sets="ivo_managed"/></table>'
        for i in range(records))
    path.write_text(f'<resource schema="{RESDIR}"><meta name="title">Registry benchmark'
                    '</meta><meta name="description">Generated tables</meta>'
                    f'<meta name="subject">benchmarks</meta>{tables}</resource>')


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def harvest(port: int, pid: int) -> tuple[int, int, float, list[int]]:
    """(records, bytes, seconds, server RSS after each page) of a full harvest."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    query = {"verb": "ListRecords", "metadataPrefix": "ivo_vor"}
    records = size = 0
    rss = []
    started = time.perf_counter()
    while True:
        conn.request("GET", "/oai.xml?" + urllib.parse.urlencode(query))
        body = conn.getresponse().read()
        size += len(body)
        records += body.count(b"<oai:record>")
        rss.append(rss_kib(pid))
        token = re.search(rb"<oai:resumptionToken>([^<]+)</oai:resumptionToken>", body)
        if token is None:
            break
        query = {"verb": "ListRecords", "resumptionToken": token.group(1).decode()}
    return records, size, time.perf_counter() - started, rss


def raw_pages(dsn: str, page: int) -> tuple[int, float]:
    """The same pages of headers, read straight from dc.resources."""
    conn = psycopg2.connect(dsn)
    rows = 0
    started = time.perf_counter()
    with conn.cursor() as cur:
        after = None
        while True:
            if after is None:
                cur.execute("SELECT ivoid, rd_id, kind, res_id, sets, created, updated, "
                            "deleted FROM dc.resources ORDER BY updated, ivoid LIMIT %s",
                            (page + 1,))
            else:
                cur.execute("SELECT ivoid, rd_id, kind, res_id, sets, created, updated, "
                            "deleted FROM dc.resources WHERE (updated, ivoid) > (%s, %s) "
                            "ORDER BY updated, ivoid LIMIT %s", (*after, page + 1))
            found = cur.fetchall()[:page]
            rows += len(found)
            if len(found) < page:
                break
            after = (found[-1][6], found[-1][0])
    elapsed = time.perf_counter() - started
    conn.close()
    return rows, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--page", type=int, default=100)
    args = parser.parse_args()

    dsn = open_database(load_config()).dsn
    work = Path(tempfile.mkdtemp(prefix="dr-bench-registry-"))
    inputs = work / "inputs"
    (inputs / RESDIR).mkdir(parents=True)
    write_rd(inputs / RESDIR / "q.rd", args.records)
    port = free_port()
    config = work / "gavo.conf"
    config.write_text(f"[general]\nstateDir = {work / 'state'}\ninputsDir = {inputs}\n"
                      f"[db]\ndsn = {dsn}\n[web]\nserverPort = {port}\n"
                      f"[ivoa]\noaiPageSize = {args.page}\n")
    env = dict(os.environ, DR_CONFIG=str(config))
    dr = [sys.executable, "-m", "engine.cli"]
    server = None
    try:
        subprocess.run([*dr, "pub", RESDIR], env=env, check=True, stdout=subprocess.DEVNULL)
        started = time.perf_counter()
        server = subprocess.Popen([*dr, "serve"], env=env, stdout=subprocess.PIPE,
                                  text=True)
        if "listening" not in server.stdout.readline():
            sys.exit("dr serve did not start")
        loaded = time.perf_counter() - started
        records, size, seconds, rss = harvest(port, server.pid)
        raw_rows, raw_seconds = raw_pages(dsn, args.page)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        conn = psycopg2.connect(dsn)
        with conn.cursor() as cur:
            cur.execute("DELETE FROM dc.resources WHERE rd_id = %s", (RD_ID,))
        conn.commit()
        conn.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"dr serve loaded {args.records:,} tables and the records' digests in "
          f"{loaded:.1f} s")
    print(f"ListRecords: {records:,} records in {seconds:.2f} s "
          f"({records / seconds:,.0f} records/s, {size / seconds / 1e6:.1f} MB/s, "
          f"pages of {args.page})")
    print(f"raw SQL, the same pages of headers: {raw_rows:,} rows in {raw_seconds:.2f} s "
          f"({raw_rows / raw_seconds:,.0f} rows/s); harvest/raw time ratio "
          f"{seconds / raw_seconds:.1f}")
    print(f"server RSS after the first page {rss[0] / 1024:.0f} MiB, after the last "
          f"{rss[-1] / 1024:.0f} MiB ({len(rss)} pages)")


if __name__ == "__main__":
    main()
