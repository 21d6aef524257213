"""``dr admin …`` run as a user runs it: a subprocess against the test's database."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

import pytest


@pytest.fixture
def dr_admin(db):
    """Run ``dr admin argv…`` in a subprocess, ``stdin`` on its standard input."""

    def run(*argv: str, stdin: str = "") -> subprocess.CompletedProcess:
        env = dict(os.environ)
        env.update(db.env)
        return subprocess.run([sys.executable, "-m", "engine.cli", "admin", *argv],
                              input=stdin, env=env, capture_output=True, text=True,
                              timeout=120)

    return run


@pytest.fixture
def cursor(db):
    """A cursor on the test's database; its transaction is committed at the end."""
    with contextlib.closing(db.connect()) as conn:
        with conn.cursor() as cur:
            yield cur
        conn.commit()
