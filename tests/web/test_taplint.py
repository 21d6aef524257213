"""STILTS taplint against the demo TAP service: no errors at all."""

from __future__ import annotations

import shutil
import subprocess

import pytest

# Warnings that remain, each for a reason (see the README's TAP section).
EXPECTED_WARNINGS = {
    # COALESCE and the other extensions are declared under a custom feature type.
    "W-CAP-CULF",
}


@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
def test_taplint_reports_no_errors(server):
    result = subprocess.run(
        ["stilts", "taplint", f"tapurl={server.url}/tap", "report=EW"],
        capture_output=True, text=True, timeout=600)
    lines = result.stdout.splitlines()
    errors = [line for line in lines if line.startswith("E-")]
    warnings = {line.split()[0].rsplit("-", 1)[0] for line in lines
                if line.startswith("W-")}
    assert not errors, "\n".join(errors)
    assert warnings <= EXPECTED_WARNINGS, warnings
    assert "Totals: Errors: 0" in result.stdout
