"""The inputs directory of the test's database configuration, created empty."""

from __future__ import annotations

import pytest


@pytest.fixture
def inputs(db):
    path = db.home / "inputs"
    path.mkdir()
    return path
