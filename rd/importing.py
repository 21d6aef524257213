"""What RD code sees of the import running it: the current source file and the database.

Rowmaker and grammar code asks about the source being read
(``\\inputRelativePath`` expands to ``_source_.input_relative_path(True)``)
and a few procedures query the database (``//procs#simpleSelect``).  The
engine wraps each grammar of an import (rd.loader.import_grammar); the wrapper
records the current source while its rows are read and runs the grammar's
``rowfilter`` and ``sourceFields`` procedures.  Nothing here opens a
connection: the engine lends a query function.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rd import site
from rd.errors import DRError, SourceError

_SAFE_PATH = re.compile(r"[,-:=@-Z_a-z{}~-]+$")
_COMPRESSED = (".gz", ".xz", ".bz2", ".Z", ".z")


@dataclass(frozen=True)
class ImportState:
    path: Path | None  # None: a grammar running without sources
    inputs_dir: Path
    resdir: Path
    query: Callable[[str, Any], list[dict[str, Any]]] | None = None


_STATE: ContextVar[ImportState | None] = ContextVar("dr_import_state", default=None)


class NotImporting(DRError):
    """Source-dependent RD code ran outside an import."""


class ProcError(DRError):
    """Publisher code of a grammar (a rowfilter, sourceFields) failed on a row."""


def state() -> ImportState:
    current = _STATE.get()
    if current is None:
        raise NotImporting("this code needs the source being imported, and no import "
                           "is running")
    return current


def source_path() -> Path:
    """The file being imported; an error when the grammar runs without sources."""
    path = state().path
    if path is None:
        raise NotImporting("this code needs a source file, and the grammar runs "
                           "without sources")
    return path


def relative_to(path: Path | str, root: Path | str, liberal: bool = True) -> str:
    """``path`` below ``root`` (DaCHS's getRelativePath); ValueError if it is not."""
    try:
        rest = Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        raise ValueError(f"{path} is not below {root}") from None
    if not liberal and not _SAFE_PATH.match(rest):
        raise ValueError(f"file path {rest!r} has characters that are hazardous in URLs")
    return rest


def file_stem(path: str) -> str:
    """The file name without directory and extension (and without .gz and friends)."""
    for ext in _COMPRESSED:
        if path.endswith(ext):
            path = path[:-len(ext)]
            break
    return os.path.splitext(os.path.basename(path))[0]


def standard_pubdid(path: str) -> str:
    """``ivo://<authority>/~?<inputs-relative path>``, DaCHS's standard pubDID."""
    if not path.startswith("/"):
        return f"ivo://{site.current().authority}/~?{path}"
    return f"ivo://{site.current().authority}/~?{relative_to(path, state().inputs_dir)}"


class SourceAccess:
    """``_source_`` in RD code: facts about the source file being imported."""

    def full_path(self) -> str:
        return str(source_path())

    def input_relative_path(self, liberal: bool = True) -> str:
        return relative_to(source_path(), state().inputs_dir, liberal)

    def rootless_path(self) -> str:
        return relative_to(source_path(), state().resdir)

    def stem(self) -> str:
        return file_stem(str(source_path()))

    def size(self) -> int:
        return source_path().stat().st_size

    def date(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(source_path().stat().st_mtime,
                                               datetime.UTC).replace(tzinfo=None)

    def cdate(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(source_path().stat().st_ctime,
                                               datetime.UTC).replace(tzinfo=None)

    def last_elements(self, count: int) -> str:
        return "/".join(source_path().parts[-count:])

    def standard_pubdid(self, vars: dict[str, Any]) -> str:
        accref = vars.get("prodtblAccref") or self.input_relative_path()
        return standard_pubdid(accref)

    def query(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        """Rows (as dicts) of a query, through the function the import lends."""
        query = state().query
        if query is None:
            raise NotImporting("this code queries the database, and no import is running")
        return query(sql, params)


SOURCE = SourceAccess()


class RowIterView:
    """``rowIter`` in rowfilter code: DaCHS code asks it for the sourceToken."""

    @property
    def sourceToken(self) -> str:  # noqa: N802 (DaCHS's name)
        return str(source_path())


ROW_ITER = RowIterView()


# -- the grammar wrapper ------------------------------------------------------------

RowFunction = Callable[[dict[str, Any]], Iterator[dict[str, Any]]]


class ImportGrammar:
    """A grammar as an import reads it: the current source recorded, rowfilters run.

    Everything else is the wrapped grammar's, except that with rowfilters or
    sourceFields there is no COPY passthrough.
    """

    def __init__(self, grammar: Any, inputs_dir: Path, resdir: Path,
                 query: Callable[[str, Any], list[dict[str, Any]]] | None,
                 rowfilters: list[RowFunction], source_fields: list[Callable[[str], Any]]
                 ) -> None:
        self.grammar = grammar
        self.inputs_dir, self.resdir, self.query = inputs_dir, resdir, query
        self.rowfilters, self.source_fields = rowfilters, source_fields

    def __getattr__(self, name: str) -> Any:
        if name == "passthrough" and (self.rowfilters or self.source_fields):
            raise AttributeError(name)  # PostgreSQL reading the file would skip them
        return getattr(self.grammar, name)

    def header(self, path: Path) -> Any:
        return self.grammar.header(path)

    def batches(self, path: Path, *args: Any, **kwargs: Any) -> Iterator[Any]:
        previous = _STATE.get()
        # A source that is no file (a builder's SSA row, say) has no path.
        _STATE.set(ImportState(Path(path) if isinstance(path, (str, os.PathLike)) else None,
                               self.inputs_dir, self.resdir, self.query))
        try:
            extra: dict[str, Any] = {}
            for fields in self.source_fields:
                try:
                    extra.update(fields(str(path)) or {})
                except ProcError as exc:
                    raise SourceError(exc.message, path=str(path)) from None
            for batch in self.grammar.batches(path, *args, **kwargs):
                if self.rowfilters or extra:
                    batch = self._filtered(batch, extra, str(path))
                yield batch
        finally:
            _STATE.set(previous)

    def _filtered(self, batch: Any, extra: dict[str, Any], shown: str) -> Any:
        names = list(batch.columns)
        columns = [c.tolist() if hasattr(c, "tolist") and getattr(c, "ndim", 1) == 1
                   else list(c) for c in batch.columns.values()]
        roles = getattr(batch, "roles", None)
        rows: list[dict[str, Any]] = []
        lines: list[int] = []
        out_roles: list[Any] = []
        # rows without fields (an iterator yielding {}) are rows all the same
        for i, values in enumerate(zip(*columns) if columns else [()] * len(batch)):
            produced = [{**dict(zip(names, values)), **extra}]
            try:
                for rowfilter in self.rowfilters:
                    produced = [out for row in produced for out in rowfilter(row)]
            except ProcError as exc:
                raise SourceError(exc.message, path=shown, line=batch.lines[i]) from None
            rows.extend(produced)
            lines.extend([batch.lines[i]] * len(produced))
            if roles is not None:
                out_roles.extend([roles[i]] * len(produced))
        keys: dict[str, None] = dict.fromkeys(names)
        for row in rows:
            keys.update(dict.fromkeys(row))
        filtered = type(batch)({k: [row.get(k) for row in rows] for k in keys}, lines)
        if roles is not None:
            filtered.roles = out_roles
        return filtered
