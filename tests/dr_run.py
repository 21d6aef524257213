"""Running the ``dr`` command as a user would: a separate process with its own environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


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
