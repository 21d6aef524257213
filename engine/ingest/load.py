"""Loading one source file into one table: grammar → rowmaker → COPY.

Two paths, one result: when the rowmaker copies fields unchanged and the
grammar can describe its file in PostgreSQL's CSV dialect, PostgreSQL reads
the file bytes itself; otherwise batches run through the compiled rowmaker
and are formatted as COPY text column by column.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.db.identifiers import column_list, q
from engine.ingest.copyformat import format_column, rows_to_copy
from engine.ingest.copyin import copy_from_chunks
from engine.ingest.progress import Progress
from grammars.base import Grammar, RowBatch
from rd.errors import SourceError
from rd.rmkfuncs import IgnoreThisRow
from rd.rowcode import CompiledRowmaker


@dataclass
class LoadResult:
    rows_in: int = 0
    rows_rejected: int = 0


@dataclass
class LoadJob:
    """Where rows go: table SQL name, the compiled rowmaker, an optional source id."""

    target: str  # qualified, quoted table name
    rowmaker: CompiledRowmaker
    source_id: int | None = None  # value of the hidden source column, if any
    source_column: str = ""
    role: str | None = None  # the make's role: a dispatching grammar's rows for it


def load_source(cursor, grammar: Grammar, path: Path, shown: str, job: LoadJob,
                progress: Progress, allow_passthrough: bool = True) -> LoadResult:
    """Copy the rows of ``path`` into ``job.target``; raises SourceError located."""
    if allow_passthrough and job.source_id is None and job.rowmaker.plain_copy is not None:
        result = _try_passthrough(cursor, grammar, path, shown, job, progress)
        if result is not None:
            return result
    return _load_batches(cursor, grammar, path, shown, job, progress)


def _try_passthrough(cursor, grammar: Grammar, path: Path, shown: str, job: LoadJob,
                     progress: Progress) -> LoadResult | None:
    """PostgreSQL reads the file itself; None when the grammar or data do not allow it.

    Runs under a savepoint: where COPY's CSV reading and the grammar's differ
    (blank lines, say), the caller falls back to the grammar path, which
    also reports bad rows with their exact lines.
    """
    make_passthrough = getattr(grammar, "passthrough", None)
    plan = make_passthrough(path) if make_passthrough else None
    if plan is None:
        return None
    with plan:
        field_to_col = {f: c for c, f in job.rowmaker.plain_copy.items()}
        if set(plan.names) != set(field_to_col) or len(plan.names) != len(field_to_col):
            return None
        sql_names = job.rowmaker.sql_names
        cols = [q(sql_names.get(field_to_col[name], field_to_col[name]))
                for name in plan.names]
        sql = (f"COPY {job.target} ({', '.join(cols)}) FROM STDIN WITH "
               f"{plan.options_sql(cols)}")

        def chunks() -> Iterator[bytes]:
            while block := plan.file.read(1 << 20):
                progress.add(block.count(b"\n"))
                yield block

        cursor.execute("SAVEPOINT dr_passthrough")
        try:
            rows = copy_from_chunks(cursor, sql, chunks(), shown, plan.source_line)
        except SourceError:
            cursor.execute("ROLLBACK TO SAVEPOINT dr_passthrough")
            progress.begin(progress.label)
            return None
        cursor.execute("RELEASE SAVEPOINT dr_passthrough")
    return LoadResult(rows_in=rows)


def _columns_of(batch: RowBatch, names: Sequence[str], shown: str) -> list[Sequence[Any]]:
    out = []
    for name in names:
        column = batch.columns.get(name)
        if column is None:
            lowered = {k.lower(): v for k, v in batch.columns.items()}
            column = lowered.get(name.lower())
        if column is None:
            raise SourceError(f"has no field {name!r} (it has: "
                              f"{', '.join(batch.columns)})", path=shown)
        out.append(column)
    return out


def _load_batches(cursor, grammar: Grammar, path: Path, shown: str, job: LoadJob,
                  progress: Progress) -> LoadResult:
    rowmaker = job.rowmaker
    result = LoadResult()
    lines = array("q")
    columns = list(rowmaker.sql_columns)
    if job.source_id is not None:
        columns.append(job.source_column)
    sql = f"COPY {job.target} ({column_list(columns)}) FROM STDIN"

    def chunks() -> Iterator[bytes]:
        for batch in grammar.batches(path):
            if getattr(batch, "roles", None) is not None:  # a dispatching grammar
                batch = batch.for_role(job.role)
            n = len(batch)
            result.rows_in += n
            if rowmaker.plain_copy is not None:
                fields = [rowmaker.plain_copy[c] for c in rowmaker.columns]
                cols = [format_column(c) for c in _columns_of(batch, fields, shown)]
                lines.extend(batch.lines)
            else:
                cols = _run_rowmaker(batch, rowmaker, shown, lines, result)
            if job.source_id is not None:
                cols.append([str(job.source_id)] * (len(cols[0]) if cols else 0))
            progress.add(n)
            if cols and cols[0]:
                yield rows_to_copy(cols)

    copy_from_chunks(cursor, sql, chunks(), shown,
                     lambda n: lines[n - 1] if 0 < n <= len(lines) else None)
    return result


def _run_rowmaker(batch: RowBatch, rowmaker: CompiledRowmaker, shown: str,
                  lines: array, result: LoadResult) -> list[list[str]]:
    names = list(batch.columns)
    source_cols = [batch.columns[n] for n in names]
    if any(hasattr(c, "tolist") for c in source_cols):
        source_cols = [c.tolist() if hasattr(c, "tolist") and getattr(c, "ndim", 1) == 1
                       else list(c) for c in source_cols]
    function = rowmaker.function
    rows = []
    for i, values in enumerate(zip(*source_cols)):
        try:
            row = function(dict(zip(names, values)))
        except IgnoreThisRow:
            row = None
        except Exception as exc:
            raise _rowmaker_error(exc, rowmaker, shown, batch.lines[i]) from None
        if row is None:
            result.rows_rejected += 1
            continue
        rows.append(row)
        lines.append(batch.lines[i])
    if not rows:
        return []
    return [format_column(list(col)) for col in zip(*rows)]


def _rowmaker_error(exc: Exception, rowmaker: CompiledRowmaker, shown: str,
                    line: int) -> SourceError:
    elem = rowmaker.element_for(exc.__traceback__)
    if isinstance(exc, KeyError):
        what = f"the field or var {exc.args[0]!r} does not exist in this row"
    else:
        what = f"{type(exc).__name__}: {exc}"
    where = ""
    if elem is not None:
        key = getattr(elem, "key", None)
        label = f"<{elem.tag} key={key!r}>" if key else f"<{elem.tag}>"
        where = f" (in {label} at {elem.pos})"
    return SourceError(what + where, path=shown, line=line)

