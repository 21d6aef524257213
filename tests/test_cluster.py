"""The embedded cluster as a user meets it: dr init, dr db start/stop/status/dsn/psql."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest

from tests.support import make_world_traversable_tmpdir, run_dr

as_root = pytest.mark.skipif(os.geteuid() != 0, reason="exercises the run-as-root path")


@pytest.fixture
def state_home():
    home = make_world_traversable_tmpdir("dr-test-state-")
    yield home
    # Stop whatever cluster a test left behind before removing its files.
    for pgdata in home.rglob("pgdata"):
        if (pgdata / "postmaster.pid").exists():
            run_dr("db", "stop", config=pgdata.parent / "gavo.conf")
    shutil.rmtree(home, ignore_errors=True)


def write_config(state: Path, **db_keys: str) -> Path:
    state.mkdir(parents=True, exist_ok=True)
    config = state / "gavo.conf"
    lines = ["[general]", f"stateDir = {state}", "[db]"]
    lines += [f"{k} = {v}" for k, v in db_keys.items()]
    config.write_text("\n".join(lines) + "\n")
    return config


def test_init_creates_a_cluster_that_survives_restart_with_its_data(state_home):
    # A long state path forces the socket into a short directory under /tmp.
    state = state_home / ("deeply-nested-" + "x" * 60) / "state"
    config = write_config(state)

    init = run_dr("init", config=config)
    assert init.returncode == 0, init.stderr
    assert "created the embedded cluster" in init.stdout

    dsn = run_dr("db", "dsn", config=config).stdout.strip()
    assert "host=/tmp/dr-" in dsn
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE kept (x spoint)")
        cur.execute("INSERT INTO kept VALUES (spoint(0.5, 0.25))")
    conn.close()

    assert run_dr("db", "stop", config=config).stdout.strip() == "stopped"
    status = run_dr("db", "status", config=config)
    assert status.returncode == 3 and "running:     no" in status.stdout

    assert run_dr("db", "start", config=config).stdout.strip() == "started"
    assert run_dr("db", "start", config=config).stdout.strip() == "already running"
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM kept")
        assert cur.fetchone() == (1,)
    conn.close()

    status = run_dr("db", "status", config=config)
    assert status.returncode == 0
    assert "pg_sphere 1." in status.stdout

    again = run_dr("init", config=config)
    assert again.returncode == 0 and "found the embedded cluster" in again.stdout
    assert run_dr("db", "stop", config=config).returncode == 0


def test_psql_opens_the_embedded_database_with_pg_sphere(state_home):
    config = write_config(state_home / "state")
    result = run_dr("db", "psql", "-Atc", "select spoint(0,0)", config=config)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(0 , 0)"
    run_dr("db", "stop", config=config)


def test_concurrent_commands_do_not_race_on_a_new_state_dir(state_home):
    config = write_config(state_home / "state")
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: run_dr("db", "start", config=config),
                                range(3)))
    assert [r.returncode for r in results] == [0, 0, 0], [r.stderr for r in results]
    assert sorted(r.stdout.strip() for r in results) == [
        "already running", "already running", "started"]
    run_dr("db", "stop", config=config)


def test_missing_server_binaries_name_the_package_to_install(state_home):
    empty = state_home / "no-binaries"
    empty.mkdir()
    config = write_config(state_home / "state", pgBinDir=str(empty))
    result = run_dr("init", config=config)
    assert result.returncode == 1
    assert "lacks initdb, pg_ctl, postgres" in result.stderr
    assert "apt-get install postgresql" in result.stderr
    assert "Traceback" not in result.stderr


@as_root
def test_a_missing_cluster_user_is_reported(state_home):
    config = write_config(state_home / "state", clusterUser="no-such-dr-user")
    result = run_dr("db", "start", config=config)
    assert result.returncode == 1
    assert "'no-such-dr-user' that should run the cluster does not exist" in result.stderr


@as_root
def test_a_cluster_owned_by_another_user_is_refused(state_home):
    state = state_home / "state"
    (state / "pgdata").mkdir(parents=True)
    (state / "pgdata" / "PG_VERSION").write_text("15\n")
    config = write_config(state)
    result = run_dr("db", "start", config=config)
    assert result.returncode == 1
    assert "belongs to 'root', but DR would run it as 'postgres'" in result.stderr


@as_root
def test_a_state_dir_the_cluster_user_cannot_reach_is_explained(state_home):
    closed = state_home / "closed"
    closed.mkdir(mode=0o700)
    config = write_config(closed / "state")
    result = run_dr("init", config=config)
    assert result.returncode == 1
    assert "cannot reach" in result.stderr and "DR_STATE_DIR" in result.stderr


def test_a_configured_dsn_is_used_instead_of_the_embedded_cluster(db):
    result = db.cli("db", "dsn")
    assert result.status == 0 and result.out.strip() == db.dsn
    status = db.cli("db", "status")
    assert status.status == 0 and "configured server" in status.out
    assert "pg_sphere 1." in status.out


def test_the_cli_runs_as_a_module_and_explains_bad_usage():
    result = subprocess.run([sys.executable, "-m", "engine.cli", "db", "frobnicate"],
                            capture_output=True, text=True)
    assert result.returncode == 2 and "invalid choice" in result.stderr
