"""fitsTableGrammar: rows of a FITS binary table, read through a memory map in typed slices.

Parameters: ``hdu`` [1: the first extension], ``lowerNames`` [True: field
names lower-cased so they match RD column names].  ``gunzip`` is accepted
but not needed: astropy recognises gzipped files itself (and then reads them
without a memory map).

Batches hold numpy arrays in native byte order, copied out of the map so they
outlive the file.  Values are what the FITS standard says they are: astropy
applies TZEROn/TSCALn (so ``I`` with TZERO 32768 arrives as uint16) and
TNULLn marks nulls in the *stored* integers; such columns, and logical
columns (whose null is the byte 0), arrive as numpy masked arrays.  Float
nulls are NaN.  String columns arrive as object arrays of str with trailing
blanks removed (FITS pads with them) and None for empty strings, the CALIFA
convention for a NULL string.  Vector columns (``3E``) are 2-D arrays (more
dimensions with TDIMn); variable-length arrays (``PJ()``) are lists of
arrays.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from astropy.io import fits

from grammars.base import (
    DEFAULT_BATCH_ROWS,
    ColumnDescription,
    Grammar,
    RowBatch,
    SourceHeader,
)
from grammars.textsource import check_names
from grammars.units import column_unit
from rd.errors import SourceError

ELEMENT = "fitsTableGrammar"

# The CALIFA header keys (appendix A.3.1) that become SourceHeader.meta.
META_KEYS = ("AUTHOR", "SOURCE", "DATE", "VERSION", "COLAPRV", "PUBAPRV")

_SCALAR_TYPES = {
    "L": "boolean", "X": "boolean", "B": "smallint", "I": "smallint", "J": "integer",
    "K": "bigint", "E": "real", "D": "double precision", "A": "text",
}
# TZEROn values by which FITS stores unsigned (or, for B, signed) integers,
# and the RD type wide enough for the result.
_OFFSET_TYPES = {("B", -128): "smallint", ("I", 32768): "integer",
                 ("J", 2**31): "bigint", ("K", 2**63): "bigint"}
_TFORM = re.compile(r"^\s*(?P<repeat>\d*)(?P<code>[A-Z])(?P<element>[A-Z]?)")


@dataclass(frozen=True)
class _ColumnPlan:
    """How to turn one column's slice into batch values."""

    index: int
    name: str
    rd_type: str | None  # None: no RD type (complex numbers)
    tnull: int | None
    logical: bool
    variable: bool
    # An integer column with an integral TZEROn: astropy gives floats for all
    # but the unsigned-integer offsets; they are cast back to integers.
    integral_offset: bool


def _parse_tform(column: fits.Column) -> tuple[str, int, bool]:
    """Type code, repeat count and whether ``column`` is a variable-length array."""
    match = _TFORM.match(str(column.format))
    if match is None:
        raise ValueError(f"cannot read TFORM {column.format!r}")
    variable = match["code"] in "PQ"
    code = match["element"] if variable else match["code"]
    return code, int(match["repeat"] or 1), variable


def _is_scaled(column: fits.Column) -> bool:
    zero = column.bzero or 0
    return column.bscale not in (None, 1) or zero != int(zero)


def _rd_type(column: fits.Column) -> str | None:
    code, repeat, variable = _parse_tform(column)
    base = _SCALAR_TYPES.get(code)
    if base is None:
        return None
    zero = column.bzero or 0
    if code in "BIJK" and (zero or _is_scaled(column)):
        base = ("double precision" if _is_scaled(column)
                else _OFFSET_TYPES.get((code, int(zero)), "bigint"))
    if variable:
        return f"{base}[]"
    dims: tuple[int, ...] = ()
    if column.dim:
        # TDIM lists the fastest-varying axis first; numpy and RD types the slowest.
        dims = tuple(int(d) for d in column.dim.strip("() ").split(","))[::-1]
        if code == "A":
            dims = dims[:-1]  # the fastest axis is the string length
    elif (repeat > 1 and code != "A") or code == "X":
        dims = (repeat,)
    return base + "".join(f"[{d}]" for d in dims)


def _plan(index: int, column: fits.Column, lower: bool) -> _ColumnPlan:
    code, _, variable = _parse_tform(column)
    zero = column.bzero or 0
    return _ColumnPlan(
        index=index,
        name=column.name.lower() if lower else column.name,
        rd_type=_rd_type(column),
        tnull=column.null if code in "BIJK" and column.null is not None else None,
        logical=code == "L" and not variable,
        variable=variable,
        integral_offset=bool(code in "BIJK" and zero and not _is_scaled(column)),
    )


def _native(values: np.ndarray) -> np.ndarray:
    """A copy of ``values`` in native byte order, independent of the memory map."""
    return values.astype(values.dtype.newbyteorder("="), copy=True)


def _column_values(plan: _ColumnPlan, chunk: fits.FITS_rec, raw: np.ndarray) -> Any:
    if plan.logical:
        # Read from the stored bytes: astropy would turn the null byte into False.
        stored = raw[raw.dtype.names[plan.index]]
        return np.ma.MaskedArray(stored == ord("T"), mask=stored == 0)
    values = chunk.field(plan.index)
    if plan.variable:
        return [_native(np.asarray(item)) for item in values]
    if values.dtype.kind in "US":
        strings = np.asarray(values)
        result = strings.astype(object)
        result[strings == strings.dtype.type()] = None
        return result
    values = _native(np.asarray(values))
    if plan.integral_offset and values.dtype.kind == "f":
        values = np.rint(values).astype(np.int64)
    if plan.tnull is not None:
        return np.ma.MaskedArray(values, mask=raw[raw.dtype.names[plan.index]] == plan.tnull)
    return values


class FitsTableGrammar(Grammar):
    """Rows and header of one binary-table HDU of a FITS file; see the module docstring."""

    element = ELEMENT

    def __init__(self, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self.hdu = int(self.params.get("hdu", 1))
        self.lower = bool(self.params.get("lowerNames", True))

    @contextlib.contextmanager
    def _table(self, path: Path) -> Iterator[tuple[fits.HDUList, fits.BinTableHDU]]:
        try:
            hdus = fits.open(path, memmap=True)
        except FileNotFoundError as exc:
            raise SourceError(f"cannot open: {exc.strerror}", path=str(path)) from None
        except (OSError, ValueError) as exc:
            raise SourceError(f"is not a readable FITS file ({exc})", path=str(path)) from None
        with hdus:
            if not 0 <= self.hdu < len(hdus):
                raise SourceError(f"has no HDU {self.hdu} (its HDUs are numbered 0 to "
                                  f"{len(hdus) - 1})", path=str(path))
            table = hdus[self.hdu]
            if not isinstance(table, fits.BinTableHDU):
                raise SourceError(f"HDU {self.hdu} is a {type(table).__name__}, not a "
                                  "binary table", path=str(path),
                                  hint="set hdu on the grammar to the table's HDU number")
            yield hdus, table

    def _plans(self, table: fits.BinTableHDU, path: Path) -> list[_ColumnPlan]:
        try:
            plans = [_plan(i, column, self.lower) for i, column in enumerate(table.columns)]
        except ValueError as exc:
            raise SourceError(str(exc), path=str(path)) from None
        check_names([plan.name for plan in plans], "the table's TTYPEs", path=path)
        return plans

    def header(self, path: Path) -> SourceHeader:
        """CALIFA keys (from the table HDU, else the primary HDU) and column descriptions."""
        with self._table(path) as (hdus, table):
            meta = {}
            for key in META_KEYS:
                for card_source in (table.header, hdus[0].header):
                    if key in card_source:
                        meta[key] = str(card_source[key])
                        break
            columns = []
            for plan, column in zip(self._plans(table, path), table.columns, strict=True):
                if plan.rd_type is None:
                    raise SourceError(f"column {column.name} has TFORM {column.format}, "
                                      "which has no RD type", path=str(path))
                number = plan.index + 1
                unit, description = column_unit(
                    column.unit or "", str(table.header.get(f"TCOMM{number}", "")))
                columns.append(ColumnDescription(
                    plan.name, plan.rd_type, unit, description,
                    str(table.header.get(f"TUCD{number}", ""))))
        return SourceHeader(meta, columns)

    def batches(self, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
                ) -> Iterator[RowBatch]:
        with self._table(path) as (_, table):
            plans = self._plans(table, path)
            data = table.data
            rows = 0 if data is None else len(data)
            for start in range(0, rows, batch_rows):
                stop = min(start + batch_rows, rows)
                try:
                    chunk = data[start:stop]
                    raw = chunk.view(np.ndarray)
                    columns = {plan.name: _column_values(plan, chunk, raw) for plan in plans}
                except (OSError, ValueError) as exc:
                    raise SourceError(f"cannot read rows {start + 1} to {stop}: {exc}",
                                      path=str(path), line=start + 1) from None
                yield RowBatch(columns, range(start + 1, stop + 1))
