"""The HTTP connection and request as DR serves them: bounded, parsed, always answered.

* Headers: a line longer than 16 KiB is answered 414 (the request line) or
  431 (a header), as are more than 16 KiB or 100 headers in all — never a
  silently closed connection.
* Bodies: each request may send at most the limit :mod:`engine.web.limits`
  gives its path.  A Content-Length above it is refused with 413 before the
  body is read; a chunked body is counted as it arrives.  A refused body is
  read on and thrown away for a few seconds, so that clients which send
  before they listen still get to read the 413.
* Parameters: the query string and the POST body (URL-encoded or multipart,
  see :mod:`engine.web.formdata`) land in ``request.args`` as bytes; names
  and form values must be UTF-8 (DALI), else 400.  Any failure while doing
  so is answered — 400 for the client's mistakes, 500 (logged) otherwise.
"""

from __future__ import annotations

import logging
import mmap
import time
from http import HTTPStatus
from typing import Any

from twisted.python.failure import Failure
from twisted.web import http, server

from engine.errors import ProtocolError
from engine.web import limits, proxy
from engine.web.context import ANONYMOUS, RequestContext
from engine.web.formdata import check_utf8, form_args

log = logging.getLogger("dr.web")
DRAIN_SECONDS = 5   # how long a refused body is still read and thrown away


def plain_response(status: int, message: str, *, content_type: str = "text/plain; "
                   "charset=utf-8", body: bytes | None = None) -> bytes:
    """A whole HTTP/1.1 response that closes the connection, for answering before
    (or instead of) Twisted's request machinery."""
    payload = body if body is not None else (message + "\n").encode("utf-8")
    reason = HTTPStatus(status).phrase
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n")
    return head.encode("ascii") + payload


class Channel(http.HTTPChannel):
    """An HTTP/1.1 connection answering oversized or malformed requests in words."""

    maxHeaders = 100

    def lineLengthExceeded(self, line: bytes) -> None:
        method = line.split(b" ", 1)[0]
        if method.isupper() and method.isalpha() and b"\r\n" not in line[:len(method) + 2]:
            self.refuse(414, "the request line (URL) is too long; send long parameters "
                             "with POST")
        else:
            self.refuse(431, "a request header is too long")

    def lineReceived(self, line: bytes) -> Any:
        if self._receivedHeaderSize + len(line) > self.totalHeadersSize:
            self.refuse(431, "the request headers are too large")
            return None
        return super().lineReceived(line)

    def headerReceived(self, line: bytes) -> bool:
        if self._receivedHeaderCount >= self.maxHeaders:
            self.refuse(431, f"a request may have at most {self.maxHeaders} headers")
            return False
        return super().headerReceived(line)

    def allHeadersReceived(self) -> None:
        request = self.requests[-1]
        request.body_limit = limits.body_limit(self.site.config, self._command, self._path)
        super().allHeadersReceived()

    def _respondToBadRequestAndDisconnect(self) -> None:
        self.refuse(400, "malformed HTTP request")

    def refuse(self, status: int, message: str) -> None:
        """Answer ``status`` with ``message`` and close the connection."""
        log.info("refused a request (%d): %s", status, message)
        if self.transport is not None and not self.transport.disconnecting:
            self.transport.write(plain_response(status, message))
        self.loseConnection()


class _Discard:
    """Where the body of a refused request goes."""

    def write(self, data: bytes) -> None:
        pass

    def seek(self, *_args: Any) -> int:
        return 0

    def tell(self) -> int:
        return 0

    def read(self, *_args: Any) -> bytes:
        return b""

    def close(self) -> None:
        pass


class Request(server.Request):
    """A request whose body is bounded and whose parameters DR parses itself.

    ``context`` is its caller, set before routing from what the site's
    ``identify`` finds (which may take a while: a password check runs in a
    worker thread); the request is routed only then.  ``identity`` keeps who
    that was, for the pages' "Logged in as" even where the router narrows
    ``context`` (engine.web.access.as_seen_by); it grants nothing."""

    body_limit: int | None = None
    gone = False
    context: RequestContext = ANONYMOUS
    identity: RequestContext = ANONYMOUS
    auth_failure: ProtocolError | None = None  # why its credentials failed

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.body_size = 0
        self.refused = False

    # -- the body, as it arrives ------------------------------------------------

    def gotLength(self, length: int | None) -> None:
        if length is not None and self.body_limit is not None and length > self.body_limit:
            self._refuse_body()
            return
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:
        if self.refused:
            return
        self.body_size += len(data)
        if self.body_limit is not None and self.body_size > self.body_limit:
            self._refuse_body()
            return
        super().handleContentChunk(data)

    def _refuse_body(self) -> None:
        """Answer 413 now; drain what the client still sends for a while, then close."""
        self.refused = True
        old, self.content = getattr(self, "content", None), _Discard()
        if old is not None:
            old.close()
        channel = self.channel
        message = (f"the request body is larger than this endpoint accepts "
                   f"({self.body_limit:,} bytes)")
        log.info("refused a request body (413): %s", message)
        expects_continue = self.requestHeaders.getRawHeaders(b"expect")
        # The client waiting for "100 Continue" must not get it, only the 413.
        self.requestHeaders.removeHeader(b"expect")
        channel.transport.write(plain_response(
            413, message, **limits.error_document(channel._path, message)))
        if expects_continue:
            channel.loseConnection()
        else:
            channel.callLater(DRAIN_SECONDS, channel.loseConnection)

    def requestReceived(self, command: bytes, path: bytes, version: bytes) -> None:
        if self.refused:
            self.channel.loseConnection()
            return
        super().requestReceived(command, path, version)

    def connectionLost(self, reason: Failure) -> None:
        self.gone = True
        super().connectionLost(reason)

    def getClientAddress(self) -> Any:
        """The peer, or the client a trusted proxy forwards for (engine.web.proxy)."""
        site = getattr(self.channel, "site", None)
        return proxy.client_address(
            super().getClientAddress(),
            self.requestHeaders.getRawHeaders(b"x-forwarded-for") or [],
            getattr(site, "trusted_proxies", ()))

    # -- parameters ------------------------------------------------------------------

    def process(self) -> None:
        self.started = time.monotonic()
        try:
            self._parse_parameters()
        except ProtocolError as exc:
            self._answer_early(exc.status, exc.message)
            return
        except Exception:
            log.error("cannot parse the request to %s\n%s",
                      self.uri.decode("utf-8", "replace"), Failure().getTraceback())
            self._answer_early(400, "the request could not be read")
            return
        d = self.channel.site.identify(self)
        d.addCallbacks(self._identified, self._unidentified).addErrback(self._crashed)

    def _identified(self, context: RequestContext) -> None:
        self.context = self.identity = context
        self._route()

    def _unidentified(self, failure: Failure) -> None:
        """Credentials that failed: the resource the path names answers the failure."""
        exc = failure.value
        if not isinstance(exc, ProtocolError):
            log.error("cannot check the credentials of a request to %s\n%s",
                      self.uri.decode("utf-8", "replace"), failure.getTraceback())
            exc = ProtocolError("the credentials could not be checked; it has been "
                                "logged", status=500)
        self.auth_failure = exc
        self._route()

    def _crashed(self, failure: Failure) -> None:
        log.error("cannot serve %s\n%s", self.uri.decode("utf-8", "replace"),
                  failure.getTraceback())
        if not (self.gone or self.finished or self.startedWriting):
            self._answer_early(500, "something went wrong on the server; it has been "
                                    "logged")

    def _route(self) -> None:
        if self.gone:  # left while its credentials were checked
            return
        super().process()

    def _parse_parameters(self) -> None:
        check_utf8(self.args, "the query string")
        ctype = self.getHeader(b"content-type")
        if self.method != b"POST" or not ctype:
            return
        config = self.channel.site.config
        with _body(self.content) as body:
            limits.check_form_size(ctype, len(body), config)
            parsed = form_args(ctype, body)
        limits.check_parts(parsed, config, self.path)
        for name, values in parsed.items():
            self.args.setdefault(name, []).extend(values)

    def _answer_early(self, status: int, message: str) -> None:
        """An error response before any resource saw the request."""
        document = limits.error_document(self.path, message)
        self.setResponseCode(status)
        self.setHeader(b"content-type", document["content_type"].encode())
        self.write(document["body"] if document["body"] is not None
                   else (message + "\n").encode("utf-8"))
        self.finish()


class _body:
    """The request body as a bytes-like object: the spooled file memory-mapped
    (no copy), or the bytes of a small in-memory body."""

    def __init__(self, content: Any) -> None:
        self.content = content
        self.mapped: mmap.mmap | None = None

    def __enter__(self) -> Any:
        self.content.seek(0)
        try:
            fileno = self.content.fileno()
        except (AttributeError, OSError, ValueError):
            data = self.content.read()
            self.content.seek(0)
            return data
        size = self.content.seek(0, 2)
        self.content.seek(0)
        if size == 0:
            return b""
        self.mapped = mmap.mmap(fileno, 0, access=mmap.ACCESS_READ)
        return self.mapped

    def __exit__(self, *exc: object) -> None:
        if self.mapped is not None:
            self.mapped.close()
