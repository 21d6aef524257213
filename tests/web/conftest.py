"""A real ``dr serve`` on a free port, with the demo resources imported, for web tests.

One server per test session (see tests/servers.py).
"""

from __future__ import annotations

import pytest

from tests.servers import DEMO_RDS, INPUTS, Server, free_port, start_server, stop_server

__all__ = ["INPUTS", "Server", "free_port", "server"]


@pytest.fixture(scope="session")
def server(pg_cluster, tmp_path_factory) -> Server:
    try:
        # A test uploads by URL from a loopback web server, which the default
        # fetch policy refuses.
        srv = start_server(pg_cluster.dsn, tmp_path_factory.mktemp("web"), "web_demo",
                           web="fetchPrivateHosts = True\n", imports=DEMO_RDS)
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield srv
    stop_server(srv, pg_cluster.dsn, "web_demo")
