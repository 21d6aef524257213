"""Shared fixtures: one real PostgreSQL cluster per test session, a clean database per test.

The cluster is DR's own embedded cluster, started through the same code as
``dr db start``, in a temporary state directory; it runs with fsync off, which
only trades crash safety the tests do not need for speed.  Each test that asks
for ``db`` gets a fresh database cloned from a template holding pg_sphere and
DR's system schema (cloned while the test before it ran, see
:class:`TemplateClones`), plus a configuration file pointing DR at it.

Two ``dr serve`` sites are shared by tests of several folders, one each per
session (see tests/servers.py): ``demo_server``, the whole demo, and
``obscore_server``, ivoa.obscore filled by tests/obscore/obscoredata.py.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

from engine import cli
from engine.config import shared_dir
from engine.db.cluster import Cluster
from engine.db.dsn import with_dbname
from engine.db.extensions import ensure_extensions
from engine.install import install_system_schema
from tests.ingest.resources import write_resource
from tests.obscore.obscoredata import write_images, write_spectra
from tests.servers import DEMO_RDS, Server, start_server, stop_server
from tests.support import TEMPLATE_DB, make_world_traversable_tmpdir

FAST_SETTINGS = {"fsync": "off", "synchronous_commit": "off",
                 "full_page_writes": "off", "shared_buffers": "'128MB'"}


def in_ci() -> bool:
    """Whether this run is CI's (``CI=true``), where nothing may be skipped."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def shared_available() -> bool:
    return shared_dir().is_dir()


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared test data (DR_SHARED, default ../shared beside the checkout).

    In a plain clone without it, the tests that need it are skipped with one
    line saying why; in CI (CI=true) its absence fails them.
    """
    path = shared_dir()
    if path.is_dir():
        return path
    message = (f"needs the shared test data at {path} (conformance corpora, XML "
               "schemata); set DR_SHARED, or see the README")
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)


def pytest_report_header(config) -> str | None:
    if shared_available():
        return None
    return (f"DR: no shared test data at {shared_dir()}: the tests that need it are "
            "skipped and XML schema validation is off (see the README)")


@pytest.fixture(scope="session")
def pg_cluster():
    """One embedded cluster for the whole session, stopped and removed at the end."""
    state = make_world_traversable_tmpdir("dr-test-cluster-")
    cluster = Cluster(state, settings=FAST_SETTINGS)
    cluster.start()
    conn = psycopg2.connect(with_dbname(cluster.dsn, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"CREATE DATABASE {TEMPLATE_DB}")
    conn.close()
    template = psycopg2.connect(with_dbname(cluster.dsn, TEMPLATE_DB))
    ensure_extensions(template)
    install_system_schema(template)
    template.close()
    yield cluster
    cluster.stop()
    shutil.rmtree(state, ignore_errors=True)


_db_numbers = itertools.count(1)


class TemplateClones:
    """Test databases cloned from the template, each made while the test before runs.

    A clone (forced checkpoints and a copy of the template's files) takes 0.1 to
    0.3 s, some 300 times a session, and nothing changes the template during a
    session: so whenever a test takes a clone, the next one is started in a
    thread, and the next test mostly finds its database made already.
    """

    def __init__(self, cluster_dsn: str) -> None:
        self.admin_dsn = with_dbname(cluster_dsn, "postgres")
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="template-clone")
        self._ahead: Future[str] | None = None

    def _clone(self, name: str) -> str:
        """(any thread) Make the database ``name``."""
        with contextlib.closing(psycopg2.connect(self.admin_dsn)) as admin:
            admin.autocommit = True
            with admin.cursor() as cur:
                cur.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB} "
                            "STRATEGY FILE_COPY")
        return name

    def take(self) -> str:
        """The name of a new clone, the caller's to drop."""
        ahead, self._ahead = self._ahead, None
        name = ahead.result() if ahead else self._clone(_new_db_name())
        self._ahead = self._thread.submit(self._clone, _new_db_name())
        return name

    def close(self) -> None:
        """Drop the clone made ahead that no test took."""
        self._thread.shutdown()
        if self._ahead is not None and self._ahead.exception() is None:
            with contextlib.closing(psycopg2.connect(self.admin_dsn)) as admin:
                admin.autocommit = True
                with admin.cursor() as cur:
                    cur.execute(f"DROP DATABASE {self._ahead.result()}")


def _new_db_name() -> str:
    return f"test_{os.getpid()}_{next(_db_numbers)}"


@pytest.fixture(scope="session")
def template_clones(pg_cluster) -> Iterator[TemplateClones]:
    """The ``db`` fixture's source of databases."""
    clones = TemplateClones(pg_cluster.dsn)
    yield clones
    clones.close()


@dataclass
class CliResult:
    status: int
    out: str
    err: str


@dataclass
class TestDatabase:
    """A fresh database of the session cluster, and a DR configuration using it."""

    __test__ = False

    dsn: str
    name: str
    home: Path
    config_path: Path
    env: dict[str, str] = field(default_factory=dict)

    def connect(self):
        return psycopg2.connect(self.dsn)

    def query(self, sql: str, params=None) -> list[tuple]:
        with contextlib.closing(self.connect()) as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []

    def cli(self, *argv: str) -> CliResult:
        """Run ``dr argv…`` in this process against this database."""
        out, err = io.StringIO(), io.StringIO()
        saved = {k: os.environ.get(k) for k in self.env}
        os.environ.update(self.env)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    status = cli.main(list(argv))
                except SystemExit as exc:
                    status = exc.code if isinstance(exc.code, int) else 2
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return CliResult(status, out.getvalue(), err.getvalue())


@pytest.fixture
def db(pg_cluster, template_clones, tmp_path) -> TestDatabase:
    """A clean database with pg_sphere and DR's system schema, dropped after the test."""
    name = template_clones.take()
    admin = psycopg2.connect(with_dbname(pg_cluster.dsn, "postgres"))
    admin.autocommit = True
    dsn = with_dbname(pg_cluster.dsn, name)
    config_path = tmp_path / "gavo.conf"
    config_path.write_text(
        "[general]\n"
        f"stateDir = {tmp_path / 'state'}\n"
        f"inputsDir = {tmp_path / 'inputs'}\n"
        "[db]\n"
        f"dsn = {dsn}\n")
    env = {"DR_CONFIG": str(config_path), "DR_STATE_DIR": "", "DR_INPUTS_DIR": ""}
    yield TestDatabase(dsn, name, tmp_path, config_path, env)
    with admin.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture(scope="session")
def demo_server(pg_cluster, tmp_path_factory) -> Iterator[Server]:
    """The demo: every RD of it imported (as scripts/demo.sh does) and served; the web
    tests' ``server``, and the demo's DataLink services' tests."""
    try:
        # A test uploads by URL from a loopback web server, which the default
        # fetch policy refuses.
        srv = start_server(pg_cluster.dsn, tmp_path_factory.mktemp("web"), "web_demo",
                           web="fetchPrivateHosts = True\n", imports=DEMO_RDS)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield srv
    stop_server(srv, pg_cluster.dsn, "web_demo")


OBSCORE_IMAGES, OBSCORE_SPECTRA = 200, 100


@pytest.fixture(scope="session")
def obscore_server(pg_cluster, tmp_path_factory) -> Iterator[Server]:
    """ivoa.obscore filled with tests/obscore/obscoredata.py's images and spectra (ocimg,
    ocspec), beside an RD declaring its own SIA 2 service over it as in DaCHS (mysia);
    for the ObsCore, SIA 2 and taplint tests."""
    home = tmp_path_factory.mktemp("obscore-web")
    inputs = home / "inputs"
    write_images(inputs, OBSCORE_IMAGES)
    write_spectra(inputs, OBSCORE_SPECTRA)
    write_resource(inputs, "mysia", """
      <service id="s2" allowed="siap2.xml">
        <meta name="title">My SIA 2</meta>
        <dbCore queriedTable="//obscore#ObsCore">
          <FEED source="//siap2#parameters"/>
        </dbCore>
      </service>""")
    try:
        srv = start_server(pg_cluster.dsn, home, "obscore_web", inputs=inputs,
                           imports=("ocimg", "ocspec"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield srv
    stop_server(srv, pg_cluster.dsn, "obscore_web")
