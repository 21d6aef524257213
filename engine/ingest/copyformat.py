"""Turning column batches into PostgreSQL COPY text, a column at a time.

Numpy columns are converted in C (``astype(str)``); Python lists go through
a small per-type formatter.  NULL is ``\\N``; float NaN counts as NULL, as it
does in FITS and VOTable sources.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def escape_text(value: str) -> str:
    return value.translate(_ESCAPES)


def _array_element(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float | np.floating):
        return "NULL" if math.isnan(value) else repr(float(value))
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool | np.bool_):
        return "t" if value else "f"
    return str(value)


def format_value(value: Any) -> str:
    """One Python value as COPY text (the general, slower path)."""
    if value is None:
        return NULL
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool | np.bool_):
        return "t" if value else "f"
    if isinstance(value, float | np.floating):
        return NULL if math.isnan(value) else repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple | np.ndarray):
        return escape_text("{" + ",".join(_array_element(v) for v in value) + "}")
    if isinstance(value, bytes):
        return "\\\\x" + value.hex()
    return escape_text(str(value))


def _format_numpy(column: np.ndarray) -> list[str]:
    mask = np.ma.getmaskarray(column) if np.ma.isMaskedArray(column) else None
    data = np.ma.getdata(column)
    if data.ndim > 1:
        return [NULL if (mask is not None and np.all(mask[i])) else format_value(row)
                for i, row in enumerate(data)]
    kind = data.dtype.kind
    if kind == "f":
        nulls = np.isnan(data)
        text = data.astype(str)
    elif kind in "iu":
        nulls = None
        text = data.astype(str)
    elif kind == "b":
        nulls = None
        text = np.where(data, "t", "f")
    else:
        return [NULL if (mask is not None and mask[i]) else format_value(v)
                for i, v in enumerate(data.tolist())]
    if mask is not None:
        nulls = mask if nulls is None else (nulls | mask)
    if nulls is not None and nulls.any():
        text = np.where(nulls, NULL, text)
    return text.tolist()


def format_column(values: Sequence[Any]) -> list[str]:
    """A whole column as COPY text fields."""
    if isinstance(values, np.ndarray):
        return _format_numpy(values)
    out = []
    for v in values:
        if v.__class__ is str:
            out.append(v.translate(_ESCAPES) if _needs_escape(v) else v)
        else:
            out.append(format_value(v))
    return out


def _needs_escape(text: str) -> bool:
    return "\\" in text or "\t" in text or "\n" in text or "\r" in text


def rows_to_copy(columns: list[list[str]]) -> bytes:
    """COPY text of rows given as formatted columns of equal length."""
    if not columns or not columns[0]:
        return b""
    return ("\n".join(map("\t".join, zip(*columns))) + "\n").encode("utf-8")
