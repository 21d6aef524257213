"""FITS binary tables from column batches, through a bounded spool.

A FITS header must give the row count and every string column's width before
the first row, so :class:`FitsSpool` takes the batches as they arrive, writes
them to a temporary file column chunk by column chunk, and at the end streams
the finished file (primary HDU, BINTABLE header, rows, heap) in pieces of one
spooled batch each.  Memory stays one batch; disk holds the result once.

Columns: TTYPE, TFORM, TUNIT, TUCD, TUTYP and TCOMM (the description) per
column, TDIM for multi-dimensional arrays.  Integers with NULLs get TNULLn,
the type's smallest value (255 for unsignedByte), booleans FITS's null byte
0, floats NaN; NULL elements of variable-size integer arrays hold the
smallest value without TNULL.  Variable-size arrays go to the heap through
64-bit ``Q`` descriptors, exact at any size.

Strings are ``nA`` columns as wide as the longest value (NULL is the empty
string; FITS readers drop trailing blanks).  When that width would blow the
table up — a few long values among many short ones, so that the fixed form is
more than :data:`HEAP_FACTOR` times and :data:`HEAP_SLACK` bytes larger than
the values themselves — an ASCII column goes to the heap instead as ``QA``:
STIL (TOPCAT, STILTS), CFITSIO and fitsio read such columns as strings,
while astropy (up to 8.0 at least, astropy#18696) returns each value as an
array of one-character strings, losing blanks.  Values are UTF-8, although
FITS promises only ASCII: astropy reads UTF-8 in ``A`` columns back exactly,
STIL shows U+FFFD for the bytes of non-ASCII characters; since astropy would
refuse non-ASCII in a ``QA`` column outright, such a column always stays
``nA``.  VOTable is the format that carries non-ASCII text to every client.

``spool_limit`` bounds the result: a batch that would make the FITS file
larger is not spooled (``add`` returns False and ``full`` says so), and the
file ends after the rows spooled so far with QSTATUS ERROR and a QMESSAGE
telling the user to ask for VOTable, which is streamed, or for fewer rows.
Otherwise the result's status is the header keyword QSTATUS (OK, OVERFLOW or
ERROR), with QMESSAGE for an error.
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
_DESCRIPTOR = 16  # bytes of a Q descriptor: 64-bit count and heap offset
# A string column goes to the heap when its fixed width would take more than
# HEAP_FACTOR times, and HEAP_SLACK bytes more than, descriptors plus values.
HEAP_FACTOR = 4
HEAP_SLACK = 1 << 20


@dataclass
class _Chunk:
    """Where one column of one spooled batch lies in the spool file."""

    offset: int
    size: int
    lengths: np.ndarray | None = None  # per-row byte lengths of a string column


@dataclass
class _Text:
    """What the spool knows of a string column: widest value, bytes, ASCII or not."""

    width: int
    size: int = 0
    ascii: bool = True

    def merged(self, lengths: np.ndarray, ascii: bool) -> _Text:
        width = max(self.width, int(lengths.max())) if len(lengths) else self.width
        return _Text(width, self.size + int(lengths.sum()), self.ascii and ascii)

    def on_heap(self, rows: int) -> bool:
        fixed, var = rows * self.width, rows * _DESCRIPTOR + self.size
        return self.ascii and fixed > HEAP_FACTOR * var and fixed - var > HEAP_SLACK

    def row_width(self, rows: int) -> int:
        return _DESCRIPTOR if self.on_heap(rows) else self.width


class FitsSpool:
    """Collects batches (``add``), then streams the FITS file (``finish``)."""

    in_band_status: ClassVar[bool] = True

    def __init__(self, columns: Sequence[ColumnLike], *, directory: str | None = None,
                 extname: str = "RESULTS", spool_limit: int | None = None) -> None:
        self.columns = list(columns)
        self.rows = 0
        self.full = False  # a batch was refused: the result would exceed spool_limit
        self._limit = spool_limit
        self._extname = extname
        self._spool: IO[bytes] = tempfile.TemporaryFile(dir=directory)
        self._heap: IO[bytes] = tempfile.TemporaryFile(dir=directory)
        self._heap_size = 0
        self._batches: list[tuple[int, list[_Chunk]]] = []
        # String widths grow with what arrives; fixed-size char columns keep theirs.
        self._texts = {i: _Text(text_length(c) or 1) for i, c in enumerate(self.columns)
                       if layout(c) in ("text", "timestamp")}
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

    def add(self, batch: Batch) -> bool:
        """Spool one batch; False (and nothing spooled) if it would make the result
        larger than the spool limit, or if an earlier batch did."""
        if self.full:
            return False
        encoded = [_encode(values, column)
                   for values, column in zip(batch.columns, self.columns)]
        texts = {i: text.merged(encoded[i].lengths, encoded[i].ascii)
                 for i, text in self._texts.items()}
        rows = self.rows + batch.length
        heap_size = self._heap_size + sum(len(e.heap) for e in encoded)
        if self._limit is not None and self._size(rows, texts, heap_size) > self._limit:
            self.full = True
            return False
        chunks = []
        for i, part in enumerate(encoded):
            raw = part.raw
            if part.counts is not None:
                raw = self._to_heap(part)
                if len(part.counts):
                    self._max_counts[i] = max(self._max_counts[i], int(part.counts.max()))
            self._has_nulls[i] |= part.nulls
            chunks.append(_Chunk(self._spool.tell(), len(raw), part.lengths))
            self._spool.write(raw)
        self._texts = texts
        self._batches.append((batch.length, chunks))
        self.rows = rows
        return True

    def finish(self, status: Status) -> Iterator[bytes]:
        """The whole FITS file, in pieces; the spool is closed afterwards."""
        if self.full:
            status = Status.error(
                f"The result was cut after {self.rows} rows: as FITS it would be larger "
                f"than this server's limit of {self._limit} bytes. Ask for VOTable "
                "(RESPONSEFORMAT=votable), which is streamed, or for fewer rows.")
        heap_text = [i for i, text in self._texts.items() if text.on_heap(self.rows)]
        try:
            yield _primary_header()
            yield self._table_header(status, heap_text)
            written = 0
            starts = self._text_heap_starts(heap_text)
            for n, chunks in self._batches:
                matrices = []
                for i, chunk in enumerate(chunks):
                    if i in starts:
                        matrices.append(self._text_descriptors(chunk, starts, i))
                    else:
                        matrices.append(self._read(i, n, chunk))
                data = np.concatenate(matrices, axis=1).tobytes() if n else b""
                written += len(data)
                yield data
            self._heap.seek(0)
            while piece := self._heap.read(1 << 20):
                written += len(piece)
                yield piece
            for i in heap_text:
                for _, chunks in self._batches:
                    self._spool.seek(chunks[i].offset)
                    piece = self._spool.read(chunks[i].size)
                    written += len(piece)
                    yield piece
            yield bytes(-written % BLOCK)
        finally:
            self.close()

    # -- spooling ---------------------------------------------------------------------

    def _to_heap(self, part: _Encoded) -> bytes:
        """The Q descriptors of a variable-size array chunk, whose elements go to the heap."""
        offsets = self._heap_size + (np.cumsum(part.counts) - part.counts) * part.itemsize
        self._heap.write(part.heap)
        self._heap_size += len(part.heap)
        return np.column_stack([part.counts, offsets]).astype(">i8").tobytes()

    def _size(self, rows: int, texts: dict[int, _Text], heap_size: int) -> int:
        """The size of the FITS file these would make (headers estimated)."""
        width = sum(self._row_widths(rows, texts))
        text_heap = sum(t.size for t in texts.values() if t.on_heap(rows))
        return 3 * BLOCK + rows * width + heap_size + text_heap

    # -- writing ----------------------------------------------------------------------

    def _text_heap_starts(self, heap_text: list[int]) -> dict[int, list[int]]:
        """For each string column on the heap, [its heap offset, bytes placed so far]."""
        starts, offset = {}, self._heap_size
        for i in heap_text:
            starts[i] = [offset, 0]
            offset += self._texts[i].size
        return starts

    def _text_descriptors(self, chunk: _Chunk, starts: dict[int, list[int]],
                          i: int) -> np.ndarray:
        lengths = chunk.lengths
        base, placed = starts[i]
        offsets = base + placed + np.cumsum(lengths) - lengths
        starts[i][1] = placed + int(lengths.sum())
        return np.column_stack([lengths, offsets]).astype(">i8").view(np.uint8).reshape(
            len(lengths), _DESCRIPTOR)

    def _read(self, i: int, n: int, chunk: _Chunk) -> np.ndarray:
        self._spool.seek(chunk.offset)
        raw = self._spool.read(chunk.size)
        if chunk.lengths is None:
            return np.frombuffer(raw, dtype=np.uint8).reshape(n, -1)
        ends = np.cumsum(chunk.lengths)
        starts = (ends - chunk.lengths).tolist()
        width = self._texts[i].width
        texts = [raw[a:b] for a, b in zip(starts, ends.tolist())]
        return np.array(texts, dtype=f"S{width}").view(np.uint8).reshape(n, width)

    def _table_header(self, status: Status, heap_text: list[int]) -> bytes:
        header = fits.Header()
        header["XTENSION"] = "BINTABLE"
        header["BITPIX"] = 8
        header["NAXIS"] = 2
        header["NAXIS1"] = sum(self._row_widths(self.rows, self._texts))
        header["NAXIS2"] = self.rows
        header["PCOUNT"] = self._heap_size + sum(self._texts[i].size for i in heap_text)
        header["GCOUNT"] = 1
        header["TFIELDS"] = len(self.columns)
        for n, column in enumerate(self.columns, start=1):
            self._describe(header, n, column, n - 1 in heap_text)
        header["EXTNAME"] = self._extname
        header["QSTATUS"] = (status.value, "DALI QUERY_STATUS of the result")
        if status.value == "ERROR":
            header["QMESSAGE"] = _ascii(status.message)
        return header.tostring(padding=True).encode("ascii")

    def _describe(self, header: fits.Header, n: int, column: ColumnLike,
                  on_heap: bool) -> None:
        i = n - 1
        kind = layout(column)
        header[f"TTYPE{n}"] = _ascii(column.name)
        if on_heap:
            header[f"TFORM{n}"] = f"QA({self._texts[i].width})"
        elif kind in ("text", "timestamp"):
            header[f"TFORM{n}"] = f"{self._texts[i].width}A"
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

    def _row_widths(self, rows: int, texts: dict[int, _Text]) -> list[int]:
        widths = []
        for i, column in enumerate(self.columns):
            kind = layout(column)
            if i in texts:
                widths.append(texts[i].row_width(rows))
            elif kind == "var":
                widths.append(_DESCRIPTOR)
            else:
                count = element_count(column) if kind == "fixed" else 1
                widths.append(count * DTYPES[column.datatype].itemsize)
        return widths


@dataclass
class _Encoded:
    """One column chunk as FITS bytes, before it is spooled.

    ``raw`` goes to the rows (for strings: the values' UTF-8 bytes, with their
    ``lengths``); a variable-size array's elements are ``heap`` bytes, with
    the element ``counts`` per row and the element size.
    """

    raw: bytes
    lengths: np.ndarray | None = None
    ascii: bool = True
    heap: bytes = b""
    counts: np.ndarray | None = None
    itemsize: int = 0
    nulls: bool = False


def _encode(values: Any, column: ColumnLike) -> _Encoded:
    kind = layout(column)
    if kind in ("text", "timestamp"):
        texts = iso_strings(values) if kind == "timestamp" else values
        encoded = [b"" if t is None else t.encode("utf-8") for t in texts]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        raw = b"".join(encoded)
        return _Encoded(raw, lengths, raw.isascii())
    dtype = DTYPES[column.datatype]
    tnull = _TNULL.get(column.datatype)
    if kind == "var":
        counts = np.fromiter((0 if v is None else len(v) for v in values), dtype=np.int64,
                             count=len(values))
        present = [v for v in values if v is not None and len(v)]
        if not present:
            return _Encoded(b"", counts=counts, itemsize=dtype.itemsize)
        flat = np.ma.concatenate(present)
        mask = np.ma.getmaskarray(flat)
        heap = _fits_bytes(np.ma.getdata(flat).astype(dtype), mask, tnull)
        return _Encoded(b"", heap=heap, counts=counts, itemsize=dtype.itemsize,
                        nulls=bool(mask.any()))
    data, mask = np.ma.getdata(values), np.ma.getmaskarray(values)
    if kind == "fixed":
        data = data.reshape(len(data), -1)
    return _Encoded(_fits_bytes(data, mask, tnull), nulls=bool(mask.any()))


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
