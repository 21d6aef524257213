"""POST bodies into request.args: URL-encoded forms and multipart, tolerantly.

Twisted's own multipart parsing goes through Python's email parser, which
refuses boundaries RFC 2046 does not allow — such as the one STIL (TOPCAT,
taplint) sends for TAP uploads, ``"<<<---…--->>>"``.  DR parses the body
itself so those clients can upload.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import parse_qs

from engine.errors import ProtocolError

_BOUNDARY_RE = re.compile(rb'boundary\s*=\s*(?:"([^"]*)"|([^;\s]+))', re.IGNORECASE)
_NAME_RE = re.compile(rb'\bname\s*=\s*(?:"([^"]*)"|([^;\s]+))', re.IGNORECASE)


def multipart_args(content: bytes, content_type: bytes) -> dict[bytes, list[bytes]]:
    """The fields of a multipart/form-data body, by name (values as bytes)."""
    match = _BOUNDARY_RE.search(content_type)
    if not match:
        raise ProtocolError("a multipart request needs a boundary in its Content-Type")
    boundary = b"--" + (match.group(1) if match.group(1) is not None else match.group(2))
    args: dict[bytes, list[bytes]] = defaultdict(list)
    for chunk in content.split(boundary)[1:]:
        if chunk.startswith(b"--"):
            break  # the closing delimiter
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, sep, body = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, body = chunk.partition(b"\n\n")
        if not sep:
            continue
        disposition = next((line for line in head.splitlines()
                            if line.lower().startswith(b"content-disposition:")), b"")
        name = _NAME_RE.search(disposition)
        if not name:
            continue
        key = name.group(1) if name.group(1) is not None else name.group(2)
        if body.endswith(b"\r\n"):
            body = body[:-2]
        elif body.endswith(b"\n"):
            body = body[:-1]
        args[key].append(body)
    return dict(args)


def form_args(method: bytes, content_type: bytes | None, content: bytes
              ) -> dict[bytes, list[bytes]]:
    """The arguments a POST body carries (none for other requests)."""
    if method != b"POST" or not content_type or not content:
        return {}
    kind = content_type.split(b";")[0].strip().lower()
    if kind == b"application/x-www-form-urlencoded":
        return parse_qs(content, keep_blank_values=True)
    if kind == b"multipart/form-data":
        return multipart_args(content, content_type)
    return {}
