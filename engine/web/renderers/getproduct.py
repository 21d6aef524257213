"""/getproduct/<accref>: a published file; with ``?preview=True`` its preview (DaCHS's URLs).

The accref is looked up in dc.products (engine/products/store.py); text from
the request is never joined to a path, so ``..``, absolute paths, NUL or
encoded slashes can only fail to match.  The stored path is resolved and must
lie inside the inputs directory (engine/products/local.py).  Restricted
products — an embargo in the future, or a table with readGroups — are served
to their groups only: 401 to an anonymous caller, 403 to a user outside them
(engine/web/access.py); a product whose table is not loaded is not served at
all.

The file is streamed from disk (engine/web/filestream.py) with Content-Length,
Last-Modified and a strong ETag; If-None-Match and If-Modified-Since give 304;
one byte range per request gives 206 (several ranges: the whole file, 200),
and an unsatisfiable one 416.  HEAD sends the same headers.  Gzip-compressed
files go out byte for byte as application/gzip (see local.served_type for
why).  A remote product (its path a URL) and a preview given as a URL are
redirects.

Previews: the file the RD's ``preview`` names (relative to the inputs
directory), served with ``preview_mime``; for ``AUTO`` (//products#define's
default) a PNG engine/products/previews.py makes from a FITS image or cube
on first request, in a worker thread, cached under ``<stateDir>/previews``.
What it cannot preview answers 404 "no preview".  ``?preview=True&channel=N``
is plane N of a cube as a PNG, the number of planes in ``X-DR-Channels``
(engine/products/channels.py; the explore pages' cube viewer).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import posixpath
import urllib.parse
from pathlib import Path
from typing import Any

from twisted.internet.threads import deferToThreadPool
from twisted.web.server import NOT_DONE_YET

from engine.errors import ProtocolError
from engine.products import channels, local, previews, store
from engine.products.store import Product
from engine.web import access, ranges
from engine.web.filestream import FileStream
from engine.web.resource import Endpoint, failure_error
from engine.web.respond import client_gone, finish
from rd.accrefs import getFlatName

log = logging.getLogger("dr.web")
PREFIX = b"/getproduct/"
TRUE_WORDS = frozenset({"true", "1", "yes", "on"})


def _accref(request: Any) -> str:
    """The accref in the request's path (everything after /getproduct/, %-decoded)."""
    raw = request.path[len(PREFIX):] if request.path.startswith(PREFIX) else b""
    try:
        return urllib.parse.unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("the accref in the URL is not UTF-8", status=400) from None


def _wants_preview(request: Any) -> bool:
    values = request.args.get(b"preview") or []
    return any(v.decode("utf-8", "replace").strip().lower() in TRUE_WORDS for v in values)


def _channel(request: Any) -> int:
    """The ``channel`` asked for (a whole number from 0)."""
    text = request.args[b"channel"][0].decode("utf-8", "replace").strip()
    if not text.isdigit():
        raise ProtocolError(f"channel must be a whole number from 0, not {text!r}",
                            status=400)
    return int(text)


def _lookup(conn: Any, accref: str) -> Product | None:
    """The product (worker thread, with a lent connection)."""
    with conn.cursor() as cur:
        return store.lookup(cur, accref)


def _preview_name(accref: str) -> str:
    """The preview cache's file name for ``accref`` (flat; long ones hashed)."""
    flat = getFlatName(accref)
    if len(flat.encode()) <= 120:
        return flat
    return "h-" + hashlib.sha256(accref.encode()).hexdigest()


def _disposition(name: str) -> bytes:
    """Content-Disposition naming the file: ASCII as is, anything else RFC 6266-style."""
    plain = "".join(c if c.isascii() and (c.isalnum() or c in "._-+") else "_"
                    for c in name) or "product"
    quoted = urllib.parse.quote(name, safe="")
    return f"inline; filename=\"{plain}\"; filename*=UTF-8''{quoted}".encode("ascii")


class GetProduct(Endpoint):
    """/getproduct/<accref>[?preview=True] (everything below it is an accref)."""

    isLeaf = True

    def render_GET(self, request: Any) -> Any:
        accref = _accref(request)
        if not accref:
            raise ProtocolError("/getproduct/ needs an accref after it", status=404)
        if "\x00" in accref:  # no text in the database holds a NUL
            raise ProtocolError("No product with this accref is published here.",
                                status=404)
        preview = _wants_preview(request)
        channel = _channel(request) if preview and request.args.get(b"channel") else None
        d = self.app.pool.run_with_connection(_lookup, accref)
        d.addCallback(self._found, request, accref, preview, channel)
        d.addErrback(self._failed, request)
        return NOT_DONE_YET

    # -- reactor thread from here on ---------------------------------------------------

    def _finish_error(self, request: Any, exc: ProtocolError) -> None:
        if client_gone(request) or request.finished:
            return
        body = self.error(request, exc)
        if request.method != b"HEAD":
            request.setHeader(b"content-length", str(len(body)).encode())
        request.write(body)
        request.finish()

    def _failed(self, failure: Any, request: Any) -> None:
        self._finish_error(request, failure_error(failure, request))

    def _found(self, product: Product | None, request: Any, accref: str,
               preview: bool, channel: int | None = None) -> Any:
        if product is None:
            raise ProtocolError(f"No product with the accref {accref} is published "
                                "here.", status=404)
        state = self.app.state
        table = state.tables.get(product.source_table)
        if table is None:
            raise ProtocolError(f"The product {accref} is not served at the moment: "
                                f"its table {product.source_table} is not loaded.",
                                status=404)
        why = access.product_refusal(request.context, table, product,
                                     f"The product {accref}")
        if why is not None:
            raise why
        if channel is not None:
            return self._channel(request, product, channel)
        if preview:
            return self._preview(request, product)
        if product.remote:
            return self._redirect(request, product.access_path)
        return self._send_local(request, product.access_path, product.mime,
                                f"the product {accref}")

    def _preview(self, request: Any, product: Product) -> Any:
        where = product.preview
        none = ProtocolError(f"There is no preview of {product.accref}.", status=404)
        if not product.has_preview:
            raise none
        if where == store.AUTO_PREVIEW:
            return self._auto_preview(request, product, none)
        if local.is_url(where):
            return self._redirect(request, where)
        mime = product.preview_mime or mimetypes.guess_type(where)[0]
        return self._send_local(request, where, mime, f"the preview of {product.accref}")

    def _channel(self, request: Any, product: Product, channel: int) -> Any:
        """One plane of a cube as a PNG, and the number of planes (X-DR-Channels), for
        the cube viewer of explore pages (engine/products/channels.py)."""
        source = self._checked_path(product.access_path, f"the product {product.accref}")
        reactor = self.app.pool.reactor

        def make() -> tuple[bytes, int]:
            try:
                return channels.channel_png(source, product.mime or "", channel)
            except channels.NoChannels as exc:
                raise ProtocolError(f"No channel {channel} of {product.accref}: {exc}",
                                    status=404 if "cube" in str(exc) else 400) from None

        def made(answer: tuple[bytes, int]) -> None:
            png, count = answer
            request.setHeader(b"content-type", b"image/png")
            request.setHeader(b"x-dr-channels", str(count).encode())
            request.setHeader(b"access-control-expose-headers", b"X-DR-Channels")
            request.setHeader(b"content-length", str(len(png)).encode())
            finish(request, png)

        d = deferToThreadPool(reactor, reactor.getThreadPool(), make)
        d.addCallback(made)
        d.addErrback(self._failed, request)
        return d

    def _auto_preview(self, request: Any, product: Product, none: ProtocolError) -> Any:
        """The PNG DR makes of a FITS image or cube (made in a worker thread)."""
        source = self._checked_path(product.access_path, f"the product {product.accref}")
        reactor = self.app.pool.reactor
        d = deferToThreadPool(reactor, reactor.getThreadPool(), previews.preview_file,
                              source, product.mime, self.app.config.state_dir / "previews",
                              _preview_name(product.accref))

        def made(png: Path | None) -> Any:
            if png is None:
                raise none
            stem = posixpath.basename(product.access_path).split(".")[0] or "product"
            return self._send_file(request, png, "image/png", f"the preview of "
                                   f"{product.accref}", f"{stem}-preview.png")

        d.addCallback(made)
        d.addErrback(self._failed, request)
        return d

    def _redirect(self, request: Any, url: str) -> None:
        if client_gone(request):
            return
        request.redirect(url.encode("utf-8"))
        request.setHeader(b"content-length", b"0")
        request.finish()

    def _checked_path(self, access_path: str, what: str) -> Path:
        """The file ``access_path`` names, if it lies inside the inputs directory."""
        try:
            return local.local_file(access_path, self.app.config.inputs_dir)
        except local.OutsideInputs as exc:
            log.error("refused to serve %s: %s", what, exc)
            raise ProtocolError(f"The file of {what} is not served: its path leads out "
                                "of the inputs directory.", status=403) from None

    def _send_local(self, request: Any, access_path: str, mime: str | None,
                    what: str) -> Any:
        path = self._checked_path(access_path, what)
        return self._send_file(request, path, mime, what, posixpath.basename(access_path),
                               access_path)

    def _send_file(self, request: Any, path: Path, mime: str | None, what: str,
                   filename: str, shown: str | None = None) -> Any:
        """Open ``path`` in a worker thread, then answer with it (reactor thread)."""
        shown = shown or path.name
        reactor = self.app.pool.reactor
        d = deferToThreadPool(reactor, reactor.getThreadPool(), local.open_file, path)

        def vanished(failure: Any) -> None:
            failure.trap(FileNotFoundError, NotADirectoryError, IsADirectoryError)
            log.warning("%s: its file %s is gone", what, shown)
            raise ProtocolError(f"The file of {what} is gone from the server "
                                f"({shown} does not exist any more); please tell "
                                "the operators of this site.", status=404)

        d.addCallbacks(self._opened, vanished, callbackArgs=(request, mime, filename))
        d.addErrback(self._failed, request)
        return d

    def _opened(self, opened: tuple[int, local.FileFacts], request: Any, mime: str | None,
                filename: str) -> None:
        fd, facts = opened
        streaming = False
        try:
            streaming = self._respond(request, fd, facts, mime, filename)
        finally:
            if not streaming:
                os.close(fd)

    def _respond(self, request: Any, fd: int, facts: local.FileFacts, mime: str | None,
                 filename: str) -> bool:
        """Headers, then 304, 416, HEAD or the (partial) body; True when a FileStream
        sends the body (it owns ``fd`` then)."""
        if client_gone(request):
            return False
        request.setHeader(b"etag", facts.etag.encode())
        request.setHeader(b"last-modified", facts.last_modified.encode())
        request.setHeader(b"accept-ranges", b"bytes")
        header = request.getHeader
        if ranges.not_modified(_text(header(b"if-none-match")),
                               _text(header(b"if-modified-since")), facts.etag,
                               facts.mtime):
            request.setResponseCode(304)
            request.finish()
            return False
        request.setHeader(b"content-type", local.served_type(mime, facts.gzipped).encode())
        request.setHeader(b"content-disposition", _disposition(filename))
        try:
            wanted = (ranges.parse_range(_text(header(b"range")), facts.size)
                      if ranges.range_applies(_text(header(b"if-range")), facts.etag,
                                              facts.mtime) else None)
        except ranges.Unsatisfiable:
            request.setResponseCode(416)
            request.setHeader(b"content-range", f"bytes */{facts.size}".encode())
            request.setHeader(b"content-length", b"0")
            request.finish()
            return False
        start, length = 0, facts.size
        if wanted is not None:
            start, length = wanted.start, wanted.length
            request.setResponseCode(206)
            request.setHeader(b"content-range", wanted.content_range(facts.size).encode())
        request.setHeader(b"content-length", str(length).encode())
        if request.method == b"HEAD":
            request.finish()
            return False
        FileStream(request, fd, start, length, reactor=self.app.pool.reactor,
                   write_timeout=self.app.config.web.write_timeout).start()
        return True


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("latin-1")
