"""A real UWS server (tests/uws/harness.py) on a fresh database, and HTTP helpers.

Each test gets its own server process on the ``db`` fixture's database, with
real worker processes; ``uws.restart()`` kills it hard and starts it again,
as a crash would.  Every XML document fetched is validated against UWS.xsd.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from lxml import etree

from engine.config import CHECKOUT_ROOT
from tests.web.schemata import assert_valid

NS = {"uws": "http://www.ivoa.net/xml/UWS/v1.0", "xlink": "http://www.w3.org/1999/xlink"}
BASE = "/tap/async"


@dataclass
class UWSServer:
    url: str
    config: Path
    state: Path
    process: subprocess.Popen | None = None
    output: list[str] = field(default_factory=list, repr=False)

    # -- the process -----------------------------------------------------------------

    def start(self) -> None:
        env = dict(os.environ, DR_CONFIG=str(self.config), PYTHONPATH=str(CHECKOUT_ROOT))
        env.pop("DR_STATE_DIR", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.uws.harness"], cwd=CHECKOUT_ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if "listening on" not in line:
            self.process.kill()
            pytest.fail(f"the UWS harness did not start: {line}{self.process.stderr.read()}")
        threading.Thread(target=self._collect, args=(self.process.stderr,),
                         daemon=True).start()

    def _collect(self, stream) -> None:
        for line in stream:
            self.output.append(line)

    def kill(self) -> None:
        """Stop the server as a crash would (SIGKILL)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def restart(self) -> None:
        self.kill()
        self.start()

    @property
    def log(self) -> str:
        return "".join(self.output)

    # -- HTTP --------------------------------------------------------------------------

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(method, self.url + path, allow_redirects=False,
                                    timeout=90, **kwargs)
        assert b"Traceback" not in response.content, response.text
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data=None, **kwargs) -> requests.Response:
        return self.request("POST", path, data=data, **kwargs)

    def xml(self, path: str, **kwargs) -> etree._Element:
        """GET an XML document, asserting 200 and validity against UWS.xsd."""
        response = self.get(path, **kwargs)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        return assert_valid(response.content, "UWS.xsd")

    def create(self, data=None, **kwargs) -> str:
        """POST a new job; returns its id (asserting the 303 to the job)."""
        response = self.post(BASE, data=data, **kwargs)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert location.startswith(f"{self.url}{BASE}/")
        return location.rsplit("/", 1)[1]

    def phase(self, job_id: str, **kwargs) -> str:
        response = self.get(f"{BASE}/{job_id}/phase", **kwargs)
        assert response.status_code == 200, response.text
        return response.text

    def wait_for(self, job_id: str, *phases: str, timeout: float = 30,
                 **kwargs) -> etree._Element:
        """The job document once the job is in one of ``phases`` (via WAIT)."""
        deadline = time.monotonic() + timeout
        while True:
            doc = self.xml(f"{BASE}/{job_id}", params={"WAIT": "5"}, **kwargs)
            phase = text(doc, "uws:phase")
            if phase in phases:
                return doc
            assert phase in ("PENDING", "QUEUED", "EXECUTING"), f"job ended {phase}"
            assert time.monotonic() < deadline, f"job stayed {phase}"


def text(doc: etree._Element, path: str) -> str | None:
    found = doc.find(path, NS)
    return None if found is None else found.text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_server(db, workers: int = 2) -> UWSServer:
    port = free_port()
    config = db.home / "uws.conf"
    config.write_text(db.config_path.read_text()
                      + f"[web]\nserverPort = {port}\nserverURL = http://127.0.0.1:{port}\n"
                      + f"[async]\nworkers = {workers}\n")
    return UWSServer(f"http://127.0.0.1:{port}", config, db.home / "state")


@pytest.fixture
def uws(db):
    """A running UWS server with two worker slots; stopped after the test."""
    srv = make_server(db)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def uws1(db):
    """A running UWS server with a single worker slot."""
    srv = make_server(db, workers=1)
    srv.start()
    yield srv
    srv.stop()
