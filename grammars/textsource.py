"""Opening text sources: encodings, gunzip, RD parameter checks, I/O failures as SourceErrors.

Every text grammar takes ``enc`` (default utf-8) and ``gunzip`` (default
False); the helpers here apply them the same way and check RD parameters
when the grammar is built, so a bad encoding or regular expression is an RD
error at ``dr val`` time rather than a surprise in the middle of an import.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from io import BufferedReader
from pathlib import Path
from typing import IO, Any

from rd.errors import RDError, SourceError


def encoding_param(params: Mapping[str, Any], element: str) -> str:
    """The ``enc`` parameter, checked; utf-8 reads also accept a leading byte-order mark."""
    enc = params.get("enc", "utf-8")
    try:
        name = codecs.lookup(enc).name
    except LookupError:
        raise RDError(f"unknown encoding {enc!r} in enc", element=element,
                      hint="use a Python codec name such as utf-8, ascii or latin-1") from None
    # Spreadsheet exports often start with a BOM; utf-8-sig drops it and is
    # otherwise the same codec.
    return "utf-8-sig" if name == "utf-8" else name


def regex_param(params: Mapping[str, Any], name: str, default: str, element: str
                ) -> re.Pattern[str]:
    """Compile the regular expression in parameter ``name``."""
    pattern = params.get(name, default)
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RDError(f"{name} is not a valid regular expression ({exc}): {pattern!r}",
                      element=element) from None


def names_param(text: str) -> list[str]:
    """Split a comma-separated ``names`` parameter into field names."""
    return [name.strip() for name in text.split(",")]


def check_names(names: list[str], what: str, *, path: Path | None = None,
                line: int | None = None, element: str | None = None) -> None:
    """Refuse empty or repeated field names, which no rowmaker could tell apart.

    Problems in a file's header are SourceErrors (``path`` given); problems in
    the RD's own ``names`` are RDErrors.
    """
    seen: set[str] = set()
    for index, name in enumerate(names, start=1):
        problem = None
        if not name:
            problem = f"field {index} of {what} has no name"
        elif name in seen:
            problem = f"field name {name!r} appears twice in {what}"
        if problem:
            if path is not None:
                raise SourceError(problem, path=str(path), line=line)
            raise RDError(problem, element=element)
        seen.add(name)


def open_text(path: Path, encoding: str, gunzip: bool, newline: str | None = None
              ) -> IO[str]:
    """Open ``path`` for reading text, decompressing it on the fly when ``gunzip``."""
    try:
        if gunzip:
            return gzip.open(path, "rt", encoding=encoding, newline=newline)
        return open(path, encoding=encoding, newline=newline)
    except OSError as exc:
        raise SourceError(f"cannot open: {exc.strerror or exc}", path=str(path)) from None


def open_binary(path: Path, gunzip: bool) -> BufferedReader | gzip.GzipFile:
    """Open ``path`` for reading bytes, decompressing it on the fly when ``gunzip``."""
    try:
        return gzip.open(path, "rb") if gunzip else open(path, "rb")
    except OSError as exc:
        raise SourceError(f"cannot open: {exc.strerror or exc}", path=str(path)) from None


def skip_lines(stream: IO[Any], count: int) -> int:
    """Read past ``count`` lines (fewer at end of file); return how many were there."""
    for done in range(count):
        if not stream.readline():
            return done
    return count


@contextlib.contextmanager
def reading(path: Path, encoding: str, where: Callable[[], int | None],
            gunzip: bool = False) -> Iterator[None]:
    """Turn decoding and decompression failures while reading ``path`` into SourceErrors.

    Text files are decoded in blocks, ahead of the line a grammar is at, so a
    decoding error names the line found by :func:`undecodable_line`; where
    that cannot be known, the message says "near" the line ``where`` gives.
    """
    try:
        yield
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start:exc.start + 1]
        line = undecodable_line(path, encoding, gunzip)
        near = where() if line is None else None
        shown = "utf-8" if encoding == "utf-8-sig" else encoding
        raise SourceError(
            f"is not valid {shown} (byte {bad!r}"
            + (f" near line {near})" if near is not None else ")"),
            path=str(path), line=line,
            hint="set enc on the grammar to the file's encoding, e.g. enc=\"latin-1\"",
        ) from None
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        raise SourceError(f"is not a readable gzip file ({exc})", path=str(path),
                          line=where()) from None
    except OSError as exc:
        raise SourceError(f"cannot be read: {exc.strerror or exc}", path=str(path),
                          line=where()) from None


def undecodable_line(path: Path, encoding: str, gunzip: bool = False) -> int | None:
    """The line (1-based) of the first byte of ``path`` that ``encoding`` cannot decode.

    None when the file decodes, cannot be read, or its encoding does not
    write line breaks as the bytes CR and LF (UTF-16, say), where bytes do
    not tell lines.  Line breaks are LF, CR LF and CR, as Python's text files
    read them.
    """
    if not _ascii_compatible(encoding):
        return None
    # A byte-order mark is valid UTF-8 and holds no line break.
    decoder = codecs.getincrementaldecoder("utf-8" if encoding == "utf-8-sig"
                                           else encoding)()
    breaks, after_cr = 0, False
    try:
        with open_binary(path, gunzip) as stream:
            while chunk := stream.read(1 << 20):
                buffered = decoder.getstate()[0]
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    if exc.object != buffered + chunk:
                        return None
                    # The bytes held back from the last chunk end in no line break.
                    before = chunk[:max(0, exc.start - len(buffered))]
                    return breaks + _line_breaks(before, after_cr) + 1
                breaks += _line_breaks(chunk, after_cr)
                after_cr = chunk.endswith(b"\r")
    except (OSError, EOFError, zlib.error, SourceError):
        return None
    return None


def _ascii_compatible(encoding: str) -> bool:
    try:
        return "\r\na".encode(encoding) in (b"\r\na", codecs.BOM_UTF8 + b"\r\na")
    except (LookupError, UnicodeError):
        return False


def _line_breaks(data: bytes, after_cr: bool) -> int:
    """Line breaks in ``data``; a LF right after a CR ending the previous data is none."""
    count = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
    return count - 1 if after_cr and data.startswith(b"\n") else count
