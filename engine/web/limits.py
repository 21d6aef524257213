"""How much a request may send: body limits by endpoint, and oversized parameters.

Endpoints that take uploads (TAP sync and async) accept bodies up to
``[web] uploadLimit``; everything else up to ``[web] bodyLimit``.  Within an
upload body only the parts an ``UPLOAD`` parameter names (``name,param:part``)
may be large; every other parameter is held to ``bodyLimit`` too, so a
megabyte-sized QUERY or RUNID is refused rather than stored and echoed.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote_to_bytes

from engine.config import Config
from engine.errors import ProtocolError
from engine.web.errors import dali_error

UPLOAD_PATHS = (b"/tap/sync", b"/tap/async")
DALI_PATHS = (b"/tap",)


def _path(raw: bytes) -> bytes:
    path = unquote_to_bytes(raw.split(b"?", 1)[0])
    if path.startswith((b"http://", b"https://")):  # an absolute request URI
        path = b"/" + path.split(b"/", 3)[-1]
    return b"/" + b"/".join(p for p in path.split(b"/") if p)


def _under(path: bytes, prefixes: tuple[bytes, ...]) -> bool:
    return any(path == p or path.startswith(p + b"/") for p in prefixes)


def takes_uploads(raw_path: bytes) -> bool:
    return _under(_path(raw_path), UPLOAD_PATHS)


def body_limit(config: Config, method: bytes, raw_path: bytes) -> int:
    """The largest body a request for ``raw_path`` may send, in bytes."""
    if method.upper() == b"POST" and takes_uploads(raw_path):
        return config.web.upload_limit
    return config.web.body_limit


def upload_parts(args: Mapping[bytes, list[bytes]]) -> set[bytes]:
    """The part names UPLOAD parameters point at (``name,param:part``)."""
    parts = set()
    for key, values in args.items():
        if key.lower() != b"upload":
            continue
        for value in values:
            for item in value.split(b";"):
                source = item.partition(b",")[2].strip()
                if source.startswith(b"param:"):
                    parts.add(source[len(b"param:"):])
    return parts


def check_form_size(content_type: bytes, size: int, config: Config) -> None:
    """Refuse (413) a URL-encoded body over bodyLimit: it cannot carry uploads
    (those come as multipart parts), only parameters."""
    kind = content_type.split(b";")[0].strip().lower()
    if kind == b"application/x-www-form-urlencoded" and size > config.web.body_limit:
        raise ProtocolError(f"a URL-encoded request body may hold at most "
                            f"{config.web.body_limit:,} bytes; send uploads as "
                            "multipart/form-data", status=413)


def check_parts(args: Mapping[bytes, list[bytes]], config: Config, raw_path: bytes) -> None:
    """Refuse (413) a parameter larger than bodyLimit that is not an upload."""
    if not takes_uploads(raw_path):
        return  # the whole body is within bodyLimit already
    limit = config.web.body_limit
    uploads = upload_parts(args)
    for key, values in args.items():
        if key in uploads:
            continue
        if any(len(v) > limit for v in values):
            name = key.decode("utf-8", "replace")
            raise ProtocolError(f"the parameter {name} is larger than {limit:,} bytes; "
                                "only uploads (named in UPLOAD) may be larger",
                                param=name, status=413)


def error_document(raw_path: bytes, message: str) -> dict:
    """The content type and body of an error answered before routing: a DALI
    VOTable under /tap, plain text elsewhere (body None: the message itself)."""
    if _under(_path(raw_path), DALI_PATHS):
        return {"content_type": "application/x-votable+xml; charset=utf-8",
                "body": dali_error(message)}
    return {"content_type": "text/plain; charset=utf-8", "body": None}
