"""embeddedGrammar: rows from a Python iterator written in the RD, run as DaCHS runs it.

The ``<iterator>``'s code is the body of the ``_iterRows`` method of a row
iterator: ``self.sourceToken`` is the source (a file's full path, or what the
publisher passed), ``self.grammar`` the grammar (``getProperty``, ``rd``,
``dataPack``); it yields row dictionaries, or ``(role, row)`` pairs when
``isDispatching`` is set.  A ``<pargetter>`` runs once per source, before the
iterator and on the same ``self``, and returns the source's parameters
(DR has no parmakers yet, so only :meth:`EmbeddedGrammar.parameters` sees
them).  The code is compiled as the RD's other procedures are
(rd/proccode.py: setup imports, pars and binds, procDef), when the grammar
is built for an import; its syntax was checked when the RD loaded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch
from grammars.dachscompat import CustomRowIterator
from grammars.pycode import GrammarView, code_error, compile_proc, guarded, source_token
from grammars.rowdicts import dict_batches
from rd.errors import RDError, SourceError

ELEMENT = "embeddedGrammar"


class EmbeddedGrammar(Grammar):
    """Rows from the RD's iterator code; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        iterator = self.params.get("iterator")
        if iterator is None:
            raise RDError("needs an <iterator> with the code yielding its rows",
                          element=ELEMENT)
        rd = self.params.get("rd")
        self.where = {"iterator": f"the <iterator> at {iterator.pos}"}
        self.iterate = compile_proc(iterator, rd)
        pargetter = self.params.get("pargetter")
        self.get_parameters = None
        if pargetter is not None:
            self.where["pargetter"] = f"the <pargetter> at {pargetter.pos}"
            self.get_parameters = compile_proc(pargetter, rd)
        self.view = GrammarView(self.params)
        self.dispatching = self.view.isDispatching

    def _error(self, tag: str, source: Any):
        def error(exc: Exception, row: int) -> SourceError:
            return code_error(exc, str(source), row, self.where[tag])

        return error

    def _start(self, source: Any) -> tuple[CustomRowIterator, dict[str, Any]]:
        """A fresh row iterator for ``source``, its pargetter already run."""
        row_iterator = CustomRowIterator(self.view, source_token(source))
        parameters: dict[str, Any] = {}
        if self.get_parameters is not None:
            try:
                parameters = dict(self.get_parameters(row_iterator) or {})
            except Exception as exc:
                raise self._error("pargetter", source)(exc, 1) from None
        return row_iterator, parameters

    def parameters(self, source: Path | Any) -> dict[str, Any]:
        """What the pargetter returns for ``source`` (empty without one)."""
        return self._start(source)[1]

    def batches(self, path: Path | Any, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        row_iterator, _ = self._start(path)
        error = self._error("iterator", path)

        def rows() -> Iterator[Any]:
            produced = self.iterate(row_iterator)
            if produced is not None:
                yield from produced

        yield from dict_batches(guarded(rows(), error), batch_rows,
                                dispatching=self.dispatching,
                                bad_row=lambda what, n: SourceError(
                                    f"row {n} from {self.where['iterator']} {what}",
                                    path=str(path)))
