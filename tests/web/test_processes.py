"""[web] processes: several pre-forked server processes share one port."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.servers import free_port
from tests.support import run_dr, wait_until


def test_two_processes_share_the_port_and_reload_together(server, tmp_path):
    port = free_port()
    state = tmp_path / "state"
    config = tmp_path / "gavo.conf"
    base = server.config.read_text().split("[web]")[0]
    base = base.replace(str(server.state), str(state))
    config.write_text(base + f"[web]\nserverPort = {port}\nprocesses = 2\n")
    process = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve"],
                               env=dict(os.environ, DR_CONFIG=str(config)),
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert "2 process(es)" in line, line
        import urllib.request
        from concurrent.futures import ThreadPoolExecutor

        def fetch(_) -> int:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as r:
                return r.status

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(fetch, range(64))) == {200}
        access = state / "log" / "access.log"
        pids = {json.loads(line)["pid"] for line in access.read_text().splitlines()}
        assert len(pids) == 2
        result = run_dr("serve", "reload", config=config)
        assert result.returncode == 0
        errors = state / "log" / "error.log"
        assert wait_until(lambda: errors.read_text().count("loaded ") >= 4, timeout=20)
    finally:
        process.terminate()
        process.wait(20)
    # Stopping the first process stopped the other too.
    assert wait_until(lambda: not any(_alive(pid) for pid in pids), timeout=10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_nothing_before_the_fork_installs_the_reactor():
    # Processes forked after it would share its epoll instance, and each other's events.
    check = ("import sys, engine.commands.servecmd, engine.web.server; "
             "assert 'twisted.internet.reactor' not in sys.modules, 'reactor imported'")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
