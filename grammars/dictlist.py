"""dictlistGrammar and transparentGrammar: rows that code hands over as the source itself.

DaCHS uses these when Python builds the rows (a service, a script): the
source token *is* the rows, a list of dictionaries (dictlistGrammar) or any
iterable of them (transparentGrammar).  A file from ``<sources>`` is not
such a token, so importing one is a SourceError saying so.  With ``asPars``
a dictlistGrammar takes the first dictionary as the source's parameters and
returns no rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch
from grammars.rowdicts import dict_batches
from rd.errors import SourceError


class DictlistGrammar(Grammar):
    """The dictionaries of the source token (a list of them) as rows."""

    element = "dictlistGrammar"

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self.as_pars = bool(self.params.get("asPars", False))

    def _rows(self, source: Any) -> Any:
        if isinstance(source, str | Path | bytes):
            raise SourceError(f"is a file, but a {self.element} takes its rows from code "
                              "(a list of dictionaries), not from files", path=str(source),
                              hint="read files with a grammar for their format, or fill "
                                   "the table from an embeddedGrammar")
        return source

    def parameters(self, source: Any) -> dict[str, Any]:
        """The first dictionary when asPars is set, else none."""
        if not self.as_pars:
            return {}
        return dict(next(iter(self._rows(source)), {}))

    def batches(self, path: Path | Any, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        rows = self._rows(path)
        if self.as_pars:
            return iter(())
        return dict_batches(rows, batch_rows, bad_row=self._bad_row)

    def _bad_row(self, message: str, number: int) -> SourceError:
        return SourceError(f"row {number} {message}", path=f"<{self.element} rows>")


class TransparentGrammar(DictlistGrammar):
    """The source token (any iterable of dictionaries) as rows."""

    element = "transparentGrammar"
