"""A real ``dr serve`` on a free port, with the demo resources imported, for web tests.

One server per test session (see tests/servers.py).
"""

from __future__ import annotations

import pytest

from tests.servers import DEMO_RDS, INPUTS, Server, free_port, start_server, stop_server
from tests.support import CHROMIUM, FLAGS

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


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()
