"""A real ``dr serve`` on a free port, with the demo resources imported, for web tests.

One server per test session: its database is created from the session
cluster's template, califa and jplus are imported once, and the server runs
as a separate process, exactly as ``dr serve`` does for users.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from engine.config import CHECKOUT_ROOT
from engine.db.dsn import with_dbname
from tests.conftest import TEMPLATE_DB
from tests.support import run_dr

INPUTS = CHECKOUT_ROOT / "inputs"


@dataclass
class Server:
    url: str
    dsn: str
    config: Path
    state: Path
    process: subprocess.Popen

    def get(self, path: str, **headers: str) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_demo_data() -> None:
    if not (INPUTS / "califa/data/califa_ids.csv").exists():
        subprocess.run([sys.executable, str(INPUTS / "califa/generate.py")], check=True)
    if not (INPUTS / "jplus/data/jplus.csv").exists():
        subprocess.run([sys.executable, str(INPUTS / "jplus/generate.py")], check=True)


@pytest.fixture(scope="session")
def server(pg_cluster, tmp_path_factory) -> Server:
    _ensure_demo_data()
    admin = psycopg2.connect(with_dbname(pg_cluster.dsn, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE web_demo TEMPLATE {TEMPLATE_DB}")
    dsn = with_dbname(pg_cluster.dsn, "web_demo")
    home = tmp_path_factory.mktemp("web")
    port = free_port()
    config = home / "gavo.conf"
    config.write_text(
        f"[general]\nstateDir = {home / 'state'}\ninputsDir = {INPUTS}\n"
        f"[db]\ndsn = {dsn}\n"
        f"[web]\nserverPort = {port}\nserverURL = http://127.0.0.1:{port}\n"
        "maxrec = 1000\n")
    for rd in ("califa", "jplus"):
        result = run_dr("imp", rd, config=config)
        assert result.returncode == 0, result.stderr
    env = dict(os.environ, DR_CONFIG=str(config))
    process = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        pytest.fail(f"dr serve did not start: {line}{process.stderr.read()}")
    srv = Server(f"http://127.0.0.1:{port}", dsn, config, home / "state", process)
    yield srv
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
    with admin.cursor() as cur:
        cur.execute("DROP DATABASE web_demo WITH (FORCE)")
    admin.close()
