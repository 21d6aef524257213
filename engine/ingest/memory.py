"""A data element run into memory instead of the database: its grammar on one
source (a file, or any token such as an SSA row), its first make's rowmaker,
and the rows that come out, as dictionaries by column name.

DaCHS runs data elements this way to build what a service delivers rather than
what an import loads: the ``builder`` of ``//soda#sdm_genData`` makes a
spectrum's table from its SSA row.  Errors name the source and the RD element
as an import's do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grammars.registry import make_grammar
from rd.elements.data import Data
from rd.elements.resource import Resource
from rd.elements.table import Table
from rd.errors import DRError, RDError, SourceError
from rd.loader import compiled_rowmaker, import_grammar
from rd.rmkfuncs import IgnoreThisRow

MAX_ROWS = 10_000_000  # a built table is held in memory: a bound on it


class RowToken(dict):
    """A row as a grammar's source token: a dictionary whose text, in error
    messages, is a short name of it rather than all its values."""

    def __init__(self, row: dict[str, Any], shown: str) -> None:
        super().__init__(row)
        self.shown = shown

    def __str__(self) -> str:
        return self.shown

    __repr__ = __str__


def build_rows(rd: Resource, data: Data, source: Any,
               query: Callable[[str, Any], list[dict[str, Any]]] | None = None
               ) -> tuple[Table, list[dict[str, Any]]]:
    """The table of ``data``'s first make and its rows made from ``source`` (a
    :class:`RowToken` when it is a row, so that errors name it briefly)."""
    if data.grammar is None or not data.makes:
        raise RDError("needs a grammar and a make to build anything",
                      path=data.pos.path, line=data.pos.line, element="data")
    make = data.makes[0]
    table = rd.resolve_table(make.table, make)
    try:
        grammar = import_grammar(rd, data.grammar, query,
                                 make_grammar(data.grammar.tag, data.grammar.params()))
    except (DRError, KeyError) as exc:
        message = exc.message if isinstance(exc, DRError) else "is no grammar DR knows"
        raise RDError(message, path=data.grammar.pos.path, line=data.grammar.pos.line,
                      element=data.grammar.tag) from None
    rowmaker = compiled_rowmaker(rd, make)
    function, names_out = rowmaker.function, rowmaker.columns
    shown = str(source)
    rows: list[dict[str, Any]] = []
    for batch in grammar.batches(source):
        batch = batch.for_role(make.role)
        names = list(batch.columns)
        columns = [c.tolist() if hasattr(c, "tolist") and getattr(c, "ndim", 1) == 1
                   else list(c) for c in batch.columns.values()]
        for line, values in zip(batch.lines, zip(*columns)):
            try:
                row = function(dict(zip(names, values)))
            except IgnoreThisRow:
                continue
            except DRError:
                raise
            except Exception as exc:
                raise SourceError(f"{type(exc).__name__}: {exc} (in the rowmaker of "
                                  f"<make table={make.table!r}>)", path=shown,
                                  line=line) from None
            if row is not None:
                rows.append(dict(zip(names_out, row)))
            if len(rows) > MAX_ROWS:
                raise SourceError(f"makes more than {MAX_ROWS} rows", path=shown)
    return table, rows
