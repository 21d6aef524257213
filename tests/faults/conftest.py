"""Fault injection around real ``dr serve`` and ``dr imp`` processes: kill -9, a database
that goes away, a full results file system, slow readers — all on loopback.

* ``faults_inputs``: an inputs directory with ``faults``, a catalogue of
  :data:`ROWS` generated rows with a cone service; a cross join of it makes a
  result far bigger than any buffer on the way, out of a small table;
* ``faults_template``: a database with ``faults`` imported once, which each
  server's database is cloned from (a clone takes a fraction of a second, an
  import seconds);
* ``served``: a :class:`Restartable` server on its own clone, which a test
  may kill -9 and start again on the same database and state directory;
  :func:`serve` and :func:`serve_database` make more, with their own settings.

Each server's TMPDIR is ``<home>/tmp``, so that a test can see the files it
spools (request bodies, FITS results).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psycopg2
import psycopg2.extensions
import pytest

from engine.db.dsn import with_dbname
from engine.ingest.importer import import_rd
from engine.install import install_system_schema
from rd.loader import load_rd
from tests.ingest.resources import write_resource
from tests.servers import (
    Server,
    admin_run,
    create_database,
    spawn_serve,
    stop_processes,
    write_config,
)

ROWS = 20_000
FAULTS_RD = """
  <table id="main" onDisk="True" adql="True" primary="id" mixin="//scs#pgs-pos-index">
    <column name="id" type="integer" required="True" ucd="meta.id;meta.main"
      verbLevel="1"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"
      verbLevel="1"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"
      verbLevel="1"/>
    <column name="mag" type="real" unit="mag" ucd="phot.mag" verbLevel="1"/>
    <column name="name" type="text" ucd="meta.id" verbLevel="1"/>
  </table>
  <data id="import">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker idmaps="*"/>
    </make>
  </data>
  <service id="cone" allowed="scs.xml">
    <scsCore queriedTable="main">
      <FEED source="//scs#coreDescs"/>
    </scsCore>
  </service>"""
_names = itertools.count(1)


def write_catalog(path: Path, rows: int, first: int = 1) -> None:
    """``rows`` objects spread over the whole sky, ids from ``first``, as CSV."""
    rng = np.random.default_rng(first)
    ids = np.arange(first, first + rows)
    ra, dec = rng.uniform(0, 360, rows), np.degrees(np.arcsin(rng.uniform(-1, 1, rows)))
    mag = rng.uniform(10, 22, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as out:
        out.write("id,ra,dec,mag,name\n")
        out.writelines(f"{i},{r:.7f},{d:.7f},{m:.3f},object {i}\n"
                       for i, r, d, m in zip(ids, ra, dec, mag))


def write_faults_resource(inputs: Path, rows: int, first: int = 1) -> Path:
    """inputs/faults: the RD and one CSV file of ``rows`` rows."""
    rd = write_resource(inputs, "faults", FAULTS_RD)
    for old in (inputs / "faults" / "data").glob("*.csv"):
        old.unlink()
    write_catalog(inputs / "faults" / "data" / "catalog.csv", rows, first)
    return rd


@pytest.fixture(scope="session")
def faults_inputs(tmp_path_factory) -> Path:
    inputs = tmp_path_factory.mktemp("faults-inputs")
    write_faults_resource(inputs, ROWS)
    return inputs


def import_faults(dsn: str, inputs: Path) -> None:
    """Import ``faults`` into ``dsn`` in this process (as ``dr imp faults`` does)."""
    with contextlib.closing(psycopg2.connect(dsn)) as conn:
        install_system_schema(conn)
        import_rd(conn, load_rd("faults", inputs))


@pytest.fixture(scope="session")
def faults_template(pg_cluster, faults_inputs) -> Iterator[str]:
    """The name of a database holding ``faults`` imported (nobody connects to it)."""
    name = "faults_template"
    admin_run(pg_cluster.dsn, f"CREATE DATABASE {name} TEMPLATE dr_template")
    import_faults(with_dbname(pg_cluster.dsn, name), faults_inputs)
    yield name
    admin_run(pg_cluster.dsn, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class Restartable:
    """A ``dr serve`` that a test may kill -9 and start again on the same database."""

    server: Server
    env: dict[str, str]  # what its environment adds to ours

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def dsn(self) -> str:
        return self.server.dsn

    @property
    def state(self) -> Path:
        return self.server.state

    @property
    def home(self) -> Path:
        return self.server.config.parent

    def get(self, path: str, **headers: str) -> tuple[int, dict, bytes]:
        return self.server.get(path, **headers)

    def kill(self) -> None:
        """Stop the server as a crash would: SIGKILL, no clean-up of any kind."""
        self.server.process.send_signal(signal.SIGKILL)
        self.server.process.wait(10)

    def start(self) -> None:
        """Start ``dr serve`` (again) with the same configuration."""
        self.server.process = spawn_serve(self.server.config, self.home / "serve.stderr",
                                          env=self.env)

    def stop(self) -> None:
        stop_processes([self.server.process])

    @property
    def log(self) -> str:
        return (self.home / "serve.stderr").read_text(errors="replace")


def serve(cluster_dsn: str, template: str, inputs: Path, home: Path, *,
          web: str = "", more: str = "") -> Restartable:
    """``dr serve`` on a new clone of ``template``."""
    dbname = f"faults_{os.getpid()}_{next(_names)}"
    return serve_database(create_database(cluster_dsn, dbname, template), inputs, home,
                          web=web, more=more)


def serve_database(dsn: str, inputs: Path, home: Path, *, web: str = "",
                   more: str = "") -> Restartable:
    """``dr serve`` on the database ``dsn``, its state and TMPDIR in ``home``."""
    config = write_config(home, dsn, inputs, web=web, more=more)
    (home / "tmp").mkdir(exist_ok=True)
    port = int(config.read_text().split("serverPort = ")[1].split()[0])
    srv = Restartable(Server(f"http://127.0.0.1:{port}", dsn, config, home / "state",
                             None), {"TMPDIR": str(home / "tmp")})
    srv.start()
    return srv


def retire(srv: Restartable, cluster_dsn: str) -> None:
    """Stop the server and drop its database."""
    srv.stop()
    dbname = psycopg2.extensions.parse_dsn(srv.dsn)["dbname"]
    admin_run(cluster_dsn, f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


@pytest.fixture(scope="module")
def served(pg_cluster, faults_template, faults_inputs, tmp_path_factory
           ) -> Iterator[Restartable]:
    """One restartable server per module; tests that kill it start it again."""
    srv = serve(pg_cluster.dsn, faults_template, faults_inputs,
                tmp_path_factory.mktemp("faults-serve"))
    yield srv
    retire(srv, pg_cluster.dsn)
