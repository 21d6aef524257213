"""Test helpers: running ``dr`` as a separate process, directories the cluster can reach,
STILTS votlint on a document."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The database of the session's cluster every test database is cloned from
# (tests/conftest.py makes it).
TEMPLATE_DB = "dr_template"


def run_dr(*argv: str, config: Path | None = None, env: dict | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    for key in ("DR_CONFIG", "DR_STATE_DIR", "DR_INPUTS_DIR"):
        full_env.pop(key, None)
    if config is not None:
        full_env["DR_CONFIG"] = str(config)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "engine.cli", *argv], env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def make_world_traversable_tmpdir(prefix: str) -> Path:
    """A temporary directory the cluster user can reach even when we run as root."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def wait_until(predicate, timeout: float = 10.0) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def votlint(body: bytes, path: Path) -> subprocess.CompletedProcess:
    """Write the VOTable ``body`` to ``path`` and run STILTS votlint on it (text
    output: what it found, nothing when the document is clean)."""
    path.write_bytes(body)
    return subprocess.run(["stilts", "votlint", f"votable={path}"],
                          capture_output=True, text=True, timeout=120)


# Headless Chromium as the browser tests drive it (Debian's package, through
# Playwright; tests/web/conftest.py's ``browser`` fixture).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
