"""A site with a read replica, made as a user makes one: ``dr init``, ``dr db replica``,
``dr imp``, ``dr serve`` — its own small embedded cluster and standby in a fresh
state directory (the session cluster runs with wal_level minimal, which no
standby can follow).

Its gavo.conf is ready for nginx in front (serverURL names ``nginx_port``,
trustedProxies holds loopback): test_three_frontends.py adds two front-ends
and nginx to the one ``dr serve`` the other tests talk to directly.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest

from engine import cli
from tests.ingest.resources import CATALOG_TABLE, CSV_DATA, catalog_rows, write_resource
from tests.servers import free_port, spawn_serve, stop_processes
from tests.support import make_world_traversable_tmpdir, run_dr, wait_until

MAX_LAG = 2  # [db] maxReplicaLag of the site, seconds
ROWS = 10    # rows the import makes
FAR_AWAY = (200.0, 40.0)  # where no imported row lies: a cone there finds only new rows
CONE_SERVICE = """
  <service id="cone" allowed="scs.xml,form">
    <scsCore queriedTable="main"><FEED source="//scs#coreDescs"/></scsCore>
  </service>"""


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 303 is the answer a test looks at


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


@dataclass
class ReplicaSite:
    home: Path
    config: Path
    url: str          # the first front-end, directly
    nginx_port: int   # where nginx listens once a test starts it (serverURL)
    primary_dsn: str
    standby_dsn: str
    process: subprocess.Popen
    log: Path

    def get(self, path: str, data: dict | None = None,
            body: bytes | None = None, content_type: str = "") -> tuple[int, dict, bytes]:
        payload = body if body is not None else (
            urllib.parse.urlencode(data).encode() if data is not None else None)
        request = urllib.request.Request(self.url + path, data=payload)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with _NO_REDIRECTS.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def tap_count(self) -> int:
        """The rows of rep.main as a TAP sync query through dr serve sees them."""
        query = urllib.parse.urlencode({"LANG": "ADQL", "FORMAT": "csv",
                                        "QUERY": "SELECT COUNT(*) AS n FROM rep.main"})
        status, _, body = self.get(f"/tap/sync?{query}")
        assert status == 200, body
        return int(body.decode().split()[-1])

    def sql(self, which: str, statement: str, params=None) -> list[tuple]:
        dsn = self.primary_dsn if which == "primary" else self.standby_dsn
        with contextlib.closing(psycopg2.connect(dsn)) as conn:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(statement, params)
                return cur.fetchall() if cur.description else []

    def transitions(self, log: Path | None = None) -> list[str]:
        """Where a server's log (the first front-end's by default) says reads went,
        in order ("standby", "primary")."""
        return transitions(log or self.log)

    def wait_serving_from_standby(self, timeout: float = 15) -> None:
        """Until the standby has caught up and the server sends reads there."""
        wait_serving_from_standby(self.log, timeout)


def transitions(log: Path) -> list[str]:
    """Where the ``dr serve`` writing ``log`` sent reads, in order ("standby", "primary")."""
    return [line.split("reads go to the ")[1][:7]
            for line in log.read_text().splitlines() if "reads go to the " in line]


def wait_serving_from_standby(log: Path, timeout: float = 15) -> None:
    """Until the ``dr serve`` writing ``log`` says it sends reads to the standby."""
    assert wait_until(lambda: transitions(log)[-1:] == ["standby"], timeout), \
        log.read_text()[-2000:]


@contextlib.contextmanager
def replay_paused(site: ReplicaSite):
    """The standby receives WAL but applies none of it inside this block."""
    site.sql("standby", "SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        site.sql("standby", "SELECT pg_wal_replay_resume()")


def insert_far_away(site: ReplicaSite, row_id: int) -> None:
    site.sql("primary", "INSERT INTO rep.main (id, ra, dec, name) VALUES (%s, %s, %s, %s)",
             (row_id, *FAR_AWAY, f"new {row_id}"))


def _dr(config: Path, *argv: str) -> str:
    """``dr argv…`` in this process (a second each saved on starting Python); its output."""
    out, err = io.StringIO(), io.StringIO()
    env = {"DR_CONFIG": str(config), "DR_STATE_DIR": "", "DR_INPUTS_DIR": ""}
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main(list(argv))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key)
            else:
                os.environ[key] = value
    assert status == 0, (argv, out.getvalue(), err.getvalue())
    return out.getvalue()


@pytest.fixture(scope="package")
def site() -> Iterator[ReplicaSite]:
    home = make_world_traversable_tmpdir("dr-test-replica-")
    port, nginx_port = free_port(), free_port()
    config = home / "gavo.conf"
    config.write_text(
        f"[general]\nstateDir = {home / 'state'}\ninputsDir = {home / 'inputs'}\n"
        f"[db]\nmaxReplicaLag = {MAX_LAG}\n"
        f"[web]\nserverPort = {port}\nserverURL = http://127.0.0.1:{nginx_port}\n"
        "trustedProxies = 127.0.0.1\n")
    write_resource(home / "inputs", "rep", CATALOG_TABLE + CSV_DATA + CONE_SERVICE,
                   files={"data/a.csv": catalog_rows(ROWS)})
    process = None
    try:
        outputs = {argv[-1]: _dr(config, *argv)
                   for argv in (("init",), ("db", "replica"), ("imp", "rep"))}
        primary = outputs["init"].split("dsn: ")[1].strip()
        standby = outputs["replica"].split("replica dsn: ")[1].strip()
        log = home / "serve.stderr"
        process = spawn_serve(config, log)
        yield ReplicaSite(home, config, f"http://127.0.0.1:{port}", nginx_port, primary,
                          standby, process, log)
    finally:
        stop_processes([process])
        run_dr("db", "stop", config=config)
        shutil.rmtree(home, ignore_errors=True)
