"""Functions rowmaker expressions can call (DaCHS's rmkfuncs, as publishers know them).

This module is their namespace and holds the small ones; angles, times,
accrefs and WCS axes have modules of their own.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.machinery
import importlib.util
import math
import os
import quopri
import re
import sys
import time
import types
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from rd import accrefs, importing, sexagesimal, site, timefuncs, wcsaxis
from rd.errors import DRError


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


def getRelativePath(fullPath: str, rootPath: str, liberalChars: bool = True) -> str:
    """``fullPath`` below ``rootPath``; a ValueError if it is not there, or (unless
    ``liberalChars``) if it has characters hazardous in URLs."""
    return importing.relative_to(fullPath, rootPath, liberalChars)


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


def requireValue(val: Any, fieldName: str) -> Any:
    """``val``, or a ValidationError for ``fieldName`` when it is None."""
    if val is None:
        raise ValidationError("is mandatory but has no value", fieldName)
    return val


def iterSimpleText(f: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(line number, line) of a simple text file: lines stripped, blank lines and
    # comments skipped, a line ending in a backslash joined with the next one.

    The number is that of the physical line a joined line starts on.
    """
    pending, start = None, 0
    for number, raw in enumerate(f, 1):
        line = raw.strip()
        if pending is not None:
            line, number = pending + line, start
            pending = None
        if line.endswith("\\"):
            pending, start = line[:-1], number
            continue
        if line and not line.startswith("#"):
            yield number, line
    if pending and not pending.startswith("#"):
        yield start, pending


def loadPythonModule(fqName: str, relativeTo: str | None = None
                     ) -> tuple[types.ModuleType, importlib.machinery.ModuleSpec]:
    """(module, spec) of the Python file ``fqName`` (a path without .py).

    ``relativeTo`` (a file, usually ``__file__``) makes ``fqName`` relative
    to its directory.  The module is named after its last three path
    components (inputs/foo/bar/mod.py is ``foo_bar_mod``), so ``import mod``
    never finds it by accident; its directory is on sys.path while it runs.
    """
    if relativeTo is not None:
        fqName = os.path.join(os.path.dirname(relativeTo), fqName)
    fqName = fqName.removesuffix(".py")
    name = "_".join(Path(fqName).parts[-3:])
    spec = importlib.util.spec_from_file_location(name, fqName + ".py")
    if spec is None or not os.path.exists(fqName + ".py"):
        raise ImportError(f"no Python module at {fqName}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickle look modules up there
    sys.path.insert(0, os.path.dirname(fqName))
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    finally:
        sys.path.remove(os.path.dirname(fqName))
    return module, spec


class Unsupported(DRError):
    """RD code called a DaCHS function whose machinery DR does not have."""


def getQueryMeta() -> Any:
    """DaCHS finds the query of the service running a rowmaker up the stack; DR
    runs rowmakers only in imports, where there is no query."""
    raise Unsupported("getQueryMeta(): DR runs rowmakers only in imports (dr imp), "
                      "where there is no query; service cores with rowmakers "
                      "are not there yet")


def _get_config(section: str, key: str | None = None) -> str | None:
    if key is None:
        section, key = "general", section
    return site.current().get(section, key)


def _notify(*args: Any, **kwargs: Any) -> None:
    print(*args, file=sys.stderr)


# What rowmaker code calls by name.  DaCHS names, so no snake_case here.
FUNCTIONS: dict[str, Any] = dict(
    parseWithNull=parseWithNull, parseInt=parseInt, parseFloat=parseFloat,
    parseBooleanLiteral=parseBooleanLiteral, killBlanks=killBlanks, scale=scale,
    requireValue=requireValue, computeMean=timefuncs.computeMean,
    # angles
    hmsToDeg=sexagesimal.hmsToDeg, dmsToDeg=sexagesimal.dmsToDeg,
    degToHms=sexagesimal.degToHms, degToDms=sexagesimal.degToDms,
    hoursToHms=sexagesimal.hoursToHms, parseAngle=sexagesimal.parseAngle,
    makeIAUId=sexagesimal.makeIAUId, getWCSAxis=wcsaxis.getWCSAxis,
    # times
    parseTimestamp=timefuncs.parseTimestamp, parseISODT=timefuncs.parseISODT,
    parseDate=timefuncs.parseDate, parseTime=timefuncs.parseTime,
    makeTimestamp=timefuncs.makeTimestamp, toMJD=timefuncs.toMJD,
    dateTimeToMJD=timefuncs.toMJD, dateTimeToJdn=timefuncs.dateTimeToJdn,
    jdnToDateTime=timefuncs.jdnToDateTime, mjdToDateTime=timefuncs.mjdToDateTime,
    dateTimeToJYear=timefuncs.dateTimeToJYear,
    bYearToDateTime=timefuncs.bYearToDateTime,
    TAItoTT=timefuncs.TAItoTT, TTtoTAI=timefuncs.TTtoTAI,
    # files, products and identifiers
    getFileStem=importing.file_stem, lastSourceElements=lastSourceElements,
    getRelativePath=getRelativePath, getInputsRelativePath=getInputsRelativePath,
    getStandardPubDID=getStandardPubDID,
    getAccrefFromStandardPubDID=accrefs.getAccrefFromStandardPubDID,
    getFlatName=accrefs.getFlatName, quoteProductKey=accrefs.quoteProductKey,
    makeProductLink=accrefs.makeProductLink, makeSitePath=accrefs.makeSitePath,
    makeAbsoluteURL=accrefs.makeAbsoluteURL,
    getDatalinkMetaLink=accrefs.getDatalinkMetaLink,
    # text and code
    parseAssignments=parseAssignments, loadNameMap=loadNameMap,
    iterSimpleText=iterSimpleText, loadPythonModule=loadPythonModule,
    resolveObjectName=resolveObjectName, getQueryMeta=getQueryMeta,
)

# The names of DaCHS's base and utils modules RD code uses most.
base = types.SimpleNamespace(
    NotGiven=NotGiven, ValidationError=ValidationError, Error=Exception,
    NotFoundError=accrefs.NotFoundError, SkipThis=IgnoreThisRow, getConfig=_get_config,
    parseBooleanLiteral=parseBooleanLiteral, makeAbsoluteURL=accrefs.makeAbsoluteURL,
    makeSitePath=accrefs.makeSitePath,
    ui=types.SimpleNamespace(notifyWarning=_notify, notifyInfo=_notify, notifyError=_notify))
utils = types.SimpleNamespace(**{name: FUNCTIONS[name] for name in (
    "getFileStem", "getRelativePath", "parseISODT", "hmsToDeg", "dmsToDeg", "degToHms",
    "degToDms", "hoursToHms", "parseAngle", "makeIAUId", "getWCSAxis", "iterSimpleText",
    "loadPythonModule", "computeMean", "dateTimeToJdn", "dateTimeToMJD", "jdnToDateTime",
    "mjdToDateTime", "dateTimeToJYear", "bYearToDateTime")})


class _LazyModule(types.ModuleType):
    """A module imported when RD code first uses it (rd/ itself needs no astropy)."""

    def __init__(self, name: str, target: str) -> None:
        super().__init__(name, f"{target}, imported on first use")
        self._target = target

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(importlib.import_module(self._target), attr)


# DaCHS gives RD code astropy's FITS module as ``pyfits`` and numpy as ``numpy``.
pyfits = _LazyModule("pyfits", "astropy.io.fits")
numpy = _LazyModule("numpy", "numpy")


def namespace() -> dict[str, Any]:
    """The globals rowmaker and procedure code runs in."""
    return {
        **FUNCTIONS, "IgnoreThisRow": IgnoreThisRow, "ValidationError": ValidationError,
        "NotGiven": NotGiven, "base": base, "utils": utils, "_source_": importing.SOURCE,
        "math": math, "re": re, "datetime": datetime, "os": os, "sys": sys, "time": time,
        "urllib": urllib, "pyfits": pyfits, "numpy": numpy,
    }
