"""Conditional and byte-range requests for files (RFC 9110, sections 13 and 14).

Pure functions of header values.  DR honours one byte range per request; a
Range header asking for several ranges, another unit, or one that does not
parse is ignored and the whole file is sent with 200, which RFC 9110 allows
(section 14.2) and every client handles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

_RANGE = re.compile(r"bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class Unsatisfiable(Exception):  # noqa: N818 (the status's name)
    """The range asks for no byte of the file (416)."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as HTTP counts

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one range ``header`` asks for; None means the whole file (no header, or
    one DR ignores); Unsatisfiable when none of the file's bytes is asked for."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # several ranges, another unit, or malformed
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - suffix, 0), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid: ignored
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, min(end, size - 1))


def _timestamp(value: str) -> float | None:
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _tags(header: str) -> list[str]:
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def not_modified(if_none_match: str | None, if_modified_since: str | None, etag: str,
                 mtime: float) -> bool:
    """Whether a GET or HEAD with these headers gets 304 Not Modified.

    If-None-Match decides when present (weak comparison); else If-Modified-Since,
    to the second.
    """
    if if_none_match is not None:
        tags = _tags(if_none_match)
        return "*" in tags or etag in tags
    if if_modified_since:
        since = _timestamp(if_modified_since)
        return since is not None and int(mtime) <= since
    return False


def range_applies(if_range: str | None, etag: str, mtime: float) -> bool:
    """Whether a Range header is to be honoured given If-Range: the client's copy must
    be this version (a strong ETag, or exactly the Last-Modified date)."""
    if if_range is None:
        return True
    value = if_range.strip()
    if value.startswith(('"', "W/")):
        return value == etag
    stamp = _timestamp(value)
    return stamp is not None and stamp == int(mtime)
