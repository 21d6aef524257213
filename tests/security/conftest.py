"""Servers for probing DR as an attacker or a careless client would — on loopback only.

* ``server``: ``dr serve`` with the demo imported and small limits, so each
  probe is quick; it may fetch upload URLs from loopback (``fetchPrivateHosts``),
  because the hostile upload host below runs there.
* ``strict_server``: the default fetch policy (no private or loopback hosts),
  nothing imported, a 2-second sync time limit; for proving that such URLs
  are refused, and that a slow query is stopped.
* ``hostile``: a small loopback HTTP server playing the hostile upload host
  (redirects to other schemes, endless bodies, slow drips of body or headers,
  dropped connections, a good VOTable).

Nothing here ever makes DR contact an address other than 127.0.0.1.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.servers import Server, start_server, stop_server

# Small limits make the probes quick; each test that relies on one names it.
UPLOAD_LIMIT = 2_000_000
BODY_LIMIT = 65_536
DB_CONNECTIONS = 4
DB_WAIT = 2
WRITE_TIMEOUT = 4
SYNC_TIMEOUT = 20
STRICT_SYNC_TIMEOUT = 2
SPOOL_LIMIT = 1_000_000
HARDENED_WEB = (f"uploadLimit = {UPLOAD_LIMIT}\nbodyLimit = {BODY_LIMIT}\n"
                f"spoolLimit = {SPOOL_LIMIT}\n"
                f"dbConnections = {DB_CONNECTIONS}\ndbWait = {DB_WAIT}\n"
                f"writeTimeout = {WRITE_TIMEOUT}\nuploadFetchTimeout = 3\n")

SMALL_VOTABLE = b"""<?xml version="1.0" encoding="utf-8"?>
<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">
<RESOURCE><TABLE><FIELD name="ra" datatype="double"/><FIELD name="name"
 datatype="char" arraysize="*"/>
<DATA><TABLEDATA><TR><TD>10.5</TD><TD>a</TD></TR></TABLEDATA></DATA>
</TABLE></RESOURCE></VOTABLE>
"""


@pytest.fixture(scope="session")
def server(pg_cluster, tmp_path_factory) -> Iterator[Server]:
    srv = start_server(pg_cluster.dsn, tmp_path_factory.mktemp("security"),
                       "security_demo", web=HARDENED_WEB + f"syncTimeout = {SYNC_TIMEOUT}\n"
                       "fetchPrivateHosts = True\n")
    yield srv
    stop_server(srv, pg_cluster.dsn, "security_demo")


@pytest.fixture(scope="session")
def strict_server(pg_cluster, tmp_path_factory) -> Iterator[Server]:
    srv = start_server(pg_cluster.dsn, tmp_path_factory.mktemp("strict"), "security_strict",
                       web=HARDENED_WEB + f"syncTimeout = {STRICT_SYNC_TIMEOUT}\n",
                       imports=())
    yield srv
    stop_server(srv, pg_cluster.dsn, "security_strict")


class _HostileHandler(http.server.BaseHTTPRequestHandler):
    """What the hostile upload host answers, by path."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.server.hits.append(self.path)
        path, _, query = self.path.partition("?")
        if path == "/votable":
            self._send(200, SMALL_VOTABLE, Content_Type="application/x-votable+xml")
        elif path == "/redirect":
            # /redirect?<target>: a 302 to whatever the test asks for.
            self._send(302, Location=query)
        elif path == "/loop":
            self._send(302, Location="/loop")
        elif path == "/huge":
            # An endless body: DR must stop reading at its limit.
            self.send_response(200)
            self.send_header("Content-Type", "application/x-votable+xml")
            self.end_headers()
            chunk = b"<!--" + b"x" * 65536 + b"-->\n"
            try:
                for _ in range(10_000):
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif path == "/slow":
            # One byte a second, forever: DR's total time limit must end it.
            self.send_response(200)
            self.send_header("Content-Type", "application/x-votable+xml")
            self.end_headers()
            try:
                for _ in range(600):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
        elif path == "/slowhead":
            # The headers themselves drip: the total time limit covers them too.
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                for _ in range(600):
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
        elif path == "/drop":
            # The connection closes without an answer.
            self.close_connection = True
        else:
            self._send(404, b"no such thing")


@dataclass
class Hostile:
    """The hostile host: ``url(path)`` names one of its answers; ``hits`` lists requests."""

    port: int
    hits: list[str]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture(scope="session")
def hostile() -> Iterator[Hostile]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostileHandler)
    httpd.daemon_threads = True
    httpd.hits = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Hostile(httpd.server_address[1], httpd.hits)
    httpd.shutdown()
    httpd.server_close()
