"""VOTable BINARY2 rows from column batches: one codec per datatype, on numpy chunks.

A BINARY2 row is a NULL-flag bitmap (one bit per column, most significant
bit first) followed by each column's value: big-endian numbers, ``T``/``F``/
``?`` booleans, fixed arrays as their elements, variable arrays and strings as
an int32 element count and the elements; char as ASCII bytes, unicodeChar as
UTF-16BE (characters beyond the BMP as surrogate pairs).

VOTable 1.4's char is ASCII, and DR declares char only for text it knows is
ASCII (see :mod:`engine.ingest.textscan`).  Should a char column meet
non-ASCII anyway (say, the server describes a table as it was before a
re-import), the writer does not fail: it writes the value's UTF-8 bytes —
nothing is lost, the VOTable 1.6 proposal reads char as UTF-8, and TABLEDATA
readers already do — and :func:`non_ascii_char_columns` lets the VOTable
writer log the column and warn in the document.  Today's astropy refuses such
a BINARY2 column and STIL shows its bytes as Latin-1.

A codec turns a column chunk into *pieces*: a (rows, width) byte matrix when
every row has the same width, or a :class:`Slot` — the rows' bytes
left-aligned in a zero-padded matrix, with their real lengths.  The pieces of
all columns are concatenated side by side into one matrix and, when slots
exist, the padding is squeezed out with one boolean mask: no per-row Python
except where text must be encoded one string at a time.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.formats.batch import DTYPES, Batch, ColumnLike, element_count, layout, text_length
from engine.formats.cells import iso_strings

_B64_LINE = 57  # raw bytes per 76-character base64 line


@dataclass
class Slot:
    """Rows of varying byte length, left-aligned in a zero-padded (rows, width) matrix."""

    matrix: np.ndarray
    lengths: np.ndarray


Pieces = tuple[list[Any], np.ndarray]  # byte matrices or Slots, and the NULL mask
Codec = Callable[[Any, ColumnLike], Pieces]


def encode_rows(batch: Batch, columns: list[ColumnLike]) -> bytes:
    """The BINARY2 bytes of all rows of ``batch``."""
    n = batch.length
    if n == 0:
        return b""
    pieces: list[Any] = []
    nulls = []
    for index, column in enumerate(columns):
        ready = batch.binary2_ready(index)
        if ready is not None:
            pieces.append(ready[0])
            nulls.append(ready[1])
            continue
        column_pieces, column_nulls = CODECS[column.datatype](batch.columns[index], column)
        pieces.extend(column_pieces)
        nulls.append(column_nulls)
    flags = np.packbits(np.column_stack(nulls), axis=1)
    slots = [p for p in pieces if isinstance(p, Slot)]
    padding = sum(s.matrix.shape[1] * n - int(s.lengths.sum()) for s in slots)
    if n > 1 and padding > (1 << 22):
        # A few very long values would make the padded matrix huge: halve the batch.
        half = n // 2
        return (encode_rows(_rows(batch, 0, half), columns)
                + encode_rows(_rows(batch, half, n), columns))
    matrices = [flags] + [p.matrix if isinstance(p, Slot) else p for p in pieces]
    table = np.concatenate(matrices, axis=1)
    if not slots:
        return table.tobytes()
    keep = np.ones(table.shape, dtype=bool)
    offset = flags.shape[1]
    for piece, matrix in zip(pieces, matrices[1:]):
        width = matrix.shape[1]
        if isinstance(piece, Slot):
            keep[:, offset:offset + width] = np.arange(width) < piece.lengths[:, None]
        offset += width
    return table[keep].tobytes()


def non_ascii_char_columns(batch: Batch, columns: list[ColumnLike]) -> list[str]:
    """Names of the char text columns of ``batch`` holding non-ASCII text."""
    found = []
    for index, column in enumerate(columns):  # by index: only char columns are decoded
        if column.datatype == "char" and layout(column) == "text" and \
                not _all_ascii(batch.columns[index]):
            found.append(column.name)
    return found


def _all_ascii(texts: list) -> bool:
    try:
        return "".join(texts).isascii()
    except TypeError:  # NULLs among them
        return "".join(t for t in texts if t is not None).isascii()


def _rows(batch: Batch, start: int, stop: int) -> Batch:
    return Batch([c[start:stop] for c in batch.columns], stop - start)


class Base64Lines:
    """Streams bytes as base64 in 76-character lines, carrying the remainder over."""

    def __init__(self) -> None:
        self._rest = b""

    def feed(self, data: bytes) -> bytes:
        data = self._rest + data
        usable = len(data) - len(data) % _B64_LINE
        self._rest = data[usable:]
        if not usable:
            return b""
        encoded = np.frombuffer(binascii.b2a_base64(memoryview(data)[:usable], newline=False),
                                dtype=np.uint8).reshape(-1, 76)
        lines = np.empty((len(encoded), 77), dtype=np.uint8)
        lines[:, :76] = encoded
        lines[:, 76] = ord("\n")
        return lines.tobytes()

    def flush(self) -> bytes:
        rest, self._rest = self._rest, b""
        return binascii.b2a_base64(rest) if rest else b""


def _be(dtype: np.dtype) -> np.dtype:
    return dtype.newbyteorder(">")


def _number_bytes(data: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Numbers as big-endian bytes, last axis flattened; NULL floats as NaN."""
    if data.dtype.kind == "f" and mask.any():
        data = np.where(mask, np.nan, data)
    if data.dtype.kind == "b":
        raw = np.where(mask, ord("?"), np.where(data, ord("T"), ord("F"))).astype(np.uint8)
    else:
        raw = data.astype(_be(data.dtype)).view(np.uint8)
    return raw.reshape(len(data), -1)


def _numeric(values: Any, column: ColumnLike) -> Pieces:
    kind = layout(column)
    if kind == "var":
        return _var_array(values, DTYPES[column.datatype])
    data, mask = np.ma.getdata(values), np.ma.getmaskarray(values)
    if kind == "fixed":
        count = element_count(column)
        data, mask = data.reshape(-1, count), mask.reshape(-1, count)
        nulls = mask.all(axis=1) if count else np.zeros(len(data), bool)
        return [_number_bytes(data, mask)], nulls
    return [_number_bytes(data, mask)], mask


def _var_array(values: list, dtype: np.dtype) -> Pieces:
    n = len(values)
    nulls = np.fromiter((v is None for v in values), dtype=bool, count=n)
    counts = np.fromiter((0 if v is None else len(v) for v in values), dtype=np.int64, count=n)
    grid = np.zeros((n, int(counts.max()) if n else 0), dtype=dtype)
    grid_mask = np.zeros(grid.shape, dtype=bool)
    if counts.sum():
        flat = np.ma.concatenate([v for v in values if v is not None])
        rows = np.repeat(np.arange(n), counts)
        cols = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        grid[rows, cols] = np.ma.getdata(flat).astype(dtype)
        grid_mask[rows, cols] = np.ma.getmaskarray(flat)
    prefix = counts.astype(">i4").view(np.uint8).reshape(n, 4)
    return [prefix, Slot(_number_bytes(grid, grid_mask), counts * dtype.itemsize)], nulls


def _encoded(values: list) -> tuple[list, np.ndarray]:
    """Strings with NULLs as empty ones, and the NULL mask."""
    if None not in values:
        return values, np.zeros(len(values), dtype=bool)
    nulls = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    return ["" if v is None else v for v in values], nulls


def _padded(items: list, width: int, dtype: str) -> np.ndarray:
    """Byte strings (``S``) or str (``U``) in a zero-padded (rows, width) array."""
    return np.array(items, dtype=f"{dtype}{max(width, 1)}")


def _char(values: Any, column: ColumnLike) -> Pieces:
    texts = iso_strings(values) if layout(column) == "timestamp" else values
    texts, nulls = _encoded(texts)
    n = len(texts)
    joined = "".join(texts)
    # ASCII text goes straight from str to bytes inside numpy; anything else
    # is encoded to UTF-8 one string at a time.
    items = texts if joined.isascii() else [t.encode("utf-8") for t in texts]
    lengths = np.fromiter(map(len, items), dtype=np.int64, count=n)
    fixed = text_length(column)
    if fixed is not None:
        return [_padded(items, fixed, "S").view(np.uint8).reshape(n, -1)[:, :fixed]], nulls
    width = int(lengths.max()) if n else 0
    matrix = _padded(items, width, "S").view(np.uint8).reshape(n, -1)[:, :width]
    prefix = lengths.astype(">i4").view(np.uint8).reshape(n, 4)
    return [prefix, Slot(matrix, lengths)], nulls


def _unicode_char(values: Any, column: ColumnLike) -> Pieces:
    texts, nulls = _encoded(values)
    n = len(texts)
    fixed = text_length(column)
    width = fixed if fixed is not None else max(map(len, texts), default=0)
    codepoints = _padded(texts, width, "U").view(np.uint32).reshape(n, -1)[:, :width]
    if (codepoints < 0x10000).all():
        units = codepoints.astype(">u2").view(np.uint8)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    else:
        # Characters beyond the BMP need surrogate pairs: encode row by row.
        encoded = [t.encode("utf-16-be") for t in texts]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=n) // 2
        width = fixed if fixed is not None else int(lengths.max())
        units = _padded(encoded, 2 * width, "S").view(np.uint8).reshape(n, -1)[:, :2 * width]
    if fixed is not None:
        return [units], nulls
    prefix = lengths.astype(">i4").view(np.uint8).reshape(n, 4)
    return [prefix, Slot(units, 2 * lengths)], nulls


CODECS: dict[str, Codec] = {
    "boolean": _numeric,
    "unsignedByte": _numeric,
    "short": _numeric,
    "int": _numeric,
    "long": _numeric,
    "float": _numeric,
    "double": _numeric,
    "char": _char,
    "unicodeChar": _unicode_char,
}
