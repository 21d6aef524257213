"""Real ``dr serve`` processes on free ports for the web tests: ``server``, the demo
(tests/conftest.py's ``demo_server``), and ``restricted_site`` serving
tests/web/restricted_inputs; and headless Chromium for the browser tests.

One server of each per test session (see tests/servers.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import INPUTS, Server, free_port, start_server, stop_server
from tests.support import CHROMIUM, FLAGS

__all__ = ["INPUTS", "Server", "free_port", "restricted_site", "server"]

RESTRICTED_INPUTS = Path(__file__).parent / "restricted_inputs"


@pytest.fixture(scope="session")
def server(demo_server) -> Server:
    return demo_server


@pytest.fixture(scope="package")
def restricted_site(pg_cluster, tmp_path_factory) -> Iterator[Server]:
    """The RDs of tests/web/restricted_inputs (archive/open, secret) imported and served;
    test_restricted.py asks anonymously, test_login.py adds its accounts."""
    srv = start_server(pg_cluster.dsn, tmp_path_factory.mktemp("restricted"),
                       "web_restricted", imports=("archive/open", "secret"),
                       inputs=RESTRICTED_INPUTS)
    yield srv
    stop_server(srv, pg_cluster.dsn, "web_restricted")


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()
