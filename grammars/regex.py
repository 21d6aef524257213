"""reGrammar: records and fields split by regular expressions, as DaCHS's reGrammar does.

Parameters: ``names`` (required, comma-separated), ``recordSep`` [a newline],
``fieldSep`` [``\\s+``], ``commentPat`` [none: text it matches is removed
from each record before splitting], ``topIgnoredLines`` [0], ``lax``
[False: a record with too few fields is an error; True: the missing ones
are None], ``stripTokens`` [False], ``enc`` [utf-8], ``gunzip`` [False].

Each record is stripped of surrounding whitespace (so indented lines and
CRLF endings split cleanly); records left empty, e.g. comments, are
skipped.  An empty field is None, as in the other text grammars.  The file
is read in chunks, so separators are found across chunk boundaries but a
comment cannot span two records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch
from grammars.textsource import (
    check_names,
    encoding_param,
    names_param,
    open_text,
    reading,
    regex_param,
    skip_lines,
)
from rd.errors import RDError, SourceError

ELEMENT = "reGrammar"
_CHUNK_CHARS = 1 << 20


def split_records(stream: IO[str], separator: re.Pattern[str], first_line: int
                  ) -> Iterator[tuple[int, str]]:
    """Yield (line on which it starts, text) for each record of ``stream``."""
    buffer = ""
    line = first_line
    while True:
        chunk = stream.read(_CHUNK_CHARS)
        buffer += chunk
        pos = 0
        for match in separator.finditer(buffer):
            if chunk and match.end() == len(buffer):
                break  # more text might extend this separator; look again with it
            if match.end() == match.start():
                continue
            record = buffer[pos:match.start()]
            yield line, record
            line += record.count("\n") + match.group().count("\n")
            pos = match.end()
        buffer = buffer[pos:]
        if not chunk:
            if buffer:
                yield line, buffer
            return


class REGrammar(Grammar):
    """Rows of a text file split by regular expressions; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        p = self.params
        if not p.get("names"):
            raise RDError("needs names, the fields of each record, comma-separated",
                          element=ELEMENT)
        self.names = names_param(p["names"])
        check_names(self.names, "names", element=ELEMENT)
        self.record_sep = regex_param(p, "recordSep", "\n", ELEMENT)
        self.field_sep = regex_param(p, "fieldSep", r"\s+", ELEMENT)
        for name, pattern in (("recordSep", self.record_sep), ("fieldSep", self.field_sep)):
            if pattern.fullmatch(""):
                raise RDError(f"{name} matches the empty string, so it cannot separate "
                              "anything", element=ELEMENT)
        self.comment = (regex_param(p, "commentPat", "", ELEMENT) if p.get("commentPat")
                        else None)
        self.top_ignored = int(p.get("topIgnoredLines", 0))
        self.lax = bool(p.get("lax", False))
        self.strip_tokens = bool(p.get("stripTokens", False))
        self.encoding = encoding_param(p, ELEMENT)
        self.gunzip = bool(p.get("gunzip", False))

    def _fields(self, record: str, line: int, path: Path) -> list[str] | None:
        """The fields of one record (None if it is empty), checked against names."""
        if self.comment is not None:
            record = self.comment.sub("", record)
        record = record.strip()
        if not record:
            return None
        fields = self.field_sep.split(record)
        if self.strip_tokens:
            fields = [value.strip() for value in fields]
        missing = len(self.names) - len(fields)
        if missing < 0 or (missing and not self.lax):
            raise SourceError(
                f"record has {len(fields)} field{'s' if len(fields) != 1 else ''}, "
                f"names declares {len(self.names)}", path=str(path), line=line,
                hint=None if missing < 0 else 'lax="True" fills missing fields with NULL')
        return fields + [""] * missing

    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        line = 0
        with open_text(path, self.encoding, self.gunzip) as stream, \
                reading(path, self.encoding, lambda: line, self.gunzip):
            first = skip_lines(stream, self.top_ignored) + 1
            rows: list[list[str]] = []
            lines: list[int] = []
            for line, record in split_records(stream, self.record_sep, first):
                fields = self._fields(record, line, path)
                if fields is None:
                    continue
                rows.append(fields)
                lines.append(line)
                if len(rows) == batch_rows:
                    yield self._batch(rows, lines)
                    rows, lines = [], []
            if rows:
                yield self._batch(rows, lines)

    def _batch(self, rows: list[list[str]], lines: list[int]) -> RowBatch:
        columns = {name: [value or None for value in values]
                   for name, values in zip(self.names, zip(*rows, strict=True), strict=True)}
        return RowBatch(columns, lines)
