"""Running publishers' Python (embedded and custom grammars), with its errors located.

:func:`compile_proc` compiles an ``<iterator>`` or ``<pargetter>`` with the
RD's procedure machinery (rd/proccode.py); :func:`code_error` turns an
exception raised by publisher code while it made rows into a SourceError
naming the source, the row and the code that raised it.  Publishers are
trusted, as in DaCHS; web input never gets here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from grammars.dachscompat import SourceParseError, code_namespace, install_gavo_modules
from rd.errors import DRError, RDError, SourceError
from rd.macros import expand_at
from rd.proccode import RDView, compile_app
from rd.structure import Element


def compile_proc(app: Element, rd: Any) -> Callable[..., Any]:
    """The function of a grammar's ``app`` (iterator, pargetter), taking ``self``.
    Its code may import what DaCHS's RDs import from gavo (dachscompat)."""
    install_gavo_modules()
    compiled = compile_app(app, {"rd": RDView(rd, getattr(rd, "inputs_dir", None)),
                                 **code_namespace()}, expand_at)
    if compiled is None:
        raise RDError(f"the <{app.tag}> at {app.pos} applies a procDef DR does not "
                      "provide", element=app.tag)
    return compiled.function


def _line_in(tb: TracebackType | None, filename: str) -> int | None:
    """The line of the innermost frame of ``tb`` running code from ``filename``."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def code_error(exc: Exception, source: str, row: int, what: str,
               module: str | None = None, locator: str = "") -> SourceError:
    """A SourceError for ``exc``, raised by publisher code while making row ``row``.

    ``what`` names the code ("the <iterator> at q.rd:12"); for code from a
    Python file, ``module`` is its path, and the message names the line that
    raised.  ``locator`` is where the code says it is in the source (DaCHS's
    getLocator), replacing the row number.
    """
    if isinstance(exc, SourceError):
        return exc
    place = locator or f"row {row}"
    if isinstance(exc, SourceParseError):
        return SourceError(f"{place}: {exc}", path=source, hint=exc.hint)
    line = _line_in(exc.__traceback__, module) if module else None
    raised = f", at {module}:{line}" if line else ""
    return SourceError(f"{place}: {type(exc).__name__}: {exc} (raised by {what}{raised})",
                       path=source)


class GrammarView:
    """The grammar as publisher code sees it (``self.grammar``): properties, dataPack, rd."""

    _absent = object()

    def __init__(self, params: Mapping[str, Any]) -> None:
        self.properties: dict[str, str] = dict(params.get("properties") or {})
        rd = params.get("rd")
        self.rd = RDView(rd, getattr(rd, "inputs_dir", None)) if rd is not None else None
        self.isDispatching = bool(params.get("isDispatching", False))
        self.dataPack: Any = None

    def getProperty(self, name: str, default: Any = _absent) -> Any:  # noqa: N802
        if name in self.properties:
            return self.properties[name]
        if default is self._absent:
            raise KeyError(f"the grammar has no property {name!r}")
        return default


def source_token(source: Any) -> Any:
    """The ``sourceToken`` publisher code gets: a file's full path as str, else as given."""
    return str(source) if isinstance(source, Path) else source


def guarded(rows: Iterable[Any], error: Callable[[Exception, int], DRError]
            ) -> Iterator[Any]:
    """``rows``, with an exception raised while making row n turned into ``error(exc, n)``."""
    number = 0
    try:
        for row in rows:
            number += 1
            yield row
    except DRError:
        raise
    except Exception as exc:
        raise error(exc, number + 1) from None
