"""Column chunks as text cells, one formatter per value layout (scalar, array, text…).

TABLEDATA, CSV, TSV and HTML all write a value the same way, which is the
VOTable TABLEDATA spelling: integers in decimal, floats in their shortest
round-tripping form (numpy's, per float width), ``+Inf``/``-Inf``, booleans
``T``/``F``, timestamps in ISO 8601, arrays as their elements separated by
single spaces (a NULL float element inside an array is ``NaN``).  NULL is the
empty string, and so is a float NaN — except with ``float_null="NaN"``, which
VOTable TABLEDATA needs (votlint rejects an empty TD for float and double),
where NULL floats and NULL fixed-size float arrays are spelled with NaNs.
Formatting works on whole numpy column chunks; only arrays of variable size
and text go row by row.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import numpy as np

from engine.formats.batch import ColumnLike, layout

Cells = tuple[list[str], np.ndarray]  # the texts ("" for NULL) and the NULL mask


def text_cells(values: Any, column: ColumnLike, float_null: str = "") -> Cells:
    """The cells of one column chunk, and which of them are NULL."""
    return FORMATTERS[layout(column)](values, float_null)


def iso_strings(values: Any) -> list[str | None]:
    """Timestamps (datetime64 array; datetimes, dates, strings) as ISO 8601, None for NULL."""
    if isinstance(values, np.ndarray):
        texts = np.datetime_as_string(values).tolist()
        if np.isnat(values).any():
            return [None if t == "NaT" else t for t in texts]
        return texts
    out: list[str | None] = []
    for value in values:
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        out.append(value.isoformat() if isinstance(value, datetime.date) else value)
    return out


def number_strings(data: np.ndarray, nan: str = "") -> np.ndarray:
    """Numbers (any shape) as a numpy string array; float NaN as ``nan``, infinities signed."""
    if data.dtype.kind == "b":
        return np.where(data, "T", "F")
    texts = data.astype(str)
    if data.dtype.kind == "f":
        if not np.isfinite(data).all():
            texts = np.where(np.isnan(data), nan, texts)
            texts = np.where(np.isposinf(data), "+Inf", texts)
            texts = np.where(np.isneginf(data), "-Inf", texts)
    return texts


def _scalar(values: Any, float_null: str) -> Cells:
    data = np.ma.getdata(values)
    nulls = np.ma.getmaskarray(values)
    if data.dtype.kind == "f":
        nulls = nulls | np.isnan(data)
    texts = number_strings(data)
    if nulls.any():
        texts = np.where(nulls, float_null if data.dtype.kind == "f" else "", texts)
    return texts.tolist(), nulls


def _fixed(values: Any, float_null: str) -> Cells:
    data = np.ma.getdata(values)
    mask = np.ma.getmaskarray(values)
    nulls = mask.all(axis=1) if data.shape[1] else np.zeros(len(data), bool)
    texts = number_strings(data, nan="NaN")
    if mask.any() and data.dtype.kind != "f":
        # A NULL integer element has no spelling of its own in VOTable arrays.
        texts = np.where(mask, "0", texts)
    rows = list(map(" ".join, texts.tolist()))
    if not (float_null and data.dtype.kind == "f"):
        for i in np.flatnonzero(nulls).tolist():
            rows[i] = ""
    return rows, nulls


def _var(values: Any, float_null: str) -> Cells:
    nulls = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    rows = ["" if v is None else " ".join(number_strings(np.ma.filled(v, 0), "NaN").tolist())
            for v in values]
    return rows, nulls


def _text(values: Any, float_null: str = "") -> Cells:
    nulls = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    if nulls.any():
        return ["" if v is None else v for v in values], nulls
    return list(values), nulls


def _timestamp(values: Any, float_null: str) -> Cells:
    return _text(iso_strings(values))


FORMATTERS: dict[str, Callable[[Any, str], Cells]] = {
    "scalar": _scalar,
    "fixed": _fixed,
    "var": _var,
    "text": _text,
    "timestamp": _timestamp,
}
