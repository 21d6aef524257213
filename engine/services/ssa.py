"""SSA 1.1 query parameters over a table of spectra (//ssap#hcd, //ssap#mixc...), as SQL.

* POS (``ra,dec``, ICRS degrees) and SIZE (the search cone's *diameter* in
  degrees, as SSA 1.1 and its clients mean it; 0.1 when left out): the
  spectra whose ``ssa_location`` lies in the cone (pg_sphere, GiST-indexed);
* BAND: wavelengths in metres, each item a value the spectrum must cover, or a
  range ``lo/hi`` (an end may be open) it must overlap; items separated by
  commas, an optional ``;source`` or ``;observer`` qualifier ignored (the
  columns are in the observer's frame); an item that is not a number is a
  band name compared with ``ssa_bandpass`` (case ignored).  DR's addition: a
  number may carry a unit of wavelength, frequency or energy
  (``345.7GHz/345.9GHz``, ``0.5keV/2keV``, ``500nm``), converted to vacuum
  wavelength; a range of frequencies or energies is given low to high in
  them;
* TIME: an ISO 8601 time the observation must include, or a range
  ``start/end`` it must overlap (the observation spans ``ssa_timeExt``
  seconds around ``ssa_dateObs``);
* FORMAT: ``all``, ``compliant`` (VOTable spectra), ``native`` (FITS and text),
  ``votable``, ``fits``, ``graphic``, or MIME types, in a comma-separated list;
  METADATA is the renderer's;
* TARGETNAME: the object's name, case and blanks ignored;
* COLLECTION: collection names, comma-separated, case ignored: compared with
  the ssa_collection column where the table has one (//ssap#mixc, and tables
  whose SSA metadata are all columns), else with the table's ssa_collection
  param (//ssap#hcd: every spectrum or none).

A malformed value is a :class:`ProtocolError` naming the parameter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from astropy import units as u

from engine.db.identifiers import q
from engine.errors import ProtocolError
from engine.services.params import Params, shown
from engine.services.siap import parse_pos
from engine.services.vizier import Condition, PlaceholderNames
from rd.elements.table import Table
from rd.timefuncs import toMJD

DEFAULT_SIZE = 0.1  # degrees, the diameter when POS comes without SIZE
# ssa_targname without blanks, in lower case: TARGETNAME compares with it.
SQUASHED_NAME = "lower(regexp_replace(ssa_targname, '[[:space:]]', '', 'g'))"
COMPLIANT = ("application/x-votable+xml",)
NATIVE = ("application/fits", "image/fits", "text/csv", "text/plain")
FORMAT_WORDS = {"compliant": COMPLIANT, "native": NATIVE, "votable": COMPLIANT,
                "fits": ("application/fits", "image/fits")}
_QUALIFIER = re.compile(r";\s*(source|observer)\s*$", re.IGNORECASE)


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def position(params: Params) -> Condition | None:
    text = params.get("POS")
    if text is None or not text.strip():
        if params.get("SIZE"):
            raise ProtocolError("SIZE needs POS (the centre of the search cone)",
                                param="SIZE")
        return None
    text = re.sub(r";\s*ICRS\s*$", "", text.strip(), flags=re.IGNORECASE)
    ra, dec = parse_pos(text, "POS")
    size = params.number("SIZE", DEFAULT_SIZE, minimum=0, maximum=360)
    return Condition("ssa_location <@ scircle(spoint(radians(%(_ssa_ra)s), "
                     "radians(%(_ssa_dec)s)), radians(%(_ssa_radius)s))",
                     {"_ssa_ra": ra % 360, "_ssa_dec": dec, "_ssa_radius": size / 2})


def _range_items(text: str, param: str, convert: Callable[[str], float],
                 inverts: Callable[[str], bool] = lambda item: False
                 ) -> list[tuple[float | None, float | None] | str]:
    """Each item: (lo, hi) — equal for a single value, None for an open end — or the
    item itself when it is not a number (BAND's names).  Where ``inverts(item)``,
    the converted ends come in reverse order (frequencies made wavelengths)."""
    found: list[tuple[float | None, float | None] | str] = []
    for item in _items(text):
        parts = item.split("/")
        if len(parts) > 2:
            raise ProtocolError(f"{param}: {shown(item)} is neither a value nor a range "
                                "lo/hi", param=param)
        try:
            ends = [convert(p.strip()) if p.strip() else None for p in parts]
        except ValueError:
            if len(parts) == 1:
                found.append(item)
                continue
            raise ProtocolError(f"{param}: {shown(item)} is not a range lo/hi",
                                param=param) from None
        low, high = (ends[0], ends[0]) if len(ends) == 1 else (ends[0], ends[1])
        if len(ends) == 2 and inverts(item):
            low, high = high, low
        if low is not None and high is not None and low > high:
            raise ProtocolError(f"{param}: the range {shown(item)} ends before it starts",
                                param=param)
        found.append((low, high))
    return found


_WITH_UNIT = re.compile(r"^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z].*)$")


def _unit(text: str) -> u.UnitBase | None:
    """The unit a BAND number carries (None: metres, or not a number at all)."""
    try:
        float(text)
        return None
    except ValueError:
        pass
    found = _WITH_UNIT.match(text)
    if found is None:
        return None
    try:
        unit = u.Unit(found.group(2).strip())
        (1 * unit).to(u.m, u.spectral())
    except (ValueError, TypeError, u.UnitConversionError):
        raise ProtocolError(f"BAND: {shown(found.group(2))} is no unit of wavelength, "
                            "frequency or energy", param="BAND") from None
    return unit


def _metres(text: str) -> float:
    unit = _unit(text)
    if unit is not None:
        number = float(_WITH_UNIT.match(text).group(1))
        value = float((number * unit).to_value(u.m, u.spectral()))
    else:
        value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ProtocolError(f"BAND: wavelengths are positive numbers in metres, not "
                            f"{shown(text)}", param="BAND")
    return value


def _inverts(item: str) -> bool:
    """Whether the range ``item`` is in a unit that decreases with wavelength."""
    units = [_unit(end.strip()) for end in item.split("/") if end.strip()]
    return any(unit is not None and unit.physical_type != "length" for unit in units)


def _overlap(low: float | None, high: float | None, start: str, end: str,
             names: PlaceholderNames, values: dict) -> str:
    """SQL: the interval [start, end] (SQL) meets [low, high] (None: open)."""
    parts = []
    if high is not None:
        key = names()
        parts.append(f"{start} <= %({key})s")
        values[key] = high
    if low is not None:
        key = names()
        parts.append(f"{end} >= %({key})s")
        values[key] = low
    return "(" + " AND ".join(parts or ["true"]) + ")"


def band_items(text: str) -> list[tuple[float | None, float | None] | str]:
    """BAND's items: (lo, hi) vacuum wavelengths in metres (None: an open end), or a
    band name (getData's BAND, engine/datalink/getdata.py, reads them too)."""
    return _range_items(_QUALIFIER.sub("", text.strip()), "BAND", _metres, _inverts)


def band(params: Params) -> Condition | None:
    text = params.get("BAND")
    if text is None or not text.strip():
        return None
    names = PlaceholderNames("_ssa_band")
    terms, values = [], {}
    for item in band_items(text):
        if isinstance(item, str):
            key = names()
            terms.append(f"lower(ssa_bandpass) = lower(%({key})s)")
            values[key] = item
        else:
            terms.append(_overlap(*item, "ssa_specstart", "ssa_specend", names, values))
    return Condition("(" + " OR ".join(terms) + ")", values)


def _mjd(text: str) -> float:
    try:
        value = toMJD(text)
    except (ValueError, TypeError):
        raise ValueError(text) from None
    if value is None:
        raise ValueError(text)
    return value


def time(params: Params) -> Condition | None:
    text = params.get("TIME")
    if text is None or not text.strip():
        return None
    names = PlaceholderNames("_ssa_time")
    start = "(ssa_dateObs - coalesce(ssa_timeExt, 0) / 172800.0)"
    end = "(ssa_dateObs + coalesce(ssa_timeExt, 0) / 172800.0)"
    terms, values = [], {}
    for item in _range_items(text.strip(), "TIME", _mjd):
        if isinstance(item, str):
            raise ProtocolError(f"TIME: {shown(item)} is not an ISO 8601 time (e.g. "
                                "2013-09-05T01:59:00) nor a range start/end",
                                param="TIME")
        terms.append(_overlap(*item, start, end, names, values))
    return Condition("(" + " OR ".join(terms) + ")", values)


def formats(params: Params) -> Condition | None:
    text = params.get("FORMAT")
    if text is None:
        return None
    wanted: list[str] = []
    graphic = False
    for item in _items(text.lower()):
        if item == "all":
            return None
        if item == "metadata":
            raise ProtocolError("FORMAT=METADATA cannot be combined with other formats",
                                param="FORMAT")
        if item == "graphic":
            graphic = True
        else:
            wanted.extend(FORMAT_WORDS.get(item, (item,)))
    if not wanted and not graphic:
        return None
    terms = ["mime = ANY(%(_ssa_formats)s)"] if wanted else []
    if graphic:
        terms.append("mime LIKE 'image/%%' AND mime <> 'image/fits'")
    return Condition("(" + " OR ".join(terms) + ")",
                     {"_ssa_formats": sorted(set(wanted))} if wanted else {})


def target(params: Params) -> Condition | None:
    text = params.get("TARGETNAME")
    if text is None or not text.strip():
        return None
    # The same expression as //ssap#hcd's index on the squashed name.
    return Condition(f"{SQUASHED_NAME} = %(_ssa_target)s",
                     {"_ssa_target": re.sub(r"\s", "", text).lower()})


@dataclass(frozen=True)
class Collection:
    """Where a table of spectra keeps ssa_collection: a column (one value per
    spectrum) or a param (one value for them all; None if it is NULL or absent)."""

    column: str | None = None  # its SQL name
    value: str | None = None

    @classmethod
    def of(cls, table: Table) -> Collection:
        column = table.column("ssa_collection")
        if column is not None:
            return cls(column=column.sql_name)
        found = next((p for p in table.params if p.name.lower() == "ssa_collection"),
                     None)
        return cls(value=((found.content or "").strip() or None) if found else None)


def collection(params: Params, where: Collection) -> Condition | None:
    text = params.get("COLLECTION")
    if text is None or not text.strip() or text.strip().lower() == "any":
        return None
    names = sorted({c.lower() for c in _items(text)})
    if where.column is not None:
        return Condition(f"lower({q(where.column)}) = ANY(%(_ssa_collections)s)",
                         {"_ssa_collections": names})
    if where.value is not None and where.value.lower() in names:
        return None
    return Condition("false")


def conditions(params: Params, where: Collection) -> Condition | None:
    """Every SSA condition of a query, ANDed (None: no constraint); ``where`` says
    where the queried table keeps its collection."""
    found = [c for c in (position(params), band(params), time(params), formats(params),
                         target(params), collection(params, where))
             if c is not None]
    if not found:
        return None
    values: dict = {}
    for c in found:
        values.update(c.values)
    return Condition(" AND ".join(c.sql for c in found), values)
