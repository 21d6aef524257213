"""The sites the SSA tests share, each imported from a copy of the demo's inputs and
served by dr serve: ``site``, the demo's califa/q and califa/spectra (with a
restricted SSA service added); ``jcmt_site``, jcmt/spectra alone."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.servers import INPUTS, add_accounts, ensure_demo_data, start_server, stop_server

JCMT_PI = ("pi", "jcmt-demo")  # the demo's account of the DR21 project

RESTRICTED = """
  <service id="staff" allowed="ssap.xml" limitTo="staff">
    <ssapCore queriedTable="spectra">
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>
</resource>"""


@pytest.fixture(scope="package")
def site(pg_cluster, tmp_path_factory):
    """The demo's califa/q and califa/spectra (and a restricted SSA service), from a
    copy of their inputs."""
    ensure_demo_data()
    home = tmp_path_factory.mktemp("ssa")
    califa = home / "inputs" / "califa"
    (califa / "data" / "ancillary").mkdir(parents=True)
    shutil.copy(INPUTS / "califa" / "q.rd", califa)
    spectra_rd = (INPUTS / "califa" / "spectra.rd").read_text()
    (califa / "spectra.rd").write_text(spectra_rd.replace("</resource>", RESTRICTED))
    for name in ("califa_sample.csv", "califa_ids.csv"):
        shutil.copy(INPUTS / "califa" / "data" / name, califa / "data")
    for path in (INPUTS / "califa" / "data" / "ancillary").glob("*.intspec.fits"):
        shutil.copy(path, califa / "data" / "ancillary")
    server = start_server(pg_cluster.dsn, home, "ssa_web", inputs=home / "inputs",
                          imports=("califa/q", "califa/spectra"))
    yield server
    stop_server(server, pg_cluster.dsn, "ssa_web")


@pytest.fixture(scope="package")
def jcmt_site(pg_cluster, tmp_path_factory):
    """jcmt/spectra alone, imported from spectra made from a copy of the demo's
    cubes, served with the demo's account of the DR21 project; ``spectra`` lists
    the spectrum files."""
    ensure_demo_data()
    home = tmp_path_factory.mktemp("jcmt_spectra")
    jcmt = home / "inputs" / "jcmt"
    for path in (INPUTS / "jcmt" / "data").glob("*/*_reduced.fits"):
        (jcmt / "data" / path.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, jcmt / "data" / path.parent.name)
    shutil.copy(INPUTS / "jcmt" / "spectra.rd", jcmt)
    subprocess.run([sys.executable, str(INPUTS / "jcmt" / "generate_spectra.py"),
                    "--cubes", str(jcmt / "data"), "--out", str(jcmt / "data" / "spectra")],
                   check=True, capture_output=True)
    server = start_server(pg_cluster.dsn, home, "ssa_jcmt", inputs=home / "inputs",
                          imports=("jcmt/spectra",))
    add_accounts(server, {JCMT_PI[0]: JCMT_PI[1]}, {JCMT_PI[0]: "m15bp042"})
    server.spectra = sorted((jcmt / "data" / "spectra").glob("*_spec.fits"))
    yield server
    stop_server(server, pg_cluster.dsn, "ssa_jcmt")
