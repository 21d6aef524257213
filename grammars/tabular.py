"""Column-wise row batches from a ``csv.reader``, shared by csvGrammar and califaGrammar.

The work is arranged so that Python touches whole batches and columns, not
cells: records come off the reader in slices, are checked for their field
count with one ``set(map(len, ...))``, transposed with ``zip``, and only
columns that actually contain the null marker get a per-cell pass.
"""

from __future__ import annotations

import csv
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Protocol

from grammars.base import RowBatch
from rd.errors import SourceError


class CsvReader(Protocol):
    """What a csv.reader offers: records, and the count of lines it has read."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


@dataclass
class CommentSkipper:
    """The lines of a text, minus those starting with ``introducer``, with a memory of where.

    csv.reader counts only the lines it is handed; ``source_line`` turns such
    a count back into a line of the file.
    """

    lines: Iterable[str]
    introducer: str
    # For each skipped line, how many lines had been handed on before it.
    marks: list[int] = field(default_factory=list)

    def __iter__(self) -> Iterator[str]:
        handed_on = 0
        for line in self.lines:
            if line.startswith(self.introducer):
                self.marks.append(handed_on)
            else:
                handed_on += 1
                yield line

    def source_line(self, handed_on: int) -> int:
        """The file line (counted from where skipping began) of the n-th line handed on."""
        return handed_on + bisect_left(self.marks, handed_on)


@dataclass
class ReaderLayout:
    """How a reader's line count maps to the file, and what the rows must look like.

    ``offset`` is the number of file lines consumed before the reader began;
    ``declared_by`` names what fixes the field count in messages ("the header").
    """

    path: Path
    names: Sequence[str]
    offset: int
    declared_by: str
    skipper: CommentSkipper | None = None
    # Says what a row with the wrong field count probably means, if anything.
    hint: Callable[[list[str]], str | None] = lambda row: None

    def source_line(self, reader_line: int) -> int:
        if self.skipper is not None:
            reader_line = self.skipper.source_line(reader_line)
        return self.offset + reader_line

    def error(self, message: str, reader_line: int, hint: str | None = None) -> SourceError:
        return SourceError(message, path=str(self.path), line=self.source_line(reader_line),
                           hint=hint)


def _record_starts(rows: list[list[str]], first: int) -> list[int]:
    """Reader line on which each record starts, for batches with multi-line records.

    A record spans one line plus one per line break inside its quoted fields.
    """
    starts = []
    line = first
    for row in rows:
        starts.append(line)
        line += 1 + sum(value.count("\n") for value in row)
    return starts


def _check_lengths(rows: list[list[str]], starts: Sequence[int], layout: ReaderLayout
                   ) -> tuple[list[list[str]], Sequence[int]]:
    """Drop blank lines (empty records) and refuse rows with the wrong number of fields."""
    expected = len(layout.names)
    lengths = set(map(len, rows))
    if lengths == {expected}:
        return rows, starts
    if 0 in lengths:
        kept = [(row, start) for row, start in zip(rows, starts, strict=True) if row]
        rows = [row for row, _ in kept]
        starts = [start for _, start in kept]
    for row, start in zip(rows, starts, strict=True):
        if len(row) != expected:
            raise layout.error(
                f"row has {len(row)} field{'s' if len(row) != 1 else ''}, "
                f"{layout.declared_by} declares {expected}", start, layout.hint(row))
    return rows, starts


def _columns(rows: list[list[str]], names: Sequence[str], strip: bool, null: str | None
             ) -> dict[str, list[str | None]]:
    columns: dict[str, list[str | None]] = {}
    for name, values in zip(names, zip(*rows, strict=True), strict=True):
        column: list[str | None] = list(map(str.strip, values)) if strip else list(values)
        # ``in`` scans at C speed; most columns never contain the null marker.
        if null is not None and null in column:
            column = [None if value == null else value for value in column]
        columns[name] = column
    return columns


def reader_batches(reader: CsvReader, layout: ReaderLayout, batch_rows: int, *,
                   strip: bool, null: str | None) -> Iterator[RowBatch]:
    """Yield the remaining records of ``reader`` as RowBatches of at most ``batch_rows`` rows.

    Values are stripped of
    surrounding whitespace when ``strip``; a value equal to ``null`` (after
    stripping) becomes None.
    """
    while True:
        before = reader.line_num
        try:
            rows = list(islice(reader, batch_rows))
        except csv.Error as exc:
            raise layout.error(f"cannot be parsed as CSV: {exc}",
                               reader.line_num) from None
        if not rows:
            return
        consumed = reader.line_num - before
        starts: Sequence[int]
        if consumed == len(rows):
            starts = range(before + 1, before + 1 + len(rows))
        else:
            starts = _record_starts(rows, before + 1)
        rows, starts = _check_lengths(rows, starts, layout)
        if not rows:
            continue
        if layout.skipper is None and isinstance(starts, range):
            lines: Sequence[int] = range(starts.start + layout.offset,
                                         starts.stop + layout.offset)
        else:
            lines = [layout.source_line(start) for start in starts]
        yield RowBatch(_columns(rows, layout.names, strip, null), lines)
