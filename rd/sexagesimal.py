"""Sexagesimal angles in rowmaker code: parsing and formatting them, IAU identifiers.

DaCHS's names and behaviour (its reference documentation's examples are
tests/rd/test_rmkfuncs.py).  Formatting works in whole units of the last
digit shown, so rounding carries into minutes and hours (359.9999999° is
``24 00 00.000``) and truncation, which IAU identifiers need, never turns
53.328 into 53.327 through a float's last bit.
"""

from __future__ import annotations

import math
import re

_SEPARATORS = re.compile(r"[\s:hdms°'\"]+")
# sepChar "": fixed-width hhmmss.s / ddmmss.s, degrees or hours of any width
_COMPACT = re.compile(r"(\d+?)(\d\d)(\d\d(?:\.\d*)?)$")


def _parts(text: str, sep_char: str | None) -> tuple[float, list[str]]:
    """(sign, [first unit, minutes, seconds]) of sexagesimal text."""
    text = text.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-").strip()
    if sep_char == "":
        match = _COMPACT.match(body)
        if not match:
            raise ValueError(body)
        return sign, list(match.groups())
    if sep_char is None:
        parts = [p for p in _SEPARATORS.split(body) if p]
    else:
        parts = [p.strip() for p in body.split(sep_char) if p.strip()]
    return sign, parts


def _to_float(text: str, sep_char: str | None, what: str) -> float:
    try:
        sign, parts = _parts(text, sep_char)
        if not 1 <= len(parts) <= 3:
            raise ValueError(text)
        return sign * sum(float(part) / 60 ** i for i, part in enumerate(parts))
    except ValueError:
        raise ValueError(f"Invalid {what} with sepChar {sep_char!r}: {text!r}") from None


def hmsToDeg(hms: str | None, sepChar: str | None = None) -> float | None:
    """A time angle ``h m s.ss`` in degrees; None for None or blank text.

    ``sepChar`` separates the parts (default: blanks, colons or h/m/s); ``""``
    reads the compact ``hhmmss.s``.
    """
    if hms is None or not str(hms).strip():
        return None
    return _to_float(str(hms), sepChar, "time") * 15.0


def dmsToDeg(dmsAngle: str | None, sepChar: str | None = None) -> float | None:
    """An angle ``[+-]d m s.ss`` in degrees; None for None or blank text."""
    if dmsAngle is None or not str(dmsAngle).strip():
        return None
    return _to_float(str(dmsAngle), sepChar, "dms value")


def parseAngle(literal: str, format: str, sepChar: str | None = None) -> float | None:
    """An angle in degrees from ``hms``, ``dms`` or ``fracHour`` (decimal hours) text."""
    if format == "hms":
        return hmsToDeg(literal, sepChar)
    if format == "dms":
        return dmsToDeg(literal, sepChar)
    if format == "fracHour":
        return float(literal) * 15.0
    raise ValueError(f"Invalid angle format {format!r}: use hms, dms or fracHour")


def _split(value: float, second_fracs: int, truncate: bool) -> tuple[str, int, int, str]:
    """(sign, whole units, minutes, formatted seconds) of ``value`` in a sexagesimal unit."""
    sign = "-" if value < 0 else ""
    scale = 10 ** second_fracs
    ticks = abs(value) * 3600 * scale
    # the epsilon keeps 53.328 from truncating to 53.327 (it is 53.32799999...)
    ticks = math.floor(ticks + 1e-7) if truncate else round(ticks)
    seconds, fraction = divmod(ticks, scale)
    minutes, seconds = divmod(seconds, 60)
    units, minutes = divmod(minutes, 60)
    text = f"{seconds:02d}"
    if second_fracs > 0:
        text += f".{fraction:0{second_fracs}d}"
    return sign, units, minutes, text


def degToDms(deg: float, sepChar: str = " ", secondFracs: int = 2,
             preserveLeading: bool = False, truncate: bool = False,
             addSign: bool = True) -> str:
    """An angle in degrees as ``[+-]d m s.ss``.

    ``preserveLeading`` pads degrees to two digits, ``truncate`` truncates the
    seconds instead of rounding them, ``addSign`` puts a + before positive values.
    """
    sign, degrees, minutes, seconds = _split(deg, secondFracs, truncate)
    if not sign and addSign:
        sign = "+"
    first = f"{degrees:02d}" if preserveLeading else str(degrees)
    return sign + sepChar.join([first, f"{minutes:02d}", seconds])


def degToHms(deg: float, sepChar: str = " ", secondFracs: int = 3,
             truncate: bool = False) -> str:
    """An angle in degrees as a time angle ``hh mm ss.sss``."""
    return hoursToHms(deg / 15.0, sepChar, secondFracs, truncate)


def hoursToHms(decimal_hours: float, sepChar: str = ":", secondFracs: int = 0,
               truncate: bool = False) -> str:
    """A time span in hours as ``h:m:s`` (hours two digits at least, never wrapped)."""
    sign, hours, minutes, seconds = _split(decimal_hours, secondFracs, truncate)
    return sign + sepChar.join([f"{hours:02d}", f"{minutes:02d}", seconds])


def makeIAUId(prefix: str, long: float, lat: float, longSec: int = 0,
              latSec: int = 0) -> str:
    """An equatorial IAU identifier, ``prefix`` + ``hhmmss[.s]+ddmmss[.s]``.

    Positions are truncated, not rounded, as https://cds.unistra.fr/Dic/iau-spec.html
    asks; ``longSec``/``latSec`` are the fractional seconds to keep.
    """
    return (prefix + degToHms(long, "", longSec, truncate=True)
            + degToDms(lat, "", latSec, preserveLeading=True, truncate=True))
