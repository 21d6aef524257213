"""directGrammar: DaCHS's C-booster grammar, read by DR's own readers instead of compiled C.

A directGrammar fills the one table of its data element, one field per
column.  DR reads the booster source (``cBooster``, resdir-relative; see
grammars/booster.py) for where each field is, and then:

- ``split``: lines split at ``splitChar`` (any of its characters, as strtok
  does; empty fields kept), field i of the line to the i-th field the
  booster reads.  Without the booster source, the fields are the table's
  columns in order, which is what ``dachs mkboost`` writes.  Where the file
  is exactly that, PostgreSQL reads it itself (:meth:`passthrough`).
- ``col``: fixed character columns, from the booster's
  ``parseInt(inputLine, F(fi_x), start, len)`` calls (start counts from 0).
- ``bin``: fixed-size binary records (``recordSize``) read with numpy, from
  the booster's ``MAKE_INT(fi_x, *(int32_t*)(inputLine+4))`` lines
  (``ntohl``/``ntohs`` mean big-endian).
- ``fits``: the table of FITS extension ``extension`` through
  fitsTableGrammar, its columns matched to the table's by name (``mapKeys``
  renames) or as the booster's ``data[i]`` says.

As the booster does, numbers in text sources are left to PostgreSQL to read,
``autoNull`` is NULL for fields read with fieldscanf, lines never
hold quotes, and ``ignoreBadRecords`` skips records with missing fields or
(then checked here) unreadable numbers.  ``gzippedInput`` and ``preFilter``
(a shell command the file is piped through) apply to text and binary
sources.  ``hdf5vaex`` boosters are not supported.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from io import TextIOWrapper
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch
from grammars.booster import BinField, BoosterError, BoosterLayout, TextField, read_booster
from grammars.fits import FitsTableGrammar
from grammars.passthrough import CopyPassthrough
from grammars.textsource import open_binary, reading
from rd.errors import RDError, SourceError

ELEMENT = "directGrammar"
_NUMBERS = {"INT": int, "SHORT": int, "BIGINT": int, "FLOAT": float, "DOUBLE": float}
# How mkboost reads a column of a SQL type in a split booster.
_KINDS = [(re.compile(r"^(text|char|varchar|unicode)", re.IGNORECASE), "TEXT"),
          (re.compile(r"^(smallint|integer|bigint|int)$", re.IGNORECASE), "INT"),
          (re.compile(r"^(real|double precision|float)$", re.IGNORECASE), "DOUBLE")]
# COPY's CSV quote and NULL for split files: bytes that text lines do not hold.
_NO_QUOTE, _NO_NULL = "\x01", "\x02"


class _BadRecord(Exception):
    """A record the booster would refuse (skipped with ignoreBadRecords)."""


def _default_split_layout(path: Path, columns: list[tuple[str, str]]) -> BoosterLayout:
    """What dachs mkboost writes for a split booster: the table's columns, in order."""
    layout = BoosterLayout(path, [name.lower() for name, _ in columns])
    for position, (name, sql_type) in enumerate(columns):
        kind = next((k for pattern, k in _KINDS if pattern.match(sql_type)), "ANY")
        layout.text[name.lower()] = TextField(position, 0, kind)
    return layout


class DirectGrammar(Grammar):
    """A C booster's input read by DR; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        p = self.params
        self.kind = p.get("type", "col")
        if self.kind == "hdf5vaex":
            raise RDError("hdf5vaex boosters are not supported by DR", element=ELEMENT)
        self.columns: list[tuple[str, str]] = list(p.get("columns") or [])
        self.column_of = {name.lower(): name for name, _ in self.columns}
        rd = p.get("rd")
        resdir = rd.resdir_path if rd is not None else Path.cwd()
        self.booster = resdir / p.get("cBooster", "")
        self.gzipped = bool(p.get("gzippedInput", False))
        self.pre_filter = p.get("preFilter")
        self.auto_null = p.get("autoNull")
        self.ignore_bad = bool(p.get("ignoreBadRecords", False))
        self.key_map = {src.lower(): dest.lower()
                        for src, dest in (p.get("mapKeys") or {}).items()}
        self.layout = self._layout()
        unknown = [f for f in self.layout.fields if f not in self.column_of]
        if unknown:
            raise RDError(f"the booster {self.booster} fills {', '.join(unknown)}, which "
                          "the table lacks", element=ELEMENT)
        self.split_char = self.layout.split_char or p.get("splitChar") or "|"
        # strtok splits at any of the characters it is given.
        self._split: Callable[[str], list[str]] = (
            re.compile(f"[{re.escape(self.split_char)}]").split
            if len(self.split_char) > 1 else lambda line: line.split(self.split_char))
        self.record_size = self._record_size(p.get("recordSize"))

    def _layout(self) -> BoosterLayout:
        if self.booster.is_file():
            try:
                return read_booster(self.booster, self.kind)
            except BoosterError as exc:
                raise RDError(exc.message, element=ELEMENT, hint=exc.hint) from None
        if self.kind == "split":
            return _default_split_layout(self.booster, self.columns)
        if self.kind == "fits":
            return BoosterLayout(self.booster, list(self.column_of))
        raise RDError(f"the booster source {self.booster} does not exist; DR reads the "
                      f"field {'positions' if self.kind == 'col' else 'offsets'} of a "
                      f"{self.kind} booster from it", element=ELEMENT)

    def _record_size(self, declared: int | None) -> int:
        size = declared or 4000
        if self.kind != "bin":
            return size
        if self.booster.is_file():
            found = re.search(r"(?m)^#define\s+FIXED_RECORD_SIZE\s+(\d+)",
                              self.booster.read_text(errors="replace"))
            size = int(found.group(1)) if found else size
        for name, spec in self.layout.binary.items():
            if spec.offset + np.dtype(spec.dtype).itemsize > size:
                raise RDError(f"field {name} of the booster ends after byte {size}, the "
                              "record size", element=ELEMENT, hint="set recordSize")
        return size

    # -- sources ------------------------------------------------------------------

    @contextlib.contextmanager
    def _open(self, path: Path) -> Iterator[IO[bytes]]:
        """The source's bytes: piped through preFilter, or gunzipped, or as they are."""
        if not self.pre_filter:
            with open_binary(path, self.gzipped) as stream:
                yield stream
            return
        command = f"{self.pre_filter} {shlex.quote(str(path))}"
        with tempfile.TemporaryFile() as errors, subprocess.Popen(
                command, shell=True, stdout=subprocess.PIPE, stderr=errors) as process:  # noqa: S602
            assert process.stdout is not None
            yield process.stdout
            process.stdout.read()
            process.wait()
            errors.seek(0)
            message = errors.read().decode(errors="replace").strip()
        if process.returncode:
            raise SourceError(f"preFilter {self.pre_filter!r} failed (exit status "
                              f"{process.returncode}): {message[-300:]}", path=str(path))

    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        if self.kind == "fits":
            yield from self._fits_batches(path, batch_rows)
        elif self.kind == "bin":
            yield from self._bin_batches(path, batch_rows)
        else:
            yield from self._text_batches(path, batch_rows)

    # -- split and col ------------------------------------------------------------------

    def _text_batches(self, path: Path, batch_rows: int) -> Iterator[RowBatch]:
        line_number = 0
        parse = self._split_record if self.kind == "split" else self._col_record
        names = [self.column_of[f] for f in self.layout.fields]
        with self._open(path) as raw, \
                reading(path, "utf-8", lambda: line_number, self.gzipped):
            lines = enumerate(TextIOWrapper(raw, encoding="utf-8", newline=""), start=1)
            while chunk := list(islice(lines, batch_rows)):
                rows, numbers = [], []
                for line_number, line in chunk:
                    text = line.rstrip("\r\n")
                    if not text.strip():
                        continue
                    try:
                        rows.append(parse(text))
                    except _BadRecord as exc:
                        if self.ignore_bad:
                            continue
                        raise SourceError(str(exc), path=str(path), line=line_number,
                                          hint='ignoreBadRecords="True" skips such '
                                               "records") from None
                    numbers.append(line_number)
                if rows:
                    yield RowBatch({name: [row[i] for row in rows]
                                    for i, name in enumerate(names)}, numbers)

    def _typed(self, value: str, spec: TextField, field: str) -> Any:
        kind = spec.kind
        if kind == "CHAR":
            return value[:1] or None
        if kind in ("DATE", "DATETIME"):
            try:
                parsed = datetime.datetime.strptime(value.strip(), spec.date_format or "")
            except ValueError:
                raise _BadRecord(f"{field}: {value!r} does not have the form "
                                 f"{spec.date_format!r}") from None
            return parsed.date() if kind == "DATE" else parsed
        if kind in ("BOOL", "JDATE"):
            raise _BadRecord(f"{field}: the booster cannot read VAL_{kind} with fieldscanf")
        if self.ignore_bad and kind in _NUMBERS:
            try:
                _NUMBERS[kind](value.strip())
            except ValueError:
                raise _BadRecord(f"{field}: {value!r} is not a number") from None
        return value

    def _split_record(self, line: str) -> list[Any]:
        tokens = self._split(line)
        values = []
        for field in self.layout.fields:
            spec = self.layout.text.get(field)
            if spec is None:  # MAKE_NULL
                values.append(None)
                continue
            if spec.position >= len(tokens):
                raise _BadRecord(f"the line has {len(tokens)} fields, but the booster "
                                 f"reads field {spec.position + 1} ({field})")
            value = tokens[spec.position]
            if spec.kind != "TEXT" and self.auto_null is not None and value == self.auto_null:
                values.append(None)
            else:
                values.append(value if spec.kind in ("TEXT", "ANY") else
                              self._typed(value, spec, field))
        return values

    def _col_record(self, line: str) -> list[Any]:
        values = []
        for field in self.layout.fields:
            spec = self.layout.text.get(field)
            if spec is None:
                values.append(None)
                continue
            raw = line[spec.position:spec.position + spec.length]
            if spec.kind == "BLANKBOOLEAN":
                values.append(bool(raw) and not raw.isspace())
            elif spec.kind == "CHAR":
                values.append(None if not raw or raw.isspace() else raw)
            elif spec.kind == "STRING":
                value = raw.strip()
                values.append(None if spec.null is not None and value == spec.null
                              else value)
            else:
                value = raw.strip()
                if not value or (spec.null is not None and value == spec.null):
                    values.append(None)
                else:
                    values.append(self._typed(value, spec, field))
        return values

    def passthrough(self, path: Path) -> CopyPassthrough | None:
        """The split file as COPY (FORMAT csv) reads it, when that is what the booster reads.

        That needs one separator character, the booster reading every field
        in order as text it leaves to PostgreSQL, no preFilter and no
        ignoreBadRecords; COPY failing (short lines, say) sends the engine
        back to :meth:`batches`, which names the line.
        """
        fields = self.layout.fields
        plain = all(f in self.layout.text and self.layout.text[f].position == i
                    and self.layout.text[f].kind in ("ANY", "TEXT", *_NUMBERS)
                    for i, f in enumerate(fields))
        has_text = any(self.layout.text[f].kind == "TEXT" for f in fields) if plain else True
        if (self.kind != "split" or not plain or self.pre_filter or self.ignore_bad
                or len(self.split_char) != 1 or self.split_char in "\r\n\x01\x02"
                or (self.auto_null is not None and has_text)):
            return None
        names = tuple(self.column_of[f] for f in fields)
        return CopyPassthrough(open_binary(path, self.gzipped), names, self.split_char,
                               _NO_QUOTE, self.auto_null or _NO_NULL, "UTF8", first_line=1)

    # -- bin ---------------------------------------------------------------------------

    def _bin_batches(self, path: Path, batch_rows: int) -> Iterator[RowBatch]:
        binary = self.layout.binary
        dtype = np.dtype({"names": list(binary), "itemsize": self.record_size,
                          "formats": [spec.dtype for spec in binary.values()],
                          "offsets": [spec.offset for spec in binary.values()]})
        record = 0
        with self._open(path) as stream, reading(path, "utf-8", lambda: record + 1,
                                                 self.gzipped):
            while data := stream.read(self.record_size * batch_rows):
                if len(data) % self.record_size:
                    short = len(data) % self.record_size
                    raise SourceError(f"record {record + len(data) // self.record_size + 1} "
                                      f"has only {short} of {self.record_size} bytes",
                                      path=str(path), line=None,
                                      hint="check recordSize")
                records = np.frombuffer(data, dtype)
                columns = {}
                for field in self.layout.fields:
                    spec = binary.get(field)
                    columns[self.column_of[field]] = (
                        [None] * len(records) if spec is None
                        else _bin_column(records[field], spec))
                yield RowBatch(columns, range(record + 1, record + len(records) + 1))
                record += len(records)

    # -- fits --------------------------------------------------------------------------

    def _fits_batches(self, path: Path, batch_rows: int) -> Iterator[RowBatch]:
        table = FitsTableGrammar({"hdu": self.params.get("extension", 1),
                                  "lowerNames": True})
        for batch in table.batches(path, batch_rows):
            fits_names = list(batch.columns)
            if self.layout.fits or self.layout.nulls:
                sources = {f: fits_names[i] for f, i in self.layout.fits.items()
                           if i < len(fits_names)}
            else:
                sources = {self.key_map.get(name, name): name for name in fits_names}
            columns = {}
            for field in self.layout.fields:
                source = sources.get(field)
                columns[self.column_of[field]] = (
                    batch.columns[source] if source is not None else [None] * len(batch))
            yield RowBatch(columns, batch.lines)


def _bin_column(values: np.ndarray, spec: BinField) -> Any:
    if spec.dtype == "S1":
        null = (spec.null_char or "").encode()
        return [None if v == null else v.decode("latin-1") for v in values.tolist()]
    return values.astype(values.dtype.newbyteorder("="))
