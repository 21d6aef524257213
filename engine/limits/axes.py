"""Which columns of a table say where, when and at what energy its data lie, and how
their values become VODataService coverage (MJD for time, Joules for energy).

Pure functions of the RD's column declarations, chosen by UCD:

* space: the table's position index, else the columns with the UCDs
  ``pos.eq.ra;meta.main`` and ``pos.eq.dec;meta.main``, else the first
  ``pos.eq.ra``/``pos.eq.dec`` pair (SIA's centres, ObsCore's s_ra/s_dec),
  else a pg_sphere point with the UCD ``pos.eq`` (SSA's ssa_location);
* time: ``time.start``/``time.end`` (ObsCore's t_min/t_max), else
  ``time.epoch`` or a bare ``time`` (SIA's dateObs), numbers in days (MJD, or
  JD when they are that large) or years, or timestamps;
* energy: ``em.wl``, ``em.freq``, ``em.energy``, ``em.wavenumber`` or
  ``instr.bandpass``, with any unit astropy converts to Joules.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass

import astropy.units as u

from engine.db.identifiers import q
from rd.elements.column import Column
from rd.elements.table import Table
from rd.tablemeta import PositionIndex

NUMERIC = frozenset({"smallint", "integer", "bigint", "real", "double precision",
                     "numeric"})
TIMESTAMPS = frozenset({"timestamp", "timestamptz", "date",
                        "timestamp with time zone", "timestamp without time zone"})
SPECTRAL_ATOMS = ("em.wl", "em.freq", "em.energy", "em.wavenumber", "instr.bandpass")
MJD_OF_UNIX_EPOCH = 40587.0
JD_OFFSET = 2400000.5
J2000_MJD = 51544.5


@dataclass(frozen=True)
class Axis:
    """Columns giving the lower and the upper end of a range (may be the same),
    with how a value of theirs becomes MJD or Joules."""

    lower: tuple[Column, ...]
    upper: tuple[Column, ...]


def _atoms(column: Column) -> list[str]:
    return [a.strip().lower() for a in column.ucd.split(";") if a.strip()]


def _scalar(column: Column) -> bool:
    return not column.sql_type.is_array


def position(table: Table) -> PositionIndex | None:
    """The RA/Dec columns the spatial coverage is computed from (None: none)."""
    found = table.position_index
    if found is not None:
        return found
    ra = table.column_by_ucd("pos.eq.ra;meta.main")
    dec = table.column_by_ucd("pos.eq.dec;meta.main")
    if ra is None or dec is None:
        ra = next((c for c in table.columns if _atoms(c)[:1] == ["pos.eq.ra"]), None)
        dec = next((c for c in table.columns if _atoms(c)[:1] == ["pos.eq.dec"]), None)
    if ra is None or dec is None or not (_scalar(ra) and _scalar(dec)):
        return None
    return PositionIndex(ra.sql_name, dec.sql_name)


def point_column(table: Table) -> Column | None:
    """A pg_sphere point column of the positions observed, for tables without RA/Dec
    columns: UCD pos.eq alone or with meta.main (SSA's ssa_location, not its
    ssa_targetpos, pos.eq;src)."""
    points = [c for c in table.columns if c.sql_type.base == "spoint" and _scalar(c)
              and _atoms(c)[:1] == ["pos.eq"]]
    return next((c for c in points if _atoms(c) in (["pos.eq"], ["pos.eq", "meta.main"])),
                None)


def _time_usable(column: Column) -> bool:
    base = column.sql_type.base
    if not _scalar(column):
        return False
    if base in TIMESTAMPS:
        return True
    return base in NUMERIC and column.unit in ("d", "yr", "a")


def time_axis(table: Table) -> Axis | None:
    cols = [c for c in table.columns if _time_usable(c)]
    starts = tuple(c for c in cols if _atoms(c)[:1] == ["time.start"])
    ends = tuple(c for c in cols if _atoms(c)[:1] == ["time.end"])
    if starts or ends:
        return Axis(starts or ends, ends or starts)
    epochs = tuple(c for c in cols if _atoms(c)[:1] in (["time.epoch"], ["time"]))
    return Axis(epochs, epochs) if epochs else None


def _energy_unit(column: Column) -> u.UnitBase | None:
    return _spectral_unit(column.unit) if column.unit else None


@functools.lru_cache(maxsize=256)
def _spectral_unit(text: str) -> u.UnitBase | None:
    """The unit ``text`` (VOUnit) names when it converts to Joules (None: not)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecated VOUnits (Angstrom) still count
            unit = u.Unit(text, format="vounit", parse_strict="raise")
        (1 * unit).to(u.J, equivalencies=u.spectral())
    except (ValueError, u.UnitsError, TypeError):
        return None
    return unit


def spectral_axis(table: Table) -> Axis | None:
    cols = [c for c in table.columns if _scalar(c) and c.sql_type.base in NUMERIC
            and (_atoms(c)[:1] or [""])[0].startswith(SPECTRAL_ATOMS)
            and _energy_unit(c) is not None]
    if not cols:
        return None
    lows = tuple(c for c in cols if "stat.min" in _atoms(c))
    highs = tuple(c for c in cols if "stat.max" in _atoms(c))
    if lows or highs:
        return Axis(lows or highs, highs or lows)
    return Axis(tuple(cols), tuple(cols))


def number_sql(column: Column) -> str:
    """SQL giving a column's value as a number (seconds since 1970 for timestamps,
    the number itself otherwise; :func:`to_mjd` finishes)."""
    if column.sql_type.base in TIMESTAMPS:
        return f"extract(epoch FROM {q(column.sql_name)})::double precision"
    return f"{q(column.sql_name)}::double precision"


def to_mjd(column: Column, value: float) -> float:
    """A value :func:`number_sql` gave as MJD."""
    if column.sql_type.base in TIMESTAMPS:
        return value / 86400.0 + MJD_OF_UNIX_EPOCH
    if column.unit in ("yr", "a"):
        return (value - 2000.0) * 365.25 + J2000_MJD
    return value - JD_OFFSET if value > JD_OFFSET else value


def to_joules(column: Column, value: float) -> float | None:
    """A spectral value of ``column`` as a particle energy in Joules (None: not
    convertible, e.g. a zero wavelength)."""
    unit = _energy_unit(column)
    if unit is None:
        return None
    try:
        joules = float((value * unit).to(u.J, equivalencies=u.spectral()).value)
    except (ZeroDivisionError, ValueError):
        return None
    return joules if joules > 0 and joules != float("inf") else None
