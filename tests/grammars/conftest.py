"""Helpers for the grammar tests: sample files, and reading a whole source into columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grammars.base import Grammar

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data() -> Path:
    """The folder of small real sample files."""
    return DATA


@pytest.fixture
def read_all() -> Callable[..., tuple[dict[str, list[Any]], list[int]]]:
    """Read every batch of a source; return its columns as lists and its line numbers."""

    def read(grammar: Grammar, path: Path, batch_rows: int = 5000
             ) -> tuple[dict[str, list[Any]], list[int]]:
        columns: dict[str, list[Any]] = {}
        lines: list[int] = []
        for batch in grammar.batches(path, batch_rows):
            assert len(batch) <= batch_rows
            for name, values in batch.columns.items():
                assert len(values) == len(batch)
                columns.setdefault(name, []).extend(list(values))
            lines.extend(batch.lines)
        return columns, lines

    return read
