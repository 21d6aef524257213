"""FITS binary tables from column batches, through a spool.

A FITS header must give the row count and every string column's width before
the first row, so :class:`FitsSpool` takes the batches as they arrive, writes
them to a temporary file column chunk by column chunk, and at the end streams
the finished file (primary HDU, BINTABLE header, rows, heap) in pieces of one
spooled batch each.  Memory stays one batch; disk holds the result once.

Columns: TTYPE, TFORM, TUNIT, TUCD, TUTYP and TCOMM (the description) per
column, TDIM for multi-dimensional arrays.  Integers with NULLs get TNULLn,
the type's smallest value (255 for unsignedByte), booleans FITS's null byte
0, floats NaN; NULL elements of variable-size integer arrays hold the
smallest value without TNULL.  Strings are ``nA`` columns as wide as the
longest value (UTF-8 bytes, though FITS promises only ASCII; NULL is the empty
string).  Variable-size arrays go to the heap
through 64-bit ``Q`` descriptors, exact at any size.  The result's status is
the header keyword QSTATUS (OK, OVERFLOW or ERROR), with QMESSAGE for an
error.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, ClassVar

import numpy as np
from astropy.io import fits

from engine.formats.batch import DTYPES, Batch, ColumnLike, element_count, layout, text_length
from engine.formats.cells import iso_strings
from engine.formats.writer import Status

BLOCK = 2880
_TFORM = {"boolean": "L", "unsignedByte": "B", "short": "I", "int": "J", "long": "K",
          "float": "E", "double": "D"}
_TNULL = {"unsignedByte": 255, "short": -(2 ** 15), "int": -(2 ** 31), "long": -(2 ** 63)}


@dataclass
class _Chunk:
    """Where one column of one spooled batch lies in the spool file."""

    offset: int
    size: int
    lengths: np.ndarray | None = None  # per-row byte lengths of a string column


class FitsSpool:
    """Collects batches (``add``), then streams the FITS file (``finish``)."""

    in_band_status: ClassVar[bool] = True

    def __init__(self, columns: Sequence[ColumnLike], *, directory: str | None = None,
                 extname: str = "RESULTS") -> None:
        self.columns = list(columns)
        self.rows = 0
        self._extname = extname
        self._spool: IO[bytes] = tempfile.TemporaryFile(dir=directory)
        self._heap: IO[bytes] = tempfile.TemporaryFile(dir=directory)
        self._heap_size = 0
        self._batches: list[tuple[int, list[_Chunk]]] = []
        # String widths grow with what arrives; fixed-size char columns keep theirs.
        self._widths = [(text_length(c) or 1) if layout(c) in ("text", "timestamp") else 0
                        for c in self.columns]
        self._max_counts = [0] * len(self.columns)
        self._has_nulls = [False] * len(self.columns)

    def __enter__(self) -> FitsSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the temporary files."""
        self._spool.close()
        self._heap.close()

    def add(self, batch: Batch) -> None:
        """Spool one batch."""
        chunks = []
        for i, (values, column) in enumerate(zip(batch.columns, self.columns)):
            raw, lengths = self._encode(i, values, column)
            chunks.append(_Chunk(self._spool.tell(), len(raw), lengths))
            self._spool.write(raw)
        self._batches.append((batch.length, chunks))
        self.rows += batch.length

    def finish(self, status: Status) -> Iterator[bytes]:
        """The whole FITS file, in pieces; the spool is closed afterwards."""
        try:
            yield _primary_header()
            yield self._table_header(status)
            written = 0
            for n, chunks in self._batches:
                matrices = [self._read(i, n, chunk) for i, chunk in enumerate(chunks)]
                data = np.concatenate(matrices, axis=1).tobytes() if n else b""
                written += len(data)
                yield data
            self._heap.seek(0)
            while piece := self._heap.read(1 << 20):
                written += len(piece)
                yield piece
            yield bytes(-written % BLOCK)
        finally:
            self.close()

    def _encode(self, i: int, values: Any, column: ColumnLike) -> tuple[bytes, Any]:
        kind = layout(column)
        if kind in ("text", "timestamp"):
            texts = iso_strings(values) if kind == "timestamp" else values
            encoded = [b"" if t is None else t.encode("utf-8") for t in texts]
            lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
            if len(lengths):
                self._widths[i] = max(self._widths[i], int(lengths.max()))
            return b"".join(encoded), lengths
        dtype = DTYPES[column.datatype]
        if kind == "var":
            return self._to_heap(i, values, dtype), None
        data, mask = np.ma.getdata(values), np.ma.getmaskarray(values)
        if kind == "fixed":
            data = data.reshape(len(data), -1)
        self._has_nulls[i] |= bool(mask.any())
        return _fits_bytes(data, mask, _TNULL.get(column.datatype)), None

    def _to_heap(self, i: int, values: list, dtype: np.dtype) -> bytes:
        counts = np.fromiter((0 if v is None else len(v) for v in values), dtype=np.int64,
                             count=len(values))
        present = [v for v in values if v is not None and len(v)]
        if present:
            flat = np.ma.concatenate(present)
            mask = np.ma.getmaskarray(flat)
            self._has_nulls[i] |= bool(mask.any())
            datatype = self.columns[i].datatype
            self._heap.write(_fits_bytes(np.ma.getdata(flat), mask, _TNULL.get(datatype)))
        offsets = self._heap_size + (np.cumsum(counts) - counts) * dtype.itemsize
        self._heap_size += int(counts.sum()) * dtype.itemsize
        if len(counts):
            self._max_counts[i] = max(self._max_counts[i], int(counts.max()))
        return np.column_stack([counts, offsets]).astype(">i8").tobytes()

    def _read(self, i: int, n: int, chunk: _Chunk) -> np.ndarray:
        self._spool.seek(chunk.offset)
        raw = self._spool.read(chunk.size)
        if chunk.lengths is None:
            return np.frombuffer(raw, dtype=np.uint8).reshape(n, -1)
        ends = np.cumsum(chunk.lengths)
        starts = (ends - chunk.lengths).tolist()
        width = self._widths[i]
        texts = [raw[a:b] for a, b in zip(starts, ends.tolist())]
        return np.array(texts, dtype=f"S{width}").view(np.uint8).reshape(n, width)

    def _table_header(self, status: Status) -> bytes:
        header = fits.Header()
        header["XTENSION"] = "BINTABLE"
        header["BITPIX"] = 8
        header["NAXIS"] = 2
        header["NAXIS1"] = sum(self._row_widths())
        header["NAXIS2"] = self.rows
        header["PCOUNT"] = self._heap_size
        header["GCOUNT"] = 1
        header["TFIELDS"] = len(self.columns)
        for n, column in enumerate(self.columns, start=1):
            self._describe(header, n, column)
        header["EXTNAME"] = self._extname
        header["QSTATUS"] = (status.value, "DALI QUERY_STATUS of the result")
        if status.value == "ERROR":
            header["QMESSAGE"] = _ascii(status.message)
        return header.tostring(padding=True).encode("ascii")

    def _describe(self, header: fits.Header, n: int, column: ColumnLike) -> None:
        i = n - 1
        kind = layout(column)
        header[f"TTYPE{n}"] = _ascii(column.name)
        if kind in ("text", "timestamp"):
            header[f"TFORM{n}"] = f"{self._widths[i]}A"
        elif kind == "var":
            header[f"TFORM{n}"] = f"Q{_TFORM[column.datatype]}({self._max_counts[i]})"
        else:
            repeat = element_count(column) if kind == "fixed" else 1
            header[f"TFORM{n}"] = f"{repeat if repeat != 1 else ''}{_TFORM[column.datatype]}"
            if kind == "fixed" and "x" in column.arraysize:
                header[f"TDIM{n}"] = "(" + ",".join(column.arraysize.split("x")) + ")"
        # astropy's Table reader breaks on TNULL for heap arrays, so there NULL
        # elements just hold the type's smallest value.
        if self._has_nulls[i] and column.datatype in _TNULL and kind != "var":
            header[f"TNULL{n}"] = _TNULL[column.datatype]
        for key, value in (("TUNIT", column.unit), ("TUCD", column.ucd),
                           ("TUTYP", column.utype), ("TCOMM", column.description)):
            if value:
                header[f"{key}{n}"] = _ascii(value)

    def _row_widths(self) -> list[int]:
        widths = []
        for i, column in enumerate(self.columns):
            kind = layout(column)
            if kind in ("text", "timestamp"):
                widths.append(self._widths[i])
            elif kind == "var":
                widths.append(16)
            else:
                count = element_count(column) if kind == "fixed" else 1
                widths.append(count * DTYPES[column.datatype].itemsize)
        return widths


def _fits_bytes(data: np.ndarray, mask: np.ndarray, tnull: int | None) -> bytes:
    """Values as FITS stores them: big-endian; NULLs as NaN, ``tnull`` or the null byte."""
    if data.dtype.kind == "b":
        return np.where(mask, 0, np.where(data, ord("T"), ord("F"))).astype(np.uint8).tobytes()
    if mask.any():
        filler = np.nan if data.dtype.kind == "f" else tnull
        data = np.where(mask, filler, data).astype(data.dtype)
    return data.astype(data.dtype.newbyteorder(">")).tobytes()


def _ascii(text: str) -> str:
    return text.encode("ascii", "replace").decode("ascii")


def _primary_header() -> bytes:
    return fits.PrimaryHDU().header.tostring(padding=True).encode("ascii")
