"""Facts about source files for provenance and updating imports: size, sha256, mtime."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SourceFile:
    path: Path | None  # None: no source at all (see no_source)
    relpath: str  # relative to the resource directory
    size: int
    sha256: str
    mtime: datetime.datetime


def describe_source(path: Path, resdir: Path) -> SourceFile:
    if not path.is_absolute() and not (resdir / path).is_file():
        # A <sources> item that is no file: a token for the grammar (DaCHS's items).
        return SourceFile(path, str(path), 0, hashlib.sha256(str(path).encode()).hexdigest(),
                          datetime.datetime.now(datetime.UTC))
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    stat = path.stat()
    try:
        rel = str(path.relative_to(resdir))
    except ValueError:
        rel = str(path)
    return SourceFile(path, rel, stat.st_size, digest.hexdigest(),
                      datetime.datetime.fromtimestamp(stat.st_mtime, datetime.UTC))


def no_source() -> SourceFile:
    """The one "source" of a grammar run without sources: its token is None."""
    return SourceFile(None, "", 0, hashlib.sha256(b"").hexdigest(),
                      datetime.datetime.now(datetime.UTC))
