"""Helpers for the grammar tests: sample files, and reading a whole source into columns."""

from __future__ import annotations

import textwrap
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


@pytest.fixture
def rd_grammar(tmp_path):
    """The grammar of the first data element of an RD written to tmp_path/res/q.rd.

    ``files`` (name -> text) are written beside it.
    """
    from grammars import make_grammar
    from rd.loader import load_rd_file

    def build(body: str, files: dict[str, str] | None = None) -> Grammar:
        resdir = tmp_path / "res"
        resdir.mkdir(exist_ok=True)
        for name, text in (files or {}).items():
            (resdir / name).parent.mkdir(parents=True, exist_ok=True)
            (resdir / name).write_text(textwrap.dedent(text).lstrip("\n"))
        rd_path = resdir / "q.rd"
        rd_path.write_text(f'<resource schema="test">{textwrap.dedent(body)}</resource>\n')
        rd = load_rd_file(rd_path, "res/q")
        element = rd.data[0].grammar
        return make_grammar(element.tag, element.params())

    return build
