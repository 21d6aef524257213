"""Where a product's file lies on disk, and the facts serving it needs.

A product's access path is stored relative to the inputs directory.  Before a
file is opened the path is resolved (symbolic links and ``..`` followed) and
must still lie inside the inputs directory, resolved the same way: an access
path that names anything else — absolute, escaping, with a NUL — is never
opened, whatever put it into dc.products.  A consequence: data reached through
a symbolic link pointing out of the inputs directory is not served.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from engine.products.store import URL_SCHEMES

GZIP_MAGIC = b"\x1f\x8b"
# What a gzip-compressed file is served as (see served_type).
GZIP_TYPE = "application/gzip"
COMPRESSED_TYPES = frozenset({GZIP_TYPE, "application/x-gzip", "application/x-tar+gzip"})


class OutsideInputs(ValueError):
    """An access path that does not name a file inside the inputs directory."""


def is_url(path: str) -> bool:
    return path.startswith(URL_SCHEMES)


def stored_path(path: str, inputs_dir: Path) -> str:
    """How dc.products keeps ``path`` (from //products#define): a URL unchanged,
    a local path relative to the inputs directory and normalised.  Raises
    OutsideInputs for a path that leaves the inputs directory."""
    if is_url(path):
        return path
    if "\x00" in path or not path.strip():
        raise OutsideInputs(f"{path!r} is not a file path")
    if os.path.isabs(path):
        root = os.path.normpath(str(inputs_dir))
        candidate = os.path.normpath(path)
        if os.path.commonpath([root, candidate]) != root:
            raise OutsideInputs(f"{path} is not inside the inputs directory {root}")
        path = os.path.relpath(candidate, root)
    normal = posixpath.normpath(path.replace(os.sep, "/"))
    if normal == "." or normal == ".." or normal.startswith("../"):
        raise OutsideInputs(f"{path} is not inside the inputs directory")
    return normal


def local_file(access_path: str, inputs_dir: Path) -> Path:
    """The file ``access_path`` names, resolved; OutsideInputs unless it lies inside
    the (resolved) inputs directory.  The file need not exist."""
    if is_url(access_path) or "\x00" in access_path or os.path.isabs(access_path):
        raise OutsideInputs(f"{access_path!r} is not a path inside the inputs directory")
    root = inputs_dir.resolve()
    path = (root / access_path).resolve()
    if path == root or not path.is_relative_to(root):
        raise OutsideInputs(f"{access_path!r} leads out of the inputs directory")
    return path


@dataclass(frozen=True)
class FileFacts:
    """What HTTP says about a file: its size, modification time, validator and type."""

    size: int
    mtime: float
    etag: str  # a strong validator, quoted
    gzipped: bool

    @property
    def last_modified(self) -> str:
        return formatdate(int(self.mtime), usegmt=True)


def open_file(path: Path) -> tuple[int, FileFacts]:
    """A descriptor for reading the regular file ``path`` and its facts (blocking).

    FileNotFoundError if there is no regular file there (a FIFO or a device is
    never read: opened non-blocking, it is refused after the stat).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        facts = file_facts(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd, facts


def file_facts(fd: int) -> FileFacts:
    """Facts about the open file ``fd``; FileNotFoundError unless it is a regular
    file (blocking: a stat and a 2-byte read)."""
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise FileNotFoundError("not a regular file")
    identity = f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
    etag = '"' + hashlib.sha256(identity.encode()).hexdigest()[:24] + '"'
    head = os.pread(fd, 2, 0) if st.st_size >= 2 else b""
    return FileFacts(st.st_size, st.st_mtime, etag, head == GZIP_MAGIC)


def served_type(mime: str | None, gzipped: bool) -> str:
    """The Content-Type a file is served with.

    A gzip-compressed file (a ``.fits.gz``) is served byte for byte as
    ``application/gzip``, without Content-Encoding: with ``Content-Encoding:
    gzip`` some clients (browsers, aiohttp/fsspec, requests' iter_content)
    decompress and others (urllib, curl, astropy's download_file) do not, so
    the same URL would yield different files, saved under a .gz name either way;
    and byte ranges would count compressed bytes that a decompressing client
    never sees.  Served as is, every client gets the file on disk, whose size is
    the Content-Length and the accsize, and astropy opens it (it recognises gzip
    by its first bytes).
    """
    if gzipped and (mime or "").lower() not in COMPRESSED_TYPES:
        return GZIP_TYPE
    return mime or "application/octet-stream"


def served_as(access_path: str, mime: str | None, size: int | None,
              inputs_dir: Path) -> tuple[str, int | None]:
    """The Content-Type and Content-Length /getproduct serves a local product
    with (``mime`` and ``size`` as recorded when the file cannot be read)."""
    try:
        path = local_file(access_path, inputs_dir)
        with open(path, "rb") as f:
            gzipped = f.read(2) == GZIP_MAGIC
        return served_type(mime, gzipped), path.stat().st_size
    except (OSError, OutsideInputs):
        return mime or "application/octet-stream", size  # /getproduct says what is wrong
