"""docs/DACHS-COVERAGE.md says what the code does: it is the generator's output."""

from __future__ import annotations

import importlib.util

from engine.config import CHECKOUT_ROOT


def test_the_coverage_document_is_up_to_date():
    spec = importlib.util.spec_from_file_location(
        "dachs_coverage", CHECKOUT_ROOT / "scripts" / "dachs_coverage.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    committed = (CHECKOUT_ROOT / "docs" / "DACHS-COVERAGE.md").read_text()
    assert committed == generator.document(), (
        "docs/DACHS-COVERAGE.md is out of date: run "
        ".venv/bin/python scripts/dachs_coverage.py > docs/DACHS-COVERAGE.md")
