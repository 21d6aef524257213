"""Decoding PostgreSQL's binary COPY format into column batches, with numpy.

The format (PostgreSQL docs, "COPY", binary format): an 11-byte signature,
an int32 flags word and a header extension, then per row an int16 field
count and per field an int32 length (-1 for NULL) followed by the value in
the type's binary ("send") form, big-endian; an int16 -1 ends the stream.

The backend sends every row in a CopyData message of its own (the protocol
promises it), so the producer hands us one ``bytes`` per row and row starts
come from the message lengths.  From there the decoder walks the fields of
all rows at once, one column at a time, and reads fixed-width values with
numpy gathers viewed as big-endian dtypes; only array values holding NULL
elements or more than one dimension go through a per-row loop.  A check that
every row's fields add up to its message length guards the whole scheme.

The batch (:class:`CopyBatch`) decodes a column only when something asks for
it; the BINARY2 writer asks only for the columns it cannot take as they came —
big-endian numbers of its own width are already what BINARY2 wants.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Any

import numpy as np

from engine.formats.batch import DTYPES, Batch, ColumnLike, element_count, layout, var_row

SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
TRAILER = b"\xff\xff"

# Fixed-width scalar types by OID: bool, int2, int4, int8, float4, float8.
NUMERIC_OIDS: dict[int, np.dtype] = {
    16: np.dtype("u1"), 21: np.dtype(">i2"), 23: np.dtype(">i4"), 20: np.dtype(">i8"),
    700: np.dtype(">f4"), 701: np.dtype(">f8"),
}
DATE_OID, TIMESTAMP_OID, TIMESTAMPTZ_OID = 1082, 1114, 1184
TEXT_OIDS = frozenset({25, 1043, 1042, 18, 19})  # text, varchar, bpchar, "char", name
# Arrays of the numeric types, by array OID: the element OID.
ARRAY_OIDS = {1000: 16, 1005: 21, 1007: 23, 1016: 20, 1021: 700, 1022: 701}

_PG_EPOCH_DAYS = 10957  # 2000-01-01, PostgreSQL's epoch, in days after 1970-01-01
_PG_EPOCH_US = _PG_EPOCH_DAYS * 86_400_000_000
_NAT = np.iinfo(np.int64).min
_I4 = struct.Struct(">i")
_PADDING = 32


class CopyFormatError(ValueError):
    """The COPY stream is not what the decoder expects (a bug, never a user error)."""


def can_decode(oid: int, column: ColumnLike) -> bool:
    """Whether values of type ``oid`` decode here into the canonical form of ``column``."""
    kind = layout(column)
    if kind == "scalar":
        return oid in NUMERIC_OIDS
    if kind in ("fixed", "var"):
        return oid in ARRAY_OIDS
    if kind == "timestamp":
        return oid in (DATE_OID, TIMESTAMP_OID, TIMESTAMPTZ_OID) or oid in TEXT_OIDS
    return oid in TEXT_OIDS


def strip_header(first: bytes) -> bytes:
    """The first CopyData message without the file header that precedes the first row."""
    if not first.startswith(SIGNATURE):
        raise CopyFormatError("binary COPY data without the PGCOPY signature")
    ext_length = _I4.unpack_from(first, len(SIGNATURE) + 4)[0]
    return first[len(SIGNATURE) + 8 + ext_length:]


def copy_order(oids: Sequence[int], columns: Sequence[ColumnLike]) -> list[int]:
    """The column order to COPY in: fixed-width values first, text and variable arrays last.

    Fields before the first variable-width one sit at the same offset in every
    row (barring NULLs), so the decoder reads them as plain column slices.
    """
    def variable(i: int) -> bool:
        return oids[i] in TEXT_OIDS or (oids[i] in ARRAY_OIDS and layout(columns[i]) == "var")
    return sorted(range(len(oids)), key=variable)


def decode_rows(rows: Sequence[bytes], oids: Sequence[int], columns: Sequence[ColumnLike],
                encoding: str = "utf-8", order: Sequence[int] | None = None) -> Batch:
    """A batch from CopyData messages of one row each (header and trailer removed).

    ``order`` says which result column each COPY field is (see :func:`copy_order`);
    the batch comes back in result order.
    """
    n = len(rows)
    if n == 0:
        return Batch([_empty(col) for col in columns], 0)
    order = range(len(columns)) if order is None else order
    table = _Rows(rows)
    if not (_ints(table.read(0, 2), ">i2") == len(columns)).all():
        raise CopyFormatError("a COPY row does not have the query's field count")
    fields: list[Any] = [None] * len(columns)
    pos: int | np.ndarray = 2
    for index in order:
        sizes = _ints(table.read(pos, 4), ">i4")
        data = pos + 4
        steps = np.maximum(sizes, 0)
        if isinstance(pos, int) and (steps == steps[0]).all():
            pos = data + int(steps[0])
        else:
            pos = data + steps
            if (pos > table.lengths).any():
                raise CopyFormatError("a COPY field runs past the end of its row")
        fields[index] = (data, sizes)
    if not (pos == table.lengths).all():
        raise CopyFormatError("COPY rows are longer than their fields")
    return CopyBatch(table, fields, oids, columns, encoding)


class CopyBatch(Batch):
    """A batch read from binary COPY rows.  Each column is decoded when first used
    (``columns[i]``); a BINARY2 writer takes plain numeric columns — numbers and
    fixed-size numeric arrays of its own datatype's width, without NULLs — as the
    big-endian bytes that arrived (:meth:`binary2_ready`), decoding nothing."""

    def __init__(self, table: _Rows, fields: list[tuple[int | np.ndarray, np.ndarray]],
                 oids: Sequence[int], columns: Sequence[ColumnLike], encoding: str) -> None:
        # The columns hold what decoding needs and the batch holds them, not the
        # other way round: without a cycle, a batch is freed as soon as it is written.
        self._held = _DecodedOnUse(table, fields, oids, columns, encoding)
        super().__init__(self._held, len(table.lengths))

    def binary2_ready(self, index: int) -> tuple[np.ndarray, np.ndarray] | None:
        held = self._held
        data, sizes = held.fields[index]
        oid, column = held.oids[index], held.result_columns[index]
        if not isinstance(data, int) or column.datatype not in DTYPES or \
                column.datatype == "boolean":
            return None
        target = DTYPES[column.datatype].newbyteorder(">")
        kind = layout(column)
        if kind == "scalar" and NUMERIC_OIDS.get(oid) == target:
            if not (sizes == target.itemsize).all():
                return None
            return held.table.read(data, target.itemsize), np.zeros(self.length, bool)
        if kind != "fixed" or NUMERIC_OIDS.get(ARRAY_OIDS.get(oid, 0)) != target:
            return None
        return _array_bytes(held.table, data, sizes, target, element_count(column))


def _array_bytes(table: _Rows, data: int, sizes: np.ndarray, element: np.dtype,
                 k: int) -> tuple[np.ndarray, np.ndarray] | None:
    """A fixed array's elements without their length words, when in every row it is
    1-D with k elements and no NULL element.  A row of NaN only is NULL, as decoded."""
    stride = 4 + element.itemsize
    if not (sizes == 20 + k * stride).all():
        return None
    head = _ints(table.read(data, 16), ">i4").reshape(-1, 4)
    if not ((head[:, 0] == 1) & (head[:, 1] == 0) & (head[:, 3] == k)).all():
        return None
    pairs = table.read(data + 20, k * stride).reshape(-1, k, stride)
    matrix = np.ascontiguousarray(pairs[:, :, 4:]).reshape(-1, k * element.itemsize)
    if element.kind == "f":
        nulls = np.isnan(matrix.view(element)).all(axis=1)
    else:
        nulls = np.zeros(len(matrix), bool)
    return matrix, nulls


class _DecodedOnUse(Sequence):
    """A CopyBatch's columns, each decoded on its first use and kept."""

    def __init__(self, table: _Rows, fields: list[tuple[int | np.ndarray, np.ndarray]],
                 oids: Sequence[int], columns: Sequence[ColumnLike], encoding: str) -> None:
        self.table, self.fields, self.oids = table, fields, oids
        self.result_columns, self.encoding = columns, encoding
        self._decoded: dict[int, Any] = {}

    def __len__(self) -> int:
        return len(self.result_columns)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        if index not in self._decoded:
            data, sizes = self.fields[index]
            self._decoded[index] = _decode_column(
                self.table, data, sizes, self.oids[index], self.result_columns[index],
                self.encoding)
        return self._decoded[index]


class _Rows:
    """The rows of a batch as one zero-padded (rows, width) byte matrix.

    Building it is one C loop (numpy's fixed-width bytes dtype); a field at the
    same offset in all rows is then a column slice.  When a few long rows would
    make the padding wasteful, the rows stay one flat buffer and every read is
    a gather.  The padding also lets reads run a little past a row's end (at
    NULLs and empty arrays) without bounds checks.
    """

    def __init__(self, rows: Sequence[bytes]) -> None:
        n = len(rows)
        self.lengths = np.fromiter(map(len, rows), dtype=np.int64, count=n)
        width = int(self.lengths.max()) + _PADDING
        if n * width <= 2 * int(self.lengths.sum()) + (1 << 20):
            self.matrix: np.ndarray | None = (
                np.array(rows, dtype=f"S{width}").view(np.uint8).reshape(n, width))
            self.flat = self.matrix.reshape(-1)
            self.base = np.arange(n, dtype=np.int64) * width
        else:
            self.matrix = None
            self.flat = np.frombuffer(b"".join(rows) + bytes(_PADDING), dtype=np.uint8)
            self.base = np.cumsum(self.lengths) - self.lengths

    def read(self, pos: int | np.ndarray, width: int) -> np.ndarray:
        """``width`` bytes at row offset ``pos`` (one for all rows, or one per row)."""
        if isinstance(pos, int) and self.matrix is not None:
            return self.matrix[:, pos:pos + width]
        return self.gather(self.base + pos, width)

    def gather(self, positions: np.ndarray, width: int) -> np.ndarray:
        """``width`` bytes at each absolute position, as a (len(positions), width) array."""
        return self.flat[positions[:, None] + np.arange(width)]


def _empty(column: ColumnLike) -> Any:
    kind = layout(column)
    if kind in ("text", "var"):
        return []
    if kind == "timestamp":
        return np.array([], dtype="datetime64[us]")
    shape = (0, element_count(column)) if kind == "fixed" else (0,)
    return np.ma.MaskedArray(np.empty(shape, DTYPES[column.datatype]),
                             mask=np.zeros(shape, bool))


def _ints(raw: np.ndarray, dtype: str) -> np.ndarray:
    return raw.view(dtype).reshape(-1).astype(np.int64)


def _decode_column(table: _Rows, data: int | np.ndarray, sizes: np.ndarray, oid: int,
                   column: ColumnLike, encoding: str) -> Any:
    nulls = sizes < 0
    if oid in TEXT_OIDS:
        return _texts(table, table.base + data, sizes, encoding)
    if oid in ARRAY_OIDS:
        return _arrays(table, data, nulls, NUMERIC_OIDS[ARRAY_OIDS[oid]], column)
    if oid in NUMERIC_OIDS:
        raw = _fixed(table, data, sizes, NUMERIC_OIDS[oid], column)
        return _to_masked(raw, nulls, DTYPES[column.datatype])
    unit = "D" if oid == DATE_OID else "us"
    raw = _fixed(table, data, sizes, np.dtype(">i4" if unit == "D" else ">i8"), column)
    values = raw.astype(np.int64)
    special = nulls | (values == np.iinfo(raw.dtype).max) | (values == np.iinfo(raw.dtype).min)
    offset = _PG_EPOCH_DAYS if unit == "D" else _PG_EPOCH_US
    # PostgreSQL's +-infinity have no datetime64 form; they read as NULL.
    return np.where(special, _NAT, values + offset).view(f"datetime64[{unit}]")


def _fixed(table: _Rows, data: int | np.ndarray, sizes: np.ndarray, be: np.dtype,
           column: ColumnLike) -> np.ndarray:
    if (sizes[sizes >= 0] != be.itemsize).any():
        raise CopyFormatError(f"column {column.name!r}: values are not {be.itemsize} bytes")
    return table.read(data, be.itemsize).view(be).reshape(-1)


def _to_masked(raw: np.ndarray, nulls: np.ndarray, dtype: np.dtype) -> np.ma.MaskedArray:
    values = raw.astype(dtype)
    if nulls.any():
        # What lies under a NULL is the next field's bytes; make it what the
        # canonical form promises.
        values[nulls] = np.nan if dtype.kind == "f" else 0
    return np.ma.MaskedArray(values, mask=nulls)


def _texts(table: _Rows, data: np.ndarray, sizes: np.ndarray, encoding: str) -> list:
    """Strings of all rows at once: the bytes joined by NULs (text cannot hold NUL),
    decoded in one call and split."""
    n = len(sizes)
    nulls = sizes < 0
    lengths = np.where(nulls, 0, sizes)
    total = int(lengths.sum())
    offsets = np.cumsum(lengths) - lengths
    joined = np.zeros(total + n, dtype=np.uint8)
    if total:
        row_of_byte = np.repeat(np.arange(n), lengths)
        flat = np.arange(total)
        joined[flat + row_of_byte] = table.flat[flat + (data - offsets)[row_of_byte]]
    strings: list = joined[:-1].tobytes().decode(encoding).split("\x00")
    for i in np.flatnonzero(nulls).tolist():
        strings[i] = None
    return strings


def _arrays(table: _Rows, data: int | np.ndarray, nulls: np.ndarray, element: np.dtype,
            column: ColumnLike) -> Any:
    """1-D arrays without NULL elements, vectorised; the rest row by row."""
    n = len(nulls)
    head = _ints(table.read(data, 16), ">i4").reshape(n, 4)
    ndim, has_null, dim = head[:, 0], head[:, 1] != 0, head[:, 3]
    simple = ~nulls & (ndim <= 1) & ~has_null
    counts = np.where(simple & (ndim == 1), dim, 0)
    stride = 4 + element.itemsize
    target = DTYPES[column.datatype]
    at = table.base + data  # absolute positions of the values
    slow = np.flatnonzero(~simple & ~nulls).tolist()
    if layout(column) == "var":
        total = int(counts.sum())
        offsets = np.cumsum(counts) - counts
        row_of = np.repeat(np.arange(n), counts)
        starts = np.repeat(at + 24, counts) + (np.arange(total) - offsets[row_of]) * stride
        flat = table.gather(starts, element.itemsize).view(element).reshape(-1)
        out: list = np.split(flat.astype(target), np.cumsum(counts)[:-1])
        for i in np.flatnonzero(nulls).tolist():
            out[i] = None
        for i in slow:
            out[i] = var_row(_array_row(table, int(at[i]), element), target)
        return out
    k = element_count(column)
    if (counts[simple] != k).any():
        raise ValueError(f"column {column.name!r} declares {k} elements, a row has "
                         f"{int(counts[simple][counts[simple] != k][0])}")
    # Past the 20-byte header, elements are (int32 length, value) pairs.
    if isinstance(data, int) and simple.all():
        pairs = table.read(data + 20, k * stride).reshape(n, k, stride)
        values = np.ascontiguousarray(pairs[:, :, 4:]).view(element).reshape(n, k)
        values = values.astype(target)
        # NULL elements of float arrays arrive as NaN (see engine.db.fetch).
        mask = np.isnan(values) if target.kind == "f" else np.zeros((n, k), bool)
        return np.ma.MaskedArray(values, mask=mask)
    grid = np.zeros((n, k), dtype=target)
    mask = np.ones((n, k), dtype=bool)
    rows = np.flatnonzero(simple)
    if len(rows):
        first = at[rows] + 24
        index = (first[:, None] + np.arange(k) * stride).reshape(-1)
        grid[rows] = table.gather(index, element.itemsize).view(element).reshape(len(rows), k)
        mask[rows] = False
    for i in slow:
        values = np.array(_array_row(table, int(at[i]), element), dtype=object)
        if len(values) != k:
            raise ValueError(f"column {column.name!r} declares {k} elements, a row "
                             f"has {len(values)}")
        mask[i] = np.equal(values, None)
        grid[i] = np.where(mask[i], 0, values).astype(target)
    if target.kind == "f":
        mask |= np.isnan(grid)
        grid[mask] = np.nan
    return np.ma.MaskedArray(grid, mask=mask)


def _array_row(table: _Rows, pos: int, element: np.dtype) -> list:
    """The elements of one array value in storage order, None for NULL elements."""
    buf = table.flat.data
    ndim = _I4.unpack_from(buf, pos)[0]
    count = 1 if ndim else 0
    for d in range(ndim):
        count *= _I4.unpack_from(buf, pos + 12 + 8 * d)[0]
    p = pos + 12 + 8 * ndim
    values: list = []
    for _ in range(count):
        size = _I4.unpack_from(buf, p)[0]
        p += 4
        if size < 0:
            values.append(None)
        else:
            values.append(np.frombuffer(buf, element, 1, p)[0].item())
            p += size
    return values

