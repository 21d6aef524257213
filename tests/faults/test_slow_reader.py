"""A slow client cannot keep a database connection: a result read whole gives it back at
once, and one still streaming after ``[web] syncTimeout`` seconds is ended with an error
and gives it back then — shown with a single connection that a second request gets."""

from __future__ import annotations

import io
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator

import pytest
import requests
from astropy.io import fits

from tests.faults.conftest import Restartable, retire, serve
from tests.support import wait_until

SYNC_TIMEOUT = 3
# One connection only: whoever holds it makes the next request wait dbWait, then 503.
SLOW_WEB = (f"dbConnections = 1\ndbWait = 1\nsyncTimeout = {SYNC_TIMEOUT}\n"
            "writeTimeout = 20\n")
HUGE = "SELECT a.id, b.id AS other, a.mag FROM faults.main AS a, faults.main AS b"
SMALL = "SELECT TOP 3 id FROM faults.main"


@pytest.fixture(scope="module")
def slow_server(pg_cluster, faults_template, faults_inputs, tmp_path_factory
                ) -> Iterator[Restartable]:
    srv = serve(pg_cluster.dsn, faults_template, faults_inputs,
                tmp_path_factory.mktemp("faults-slow"), web=SLOW_WEB)
    yield srv
    retire(srv, pg_cluster.dsn)


def ask(server: Restartable, query: str, receive_buffer: int, **more: str
        ) -> socket.socket:
    """A raw HTTP/1.0 client of a TAP sync query (no chunks: the body ends with the
    connection), with a small receive buffer."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.connect(("127.0.0.1", int(server.url.rsplit(":", 1)[1])))
    params = urllib.parse.urlencode({"LANG": "ADQL", "QUERY": query, "MAXREC": "10000000",
                                     **more})
    sock.sendall(f"GET /tap/sync?{params} HTTP/1.0\r\n\r\n".encode())
    return sock


def small_query_status(server: Restartable) -> int:
    return requests.get(f"{server.url}/tap/sync", params={"LANG": "ADQL", "QUERY": SMALL},
                        timeout=30).status_code


class SteadyReader(threading.Thread):
    """Reads 16 KiB four times a second until the server ends the response, or as fast
    as it can once told to ``hurry``."""

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(daemon=True)
        self.sock, self.data = sock, bytearray()
        self.hurry = threading.Event()

    def run(self) -> None:
        self.sock.settimeout(30)
        while chunk := self.sock.recv(65536 if self.hurry.is_set() else 16384):
            self.data += chunk
            if not self.hurry.is_set():
                time.sleep(0.25)


def test_a_slow_reader_of_a_big_result_gives_the_connection_back_after_sync_timeout(
        slow_server):
    reader = SteadyReader(ask(slow_server, HUGE, 16384))
    reader.start()
    started = time.monotonic()
    try:
        assert wait_until(lambda: reader.data, 10)
        # While the reader holds the only connection, others are told to come back.
        assert small_query_status(slow_server) == 503
        assert wait_until(lambda: small_query_status(slow_server) == 200,
                          SYNC_TIMEOUT + 5)
        print(f"the connection came back {time.monotonic() - started:.1f} s after the "
              f"request (syncTimeout {SYNC_TIMEOUT} s), {len(reader.data):,} bytes read")
        reader.hurry.set()
        reader.join(60)
        assert not reader.is_alive()
    finally:
        reader.sock.close()
    # The reader was not dropped: its document ends, saying why it is cut short.
    tail = bytes(reader.data[-4096:])
    assert b'<INFO name="QUERY_STATUS" value="ERROR">' in tail
    assert b"time limit" in tail
    assert tail.endswith(b"</VOTABLE>\n")


def test_a_result_read_whole_frees_the_connection_while_its_client_stalls(slow_server):
    sock = ask(slow_server, "SELECT TOP 5000 * FROM faults.main", 4096)
    try:
        sock.settimeout(10)
        assert sock.recv(12, socket.MSG_PEEK) == b"HTTP/1.0 200"
        # The client reads nothing more, yet the next request gets the connection.
        assert wait_until(lambda: small_query_status(slow_server) == 200, 10)
    finally:
        sock.close()


def test_a_slow_reader_of_a_spooled_fits_result_gets_it_whole(slow_server):
    rows = 300_000
    reader = SteadyReader(ask(slow_server, f"SELECT TOP {rows} * FROM ({HUGE}) AS q",
                              16384, RESPONSEFORMAT="fits"))
    reader.start()
    started = time.monotonic()
    try:
        assert wait_until(lambda: reader.data, 10)
        # The file is spooled whole before it is sent: the connection is free
        # while the client takes its time, longer than syncTimeout.
        assert wait_until(lambda: small_query_status(slow_server) == 200, SYNC_TIMEOUT)
        time.sleep(max(0.0, started + SYNC_TIMEOUT + 1 - time.monotonic()))
        assert reader.is_alive()
        reader.hurry.set()
        reader.join(60)
    finally:
        reader.sock.close()
    head, _, body = bytes(reader.data).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200")
    with fits.open(io.BytesIO(body)) as hdus:
        assert len(hdus[1].data) == rows
