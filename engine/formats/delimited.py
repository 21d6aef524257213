"""CSV (RFC 4180) and TSV results, streamed.

CSV: a header line of column names, CRLF line ends, a field quoted (with
inner quotes doubled) only when it holds a comma, quote, CR or LF.  Values are
spelled as in :mod:`engine.formats.cells`; NULL is an empty field; an array
is its elements separated by single spaces, unquoted (no comma or quote can
occur in it).  Served as ``text/csv;charset=utf-8;header=present`` (TAP 1.1
§2.7.1, with the charset RFC 4180 provides for): text is UTF-8 throughout.

TSV (``text/tab-separated-values``): the same with tabs and LF line ends;
since IANA's TSV cannot hold tabs or line breaks inside a field, those (and
the backslash) are written as ``\\t``, ``\\n``, ``\\r`` and ``\\\\``.

Neither format has a place for a status: ``tail`` writes nothing, and a
failure after the head must be signalled out of band (see
:mod:`engine.formats.writer`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from engine.formats.batch import Batch, ColumnLike, layout
from engine.formats.cells import text_cells
from engine.formats.writer import Status

_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _csv_field(value: str) -> str:
    if "," in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_fields(cells: list[str]) -> list[str]:
    joined = "".join(cells)
    if "," in joined or '"' in joined or "\n" in joined or "\r" in joined:
        return [_csv_field(c) for c in cells]
    return cells


def _tsv_fields(cells: list[str]) -> list[str]:
    joined = "".join(cells)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        return [c.translate(_TSV_ESCAPES) for c in cells]
    return cells


class DelimitedWriter:
    """One result as CSV (``delimiter=","``) or TSV (``delimiter="\\t"``)."""

    in_band_status: ClassVar[bool] = False

    def __init__(self, columns: Sequence[ColumnLike], *, delimiter: str = ",") -> None:
        if delimiter not in (",", "\t"):
            raise ValueError("the delimiter must be a comma or a tab")
        self.columns = list(columns)
        self._delimiter = delimiter
        self._newline = "\r\n" if delimiter == "," else "\n"
        self._quote = _csv_fields if delimiter == "," else _tsv_fields

    def head(self) -> bytes:
        names = self._quote([c.name for c in self.columns])
        return (self._delimiter.join(names) + self._newline).encode("utf-8")

    def batch(self, batch: Batch) -> bytes:
        if not batch.length:
            return b""
        columns = []
        for values, column in zip(batch.columns, self.columns):
            cells, _ = text_cells(values, column)
            # Numbers never need quoting; text and timestamps might.
            columns.append(self._quote(cells) if layout(column) in ("text", "timestamp")
                           else cells)
        rows = map(self._delimiter.join, zip(*columns))
        return (self._newline.join(rows) + self._newline).encode("utf-8")

    def tail(self, status: Status) -> bytes:
        return b""
