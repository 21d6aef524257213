"""A farm: three ``dr serve`` front-ends behind a real nginx, sharing one gavo.conf,
database and state directory (conftest.py's ``farm`` fixture makes one).

nginx (Debian's package; ``dev.sh test`` installs it) runs in the foreground
with the whole configuration ``dr nginx-conf --full`` prints, its pid, logs
and temporary files under the farm's own directory, on a free loopback port.
Without nginx the tests are skipped, saying so (in CI they fail).

The helpers at the end talk to a farm's front-ends and read its job table; the
replica tests (tests/replica/test_three_frontends.py) build a farm on a site
with a standby and use them too.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

from tests import servers
from tests.conftest import in_ci
from tests.servers import admin_run, create_database, launch_serve
from tests.support import run_dr, wait_until

DBNAME = "frontends"
ROWS = 3000  # a three-way join of the catalogue (2.7e10 rows) runs until aborted
# A catalogue, and files with DataLink: all the farm serves, so each front-end
# loads one small RD.
FARM_RD = """<resource schema="farm">
  <meta name="title">Front-end farm</meta>
  <table id="main" onDisk="True" adql="True" primary="id">
    <column name="id" type="integer" required="True" ucd="meta.id;meta.main"/>
    <column name="name" type="text" ucd="meta.id"/>
  </table>
  <table id="files" onDisk="True" adql="True" mixin="//products#table"
      primary="accref"/>
  <data id="import_main">
    <sources pattern="data/objects.csv"/>
    <csvGrammar/>
    <make table="main"/>
  </data>
  <data id="import_files">
    <sources pattern="data/files/*.txt"/>
    <embeddedGrammar>
      <iterator><code>
        yield {}
      </code></iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.files"</bind>
        <bind key="mime">"text/plain"</bind>
        <bind key="preview">None</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="files"/>
  </data>
  <service id="dl" allowed="dlget,dlmeta">
    <meta name="title">The farm's files</meta>
    <datalinkCore/>
  </service>
</resource>
"""
FILE = "farm/data/files/notes.txt"


@dataclass
class Frontend:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Farm:
    home: Path
    config: Path
    dsn: str
    nginx_port: int
    nginx: subprocess.Popen | None = None
    frontends: list[Frontend] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def state(self) -> Path:
        return self.home / "state"

    @property
    def prefix(self) -> Path:
        return self.home / "nginx"

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg2.connect(self.dsn) as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            rows = cur.fetchall()
        conn.close()
        return rows


def nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    if os.access(found, os.X_OK):
        return found
    message = "needs nginx (Debian's nginx package; ./dev.sh test installs it)"
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def spawn_frontend(farm: Farm, port: int) -> Frontend:
    """``dr serve --port port`` on the farm's gavo.conf (see :func:`wait_listening`)."""
    return Frontend(port, launch_serve(farm.config, log_of(farm, port), "--port", str(port)))


def log_of(farm: Farm, port: int) -> Path:
    """Where the front-end on ``port`` writes its standard error (its log)."""
    return farm.home / f"serve-{port}.stderr"


def wait_listening(farm: Farm, frontend: Frontend) -> Frontend:
    """The front-end once it said it listens; its further output is drained."""
    servers.wait_listening(frontend.process, log_of(farm, frontend.port))
    return frontend


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def start_nginx(farm: Farm) -> subprocess.Popen:
    """nginx in the foreground on the configuration ``dr nginx-conf --full`` prints."""
    ports = ",".join(str(f.port) for f in farm.frontends)
    made = run_dr("nginx-conf", "--full", "--ports", ports,
                  "--listen", f"127.0.0.1:{farm.nginx_port}",
                  "--prefix", str(farm.prefix), config=farm.config)
    assert made.returncode == 0, made.stderr
    assert made.stderr == "", made.stderr  # serverURL and trustedProxies fit
    conf = farm.home / "nginx.conf"
    conf.write_text(made.stdout)
    process = subprocess.Popen(
        [nginx_binary(), "-c", str(conf), "-p", str(farm.prefix),
         "-e", str(farm.prefix / "error.log"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if not wait_until(lambda: _answers(farm.url + "/"), timeout=15):
        process.kill()
        raise RuntimeError(f"nginx did not start: {process.communicate()[1]}")
    return process


def write_inputs(inputs: Path) -> None:
    """<inputs>/farm: the catalogue of ROWS objects and one file."""
    data = inputs / "farm" / "data"
    (data / "files").mkdir(parents=True)
    (data / "objects.csv").write_text(
        "id,name\n" + "".join(f"{i},NGC {i}\n" for i in range(1, ROWS + 1)))
    (inputs / FILE).write_text("the farm's notes\n" * 1000)
    (inputs / "farm" / "q.rd").write_text(FARM_RD)


def make_database(cluster_dsn: str) -> str:
    return create_database(cluster_dsn, DBNAME)


def drop_database(cluster_dsn: str) -> None:
    admin_run(cluster_dsn, f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")


# -- talking to the farm ----------------------------------------------------------

def request(base: str, method: str, path: str, fields: dict | None = None,
            headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One HTTP request to ``base`` (no redirects followed); status, headers, body."""
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    body = urllib.parse.urlencode(fields) if fields is not None else None
    sent = dict(headers or {})
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body, sent)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, \
            response.read()
    finally:
        conn.close()


def sync_path(query: str) -> str:
    return "/tap/sync?" + urllib.parse.urlencode(
        {"LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": "csv"})


def nginx_upstreams(farm, marker: str) -> list[str]:
    """The front-ends nginx's log names for requests whose line holds ``marker``."""
    lines = (farm.prefix / "access.log").read_text().splitlines()
    return [line.rsplit("upstream=", 1)[1] for line in lines if marker in line]


def phase_of(document: bytes) -> str:
    return re.search(rb"<uws:phase>(\w+)</uws:phase>", document).group(1).decode()


def create_job(base: str, query: str) -> str:
    """A TAP job created and run through ``base``; its URL (the 303's Location)."""
    status, headers, _ = request(base, "POST", "/tap/async", {
        "REQUEST": "doQuery", "LANG": "ADQL", "QUERY": query, "PHASE": "RUN",
        "RESPONSEFORMAT": "csv"})
    assert status == 303
    return headers["location"]


def job_row(farm, job_id: str) -> dict:
    rows = farm.query("SELECT phase, server_pid, worker_pid FROM uws.jobs"
                      " WHERE job_id = %s", (job_id,))
    return dict(zip(("phase", "server_pid", "worker_pid"), rows[0])) if rows else {}


def running(pid: int) -> bool:
    """Whether ``pid`` is a process that has not ended (a zombie has)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status
