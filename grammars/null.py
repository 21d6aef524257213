"""nullGrammar: a grammar that never returns a row (DaCHS's, for tables filled otherwise)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch


class NullGrammar(Grammar):
    """No rows, whatever the source; the tables of its data element stay empty."""

    element = "nullGrammar"

    def batches(self, path: Path | Any, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        return iter(())
