"""The site the CTA tests share: cta/q alone, imported from the files
inputs/cta/generate.py writes into a copy of inputs/cta, served by dr serve."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from astropy.io import fits

from tests.servers import INPUTS, start_server, stop_server


@pytest.fixture(scope="package")
def site(pg_cluster, tmp_path_factory):
    """cta/q alone, imported from files generate.py writes into a copy of inputs/cta."""
    home = tmp_path_factory.mktemp("cta")
    cta = home / "inputs" / "cta"
    cta.mkdir(parents=True)
    shutil.copy(INPUTS / "cta" / "q.rd", cta)
    subprocess.run([sys.executable, str(INPUTS / "cta" / "generate.py"),
                    "--out", str(cta / "data")], check=True, capture_output=True)
    server = start_server(pg_cluster.dsn, home, "cta_events", inputs=home / "inputs",
                          imports=("cta/q",))
    server.events_dir = cta / "data" / "events"
    server.headers = {}
    for path in sorted((cta / "data" / "events").glob("*_events.fits")):
        header = fits.getheader(path)
        server.headers[header["OBS_ID"]] = header
    yield server
    stop_server(server, pg_cluster.dsn, "cta_events")
