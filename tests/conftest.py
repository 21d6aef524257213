"""Shared fixtures: one real PostgreSQL cluster per test session, a clean database per test.

The cluster is DR's own embedded cluster, started through the same code as
``dr db start``, in a temporary state directory; it runs with fsync off, which
only trades crash safety the tests do not need for speed.  Each test that asks
for ``db`` gets a fresh database cloned from a template holding pg_sphere and
DR's system schema, plus a configuration file pointing DR at it.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import shutil
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
from tests.support import make_world_traversable_tmpdir

TEMPLATE_DB = "dr_template"
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
def db(pg_cluster, tmp_path) -> TestDatabase:
    """A clean database with pg_sphere and DR's system schema, dropped after the test."""
    name = f"test_{os.getpid()}_{next(_db_numbers)}"
    admin = psycopg2.connect(with_dbname(pg_cluster.dsn, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB} STRATEGY FILE_COPY")
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
