"""Column batches of query results, the one shape every output format consumes.

A :class:`Batch` holds one entry per result column, in the column's canonical
form, decided by its VOTable metadata (datatype, arraysize, xtype):

* numeric and boolean scalars: a 1-D ``numpy.ma.MaskedArray`` of the
  datatype's dtype, the mask a full boolean array; float NULLs are also NaN;
* numeric arrays of fixed size k (arraysize ``"12"``, ``"2x3"``): a 2-D masked
  array of shape (rows, k), multi-dimensional arrays flattened in VOTable
  order (first index fastest); a NULL array is a fully masked row;
* numeric arrays of variable size (``"*"``, ``"10*"``): a list holding a 1-D
  ndarray or None per row (float NULL elements as NaN);
* char and unicodeChar: a list of str or None;
* xtype timestamp: a ``datetime64`` array (``[us]``, or ``[D]`` for dates)
  with NaT for NULL — or, from producers other than the database, a list of
  datetime, date, ISO strings or None.

Both ways of reading the database (``engine.db.fetch``) produce exactly this,
and :meth:`Batch.from_rows` turns Python row tuples into it for results that
do not come from a query.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rd.tablemeta import ResultColumn

# The numpy type of each numeric VOTable datatype.
DTYPES: dict[str, np.dtype] = {
    "boolean": np.dtype(np.bool_),
    "unsignedByte": np.dtype(np.uint8),
    "short": np.dtype(np.int16),
    "int": np.dtype(np.int32),
    "long": np.dtype(np.int64),
    "float": np.dtype(np.float32),
    "double": np.dtype(np.float64),
}
TEXT_DATATYPES = frozenset({"char", "unicodeChar"})


# What the formats need of a column: a VOTable FIELD's metadata.  The ADQL
# translator and the services both describe their results with ResultColumn.
ColumnLike = ResultColumn


def layout(column: ColumnLike) -> str:
    """How a column's values are held: scalar, fixed, var, text or timestamp."""
    if column.datatype in TEXT_DATATYPES:
        return "timestamp" if column.xtype == "timestamp" else "text"
    if column.datatype not in DTYPES:
        raise ValueError(f"column {column.name!r}: unknown VOTable datatype "
                         f"{column.datatype!r}")
    if not column.arraysize:
        return "scalar"
    return "var" if column.arraysize.endswith("*") else "fixed"


def element_count(column: ColumnLike) -> int:
    """The number of elements of a fixed-size array column (``"2x3"`` is 6)."""
    count = 1
    for dim in column.arraysize.split("x"):
        count *= int(dim)
    return count


def text_length(column: ColumnLike) -> int | None:
    """The fixed length of a char/unicodeChar column, or None when variable."""
    size = column.arraysize
    if not size:
        return 1
    return None if size.endswith("*") else int(size)


@dataclass
class Batch:
    """Some consecutive rows of a result, one canonical column per result column."""

    columns: Sequence[Any]
    length: int

    def binary2_ready(self, index: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Column ``index`` already as BINARY2 bytes — a (rows, width) uint8 matrix —
        and its NULL flags, when the batch holds it so (see
        :class:`engine.formats.pgcopy.CopyBatch`); None: encode ``columns[index]``."""
        return None

    @classmethod
    def from_rows(cls, columns: Sequence[ColumnLike], rows: Iterable[Sequence[Any]]) -> Batch:
        """A batch from row tuples of Python values (None for NULL)."""
        rows = list(rows)
        by_column = list(zip(*rows)) if rows else [()] * len(columns)
        return cls([canonical(list(values), col) for values, col in zip(by_column, columns)],
                   len(rows))


def canonical(values: list[Any], column: ColumnLike, *, time_unit: str = "") -> Any:
    """One column of Python values (None for NULL) in the canonical form for ``column``.

    ``time_unit`` ("D" for SQL dates, "us" for timestamps) fixes the unit of a
    timestamp column; without it, the values decide.
    """
    kind = layout(column)
    if kind == "text":
        return [v if v is None or v.__class__ is str else str(v) for v in values]
    if kind == "timestamp":
        return _timestamps(values, time_unit)
    dtype = DTYPES[column.datatype]
    if kind == "scalar":
        return _masked(np.array(values, dtype=object), dtype)
    if kind == "fixed":
        count = element_count(column)
        grid = np.empty((len(values), count), dtype=object)
        for i, value in enumerate(values):
            if value is not None:
                grid[i] = _flat(value, count, column)
        return _masked(grid, dtype)
    return [None if v is None else var_row(v, dtype) for v in values]


def _masked(objects: np.ndarray, dtype: np.dtype) -> np.ma.MaskedArray:
    mask = np.equal(objects, None)
    filler = np.nan if dtype.kind == "f" else 0
    if mask.any():
        objects = objects.copy()
        objects[mask] = filler
    if dtype.kind == "f":
        # Decimal (PostgreSQL numeric) and int values become floats here.
        data = objects.astype(np.float64).astype(dtype)
    else:
        data = objects.astype(dtype)
    return np.ma.MaskedArray(data, mask=mask)


def _flat(value: Any, count: int, column: ColumnLike) -> np.ndarray:
    flat = np.asarray(value, dtype=object).reshape(-1)
    if len(flat) != count:
        raise ValueError(f"column {column.name!r} declares {count} elements, a row has "
                         f"{len(flat)}")
    return flat


def var_row(value: Any, dtype: np.dtype) -> np.ndarray | np.ma.MaskedArray:
    """One row of a variable-size array column from Python values (None for NULL)."""
    objects = np.asarray(value, dtype=object).reshape(-1)
    nulls = np.equal(objects, None)
    if not nulls.any():
        return objects.astype(dtype)
    if dtype.kind == "f":
        return np.where(nulls, np.nan, objects).astype(dtype)
    # Integer arrays have no NaN: only rows that hold NULL elements carry a mask.
    return _masked(objects, dtype)


def _timestamps(values: list[Any], unit: str) -> Any:
    if any(isinstance(v, str) for v in values):
        return values
    if not unit:
        dates = all(v is None or v.__class__ is datetime.date for v in values)
        unit = "D" if dates else "us"
    if unit == "D":
        return np.array([_utc_naive(v) for v in values], dtype="datetime64[D]")
    return np.array([_utc_naive(v) for v in values], dtype="datetime64[us]")


def _utc_naive(value: Any) -> Any:
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    # psycopg2 reads PostgreSQL's +-infinity as the extreme datetimes; like the
    # COPY decoder, DR has no value for them but NULL.
    if value in _INFINITIES:
        return None
    return value


_INFINITIES = (datetime.datetime.max, datetime.datetime.min, datetime.date.max,
               datetime.date.min)
