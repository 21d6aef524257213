"""customGrammar: rows from the ``RowIterator`` class of a Python module in the resdir.

DaCHS's contract: ``module="res/mygrammar"`` names ``res/mygrammar.py``
relative to the resource directory; it defines ``RowIterator``, usually a
subclass of ``gavo.api.CustomRowIterator`` (DR provides that name when DaCHS
is not installed), whose ``_iterRows`` yields row dictionaries, or
``(role, row)`` pairs with ``isDispatching``.  One instance is made per
source, as ``RowIterator(grammar, sourceToken)``; its ``getParameters`` is
called once before the rows, and ``getLocator`` says where it is when an
error occurs.  A module-level ``makeDataPack(grammar)`` runs once, when the
grammar is built; its result is ``self.grammar.dataPack``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch
from grammars.dachscompat import install_gavo_modules
from grammars.pycode import GrammarView, code_error, guarded, source_token
from grammars.rowdicts import dict_batches
from rd.errors import RDError, SourceError

ELEMENT = "customGrammar"


def module_path(module: str, resdir: Path) -> Path:
    path = resdir / module
    return path if path.suffix == ".py" else path.with_name(path.name + ".py")


def load_module(path: Path) -> ModuleType:
    """Import the publisher's module at ``path``; errors name its file and line."""
    if not path.is_file():
        raise RDError(f"module {path} does not exist", element=ELEMENT,
                      hint="module is the path of a .py file (without .py) relative to "
                           "the resource directory, e.g. res/mygrammar")
    install_gavo_modules()
    name = "dr_custom_grammar_" + hashlib.sha1(str(path).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Modules beside it (res/helpers.py) can be imported, as in DaCHS.
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise RDError(f"{path}:{exc.lineno}: Python syntax error: {exc.msg}",
                      element=ELEMENT) from None
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if f.filename == str(path)]
        where = f"{path}:{frames[-1].lineno}" if frames else str(path)
        raise RDError(f"module {where} failed to load: {type(exc).__name__}: {exc}",
                      element=ELEMENT) from None
    finally:
        sys.path.remove(str(path.parent))
    return module


class CustomGrammar(Grammar):
    """Rows from a publisher's RowIterator class; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        if not self.params.get("module"):
            raise RDError("needs module, the Python file of its RowIterator", element=ELEMENT)
        rd = self.params.get("rd")
        resdir = rd.resdir_path if rd is not None else Path.cwd()
        self.path = module_path(self.params["module"], resdir)
        module = load_module(self.path)
        self.row_iterator = getattr(module, "RowIterator", None)
        if not isinstance(self.row_iterator, type):
            raise RDError(f"module {self.path} defines no RowIterator class", element=ELEMENT,
                          hint="subclass gavo.api.CustomRowIterator and override _iterRows")
        self.view = GrammarView(self.params)
        make_data_pack = getattr(module, "makeDataPack", None)
        if make_data_pack is not None:
            try:
                self.view.dataPack = make_data_pack(self.view)
            except Exception as exc:
                raise RDError(f"makeDataPack of {self.path} failed: "
                              f"{type(exc).__name__}: {exc}", element=ELEMENT) from None

    def _start(self, source: Any) -> tuple[Any, dict[str, Any]]:
        """The RowIterator for ``source`` and its parameters (getParameters runs first)."""
        try:
            row_iterator = self.row_iterator(self.view, source_token(source))
            get_parameters = getattr(row_iterator, "getParameters", None)
            parameters = dict(get_parameters() or {}) if get_parameters else {}
        except Exception as exc:
            raise code_error(exc, str(source), 1, f"the RowIterator of {self.path}",
                             str(self.path)) from None
        return row_iterator, parameters

    def parameters(self, source: Path | Any) -> dict[str, Any]:
        """What the RowIterator's getParameters returns for ``source``."""
        return self._start(source)[1]

    def batches(self, path: Path | Any, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        row_iterator, _ = self._start(path)

        def error(exc: Exception, row: int) -> SourceError:
            locate = getattr(row_iterator, "getLocator", None)
            try:
                locator = str(locate() or "") if locate else ""
            except Exception:
                locator = ""
            return code_error(exc, str(path), row, f"the RowIterator of {self.path}",
                              str(self.path), locator)

        rows = row_iterator._iterRows() if hasattr(row_iterator, "_iterRows") \
            else iter(row_iterator)
        yield from dict_batches(
            guarded(rows, error), batch_rows, dispatching=self.view.isDispatching,
            bad_row=lambda what, n: SourceError(f"row {n} from the RowIterator of "
                                                f"{self.path} {what}", path=str(path)))
