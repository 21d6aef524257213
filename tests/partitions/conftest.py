"""One database for the module's tests: a catalogue imported three ways.

``pt.part`` is partitioned by HEALPix index and loaded by two writers,
``pt.ser`` partitioned into a count that is no power of two and loaded in the
import's transaction, ``pt.flat`` the same rows unpartitioned: queries must
answer the same on all three.  The rows are uniform on the sky plus crowds at
both poles and on both sides of RA 0/360, and one without a position.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import psycopg2
import pytest

from engine.db.dsn import with_dbname
from engine.ingest.importer import import_rd
from rd.loader import load_rd
from tests.conftest import TestDatabase
from tests.ingest.resources import write_resource

COLUMNS = """
    <column name="id" type="integer" required="True" ucd="meta.id;meta.main"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="mag" type="real" unit="mag"/>"""

RD = f"""
  <table id="part" onDisk="True" adql="True" primary="id">
    <mixin order="3" partitions="8">//scs#healpix-partitions</mixin>{COLUMNS}
  </table>
  <table id="ser" onDisk="True" adql="True" primary="id">
    <mixin order="2" partitions="5" writers="1">//scs#healpix-partitions</mixin>
    {COLUMNS}
  </table>
  <table id="flat" onDisk="True" adql="True" primary="id"
    mixin="//scs#pgs-pos-index">{COLUMNS}
  </table>
  <data id="import">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="part"><rowmaker idmaps="*"/></make>
    <make table="ser"><rowmaker idmaps="*"/></make>
    <make table="flat"><rowmaker idmaps="*"/></make>
  </data>"""

TABLES = ("part", "ser", "flat")
ROWS = 20_000


def positions(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform on the sphere, plus crowds at the poles and across RA 0/360."""
    ra = [rng.uniform(0, 360, ROWS)]
    dec = [np.degrees(np.arcsin(rng.uniform(-1, 1, ROWS)))]
    for pole in (89.5, -89.5):
        ra.append(rng.uniform(0, 360, 500))
        dec.append(rng.uniform(pole - 0.5, pole + 0.5, 500).clip(-90, 90))
    ra.append(np.concatenate((rng.uniform(359, 360, 500), rng.uniform(0, 1, 500))))
    dec.append(rng.uniform(-1, 1, 1000))
    return np.concatenate(ra), np.concatenate(dec)


def write_catalog(base: Path, bad: bool = False) -> int:
    """Two CSV files of the rows (the second with a bad value if ``bad``); the count."""
    ra, dec = (c.tolist() for c in positions(np.random.default_rng(11)))
    lines = [f"{i + 1},{a!r},{d!r},{i % 20}" for i, (a, d) in enumerate(zip(ra, dec))]
    lines.append(f"{len(lines) + 1},,,3")  # no position
    half = len(lines) // 2
    if bad:
        lines[-2] = lines[-2].split(",")[0] + ",east,1,1"
    for name, part in (("a", lines[:half]), ("b", lines[half:])):
        (base / "data" / f"{name}.csv").write_text("id,ra,dec,mag\n" + "\n".join(part)
                                                   + "\n")
    return len(lines)


@pytest.fixture(scope="module")
def catalog(pg_cluster, template_clones, tmp_path_factory):
    """(database, RD, row count) with pt imported."""
    name = template_clones.take()
    home = tmp_path_factory.mktemp("partitions")
    dsn = with_dbname(pg_cluster.dsn, name)
    config = home / "gavo.conf"
    config.write_text(f"[general]\nstateDir = {home / 'state'}\n"
                      f"inputsDir = {home / 'inputs'}\n[db]\ndsn = {dsn}\n")
    db = TestDatabase(dsn, name, home, config, {"DR_CONFIG": str(config),
                                                "DR_STATE_DIR": "", "DR_INPUTS_DIR": ""})
    write_resource(home / "inputs", "pt", RD)
    rows = write_catalog(home / "inputs" / "pt")
    rd = load_rd("pt", home / "inputs")
    with contextlib.closing(db.connect()) as conn:
        import_rd(conn, rd)
    yield db, rd, rows
    with contextlib.closing(psycopg2.connect(with_dbname(pg_cluster.dsn,
                                                         "postgres"))) as admin:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
