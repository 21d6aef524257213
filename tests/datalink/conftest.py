"""One ``dr serve`` per session for the DataLink tests, on ``tests/datalink/dldata.py``'s
inputs."""

from __future__ import annotations

import pytest

from tests.datalink.dldata import write_dlt
from tests.servers import start_server, stop_server


@pytest.fixture(scope="session")
def site(pg_cluster, tmp_path_factory):
    home = tmp_path_factory.mktemp("datalink")
    inputs = home / "inputs"
    write_dlt(inputs)
    server = start_server(pg_cluster.dsn, home, "datalink_web", inputs=inputs,
                          imports=("dlt",))
    server.inputs = inputs
    yield server
    stop_server(server, pg_cluster.dsn, "datalink_web")
