"""Positions as people type them: decimal degrees or sexagesimal, ICRS."""

from __future__ import annotations

import re

_NUM = r"[-+]?\d+(?:\.\d*)?"
_DECIMAL_RE = re.compile(rf"^\s*({_NUM})\s*[,\s]\s*({_NUM})\s*$")
_SEXA_RE = re.compile(
    r"^\s*(\d{1,2})[\s:h]+(\d{1,2})[\s:m]+(\d{1,2}(?:\.\d*)?)s?\s*[,\s]?\s*"
    r"([-+]?)\s*(\d{1,2})[\s:d°]+(\d{1,2})[\s:m']+(\d{1,2}(?:\.\d*)?)[s\"]?\s*$")


def parse_position(text: str) -> tuple[float, float] | None:
    """(ra, dec) in degrees, or None when ``text`` is not a position (maybe a name)."""
    if match := _DECIMAL_RE.match(text):
        ra, dec = float(match.group(1)), float(match.group(2))
    elif match := _SEXA_RE.match(text):
        h, m, s, sign, d, dm, ds = match.groups()
        ra = (int(h) + int(m) / 60 + float(s) / 3600) * 15
        dec = int(d) + int(dm) / 60 + float(ds) / 3600
        if sign == "-":
            dec = -dec
    else:
        return None
    if not (0 <= ra < 360 and -90 <= dec <= 90):
        return None
    return ra, dec
