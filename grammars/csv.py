"""csvGrammar: delimiter-separated text through Python's csv module, as DaCHS reads it.

Parameters (RD attributes, defaults in brackets): ``names`` [field names from
the first non-ignored, non-blank line], ``delimiter`` [","; ``\\t`` means a
tab], ``quoteChar`` ['"'], ``strip`` [False], ``topIgnoredLines`` [0],
``commentIntroducer`` ["": none], ``nullValue`` [""], ``enc`` [utf-8],
``gunzip`` [False].  Values are strings, or None where a field equals
``nullValue``; blank lines are skipped.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from gzip import GzipFile
from io import BufferedReader
from pathlib import Path
from typing import Any

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch
from grammars.passthrough import POSTGRES_ENCODINGS, CopyPassthrough
from grammars.tabular import CommentSkipper, CsvReader, ReaderLayout, reader_batches
from grammars.textsource import (
    check_names,
    encoding_param,
    names_param,
    open_binary,
    open_text,
    reading,
    skip_lines,
)
from rd.errors import RDError

ELEMENT = "csvGrammar"
_BOM = b"\xef\xbb\xbf"


def _single_char(params: Mapping[str, Any], name: str, default: str) -> str:
    value = params.get(name, default)
    # An attribute cannot hold a raw tab comfortably; DaCHS users write \t.
    value = {"\\t": "\t"}.get(value, value)
    if len(value) != 1 or value in "\r\n":
        raise RDError(f"{name} must be a single character other than a line break, "
                      f"not {value!r}", element=ELEMENT)
    return value


class CsvGrammar(Grammar):
    """Rows of a CSV (or other delimiter-separated) file; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        p = self.params
        self.names = names_param(p["names"]) if p.get("names") else None
        if self.names is not None:
            check_names(self.names, "names", element=ELEMENT)
        self.delimiter = _single_char(p, "delimiter", ",")
        self.quote_char = _single_char(p, "quoteChar", '"')
        if self.quote_char == self.delimiter:
            raise RDError("quoteChar and delimiter must differ", element=ELEMENT)
        self.strip = bool(p.get("strip", False))
        self.top_ignored = int(p.get("topIgnoredLines", 0))
        self.comment = p.get("commentIntroducer", "")
        self.null = p.get("nullValue", "")
        self.encoding = encoding_param(p, ELEMENT)
        self.gunzip = bool(p.get("gunzip", False))

    def _reader(self, lines: Any) -> CsvReader:
        # skipinitialspace lets a quoted field follow "delimiter space" when
        # the publisher asked for stripping.
        return csv.reader(lines, delimiter=self.delimiter, quotechar=self.quote_char,
                          skipinitialspace=self.strip)

    def _field_count_hint(self, row: list[str]) -> str | None:
        if len(row) == 1:
            return f"the delimiter is {self.delimiter!r}; is that the file's?"
        return None

    def _header_names(self, reader: CsvReader, layout: ReaderLayout) -> list[str] | None:
        """Field names from the first non-blank record; None for a file without one."""
        try:
            row = next(row for row in reader if row)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise layout.error(f"cannot be parsed as CSV: {exc}", reader.line_num) from None
        names = [name.strip() for name in row]
        check_names(names, "the header", path=layout.path,
                    line=layout.source_line(reader.line_num))
        return names

    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        layout = ReaderLayout(path, self.names or [], self.top_ignored,
                              "the names attribute" if self.names else "the header",
                              hint=self._field_count_hint)
        reader: CsvReader | None = None

        def where() -> int | None:
            return layout.source_line(reader.line_num + 1) if reader else None

        with open_text(path, self.encoding, self.gunzip, newline="") as stream, \
                reading(path, self.encoding, where, self.gunzip):
            layout.offset = skip_lines(stream, self.top_ignored)
            lines: Any = stream
            if self.comment:
                layout.skipper = lines = CommentSkipper(stream, self.comment)
            reader = self._reader(lines)
            if self.names is None:
                header = self._header_names(reader, layout)
                if header is None:
                    return
                layout.names = header
            yield from reader_batches(reader, layout, batch_rows, strip=self.strip,
                                      null=self.null)

    def passthrough(self, path: Path) -> CopyPassthrough | None:
        """The file as PostgreSQL's COPY (FORMAT csv) can read it, or None if it cannot.

        COPY reads exactly what this grammar reads when fields are not
        stripped, there are no comment lines, and the encoding is one
        PostgreSQL converts from; gzip is undone here, on the way.
        """
        pg_encoding = POSTGRES_ENCODINGS.get(self.encoding)
        if self.strip or self.comment or pg_encoding is None:
            return None
        if any(c in self.null for c in (self.delimiter, self.quote_char, "\r", "\n")):
            return None
        stream = open_binary(path, self.gunzip)
        try:
            with reading(path, self.encoding, lambda: None, self.gunzip):
                names, consumed = self._passthrough_names(stream, path)
        except BaseException:
            stream.close()
            raise
        if names is None:
            stream.close()
            return None
        return CopyPassthrough(stream, tuple(names), self.delimiter, self.quote_char,
                               self.null, pg_encoding, first_line=consumed + 1)

    def _passthrough_names(self, stream: BufferedReader | GzipFile, path: Path
                           ) -> tuple[list[str] | None, int]:
        """Move ``stream`` past the ignored lines and header; return names and lines read."""
        if stream.peek(len(_BOM))[:len(_BOM)] == _BOM:
            stream.read(len(_BOM))
        consumed = skip_lines(stream, self.top_ignored)
        if self.names is not None:
            return self.names, consumed
        while line := stream.readline():
            consumed += 1
            if line.strip():
                layout = ReaderLayout(path, [], consumed - 1, "the header")
                text = line.decode(self.encoding)
                reader = self._reader([text])
                return self._header_names(reader, layout), consumed
        return None, consumed
