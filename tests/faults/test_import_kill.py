"""``dr imp`` killed with SIGKILL while its COPY streams rows: the table keeps its old
rows, nothing of the dead import holds a lock, and the next import runs through."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.conftest import write_config, write_faults_resource
from tests.support import run_dr, wait_until

OLD_ROWS, NEW_ROWS, NEW_FIRST = 1_000, 60_000, 1_000_001


def copying(db) -> list[int]:
    """Backends of this database running an import's COPY."""
    return [pid for (pid,) in db.query(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        " AND state = 'active' AND query LIKE 'COPY %%FROM STDIN%%'")]


def until_copying(db, process: subprocess.Popen, timeout: float) -> bool:
    """Ask without pause until the import's COPY runs or the import has ended: its
    COPY may take less than wait_until's tenth of a second between two looks."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if copying(db) or process.poll() is not None:
            return True
    return False


def others(db) -> list[tuple]:
    """Backends of this database other than the test's own connection, with the
    locks they hold."""
    return db.query(
        "SELECT a.pid, a.state, count(l.locktype) FROM pg_stat_activity a"
        " LEFT JOIN pg_locks l ON l.pid = a.pid AND l.granted"
        " WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()"
        " GROUP BY a.pid, a.state")


def table_facts(db) -> tuple:
    return db.query("SELECT count(*), min(id), max(id) FROM faults.main")[0]


@pytest.fixture
def imported(db, tmp_path) -> Path:
    """``faults`` imported with OLD_ROWS rows; its source then replaced by NEW_ROWS
    new ones.  The configuration file is returned."""
    inputs = tmp_path / "inputs"
    write_faults_resource(inputs, OLD_ROWS)
    config = write_config(tmp_path / "home", db.dsn, inputs)
    result = run_dr("imp", "faults", config=config)
    assert result.returncode == 0, result.stderr
    write_faults_resource(inputs, NEW_ROWS, first=NEW_FIRST)
    return config


def start_import(config: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("DR_STATE_DIR", "DR_INPUTS_DIR")}
    return subprocess.Popen([sys.executable, "-m", "engine.cli", "imp", "faults"],
                            env=dict(env, DR_CONFIG=str(config)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_an_import_killed_during_copy_leaves_the_old_rows_and_no_locks(db, imported):
    assert table_facts(db) == (OLD_ROWS, 1, OLD_ROWS)
    process = start_import(imported)
    try:
        assert until_copying(db, process, 60)
        assert process.poll() is None, "the import ended before its COPY was seen"
        process.kill()
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    killed = time.monotonic()
    # PostgreSQL notices the dead client at once and rolls its transaction back.
    assert wait_until(lambda: not others(db), 10), others(db)
    print(f"import backends gone {time.monotonic() - killed:.2f} s after the kill")
    assert table_facts(db) == (OLD_ROWS, 1, OLD_ROWS)
    assert db.query("SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = 'faults'") == [("main",)]
    # Queryable as before, through TAP_SCHEMA too.
    assert db.query("SELECT count(*) FROM tap_schema.tables"
                    " WHERE table_name = 'faults.main'") == [(1,)]

    result = run_dr("imp", "faults", config=imported)
    assert result.returncode == 0, result.stderr
    assert table_facts(db) == (NEW_ROWS, NEW_FIRST, NEW_FIRST + NEW_ROWS - 1)
