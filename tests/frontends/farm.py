"""A farm: three ``dr serve`` front-ends behind a real nginx, sharing one gavo.conf,
database and state directory (conftest.py's ``farm`` fixture makes one).

nginx (Debian's package; ``dev.sh test`` installs it) runs in the foreground
with the whole configuration ``dr nginx-conf --full`` prints, its pid, logs
and temporary files under the farm's own directory, on a free loopback port.
Without nginx the tests are skipped, saying so (in CI they fail).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

from engine.db.dsn import with_dbname
from tests.conftest import in_ci
from tests.support import TEMPLATE_DB, run_dr, wait_until

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
    with open(farm.home / f"serve-{port}.stderr", "ab") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "engine.cli", "serve", "--port", str(port)],
            env=dict(os.environ, DR_CONFIG=str(farm.config)),
            stdout=subprocess.PIPE, stderr=stderr, text=True)
    return Frontend(port, process)


def wait_listening(farm: Farm, frontend: Frontend) -> Frontend:
    """The front-end once it said it listens; its further output is drained."""
    line = frontend.process.stdout.readline()
    if "listening on" not in line:
        frontend.process.kill()
        stderr = (farm.home / f"serve-{frontend.port}.stderr").read_text()
        raise RuntimeError(f"dr serve --port {frontend.port} did not start: {line}{stderr}")
    threading.Thread(target=frontend.process.stdout.read, daemon=True).start()
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
    admin = psycopg2.connect(with_dbname(cluster_dsn, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {DBNAME} TEMPLATE {TEMPLATE_DB}")
    admin.close()
    return with_dbname(cluster_dsn, DBNAME)


def drop_database(cluster_dsn: str) -> None:
    admin = psycopg2.connect(with_dbname(cluster_dsn, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {DBNAME} WITH (FORCE)")
    admin.close()


def stop(processes: list[subprocess.Popen | None]) -> None:
    """Terminate these processes together, killing those that linger."""
    running = [p for p in processes if p is not None and p.poll() is None]
    for process in running:
        process.terminate()
    for process in running:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
