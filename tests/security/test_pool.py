"""Database connections cannot be exhausted: a cap, 503 when busy, stalled clients dropped,
and a database that is down is a 503 — with the server recovering afterwards."""

from __future__ import annotations

import socket
import time
import urllib.parse

import psycopg2
import pytest
import requests

from engine.db.dsn import with_dbname
from tests.security.conftest import DB_CONNECTIONS, DB_WAIT, HARDENED_WEB, WRITE_TIMEOUT
from tests.servers import start_server, stop_server

BIG_QUERY = "/tap/sync?" + urllib.parse.urlencode(
    {"LANG": "ADQL", "QUERY": "SELECT * FROM jplus.main", "MAXREC": "100000"})
CONE = "/califa/q/cone/scs.xml?RA=232.65&DEC=42.72&SR=0.5"


def dr_backends(dsn: str) -> int:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND application_name = 'dr serve'")
        return cur.fetchone()[0]


def stalled_client(server, path: str, receive_buffer: int = 4096) -> socket.socket:
    """A client that asks for a big result (and does not read it by itself)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(("127.0.0.1", server.port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return sock


TCP_ESTABLISHED = 1


def released(sock: socket.socket) -> bool:
    """Whether this client no longer holds anything on the server: the server closed
    its connection (TCP state no longer ESTABLISHED; Linux's TCP_INFO), or it was
    refused with a 503.  Nothing is read, which would be progress the server sees."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
    if state != TCP_ESTABLISHED:
        return True
    sock.setblocking(False)
    try:
        return sock.recv(12, socket.MSG_PEEK) == b"HTTP/1.1 503"
    except BlockingIOError:
        return False


def test_clients_that_never_read_cannot_exhaust_the_database_connections(server):
    stalled = [stalled_client(server, BIG_QUERY) for _ in range(DB_CONNECTIONS + 4)]
    try:
        time.sleep(1)
        assert dr_backends(server.dsn) <= DB_CONNECTIONS
        started = time.monotonic()
        status, headers, body = server.get(CONE)
        waited = time.monotonic() - started
        # Every connection is pinned: the cone waits at most dbWait, then 503.
        assert status == 503, body[:300]
        assert headers.get("Retry-After", "").isdigit()
        assert b"busy" in body
        assert waited < DB_WAIT + 1.5
        # After writeTimeout the stalled clients are dropped and their queries
        # cancelled; the server serves again.
        deadline = time.monotonic() + WRITE_TIMEOUT + 10
        while time.monotonic() < deadline and not all(released(s) for s in stalled):
            time.sleep(0.5)
        assert all(released(s) for s in stalled)
        assert server.get(CONE)[0] == 200
        assert dr_backends(server.dsn) <= DB_CONNECTIONS
    finally:
        for sock in stalled:
            sock.close()


def test_a_client_reading_slowly_but_steadily_is_not_dropped(server):
    sock = stalled_client(server, BIG_QUERY, receive_buffer=65536)
    received = 0
    try:
        # Read up to 64 KiB every half second (about 1/16 of the server's write
        # slice each time), for longer than the write timeout.
        deadline = time.monotonic() + WRITE_TIMEOUT + 3
        while time.monotonic() < deadline:
            sock.settimeout(5)
            chunk = sock.recv(65536)
            assert chunk, "the server dropped a client that was reading"
            received += len(chunk)
            time.sleep(0.5)
    finally:
        sock.close()
    assert received > 0


@pytest.fixture
def fragile_server(pg_cluster, tmp_path):
    srv = start_server(pg_cluster.dsn, tmp_path, "security_fragile", web=HARDENED_WEB,
                       imports=())
    yield srv
    set_connections(pg_cluster.dsn, "security_fragile", allowed=True)
    stop_server(srv, pg_cluster.dsn, "security_fragile")


def set_connections(cluster_dsn: str, dbname: str, *, allowed: bool) -> None:
    admin = psycopg2.connect(with_dbname(cluster_dsn, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS {str(allowed).lower()}")
        if not allowed:
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s", (dbname,))
    admin.close()


def test_a_database_that_is_down_is_a_503_and_availability_says_so(pg_cluster,
                                                                     fragile_server):
    query = {"LANG": "ADQL", "QUERY": "SELECT TOP 1 * FROM tap_schema.tables"}
    assert requests.get(f"{fragile_server.url}/tap/sync", params=query,
                        timeout=30).status_code == 200
    set_connections(pg_cluster.dsn, "security_fragile", allowed=False)
    for _ in range(2):  # the first meets a pooled connection that broke, then new ones
        response = requests.get(f"{fragile_server.url}/tap/sync", params=query, timeout=30)
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"].isdigit()
        assert "database" in response.text
    response = requests.post(f"{fragile_server.url}/tap/async", data=query, timeout=30,
                             allow_redirects=False)
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"].isdigit()
    status, _, body = fragile_server.get("/tap/availability")
    assert status == 200
    assert b"available>false</" in body
    set_connections(pg_cluster.dsn, "security_fragile", allowed=True)
    assert requests.get(f"{fragile_server.url}/tap/sync", params=query,
                        timeout=30).status_code == 200
    assert b"available>true</" in fragile_server.get(
        "/tap/availability")[2]
