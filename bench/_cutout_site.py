"""A throw-away site for bench/cutout.py: a big cube that ``dr serve`` publishes with SODA.

:func:`write_cube` writes a float32 cube (RA---TAN/DEC--TAN/WAVE) plane by
plane; :class:`Site` puts one into a temporary inputs directory with an RD
publishing it as a product bound to a datalinkCore service ``dl`` (the
shape of inputs/califa/cubes.rd's), imports it with ``dr imp`` into the
configured database (the embedded cluster by default; schema
``benchcutout``), starts ``dr serve`` on a free loopback port and, on
exit, stops the server, drops the schema and removes the directory (the
cube stays with ``keep``).  Server start and ``dr`` runs are
bench/products.py's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

import numpy as np
from astropy.io import fits
from products import free_port, run_dr, start_server

PLANE = 1024  # pixels along each celestial axis
MIB = 1 << 20
SCHEMA = "benchcutout"
ACCREF = f"{SCHEMA}/data/cube.fits"
AUTHORITY = "bench.example"
RD = r"""<resource schema="benchcutout">
  <meta name="title">bench/cutout.py: one big cube</meta>
  <table id="cubes" onDisk="True" mixin="//products#table" primary="accref"/>
  <data id="import">
    <sources pattern="data/*.fits"/>
    <embeddedGrammar>
      <iterator><code>yield {}</code></iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.cubes"</bind>
        <bind key="mime">"image/fits"</bind>
        <bind key="preview">None</bind>
        <bind key="datalink">"\rdId#dl"</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="cubes"/>
  </data>
  <service id="dl" allowed="dlget,dlmeta">
    <meta name="title">bench/cutout.py: DataLink and SODA</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#fits_genDesc">
        <bind key="accrefPrefix">"benchcutout/data/"</bind>
      </descriptorGenerator>
      <FEED source="//soda#fits_standardDLFuncs" spectralAxis="3"/>
    </datalinkCore>
  </service>
</resource>
"""


def write_cube(path: Path, mib: int) -> tuple[int, int, int]:
    """A cube of about ``mib`` MiB written plane by plane; returns its shape (FITS order)."""
    planes = max(10, mib * MIB // (PLANE * PLANE * 4))
    header = fits.Header([("SIMPLE", True), ("BITPIX", -32), ("NAXIS", 3),
                          ("NAXIS1", PLANE), ("NAXIS2", PLANE), ("NAXIS3", planes)])
    for key, value in {"CTYPE1": "RA---TAN", "CTYPE2": "DEC--TAN", "CRVAL1": 150.0,
                       "CRVAL2": 2.0, "CRPIX1": 512.5, "CRPIX2": 512.5, "CDELT1": -1e-4,
                       "CDELT2": 1e-4, "CUNIT1": "deg", "CUNIT2": "deg", "CTYPE3": "WAVE",
                       "CUNIT3": "m", "CRVAL3": 5e-7, "CRPIX3": 1.0, "CDELT3": 1e-10,
                       "RADESYS": "ICRS", "OBJECT": "bench/cutout.py"}.items():
        header[key] = value
    rng = np.random.default_rng(1)
    base = rng.standard_normal((PLANE, PLANE), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(header.tostring().encode("ascii"))
        for k in range(planes):
            f.write((base + np.float32(k)).astype(">f4").tobytes())  # FITS: big-endian
        f.write(b"\0" * (-(planes * PLANE * PLANE * 4) % 2880))
        f.flush()
        os.fsync(f.fileno())
    return PLANE, PLANE, planes


def _embedded_cluster_to_stop():
    """The checkout's embedded cluster if it is not running yet (we start it, we stop it)."""
    from engine.config import load_config
    from engine.db.connect import embedded_cluster, open_database

    cfg = load_config()
    cluster = None if cfg.db.dsn else embedded_cluster(cfg)
    stop = cluster if cluster is not None and not cluster.is_running() else None
    return open_database(cfg).dsn, stop


class Site:
    """Cube, RD, import and a running ``dr serve``; a context manager cleaning all up."""

    def __init__(self, mib: int, *, parent: Path | None = None, keep: bool = False) -> None:
        self.mib, self.keep = mib, keep
        self.work = Path(tempfile.mkdtemp(prefix="dr-bench-cutout-", dir=parent))
        self.cube = self.work / "inputs" / SCHEMA / "data" / "cube.fits"
        self.config = self.work / "gavo.conf"
        self.process: subprocess.Popen | None = None
        self.pid = self.port = 0
        self.imported = False
        self._cluster = None

    @property
    def pub_did(self) -> str:
        return f"ivo://{AUTHORITY}/~?{ACCREF}"

    def make_cube(self) -> tuple[int, int, int]:
        return write_cube(self.cube, self.mib)

    def publish(self) -> None:
        """Write the RD and the configuration, ``dr imp``, start ``dr serve``."""
        dsn, self._cluster = _embedded_cluster_to_stop()
        (self.cube.parent.parent / "q.rd").write_text(RD)
        self.port = free_port()
        self.config.write_text(
            f"[general]\nstateDir = {self.work / 'state'}\n"
            f"inputsDir = {self.work / 'inputs'}\n[db]\ndsn = {dsn}\n"
            f"[web]\nserverPort = {self.port}\nserverURL = http://127.0.0.1:{self.port}\n"
            f"[ivoa]\nauthority = {AUTHORITY}\n")
        try:
            self.imported = True
            run_dr(self.config, "imp", SCHEMA)
        except subprocess.CalledProcessError as exc:
            raise SystemExit(
                f"dr imp failed:\n{exc.stderr.decode(errors='replace')}") from None
        self.process = start_server(self.config)  # [web] processes = 1: no fork
        self.pid = self.process.pid

    def dlget_query(self, box: list[tuple[int, int]]) -> str:
        """The path and query of the dlget request cutting ``box`` (1-based PIXEL_n)."""
        query = urllib.parse.urlencode([("ID", self.pub_did)] + [
            (f"PIXEL_{i}", f"{lo} {hi}") for i, (lo, hi) in enumerate(box, start=1)])
        return f"/{SCHEMA}/q/dl/dlget?{query}"

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.imported:
            try:
                run_dr(self.config, "drop", SCHEMA)
            except subprocess.CalledProcessError as exc:
                print(f"dr drop {SCHEMA} failed: {exc.stderr.decode(errors='replace')}")
        if self._cluster is not None:
            self._cluster.stop()
        if self.keep:
            shutil.rmtree(self.work / "state", ignore_errors=True)
            print(f"kept {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

