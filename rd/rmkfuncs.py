"""Functions rowmaker expressions can call (DaCHS's rmkfuncs, as publishers know them)."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from typing import Any


def parseWithNull(value: Any, parser: Callable[[Any], Any], null_value: Any = None,
                  default: Any = None, checker: Callable[[Any], bool] | None = None
                  ) -> Any:
    """``parser(value)``, or ``default`` when value is None or equals ``null_value``."""
    if value is None or value == null_value:
        return default
    if checker is not None and not checker(value):
        return default
    return parser(value)


def parseInt(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def parseFloat(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def _sexagesimal(text: str) -> tuple[float, float]:
    """(sign, value) of 'd m s' / 'd:m:s' text, in the first unit."""
    text = text.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    parts = [p for p in re.split(r"[\s:hdms°'\"]+", text.lstrip("+-")) if p]
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"{text!r} is not a sexagesimal value")
    value = 0.0
    for i, part in enumerate(parts):
        value += float(part) / (60 ** i)
    return sign, value


def hmsToDeg(value: str | None, sepChar: str | None = None) -> float | None:
    """Right ascension 'hh mm ss.s' (or hh:mm:ss) to degrees."""
    if value is None or not str(value).strip():
        return None
    if sepChar:
        value = value.replace(sepChar, " ")
    sign, hours = _sexagesimal(value)
    return sign * hours * 15.0


def dmsToDeg(value: str | None, sepChar: str | None = None) -> float | None:
    """Declination '+dd mm ss.s' (or dd:mm:ss) to degrees."""
    if value is None or not str(value).strip():
        return None
    if sepChar:
        value = value.replace(sepChar, " ")
    sign, degrees = _sexagesimal(value)
    return sign * degrees


def parseTimestamp(value: str | None, format: str = "%Y-%m-%dT%H:%M:%S"
                   ) -> datetime.datetime | None:
    if value is None or not str(value).strip():
        return None
    if format == "%Y-%m-%dT%H:%M:%S":
        return datetime.datetime.fromisoformat(value.strip())
    return datetime.datetime.strptime(value.strip(), format)


def parseDate(value: str | None, format: str = "%Y-%m-%d") -> datetime.date | None:
    if value is None or not str(value).strip():
        return None
    return datetime.datetime.strptime(value.strip(), format).date()


MJD_EPOCH = datetime.datetime(1858, 11, 17)


def toMJD(value: datetime.datetime | datetime.date | None) -> float | None:
    """Modified Julian Date of a (naive, UTC) datetime or date."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day)
    return (value.replace(tzinfo=None) - MJD_EPOCH) / datetime.timedelta(days=1)


def mjdToDateTime(mjd: float) -> datetime.datetime:
    return MJD_EPOCH + datetime.timedelta(days=mjd)


def jdnToDateTime(jd: float) -> datetime.datetime:
    return mjdToDateTime(jd - 2400000.5)


class IgnoreThisRow(Exception):
    """Raise in a rowmaker expression to skip the row (it is counted as ignored)."""


def namespace() -> dict[str, Any]:
    """The globals rowmaker code runs in."""
    return {
        "parseWithNull": parseWithNull, "parseInt": parseInt, "parseFloat": parseFloat,
        "hmsToDeg": hmsToDeg, "dmsToDeg": dmsToDeg, "parseTimestamp": parseTimestamp,
        "parseDate": parseDate, "toMJD": toMJD, "jdnToDateTime": jdnToDateTime,
        "mjdToDateTime": mjdToDateTime, "IgnoreThisRow": IgnoreThisRow,
        "math": math, "re": re, "datetime": datetime,
    }
