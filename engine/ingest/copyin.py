"""Streaming bytes into PostgreSQL's COPY FROM STDIN, with errors mapped to source lines.

psycopg2 pulls data through a file-like ``read``; :class:`ChunkFeed` serves
it from an iterator of byte chunks, so memory stays bounded.  When
PostgreSQL rejects a row ("COPY t, line N, column c"), the error names the
source file and the line that row came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import psycopg2

from rd.errors import SourceError

_CONTEXT_RE = re.compile(r"COPY [^,]+, line (\d+)(?:, column ([^:]+))?")
CHUNK = 1 << 20


class ChunkFeed:
    """A read()-able view of an iterator of byte chunks; keeps exceptions it meets."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        try:
            return next(self._chunks, b"")
        except BaseException as exc:  # re-raised by copy_from_chunks
            self.error = exc
            raise


def copy_from_chunks(cursor, sql: str, chunks: Iterator[bytes], source: str,
                     line_of_row: Callable[[int], int | None]) -> int:
    """Run ``sql`` (a COPY ... FROM STDIN) fed by ``chunks``; return rows copied.

    ``line_of_row(n)`` gives the source line of the n-th row (1-based) sent.
    """
    feed = ChunkFeed(chunks)
    try:
        cursor.copy_expert(sql, feed, size=CHUNK)
    except psycopg2.Error as exc:
        if feed.error is not None:
            raise feed.error from None
        raise copy_error(exc, source, line_of_row) from None
    return cursor.rowcount


def copy_error(exc: psycopg2.Error, source: str,
               line_of_row: Callable[[int], int | None]) -> SourceError:
    """The SourceError for a row PostgreSQL refused, located in the source file."""
    diag = getattr(exc, "diag", None)
    message = (diag.message_primary if diag and diag.message_primary
               else str(exc).strip().splitlines()[0])
    context = diag.context if diag and diag.context else ""
    match = _CONTEXT_RE.search(context)
    line = column = None
    if match:
        line = line_of_row(int(match.group(1)))
        column = match.group(2)
    detail = f"column {column}: {message}" if column else message
    return SourceError(detail, path=source, line=line)
