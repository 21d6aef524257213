"""``dr serve`` killed with SIGKILL mid-stream, mid-upload and mid-job: nothing of the dead
server stays in PostgreSQL, no half-received body or half-written result is used, the
running job ends in ERROR saying why, and the restarted server serves as before."""

from __future__ import annotations

import os
import socket
import time
import urllib.parse
from pathlib import Path

import psycopg2
import pytest
import requests

from engine.uws.model import RESTART_MESSAGE
from tests.faults.conftest import Restartable
from tests.support import wait_until

# A cross join: a result far bigger than any socket buffer out of a small table.
CROSS = "SELECT a.id, b.id AS other, a.mag FROM faults.main AS a, faults.main AS b"
SMALL = "SELECT TOP 5 id, ra, dec FROM faults.main ORDER BY id"


def sql(dsn: str, query: str, args: tuple = ()) -> list[tuple]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(query, args)
        rows = cur.fetchall()
    conn.close()
    return rows


def backends(dsn: str) -> list[tuple]:
    """Every other backend of the server's database: (pid, application, state, locks)."""
    return sql(dsn, "SELECT a.pid, a.application_name, a.state, count(l.locktype)"
                    " FROM pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid"
                    " WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()"
                    " GROUP BY a.pid, a.application_name, a.state")


def none_left(dsn: str) -> bool:
    return not backends(dsn)


def serves_normally(server: Restartable) -> bool:
    response = requests.get(f"{server.url}/tap/sync", timeout=30,
                            params={"LANG": "ADQL", "QUERY": SMALL})
    return (response.status_code == 200 and b'QUERY_STATUS" value="OK"' in response.content
            and response.content.count(b"<FIELD") == 3)


def kill_and_restart(server: Restartable) -> float:
    """Kill the server, wait until PostgreSQL has forgotten it, start it again;
    the seconds PostgreSQL took."""
    server.kill()
    killed = time.monotonic()
    assert wait_until(lambda: none_left(server.dsn), 15), backends(server.dsn)
    gone = time.monotonic() - killed
    server.start()
    assert serves_normally(server)
    return gone


@pytest.fixture
def server(served: Restartable) -> Restartable:
    """The module's server, started again if a test before left it dead."""
    if served.server.process.poll() is not None:
        served.start()
    return served


def test_a_server_killed_mid_stream_leaves_no_backend_behind(server):
    query = urllib.parse.urlencode({"LANG": "ADQL", "QUERY": CROSS, "MAXREC": "10000000"})
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", int(server.url.rsplit(":", 1)[1])))
    sock.sendall(f"GET /tap/sync?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    received = b""
    while len(received) < 65536:  # the stream is under way
        received += sock.recv(65536)
    assert received.startswith(b"HTTP/1.1 200")
    assert [b for b in backends(server.dsn) if b[1] == "dr serve"]
    try:
        gone = kill_and_restart(server)
        sock.settimeout(10)
        rest = b""
        while chunk := sock.recv(1 << 20):
            rest += chunk
    except ConnectionResetError:
        rest = b""
    finally:
        sock.close()
    print(f"the streaming query's backend went {gone:.2f} s after the kill")
    # The client sees the document broken off, not a result that looks whole.
    assert not (received + rest).rstrip().endswith(b"</VOTABLE>")


def server_files(server: Restartable) -> list[Path]:
    """Files the server's process has open in its TMPDIR (spooled bodies)."""
    fds = Path(f"/proc/{server.server.process.pid}/fd")
    tmp = str(server.home / "tmp")
    found = []
    for fd in fds.iterdir():
        try:
            if os.readlink(fd).startswith(tmp):
                found.append(fd)
        except OSError:
            pass
    return found


def job_dirs(server: Restartable) -> set[str]:
    results = server.state / "uws"
    return {p.name for p in results.iterdir()} if results.exists() else set()


def upload_body(size: int) -> tuple[bytes, bytes]:
    """A multipart TAP async request whose inline upload is ``size`` bytes."""
    boundary = b"faultsboundary"
    head = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="LANG"\r\n\r\n'
            b"ADQL\r\n--" + boundary + b'\r\nContent-Disposition: form-data; name="QUERY"'
            b"\r\n\r\nSELECT * FROM TAP_UPLOAD.t\r\n--" + boundary +
            b'\r\nContent-Disposition: form-data; name="UPLOAD"\r\n\r\nt,param:t\r\n--'
            + boundary + b'\r\nContent-Disposition: form-data; name="t"; filename="t.xml"'
            b"\r\nContent-Type: application/x-votable+xml\r\n\r\n")
    filler = b"x" * (size - len(head) - 20)
    body = head + b"<!--" + filler + b"-->\r\n--" + boundary + b"--\r\n"
    return body, b"multipart/form-data; boundary=" + boundary


def test_a_server_killed_mid_upload_makes_no_job_and_leaves_no_file(server):
    jobs_before = sql(server.dsn, "SELECT count(*) FROM uws.jobs")[0][0]
    dirs_before = job_dirs(server)
    body, ctype = upload_body(4_000_000)
    half = len(body) // 2
    sock = socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1])))
    try:
        sock.sendall(b"POST /tap/async HTTP/1.1\r\nHost: x\r\nContent-Type: " + ctype +
                     b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body[:half])

        def spooled() -> bool:
            return any(fd.stat().st_size >= half - 65536 for fd in server_files(server))

        assert wait_until(spooled, 15), "the server never spooled the body it was sent"
        kill_and_restart(server)
    finally:
        sock.close()
    assert sql(server.dsn, "SELECT count(*) FROM uws.jobs")[0][0] == jobs_before
    assert job_dirs(server) == dirs_before
    assert not list((server.home / "tmp").iterdir())
    assert not server_files(server)


def post_job(server: Restartable, query: str, maxrec: int) -> str:
    response = requests.post(f"{server.url}/tap/async", allow_redirects=False, timeout=30,
                             data={"LANG": "ADQL", "QUERY": query, "MAXREC": str(maxrec),
                                   "PHASE": "RUN"})
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def phase(server: Restartable, job: str) -> str:
    return requests.get(f"{server.url}/tap/async/{job}/phase", timeout=30).text


def result_bytes(server: Restartable, job: str) -> int:
    return sum(f.stat().st_size for f in (server.state / "uws" / job).glob("result.*"))


def test_a_server_killed_mid_job_fails_the_job_and_serves_no_partial_result(server):
    job = post_job(server, CROSS, 10_000_000)
    assert wait_until(lambda: result_bytes(server, job) > 0, 30), phase(server, job)
    [(worker, backend)] = sql(server.dsn, "SELECT worker_pid, backend_pid FROM uws.jobs"
                                          " WHERE job_id = %s", (job,))
    server.kill()
    killed = time.monotonic()
    assert wait_until(lambda: not os.path.exists(f"/proc/{worker}"), 10), "worker lives"
    assert wait_until(lambda: none_left(server.dsn), 15), backends(server.dsn)
    print(f"worker and its query (backend {backend}) gone "
          f"{time.monotonic() - killed:.2f} s after the kill")
    server.start()
    started = time.monotonic()
    assert wait_until(lambda: phase(server, job) == "ERROR", 15), phase(server, job)
    print(f"the job was ERROR {time.monotonic() - started:.2f} s after the restart")
    # Its half-written result is deleted, not kept until the job's destruction.
    assert wait_until(lambda: not (server.state / "uws" / job).exists(), 5)
    error = requests.get(f"{server.url}/tap/async/{job}/error", timeout=30)
    assert RESTART_MESSAGE in error.text
    results = requests.get(f"{server.url}/tap/async/{job}/results", timeout=30)
    assert b"result" not in results.content.split(b"<uws:results", 1)[1]
    assert requests.get(f"{server.url}/tap/async/{job}/results/result",
                        timeout=30).status_code == 404
    # The same query, smaller, runs to the end on the restarted server.
    again = post_job(server, CROSS, 1000)
    assert wait_until(lambda: phase(server, again) in ("COMPLETED", "ERROR"), 30)
    assert phase(server, again) == "COMPLETED"
    assert serves_normally(server)
