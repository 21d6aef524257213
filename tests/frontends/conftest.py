"""The ``farm`` fixture: three ``dr serve`` front-ends behind nginx (see farm.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.frontends.farm import (
    Farm,
    drop_database,
    make_database,
    nginx_binary,
    spawn_frontend,
    start_nginx,
    wait_listening,
    write_inputs,
)
from tests.servers import free_port, stop_processes
from tests.support import make_world_traversable_tmpdir, run_dr


@pytest.fixture(scope="module")
def farm(pg_cluster) -> Iterator[Farm]:
    """The farm RD behind nginx and three front-ends."""
    nginx_binary()
    home = make_world_traversable_tmpdir("dr-frontends-")
    write_inputs(home / "inputs")
    farm = Farm(home, home / "gavo.conf", make_database(pg_cluster.dsn), free_port())
    farm.config.write_text(
        f"[general]\nstateDir = {farm.state}\ninputsDir = {home / 'inputs'}\n"
        f"[db]\ndsn = {farm.dsn}\n"
        f"[web]\nserverPort = {free_port()}\nserverURL = {farm.url}\n"
        "trustedProxies = 127.0.0.1\nmaxrec = 1000\n")
    try:
        result = run_dr("imp", "farm", config=farm.config)
        assert result.returncode == 0, result.stderr
        farm.frontends = [spawn_frontend(farm, free_port()) for _ in range(3)]
        for frontend in farm.frontends:
            wait_listening(farm, frontend)
        farm.nginx = start_nginx(farm)
        yield farm
    finally:
        stop_processes([farm.nginx] + [f.process for f in farm.frontends])
        drop_database(pg_cluster.dsn)
        shutil.rmtree(home, ignore_errors=True)
