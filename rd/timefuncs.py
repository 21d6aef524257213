"""Dates and times in rowmaker code: parsing literals, julian dates and years, time scales.

DaCHS's names and behaviour.  Datetimes are naive and mean UTC (or whatever
time scale the caller says, for TAItoTT and friends).
"""

from __future__ import annotations

import calendar
import datetime
import re
from typing import Any

MJD_EPOCH = datetime.datetime(1858, 11, 17)
UNIX_EPOCH = datetime.datetime(1970, 1, 1)
JD_MJD_OFFSET = 2400000.5
TT_MINUS_TAI = datetime.timedelta(seconds=32.184)

_ISO_DT = re.compile(
    r"(\d{4})-?(\d\d)-?(\d\d)"
    r"(?:[T ](\d\d):?(\d\d)(?::?(\d\d)(\.\d*)?)?)?"
    r"(?:Z|[+-]00:?00)?$")  # "we accept and ignore various ways of specifying UTC"


def parseISODT(literal: str | datetime.datetime, useTime: bool = False
               ) -> datetime.datetime:
    """A datetime for an ISO literal (``1998-12-14``, ``19981214T133012Z``...).

    Plain datetime knows no leap seconds (``23:59:60`` is a ValueError);
    ``useTime=True`` goes through time tuples, which carry a leap second into
    the next minute.  Other time zones than UTC are an error.
    """
    if isinstance(literal, datetime.datetime):
        return literal
    match = _ISO_DT.match(str(literal).strip())
    if not match:
        raise ValueError(f"Bad ISO datetime literal: {literal}"
                         " (required format: yyyy-mm-ddThh:mm:ssZ)")
    fields = [int(part or 0) for part in match.groups()[:6]]
    fraction = datetime.timedelta(seconds=float("0" + (match.group(7) or "")))
    if useTime:
        # DaCHS converts to the machine's local time here; DR stays in UTC.
        seconds = calendar.timegm((*fields, 0, 0, -1))
        return UNIX_EPOCH + datetime.timedelta(seconds=seconds) + fraction
    return datetime.datetime(*fields) + fraction


def parseTimestamp(literal: str | None, format: str = "%Y-%m-%dT%H:%M:%S"
                   ) -> datetime.datetime | None:
    """A datetime from ``literal`` in the strptime ``format`` (the default: ISO)."""
    if literal is None or not str(literal).strip():
        return None
    if format == "%Y-%m-%dT%H:%M:%S":
        return datetime.datetime.fromisoformat(literal.strip())
    return datetime.datetime.strptime(literal.strip(), format)


def parseDate(literal: str | None, format: str = "%Y-%m-%d") -> datetime.date | None:
    if literal is None or not str(literal).strip():
        return None
    return datetime.datetime.strptime(literal.strip(), format).date()


def parseTime(literal: str | None, format: str = "%H:%M:%S"
              ) -> datetime.timedelta | None:
    if literal is None or not str(literal).strip():
        return None
    parsed = datetime.datetime.strptime(literal.strip(), format)
    return datetime.timedelta(hours=parsed.hour, minutes=parsed.minute,
                              seconds=parsed.second, microseconds=parsed.microsecond)


def makeTimestamp(date: datetime.date, time: datetime.timedelta) -> datetime.datetime:
    return datetime.datetime(date.year, date.month, date.day) + time


def toMJD(value: Any) -> float | None:
    """The MJD of a datetime, a date, an ISO string, an MJD (< 1e6) or a JD (>= 1e6)."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return value - JD_MJD_OFFSET if value >= 1e6 else float(value)
    if isinstance(value, str):
        value = parseISODT(value)
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day)
    return (value.replace(tzinfo=None) - MJD_EPOCH) / datetime.timedelta(days=1)


def mjdToDateTime(mjd: float) -> datetime.datetime:
    return MJD_EPOCH + datetime.timedelta(days=mjd)


def jdnToDateTime(jd: float) -> datetime.datetime:
    return mjdToDateTime(jd - JD_MJD_OFFSET)


def dateTimeToJdn(dt: datetime.datetime) -> float:
    return toMJD(dt) + JD_MJD_OFFSET


def dateTimeToJYear(dt: datetime.datetime) -> float:
    """The fractional julian year of ``dt`` (J2000.0 is 2000-01-01T12:00 TT)."""
    return 2000.0 + (dateTimeToJdn(dt) - 2451545.0) / 365.25


def bYearToDateTime(bYear: float) -> datetime.datetime:
    """The datetime of a fractional Besselian year (Lieske, A&A 73, 282 (1979))."""
    return jdnToDateTime(2415020.31352 + (bYear - 1900.0) * 365.242198781)


def TAItoTT(tai: datetime.datetime) -> datetime.datetime:
    """Terrestrial (dynamical) time for a TAI datetime."""
    return tai + TT_MINUS_TAI


def TTtoTAI(tdt: datetime.datetime) -> datetime.datetime:
    """TAI for a terrestrial (dynamical) time datetime."""
    return tdt - TT_MINUS_TAI


def computeMean(val1: Any, val2: Any) -> Any:
    """The mean of two numbers, or of two datetimes."""
    return val1 + (val2 - val1) / 2
