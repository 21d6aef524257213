"""The site the SSA tests share: the demo's califa/q and califa/spectra (with a
restricted SSA service added), imported from a copy of their inputs and
served by dr serve."""

from __future__ import annotations

import shutil

import pytest

from tests.servers import INPUTS, ensure_demo_data, start_server, stop_server

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
