"""Getting the files of a selection of result rows: a wget or curl script, or one tar.

The form's results page lets an astronomer tick rows (or take every matching
row) and ask for their products at once (engine/web/renderers/form.py).  Each
product is checked as /getproduct checks it, for the caller of the request:

* a file anyone may have goes into the script as a plain download;
* a file the caller may have only with an account (a restricted table, an
  embargo they are in the group of) goes in with the tool's credential options
  (``--user``/``--ask-password``, ``-u``), so the script asks for the password —
  anonymously too, since /getproduct asks the same;
* a file the caller may not have (logged in but not in its group), an unknown
  accref, a remote product (for the tar) and a missing file are left out, and
  only their number is said.

The tar is streamed (engine/web/filestream.py): its length is known from the
files' sizes before the first byte, each file is read in chunks in worker
threads, and memory stays flat whatever the selection's size.  Members are
named by their accref.  A file that changes size while it is sent breaks the
download off, as /getproduct does.
"""

from __future__ import annotations

import os
import shlex
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from engine.products import local
from engine.products.restrictions import product_restrictions
from engine.products.store import Product
from engine.web.access import product_refusal
from engine.web.context import RequestContext
from engine.web.filestream import CHUNK, ThreadedStream

MAX_FILES = 10_000  # products in one selection
KINDS = ("wget", "curl", "tar")
_BLOCK = tarfile.BLOCKSIZE


@dataclass
class Selection:
    """The products of a selection, sorted by what the caller may do with them."""

    open: list[Product] = field(default_factory=list)
    with_account: list[Product] = field(default_factory=list)  # asks for a password
    left_out: int = 0

    @property
    def products(self) -> list[Product]:
        return self.open + self.with_account


def choose(context: RequestContext, tables: dict[str, Any], asked: list[str],
           found: list[Product], today: Any) -> Selection:
    """Sort ``found`` (the products of the accrefs ``asked``) for ``context``."""
    chosen = Selection()
    by_accref = {p.accref: p for p in found}
    for accref in dict.fromkeys(asked):
        product = by_accref.get(accref)
        table = tables.get(product.source_table) if product else None
        if product is None or table is None:
            chosen.left_out += 1
            continue
        restrictions = product_restrictions(table, product, today)
        refused = product_refusal(context, table, product, "")
        if not restrictions:
            chosen.open.append(product)
        elif refused is None or (context.user is None and refused.status == 401):
            chosen.with_account.append(product)
        else:
            chosen.left_out += 1
    return chosen


def member_name(accref: str) -> str:
    """A relative path for the file of ``accref`` in a tar or a script's directory."""
    parts = [p for p in PurePosixPath(accref).parts if p not in ("", ".", "..", "/")]
    return "/".join(parts) or "product"


def script(kind: str, chosen: Selection, product_url: Any, user: str | None) -> bytes:
    """A POSIX shell script downloading the selection with ``kind`` (wget, curl) into
    the current directory, one file per line under its accref's path."""
    lines = ["#!/bin/sh", f"# {len(chosen.products)} files, fetched with {kind}.",
             "set -e"]
    if chosen.with_account:
        who = user or "your user name"
        lines += [f"# {len(chosen.with_account)} of them are restricted: the script asks "
                  "for the password of the account",
                  f"# named in DR_USER (for example: DR_USER={shlex.quote(who)} sh "
                  "this-script).",
                  ': "${DR_USER:?set DR_USER to your user name}"']
    if chosen.left_out:
        lines.append(f"# {chosen.left_out} of the files asked for are not included: "
                     "unknown, or not yours to get.")
    made: set[str] = set()
    for product in chosen.products:
        name = member_name(product.accref)
        folder = name.rpartition("/")[0]
        if folder and folder not in made:
            lines.append(f"mkdir -p {shlex.quote(folder)}")
            made.add(folder)
        url = shlex.quote(product_url(product.accref))
        target = shlex.quote(name)
        restricted = product in chosen.with_account
        if kind == "wget":
            auth = ' --user="$DR_USER" --ask-password' if restricted else ""
            lines.append(f"wget -q{auth} -O {target} {url}")
        else:
            auth = ' -u "$DR_USER"' if restricted else ""
            lines.append(f"curl -fsSL{auth} -o {target} {url}")
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass
class _Member:
    header: bytes
    path: Path
    size: int


def tar_members(chosen: Selection, inputs_dir: Path) -> tuple[list[_Member], int]:
    """The local files of the selection as tar members (blocking: stats each file),
    and how many are left out because they are remote or missing."""
    members, missing = [], 0
    now = time.time()
    for product in chosen.products:
        if product.remote:
            missing += 1
            continue
        try:
            path = local.local_file(product.access_path, inputs_dir)
            stat = path.stat()
        except (local.OutsideInputs, OSError):
            missing += 1
            continue
        if not path.is_file():
            missing += 1
            continue
        info = tarfile.TarInfo(member_name(product.accref))
        info.size, info.mtime, info.mode = stat.st_size, min(stat.st_mtime, now), 0o644
        members.append(_Member(info.tobuf(tarfile.PAX_FORMAT, "utf-8"), path,
                               stat.st_size))
    return members, missing


def tar_length(members: list[_Member]) -> int:
    return sum(len(m.header) + -(-m.size // _BLOCK) * _BLOCK for m in members) \
        + 2 * _BLOCK


def _pieces(members: list[_Member]) -> Iterator[bytes]:
    """The tar's bytes, a chunk at a time (each file read with pread)."""
    for member in members:
        yield member.header
        fd = os.open(member.path, os.O_RDONLY | os.O_CLOEXEC)
        try:
            offset = 0
            while offset < member.size:
                data = os.pread(fd, min(CHUNK, member.size - offset), offset)
                if not data:
                    return  # it shrank: the stream notices the missing bytes
                offset += len(data)
                yield data
        finally:
            os.close(fd)
        padding = -member.size % _BLOCK
        if padding:
            yield bytes(padding)
    yield bytes(2 * _BLOCK)


def stream_tar(request: Any, members: list[_Member], *, reactor: Any,
               write_timeout: float) -> Any:
    """Send the tar of ``members`` as the body of ``request`` (headers set by the
    caller); returns NOT_DONE_YET."""
    pieces = _pieces(members)

    def read() -> bytes:
        return next(pieces, b"")

    length = tar_length(members)
    request.setHeader(b"content-length", str(length).encode())
    return ThreadedStream(request, read, length, close=pieces.close, reactor=reactor,
                          write_timeout=write_timeout).start()
