"""Functions rowmaker expressions can call (DaCHS's rmkfuncs, as publishers know them)."""

from __future__ import annotations

import datetime
import math
import os
import quopri
import re
import sys
import time
import types
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rd import importing, site


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


def dateTimeToJdn(value: datetime.datetime) -> float:
    return toMJD(value) + 2400000.5


def parseTime(value: str | None, format: str = "%H:%M:%S") -> datetime.timedelta | None:
    if value is None or not str(value).strip():
        return None
    parsed = datetime.datetime.strptime(value.strip(), format)
    return datetime.timedelta(hours=parsed.hour, minutes=parsed.minute,
                              seconds=parsed.second, microseconds=parsed.microsecond)


def makeTimestamp(date: datetime.date, time_of_day: datetime.timedelta
                  ) -> datetime.datetime:
    return datetime.datetime(date.year, date.month, date.day) + time_of_day


def parseBooleanLiteral(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("true", "t", "yes", "1", "on"):
        return True
    if lowered in ("false", "f", "no", "0", "off", ""):
        return False
    raise ValueError(f"{value!r} is not a boolean literal")


def killBlanks(value: str | None) -> str | None:
    return None if value is None else value.replace(" ", "")


def scale(value: float | None, factor: float, offset: float = 0) -> float | None:
    return None if value is None else factor * value + offset


def lastSourceElements(path: str, numElements: int) -> str:
    return "/".join(Path(path).parts[-int(numElements):])


def getInputsRelativePath(path: str, liberalChars: bool = True) -> str:
    return importing.relative_to(path, importing.state().inputs_dir, liberalChars)


def getStandardPubDID(path: str) -> str:
    """ivo://<authority>/~?<path relative to the inputs directory>."""
    return importing.standard_pubdid(path)


def parseAssignments(assignments: str | dict[str, str]) -> dict[str, str]:
    """``"a:b c:d"`` (or a dict) as {a: b, c: d}; a name alone maps to itself."""
    if isinstance(assignments, dict):
        return dict(assignments)
    pairs = {}
    for item in assignments.replace(",", " ").split():
        source, _, dest = item.partition(":")
        pairs[source] = dest or source
    return pairs


def loadNameMap(path: Path | str, encoding: str = "utf-8") -> dict[str, str]:
    """A DaCHS name map: lines ``target<TAB>source source...`` (sources quoted-printable,
    matched lower-case; # comments) as {source: target}."""
    mapping = {}
    with open(path, "rb") as f:
        for number, raw in enumerate(f, 1):
            if raw.startswith(b"#") or not raw.strip():
                continue
            target, tab, sources = raw.rstrip(b"\r\n").partition(b"\t")
            if not tab:
                raise ValueError(f"{path}:{number}: no tab between target and sources")
            for source in sources.lower().split():
                mapping[quopri.decodestring(source).decode(encoding)] = (
                    target.decode(encoding).strip())
    return mapping


def resolveObjectName(identifier: str) -> tuple[float, float] | None:
    """The ICRS position of an object name; DR has no resolver for imports yet."""
    raise importing.NotImporting(
        f"cannot resolve the object name {identifier!r}: DR has no object-name "
        "resolver for imports yet (//procs#resolveObject)")


class IgnoreThisRow(Exception):
    """Raise in a rowmaker expression to skip the row (it is counted as ignored)."""


class ValidationError(ValueError):
    """DaCHS's error for a value that cannot go into its column; the import fails."""

    def __init__(self, message: str = "", colName: str = "", row: Any = None,
                 hint: str | None = None) -> None:
        super().__init__(f"{colName}: {message}" if colName else message)
        self.hint = hint


class _NotGiven:
    def __repr__(self) -> str:
        return "NotGiven"


NotGiven = _NotGiven()


def _get_config(section: str, key: str | None = None) -> str | None:
    if key is None:
        section, key = "general", section
    return site.current().get(section, key)


def _notify(*args: Any, **kwargs: Any) -> None:
    print(*args, file=sys.stderr)


# The names of DaCHS's base and utils modules RD code uses most.
base = types.SimpleNamespace(
    NotGiven=NotGiven, ValidationError=ValidationError, Error=Exception,
    SkipThis=IgnoreThisRow, getConfig=_get_config, parseBooleanLiteral=parseBooleanLiteral,
    ui=types.SimpleNamespace(notifyWarning=_notify, notifyInfo=_notify, notifyError=_notify))
utils = types.SimpleNamespace(
    getFileStem=importing.file_stem, getRelativePath=importing.relative_to,
    parseISODT=parseTimestamp)


def namespace() -> dict[str, Any]:
    """The globals rowmaker and procedure code runs in."""
    return {
        "parseWithNull": parseWithNull, "parseInt": parseInt, "parseFloat": parseFloat,
        "hmsToDeg": hmsToDeg, "dmsToDeg": dmsToDeg, "parseTimestamp": parseTimestamp,
        "parseDate": parseDate, "parseTime": parseTime, "makeTimestamp": makeTimestamp,
        "toMJD": toMJD, "dateTimeToMJD": toMJD, "dateTimeToJdn": dateTimeToJdn,
        "jdnToDateTime": jdnToDateTime, "mjdToDateTime": mjdToDateTime,
        "parseBooleanLiteral": parseBooleanLiteral, "killBlanks": killBlanks,
        "scale": scale, "lastSourceElements": lastSourceElements,
        "parseAssignments": parseAssignments, "loadNameMap": loadNameMap,
        "resolveObjectName": resolveObjectName,
        "getFileStem": importing.file_stem, "getInputsRelativePath": getInputsRelativePath,
        "getStandardPubDID": getStandardPubDID, "IgnoreThisRow": IgnoreThisRow,
        "ValidationError": ValidationError, "NotGiven": NotGiven, "base": base,
        "utils": utils, "_source_": importing.SOURCE,
        "math": math, "re": re, "datetime": datetime, "os": os, "sys": sys, "time": time,
        "urllib": urllib,
    }
