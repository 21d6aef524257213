"""voTableGrammar: the rows of the first TABLE of a VOTable, typed, as DaCHS reads them.

Parameters: ``gunzip`` [False; gzipped files are recognised anyway], ``enc``
(accepted; the XML declares its own encoding).  PARAMs are ignored, as in
DaCHS.  Field names are the FIELDs' names (else their IDs, else
``fieldNN``) made into identifiers the way DaCHS makes them: characters
other than letters, digits and ``_`` become ``x``, and a name that is a
Python keyword, a rowmaker function or repeats an earlier one (ignoring
case) gets ``_`` appended.

Values come typed, column by column: numbers as numpy arrays (masked where
VALUES null or an empty cell says NULL; float NULLs are NaN), booleans as
masked arrays, strings as str with None for an empty or NULL string, fixed
vectors as 2-D arrays and variable-length arrays as lists of arrays.
astropy parses the whole table into memory first.
"""

from __future__ import annotations

import keyword
import re
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from astropy.io import votable

from grammars.base import DEFAULT_BATCH_ROWS, Grammar, RowBatch
from grammars.textsource import open_binary
from rd import rmkfuncs
from rd.errors import SourceError

ELEMENT = "voTableGrammar"
# astropy and expat say "[file:]line:column: message"
_LOCATED = re.compile(r"(?:^|:)(\d+):\d+: (.*)$", re.DOTALL)


def field_names(fields: list[Any]) -> list[str]:
    """DaCHS's names for VOTable FIELDs (see the module docstring)."""
    taken = {*keyword.kwlist, *rmkfuncs.namespace(), "result_", "rowdict_"}
    taken = {name.lower() for name in taken}
    names = []
    for index, field in enumerate(fields):
        name = re.sub(r"\W+", "x", field.name or field.ID or f"field{index:02d}")
        while name.lower() in taken:
            name += "_"
        taken.add(name.lower())
        names.append(name)
    return names


def _strings(values: np.ma.MaskedArray) -> np.ndarray:
    mask = np.ma.getmaskarray(values)
    out = np.ma.getdata(values).astype(object)
    for i, value in enumerate(out):
        if mask[i] or value == "" or value is None:
            out[i] = None
        elif isinstance(value, bytes):
            out[i] = value.decode("utf-8", "replace")
    return out


def _vector(value: Any) -> np.ndarray:
    """A variable-length array cell; masked float elements become NaN (NULL)."""
    array = np.ma.asarray(value)
    return np.ma.filled(array, np.nan) if array.dtype.kind == "f" else np.ma.getdata(array)


def _column(values: np.ma.MaskedArray) -> Any:
    """One column slice as batch values (see the module docstring)."""
    data = np.ma.getdata(values)
    if data.dtype.kind in "US":
        return _strings(values)
    if data.dtype.kind == "O":
        first = next((v for v in data if v is not None), None)
        if isinstance(first, str | bytes) or first is None:
            return _strings(values)
        mask = np.ma.getmaskarray(values)
        return [None if mask[i] else _vector(v) for i, v in enumerate(data)]
    return np.ma.MaskedArray(data.copy(), mask=np.ma.getmaskarray(values).copy())


class VOTableGrammar(Grammar):
    """Rows of a VOTable's first table; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self.gunzip = bool(self.params.get("gunzip", False))

    def _table(self, path: Path) -> Any:
        stream = open_binary(path, self.gunzip)
        try:
            with stream, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                document = votable.parse(stream, verify="ignore", filename=str(path))
        except (ValueError, OSError, EOFError) as exc:
            match = _LOCATED.search(str(exc))
            if match:
                raise SourceError(f"is not a readable VOTable: {match.group(2)}",
                                  path=str(path), line=int(match.group(1))) from None
            raise SourceError(f"is not a readable VOTable ({exc})", path=str(path)) from None
        tables = list(document.iter_tables())
        if not tables:
            raise SourceError("is a VOTable without a TABLE", path=str(path))
        return tables[0]

    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        table = self._table(path)
        names = field_names(list(table.fields))
        array = table.array
        if array is None or not array.dtype.names:
            return
        keys = array.dtype.names
        for start in range(0, len(array), batch_rows):
            chunk = array[start:start + batch_rows]
            yield RowBatch({name: _column(chunk[key]) for name, key in zip(names, keys)},
                           range(start + 1, start + len(chunk) + 1))
