"""califaGrammar: the CALIFA annotated CSV of the CALIFA DR1 design, appendix A (DR extension).

A CALIFA table starts with ``# KEY: value`` lines (AUTHOR, SOURCE, DATE,
VERSION, COLAPRV, PUBAPRV, or any other key), which become ``header().meta``
with upper-cased keys, and ``# COLUMNn: name, type, unit, description``
lines, which become ``header().columns``; only the first three commas split
a COLUMN line, so descriptions may contain commas.  The data rows that follow
are comma-separated, with optional spaces after the commas; double-quoted
values may contain commas and colons.  An empty field is NULL (None), and
values are stripped of surrounding spaces.  Other ``#`` lines in the header
are comments.

Parameters: ``enc`` [utf-8], ``gunzip`` [False], ``lowerNames`` [True: field
and column names lower-cased, so they match RD column names].
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from grammars.base import (
    DEFAULT_BATCH_ROWS,
    ColumnDescription,
    Grammar,
    RowBatch,
    SourceHeader,
)
from grammars.tabular import CsvReader, ReaderLayout, reader_batches
from grammars.textsource import check_names, encoding_param, open_text, reading
from grammars.units import column_unit
from rd.errors import SourceError

ELEMENT = "califaGrammar"

# CALIFA's type names (appendix A.5) and the RD types they declare.
TYPES = {
    "short": "smallint",
    "int": "integer",
    "long": "bigint",
    "float": "real",
    "double": "double precision",
    "string": "text",
}

_KEY_LINE = re.compile(r"^#\s*(?P<key>[A-Za-z][A-Za-z0-9_-]*)\s*:\s*(?P<value>.*?)\s*$")
_COLUMN_KEY = re.compile(r"^COLUMN(?P<n>\d*)$")


@dataclass
class _Header:
    """A CALIFA header as read: metadata, columns by number, and where the data begin."""

    meta: dict[str, str] = field(default_factory=dict)
    columns: dict[int, tuple[int, ColumnDescription]] = field(default_factory=dict)
    first_data: str | None = None  # the first data line, already read
    lines: int = 0  # header lines before it

    def ordered_columns(self, path: Path) -> list[ColumnDescription]:
        """The columns in COLUMNn order, checking that n runs from 1 without gaps."""
        for expected, n in enumerate(sorted(self.columns), start=1):
            if n != expected:
                raise SourceError(
                    f"COLUMN{expected} is missing; the header declares COLUMN1 to "
                    f"COLUMN{max(self.columns)}", path=str(path), line=self.columns[n][0])
        return [column for _, column in (self.columns[n] for n in sorted(self.columns))]


def _column(n: int, value: str, lower: bool, path: Path, line: int) -> ColumnDescription:
    parts = [part.strip() for part in value.split(",", 3)]
    if len(parts) < 2 or not parts[0]:
        raise SourceError(f"COLUMN{n} needs at least a name and a type "
                          "(name, type, unit, description)", path=str(path), line=line)
    name, type_name, unit, description = parts + [""] * (4 - len(parts))
    rd_type = TYPES.get(type_name.lower())
    if rd_type is None:
        raise SourceError(f"COLUMN{n} has type {type_name!r}; CALIFA tables use "
                          f"{', '.join(TYPES)}", path=str(path), line=line)
    unit, description = column_unit(unit, description)
    return ColumnDescription(name.lower() if lower else name, rd_type, unit, description)


def _read_header(stream: IO[str], path: Path, lower: bool) -> _Header:
    header = _Header()
    for line in stream:
        header.lines += 1
        if not line.startswith("#"):
            if line.strip():
                header.first_data = line
                header.lines -= 1
                return header
            continue
        match = _KEY_LINE.match(line)
        if match is None:
            continue
        key, value = match["key"].upper(), match["value"]
        column_key = _COLUMN_KEY.match(key)
        if column_key is None:
            header.meta[key] = value
            continue
        if not column_key["n"]:
            raise SourceError("COLUMN needs its number, as in COLUMN1", path=str(path),
                              line=header.lines)
        n = int(column_key["n"])
        if n in header.columns:
            raise SourceError(f"COLUMN{n} is declared twice (first on line "
                              f"{header.columns[n][0]})", path=str(path), line=header.lines)
        header.columns[n] = (header.lines, _column(n, value, lower, path, header.lines))
    return header


def _field_count_hint(row: list[str]) -> str | None:
    if row and row[0].startswith("#"):
        return "lines starting with # belong in the header, before the first data row"
    return None


class CalifaGrammar(Grammar):
    """Rows and header of a CALIFA-format CSV file; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self.encoding = encoding_param(self.params, ELEMENT)
        self.gunzip = bool(self.params.get("gunzip", False))
        self.lower = bool(self.params.get("lowerNames", True))

    def _open(self, path: Path) -> IO[str]:
        return open_text(path, self.encoding, self.gunzip, newline="")

    def header(self, path: Path) -> SourceHeader:
        """The file's keys and columns; no columns if it has no COLUMNn lines."""
        with self._open(path) as stream, reading(path, self.encoding, lambda: None,
                                                     self.gunzip):
            header = _read_header(stream, path, self.lower)
        return SourceHeader(header.meta, header.ordered_columns(path))

    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        reader: CsvReader | None = None
        layout = ReaderLayout(path, [], 0, "the header", hint=_field_count_hint)

        def where() -> int | None:
            return layout.source_line(reader.line_num + 1) if reader else None

        with self._open(path) as stream, reading(path, self.encoding, where, self.gunzip):
            header = _read_header(stream, path, self.lower)
            columns = header.ordered_columns(path)
            if not columns:
                raise SourceError("has no '# COLUMN1: name, type, unit, description' "
                                  "header lines, so its fields are unknown", path=str(path),
                                  line=1)
            layout.names = [column.name for column in columns]
            check_names(layout.names, "the COLUMN lines", path=path)
            layout.offset = header.lines
            if header.first_data is None:
                return
            reader = csv.reader(chain([header.first_data], stream), skipinitialspace=True)
            yield from reader_batches(reader, layout, batch_rows, strip=True, null="")
