"""Running a ``pythonCore``'s ``coreProc``: the names DaCHS gives it, and compiling it
once, at load.

The coreProc is a function body with DaCHS's arguments ``self`` (the core:
``self.outputTable``), ``inputTable`` (``args``, the parameters by name; ``job``
when it runs as a UWS job), ``queryMeta`` and ``service``.  Besides the
rowmaker functions and ``rd``, its code sees ``rsc.TableForDef(tableDef,
rows=[...])`` (a table of row dictionaries, which the engine writes as
VOTable or another RESPONSEFORMAT), ``svcs.UnknownURI`` and
``svcs.ValidationError`` / ``base.ValidationError`` (errors the caller
reads), and ``base.getTableConn()`` (a connection whose ``query(sql, args)``
and ``queryToDicts(sql, args)`` run as the caller, with row-level security:
the engine provides it while the core runs, :func:`running_with`).
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from rd import rmkfuncs
from rd.macros import expand_at
from rd.proccode import CompiledProc, RDView, compile_app
from rd.structure import Element


class UnknownURI(Exception):
    """DaCHS's "no such thing here" (the engine answers 404)."""


class CoreTable:
    """What ``rsc.TableForDef`` makes: rows (dictionaries) of a table definition."""

    def __init__(self, tableDef: Any, rows: Any = None) -> None:  # noqa: N803
        self.tableDef = tableDef
        self.rows = [dict(row) for row in (rows or [])]

    def addRow(self, row: dict[str, Any]) -> None:  # noqa: N802 (DaCHS's name)
        self.rows.append(dict(row))


class _Connection:
    """``base.getTableConn()`` inside a core: DaCHS's query helpers on the engine's
    connection (the caller's, as the engine set it)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def query(self, sql: str, args: Any = None) -> Iterator[tuple]:
        with self._conn.cursor() as cur:
            cur.execute(sql, args)
            yield from cur.fetchall() if cur.description else ()

    def queryToDicts(self, sql: str, args: Any = None) -> Iterator[dict]:  # noqa: N802
        with self._conn.cursor() as cur:
            cur.execute(sql, args)
            names = [d[0] for d in cur.description or ()]
            for row in cur.fetchall() if cur.description else ():
                yield dict(zip(names, row))

    def __enter__(self) -> _Connection:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None


_CONNECTION: ContextVar[Any] = ContextVar("dr_core_connection", default=None)


@contextmanager
def running_with(conn: Any) -> Iterator[None]:
    """Let the core's ``base.getTableConn()`` use ``conn`` while it runs."""
    token = _CONNECTION.set(conn)
    try:
        yield
    finally:
        _CONNECTION.reset(token)


def _get_table_conn() -> _Connection:
    conn = _CONNECTION.get()
    if conn is None:
        raise rmkfuncs.ValidationError("no database connection outside a request", "")
    return _Connection(conn)


def names() -> dict[str, Any]:
    """The names coreProc code sees besides the rowmaker functions."""
    base = types.SimpleNamespace(**vars(rmkfuncs.base), getTableConn=_get_table_conn)
    return {
        "base": base,
        "rsc": types.SimpleNamespace(TableForDef=CoreTable),
        "svcs": types.SimpleNamespace(UnknownURI=UnknownURI,
                                      ValidationError=rmkfuncs.ValidationError,
                                      Error=Exception),
        "UnknownURI": UnknownURI,
    }


def compile_core_procs(rd: Any) -> dict[int, CompiledProc]:
    """The coreProcs of ``rd``'s pythonCores, compiled (keyed by the id() of their
    element); raises RDError, located."""
    compiled: dict[int, CompiledProc] = {}
    extra = {"rd": RDView(rd, getattr(rd, "inputs_dir", None)), **names()}
    for app in _core_procs(rd):
        found = compile_app(app, extra, expand_at)
        if found is not None:
            compiled[id(app)] = found
    return compiled


def _core_procs(element: Element) -> list[Element]:
    found = []
    for child in element.child_elements:
        if child.tag == "coreProc":
            found.append(child)
        else:
            found += _core_procs(child)
    return found
