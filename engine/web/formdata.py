"""POST bodies into request.args: URL-encoded forms and multipart, tolerantly but exactly.

Twisted's own multipart parsing goes through Python's email parser, which
refuses boundaries RFC 2046 does not allow — such as the one STIL (TOPCAT,
taplint) sends for TAP uploads, ``"<<<---…--->>>"``.  DR parses the body
itself so those clients can upload.  Values stay bytes exactly as sent
(percent-decoding included); names and text values must be UTF-8 (DALI),
file parts (those with a filename) may hold anything.  The body may be any
bytes-like object — a memory-mapped spool file, so that a large upload is
copied once, into its part, and never read whole into memory.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from urllib.parse import parse_qsl

from engine.errors import ProtocolError

_BOUNDARY_RE = re.compile(rb'boundary\s*=\s*(?:"([^"]*)"|([^;\s]+))', re.IGNORECASE)
_NAME_RE = re.compile(rb'\bname\s*=\s*(?:"([^"]*)"|([^;\s]+))', re.IGNORECASE)
_FILENAME_RE = re.compile(rb'\bfilename\*?\s*=', re.IGNORECASE)
Args = dict[bytes, list[bytes]]


def _text(raw: bytes, refusal: str) -> str:
    """``raw`` as UTF-8 text; a 400 saying ``refusal`` when it is not."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(refusal + " is not UTF-8 text, as DALI requires") from None


def _name(raw: bytes, where: str) -> str:
    shown = raw[:40].decode("utf-8", "replace")
    return _text(raw, f"the parameter name {shown!r} in {where}")


def check_utf8(args: Mapping[bytes, list[bytes]], where: str) -> None:
    """Refuse (400) parameters whose name or value is not UTF-8."""
    for name, values in args.items():
        text = _name(name, where)
        for value in values:
            _text(value, f"the value of {text} in {where}")


def urlencoded_args(body: bytes) -> Args:
    """The fields of an application/x-www-form-urlencoded body, values as sent."""
    # Latin-1 maps bytes to characters one to one, so percent-decoding and
    # re-encoding give back exactly the bytes the client meant; UTF-8 is
    # checked afterwards, with a message naming the parameter.
    text = bytes(body).decode("latin-1")
    args: Args = defaultdict(list)
    for name, value in parse_qsl(text, keep_blank_values=True, encoding="latin-1"):
        args[name.encode("latin-1")].append(value.encode("latin-1"))
    check_utf8(args, "the request body")
    return dict(args)


def multipart_args(body, content_type: bytes) -> Args:
    """The fields of a multipart/form-data body, by name (values as bytes)."""
    match = _BOUNDARY_RE.search(content_type)
    if not match:
        raise ProtocolError("a multipart request needs a boundary in its Content-Type")
    delimiter = b"--" + (match.group(1) if match.group(1) is not None else match.group(2))
    if len(delimiter) < 3:
        raise ProtocolError("the multipart boundary is empty")
    args: Args = defaultdict(list)
    start = body.find(delimiter)
    while start >= 0:
        start += len(delimiter)
        if body[start:start + 2] == b"--":
            break  # the closing delimiter
        end = body.find(delimiter, start)
        if end < 0:
            break  # no closing delimiter: ignore the truncated part
        _add_part(args, body, start, end)
        start = end
    return dict(args)


def _add_part(args: Args, body, start: int, end: int) -> None:
    """Add the part lying in ``body[start:end]`` (after its delimiter)."""
    head_end, gap = body.find(b"\r\n\r\n", start, end), 4
    if head_end < 0:
        head_end, gap = body.find(b"\n\n", start, end), 2
    if head_end < 0:
        return
    head = bytes(body[start:head_end])
    disposition = next((line for line in head.splitlines()
                        if line.lower().startswith(b"content-disposition:")), b"")
    name = _NAME_RE.search(disposition)
    if not name:
        return
    key = name.group(1) if name.group(1) is not None else name.group(2)
    text_name = _name(key, "the multipart body")
    value_end = end
    if body[value_end - 2:value_end] == b"\r\n":
        value_end -= 2
    elif body[value_end - 1:value_end] == b"\n":
        value_end -= 1
    value = body[head_end + gap:value_end]
    value = value if isinstance(value, bytes) else bytes(value)
    if not _FILENAME_RE.search(disposition):
        _text(value, f"the value of {text_name}")
    args[key].append(value)


def form_args(content_type: bytes, body) -> Args:
    """The arguments a POST body carries (none for other kinds of body)."""
    kind = content_type.split(b";")[0].strip().lower()
    if not len(body):
        return {}
    if kind == b"application/x-www-form-urlencoded":
        return urlencoded_args(body)
    if kind == b"multipart/form-data":
        return multipart_args(body, content_type)
    return {}
