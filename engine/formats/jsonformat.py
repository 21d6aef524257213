"""JSON results, streamed: ``{"columns": [...], "data": [[...], ...], "status": {...}}``.

``columns`` holds each column's name, datatype, arraysize, unit, ucd, utype,
xtype and description (null when unset); ``data`` one array per row; and
``status`` the result's status as ``{"value": "OK"}``, ``{"value":
"OVERFLOW"}`` or ``{"value": "ERROR", "message": ...}``, written last, so an
error found while streaming still ends a valid document.  Values: numbers as
JSON numbers (NaN and infinities, which JSON lacks, as null), booleans,
strings, timestamps as ISO 8601 strings, arrays as JSON arrays, NULL as null.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any, ClassVar

import numpy as np

from engine.formats.batch import Batch, ColumnLike, layout
from engine.formats.cells import iso_strings
from engine.formats.writer import Status

METADATA_KEYS = ("name", "datatype", "arraysize", "unit", "ucd", "utype", "xtype",
                 "description")


def _numbers(data: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """JSON spellings of numbers of any shape; NULL, NaN and infinities as null."""
    if data.dtype.kind == "b":
        texts = np.where(data, "true", "false")
    else:
        texts = data.astype(str)
        if data.dtype.kind == "f":
            mask = mask | ~np.isfinite(data)
    return np.where(mask, "null", texts) if mask.any() else texts


def _scalar(values: Any) -> list[str]:
    return _numbers(np.ma.getdata(values), np.ma.getmaskarray(values)).tolist()


def _fixed(values: Any) -> list[str]:
    mask = np.ma.getmaskarray(values)
    texts = _numbers(np.ma.getdata(values), mask).tolist()
    rows = ["[" + ",".join(row) + "]" for row in texts]
    for i in np.flatnonzero(mask.all(axis=1)).tolist():
        rows[i] = "null"
    return rows


def _var(values: Any) -> list[str]:
    return ["null" if v is None else
            "[" + ",".join(_numbers(np.ma.getdata(v), np.ma.getmaskarray(v)).tolist()) + "]"
            for v in values]


def _text(values: Any) -> list[str]:
    return ["null" if v is None else encode_basestring(v) for v in values]


def _timestamp(values: Any) -> list[str]:
    return _text(iso_strings(values))


ENCODERS: dict[str, Callable[[Any], list[str]]] = {
    "scalar": _scalar, "fixed": _fixed, "var": _var, "text": _text, "timestamp": _timestamp,
}


class JSONWriter:
    """One result as a JSON document."""

    in_band_status: ClassVar[bool] = True

    def __init__(self, columns: Sequence[ColumnLike]) -> None:
        self.columns = list(columns)
        self._rows_written = False

    def head(self) -> bytes:
        meta = [{key: (getattr(c, key) or None) for key in METADATA_KEYS}
                for c in self.columns]
        return ('{"columns": ' + json.dumps(meta, ensure_ascii=False)
                + ',\n"data": [').encode("utf-8")

    def batch(self, batch: Batch) -> bytes:
        if not batch.length:
            return b""
        columns = [ENCODERS[layout(column)](values)
                   for values, column in zip(batch.columns, self.columns)]
        rows = "],\n[".join(map(",".join, zip(*columns)))
        separator = ",\n[" if self._rows_written else "\n["
        self._rows_written = True
        return (separator + rows + "]").encode("utf-8")

    def tail(self, status: Status) -> bytes:
        described: dict[str, str] = {"value": status.value}
        if status.value == "ERROR":
            described["message"] = status.message
        return ("\n],\n\"status\": " + json.dumps(described, ensure_ascii=False)
                + "}\n").encode("utf-8")
