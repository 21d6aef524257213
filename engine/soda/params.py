"""SODA 1.0 filtering parameters: raw strings in, one checked :class:`CutoutRequest` out.

The names are SODA 1.0's (§3.3): CIRCLE, POLYGON and POS (DALI circle and
polygon xtypes, POS with its CIRCLE/RANGE/POLYGON keywords), BAND and TIME
(DALI intervals: metres of vacuum wavelength, MJD), POL (Stokes states,
repeatable), plus DaCHS's PIXEL_n (a 1-based inclusive pixel range on FITS
axis n).  Other names (ID, RESPONSEFORMAT, …) are not ours and are ignored;
empty values are taken as not given, as DataLink clients send the empty
defaults of a service descriptor.

A value that cannot be used raises :class:`~engine.errors.ProtocolError`
(HTTP 400, DALI's UsageError) naming the parameter and what is wrong.

Angles are degrees, longitudes are brought into [0, 360).  A RANGE whose
first longitude is larger than its second crosses RA=0 (``POS=RANGE 350 10
-5 5``); latitudes and BAND/TIME intervals must be ordered.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.errors import ProtocolError

# FITS WCS paper I, table 7: the STOKES axis codes, and the names SODA clients send.
STOKES_CODES: dict[str, int] = {
    "I": 1, "Q": 2, "U": 3, "V": 4,
    "RR": -1, "LL": -2, "RL": -3, "LR": -4,
    "XX": -5, "YY": -6, "XY": -7, "YX": -8,
}
_PIXEL_NAME = re.compile(r"^PIXEL_([1-9][0-9]{0,2})$")


@dataclass(frozen=True)
class CutoutRequest:
    """The checked filtering parameters of one SODA request.

    Each tuple holds every value given (SODA 1.0 §3.1: parameters may be
    multi-valued); :func:`engine.soda.cutout.combinations` splits a request
    into the single-valued requests SODA makes one result of each.
    """

    circles: tuple[tuple[float, float, float], ...] = ()
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()
    ranges: tuple[tuple[float, float, float, float], ...] = ()
    bands: tuple[tuple[float, float], ...] = ()
    times: tuple[tuple[float, float], ...] = ()
    pols: frozenset[str] = frozenset()
    pixels: tuple[tuple[int, int, int], ...] = ()

    def is_empty(self) -> bool:
        """True when the request restricts nothing (the whole dataset is wanted)."""
        return not (self.circles or self.polygons or self.ranges or self.bands
                    or self.times or self.pols or self.pixels)

    def describe(self) -> str:
        """The request in SODA's own syntax, for the HISTORY card of a cutout."""
        parts = [f"CIRCLE={_num(*c)}" for c in self.circles]
        parts += [f"POLYGON={_num(*(x for v in p for x in v))}" for p in self.polygons]
        parts += [f"POS=RANGE {_num(*r)}" for r in self.ranges]
        parts += [f"BAND={_num(*b)}" for b in self.bands]
        parts += [f"TIME={_num(*t)}" for t in self.times]
        parts += [f"POL={p}" for p in sorted(self.pols)]
        parts += [f"PIXEL_{a}={lo} {hi}" for a, lo, hi in self.pixels]
        return " ".join(parts) or "(whole dataset)"


def parse_request(params: Mapping[str, Sequence[str]]) -> CutoutRequest:
    """The SODA filtering parameters among ``params`` (upper-case names → raw values)."""
    circles: list[tuple[float, float, float]] = []
    polygons: list[tuple[tuple[float, float], ...]] = []
    ranges: list[tuple[float, float, float, float]] = []
    for raw in _values(params, "CIRCLE"):
        circles.append(_circle("CIRCLE", raw.split()))
    for raw in _values(params, "POLYGON"):
        polygons.append(_polygon("POLYGON", raw.split()))
    for raw in _values(params, "POS"):
        shape, *numbers = raw.split()
        match shape.upper():
            case "CIRCLE":
                circles.append(_circle("POS", numbers))
            case "POLYGON":
                polygons.append(_polygon("POS", numbers))
            case "RANGE":
                ranges.append(_range(numbers))
            case _:
                raise ProtocolError(f"POS: must start with CIRCLE, RANGE or POLYGON, "
                                    f"not {shape[:20]!r}", param="POS")
    bands = tuple(_interval("BAND", raw) for raw in _values(params, "BAND"))
    times = tuple(_interval("TIME", raw) for raw in _values(params, "TIME"))
    pols = frozenset(_pol(raw) for raw in _values(params, "POL"))
    pixels = []
    for name in sorted(params):
        found = _PIXEL_NAME.match(name)
        if found:
            axis = int(found.group(1))
            pixels.extend((axis, *_pixel_range(name, raw)) for raw in _values(params, name))
    return CutoutRequest(circles=tuple(circles), polygons=tuple(polygons),
                         ranges=tuple(ranges), bands=bands, times=times, pols=pols,
                         pixels=tuple(pixels))


def _values(params: Mapping[str, Sequence[str]], name: str) -> list[str]:
    return [raw for raw in params.get(name, ()) if raw.strip()]


def _numbers(name: str, words: Sequence[str], *, infinite: bool = False) -> list[float]:
    numbers = []
    for word in words:
        try:
            value = float(word)
        except ValueError:
            raise ProtocolError(f"{name}: {word[:30]!r} is not a number",
                                param=name) from None
        if math.isnan(value) or (math.isinf(value) and not infinite):
            raise ProtocolError(f"{name}: {word[:30]!r} is not a finite number",
                                param=name)
        numbers.append(value)
    return numbers


def _latitude(name: str, value: float) -> float:
    if not -90.0 <= value <= 90.0:
        raise ProtocolError(f"{name}: latitude {value:g} is outside [-90, 90]", param=name)
    return value


def _circle(name: str, words: Sequence[str]) -> tuple[float, float, float]:
    numbers = _numbers(name, words)
    if len(numbers) != 3:
        raise ProtocolError(f"{name}: a circle is 3 numbers (ra dec radius), "
                            f"not {len(numbers)}", param=name)
    ra, dec, radius = numbers
    if not 0.0 < radius <= 180.0:
        raise ProtocolError(f"{name}: the radius {radius:g} must be in (0, 180] degrees",
                            param=name)
    return ra % 360.0, _latitude(name, dec), radius


def _polygon(name: str, words: Sequence[str]) -> tuple[tuple[float, float], ...]:
    numbers = _numbers(name, words)
    if len(numbers) < 6 or len(numbers) % 2:
        raise ProtocolError(f"{name}: a polygon is at least 3 ra dec pairs, not "
                            f"{len(numbers)} numbers", param=name)
    vertices = tuple((ra % 360.0, _latitude(name, dec))
                     for ra, dec in zip(numbers[::2], numbers[1::2], strict=True))
    if len(set(vertices)) < 3:
        raise ProtocolError(f"{name}: a polygon needs 3 distinct vertices", param=name)
    return vertices


def _range(words: Sequence[str]) -> tuple[float, float, float, float]:
    numbers = _numbers("POS", words, infinite=True)
    if len(numbers) != 4:
        raise ProtocolError("POS: RANGE is 4 numbers (ra1 ra2 dec1 dec2), "
                            f"not {len(numbers)}", param="POS")
    ra_lo, ra_hi, dec_lo, dec_hi = numbers
    if math.isinf(ra_lo) or math.isinf(ra_hi) or ra_hi - ra_lo >= 360.0:
        ra_lo, ra_hi = 0.0, 360.0
    else:
        ra_lo, ra_hi = ra_lo % 360.0, ra_hi % 360.0
        if ra_hi == 0.0 and ra_lo > 0.0:
            ra_hi = 360.0
    dec_lo, dec_hi = max(dec_lo, -90.0), min(dec_hi, 90.0)
    if dec_lo > dec_hi:
        raise ProtocolError(f"POS: RANGE latitudes {_num(dec_lo, dec_hi)} are not "
                            "in increasing order, or outside [-90, 90]", param="POS")
    return ra_lo, ra_hi, dec_lo, dec_hi


def _interval(name: str, raw: str) -> tuple[float, float]:
    numbers = _numbers(name, raw.split(), infinite=True)
    if len(numbers) == 1:
        numbers *= 2
    if len(numbers) != 2:
        raise ProtocolError(f"{name}: an interval is 2 numbers (low high), "
                            f"not {len(numbers)}", param=name)
    low, high = numbers
    if low > high:
        raise ProtocolError(f"{name}: the interval {_num(low, high)} has low > high",
                            param=name)
    return low, high


def _pol(raw: str) -> str:
    state = raw.strip().upper()
    if state not in STOKES_CODES:
        raise ProtocolError(f"POL: {raw.strip()[:20]!r} is not one of "
                            f"{' '.join(STOKES_CODES)}", param="POL")
    return state


def _pixel_range(name: str, raw: str) -> tuple[int, int]:
    words = raw.split()
    try:
        numbers = [int(word) for word in words]
    except ValueError:
        raise ProtocolError(f"{name}: a pixel range is 2 integers, not {raw[:40]!r}",
                            param=name) from None
    if len(numbers) != 2:
        raise ProtocolError(f"{name}: a pixel range is 2 integers (first last), "
                            f"not {len(numbers)}", param=name)
    low, high = numbers
    if low < 1 or high < low:
        raise ProtocolError(f"{name}: {low} {high} is not a range of 1-based pixels "
                            "(1 <= first <= last)", param=name)
    return low, high


def _num(*values: float) -> str:
    return " ".join(f"{v:.12g}" for v in values)
