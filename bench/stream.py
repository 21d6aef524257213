"""Result streaming speed: a BINARY2 VOTable of N rows against merely reading the rows.

Creates a table of N rows (id bigint, ra/dec double, three reals, a text and
a real[12]) in the configured database (the embedded cluster by default),
then times, for ``SELECT * FROM`` it:

* DR: ``fetch_batches`` + the BINARY2 VOTable writer, bytes discarded
  (in-process), once per fetch method and with the automatic choice;
* DR over HTTP: the same served by a bare ``http.server`` and read to the end
  by ``http.client`` on a real socket (no web framework involved);
* the limit: the faster of reading the rows through a psycopg2 server-side
  cursor and ``COPY (query) TO STDOUT (FORMAT binary)`` read to the end.

Prints rows/s (best of ``--repeat`` runs), the ratio DR/limit (target ≥ 0.5)
and the peak RSS, then drops the table.  Not a test: CI never runs it.

    .venv/bin/python bench/stream.py --rows 1000000
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import resource
import threading
import time
from collections.abc import Callable

from engine.config import load_config
from engine.db.connect import open_database
from engine.db.fetch import fetch_batches
from engine.formats.votable import VOTableWriter
from engine.formats.writer import Status
from rd.tablemeta import ResultColumn

TABLE = "dr_bench_stream"
QUERY = f"SELECT * FROM {TABLE}"
COLUMNS = [
    ResultColumn("id", "long", ucd="meta.id;meta.main"),
    ResultColumn("ra", "double", unit="deg", ucd="pos.eq.ra;meta.main"),
    ResultColumn("dec", "double", unit="deg", ucd="pos.eq.dec;meta.main"),
    ResultColumn("mag_g", "float", unit="mag"),
    ResultColumn("mag_r", "float", unit="mag"),
    ResultColumn("mag_i", "float", unit="mag"),
    ResultColumn("name", "char", "*"),
    ResultColumn("flux", "float", "12"),
]


def create_table(conn, rows: int) -> None:
    with conn.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cur.execute(f"""CREATE TABLE {TABLE} AS SELECT g::bigint AS id,
            random() * 360 AS ra, degrees(asin(2 * random() - 1)) AS dec,
            (18 + 4 * random())::real AS mag_g, (18 + 4 * random())::real AS mag_r,
            (18 + 4 * random())::real AS mag_i, 'obj ' || g AS name,
            ARRAY(SELECT (random() * 100)::real FROM generate_series(1, 12) WHERE g > 0)
              AS flux
            FROM generate_series(1, %s) AS g""", (rows,))
        cur.execute(f"ANALYZE {TABLE}")
    conn.commit()


def timed(run: Callable[[], int], repeat: int) -> tuple[float, int]:
    """The best time of ``repeat`` runs (the machine may be busy with other work)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        count = run()
        best = min(best, time.perf_counter() - start)
    return best, count


def stream_votable(conn, sink: Callable[[bytes], object], method: str = "auto") -> int:
    writer = VOTableWriter(COLUMNS, infos=[("QUERY", QUERY)])
    sink(writer.head())
    rows = 0
    for batch in fetch_batches(conn, QUERY, None, COLUMNS, method=method):
        sink(writer.batch(batch))
        rows += batch.length
    sink(writer.tail(Status.ok()))
    conn.rollback()
    return rows


def read_cursor(conn) -> int:
    rows = 0
    with conn.cursor(name="bench") as cur:
        cur.itersize = 10_000
        cur.execute(QUERY)
        while chunk := cur.fetchmany(10_000):
            rows += len(chunk)
    conn.rollback()
    return rows


class _Counter:
    def __init__(self) -> None:
        self.calls = 0

    def write(self, data: bytes) -> None:
        self.calls += 1


def read_copy(conn) -> int:
    counter = _Counter()
    with conn.cursor() as cur:
        cur.copy_expert(f"COPY ({QUERY}) TO STDOUT (FORMAT binary)", counter)
    conn.rollback()
    return counter.calls - 1  # the last message is the trailer


def over_http(database) -> int:
    """Serve the VOTable on a local socket and read it to the end; returns rows sent."""
    sent: list[int] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-votable+xml")
            self.end_headers()
            conn = database.connect()
            try:
                sent.append(stream_votable(conn, self.wfile.write))
            finally:
                conn.close()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    client = http.client.HTTPConnection("127.0.0.1", server.server_address[1])
    client.request("GET", "/")
    response = client.getresponse()
    while response.read(1 << 20):
        pass
    client.close()
    thread.join()
    server.server_close()
    return sent[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement")
    args = parser.parse_args()
    database = open_database(load_config())
    conn = database.connect()
    try:
        print(f"creating {args.rows} rows ...", flush=True)
        create_table(conn, args.rows)
        out = bytearray(8)

        def discard(data: bytes) -> None:
            out[:] = data[:8]

        results = {}
        for label, run in (
                ("DR BINARY2 (auto)", lambda: stream_votable(conn, discard)),
                ("DR BINARY2 via COPY", lambda: stream_votable(conn, discard, "copy")),
                ("DR BINARY2 via cursor", lambda: stream_votable(conn, discard, "cursor"))):
            results[label] = timed(run, args.repeat)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        results["DR BINARY2 over HTTP"] = timed(lambda: over_http(database), args.repeat)
        results["psycopg2 server-side cursor"] = timed(lambda: read_cursor(conn), args.repeat)
        results["COPY binary to the end"] = timed(lambda: read_copy(conn), args.repeat)
        for label, (seconds, rows) in results.items():
            rate = rows / seconds
            print(f"{label:30s} {rows:>9d} rows {seconds:7.2f} s {rate:>11,.0f} rows/s")
        limit = min(results["psycopg2 server-side cursor"][0],
                    results["COPY binary to the end"][0])
        for label in ("DR BINARY2 (auto)", "DR BINARY2 over HTTP"):
            print(f"ratio {label} / limit: {limit / results[label][0]:.2f} (target >= 0.5)")
        print(f"peak RSS of the in-process DR runs: {rss_mb:.0f} MB")
    finally:
        conn.rollback()
        with conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.commit()
        conn.close()


if __name__ == "__main__":
    main()
