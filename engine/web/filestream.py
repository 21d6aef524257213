"""Streaming a body of known length made in worker threads — a file, a byte range of
it, a cutout — without holding it in memory.

A push producer (:class:`ThreadedStream`): each chunk is made by a blocking
``read`` function in a worker thread of the reactor's pool (for files,
:class:`FileStream`: ``os.pread``) and written on the reactor thread; the
next chunks are read while the transport sends the last (one read at a time, at most
``AHEAD`` chunks waiting), so a download holds about three chunks beside what
the transport buffers, whatever the file's size, and a disk read that is
slow for a moment does not stall the connection.  The transport pauses us
when its buffer is full and resumes us when it has drained.  A client that
leaves stops the reads; one that reads nothing for ``[web] writeTimeout``
seconds is disconnected.  A file that shrinks while it is sent breaks the
connection off (the Content-Length sent can no longer be met), and so does
any source giving more or fewer bytes than announced.  The source is closed
exactly once, when the last read has come back.
"""

from __future__ import annotations

import collections
import logging
import os
from collections.abc import Callable, Iterator
from typing import Any

from twisted.internet.interfaces import IPushProducer
from twisted.internet.threads import deferToThreadPool
from twisted.web.server import NOT_DONE_YET
from zope.interface import implementer

log = logging.getLogger("dr.web")
CHUNK = 1 << 20  # bytes read and written at a time
AHEAD = 2  # chunks read ahead of the transport


@implementer(IPushProducer)
class ThreadedStream:
    """The body of ``request``: ``length`` bytes, as successive calls of ``read``
    (blocking, in worker threads, one at a time; b"" at the end) give them;
    ``close`` releases the source.

    Created, started and driven on the reactor thread; owns the source from then on.
    """

    def __init__(self, request: Any, read: Callable[[], bytes], length: int, *,
                 close: Callable[[], None], reactor: Any, write_timeout: float) -> None:
        self.request, self.read, self.close_source = request, read, close
        self.reactor, self.write_timeout = reactor, write_timeout
        self.to_read = length
        self.to_write = length
        self.ready: collections.deque[bytes] = collections.deque()  # read, not written
        self.reading = False
        self.paused = False
        self.done = False
        self.closed = False
        self.stall_timer: Any = None

    def start(self) -> Any:
        """Begin sending; returns NOT_DONE_YET for the resource's render method."""
        self.request.notifyFinish().addErrback(self._client_gone)
        self.request.registerProducer(self, True)
        if self.to_write == 0:
            self._end()
        else:
            self._read()
        return NOT_DONE_YET

    # -- reading (the read itself in a worker thread) --------------------------------

    def _read(self) -> None:
        if self.reading or self.done or len(self.ready) >= AHEAD or self.to_read <= 0:
            return
        self.reading = True
        d = deferToThreadPool(self.reactor, self.reactor.getThreadPool(), self.read)
        d.addCallbacks(self._got, self._read_failed)

    def _got(self, data: bytes) -> None:
        self.reading = False
        if self.done:
            self._close()
            return
        if not data:
            self._abort("the source ended early (a file shrank while it was sent?)")
            return
        if len(data) > self.to_read:
            self._abort("the source gave more bytes than announced")
            return
        self.to_read -= len(data)
        self.ready.append(data)
        self._pump()
        self._read()

    def _read_failed(self, failure: Any) -> None:
        self.reading = False
        self._abort(f"reading failed: {failure.getErrorMessage()}")

    # -- writing (reactor thread) ------------------------------------------------------

    def _pump(self) -> None:
        """Write the chunks that are ready until paused, then read on."""
        while self.ready and not self.paused and not self.done:
            data = self.ready.popleft()
            self.to_write -= len(data)
            self.request.write(data)  # may pause us at once
        if self.done:
            return
        if self.to_write <= 0:
            self._end()
        else:
            self._read()  # read ahead even when paused now

    def _end(self) -> None:
        self.done = True
        self._stop_stall_timer()
        self.request.unregisterProducer()
        if not self.request.finished:
            self.request.finish()
        self._close()

    def _abort(self, why: str, level: int = logging.ERROR) -> None:
        """Break the response off: its length can no longer be kept."""
        if self.done:
            self._close()
            return
        log.log(level, "sending %s stopped: %s",
                self.request.uri.decode("utf-8", "replace"), why)
        self.done = True
        self._stop_stall_timer()
        self.request.unregisterProducer()
        self._close()
        transport = self.request.channel.transport if self.request.channel else None
        if transport is not None:
            transport.abortConnection()

    def _close(self) -> None:
        """Close the source once no worker thread reads from it any more."""
        if self.closed or self.reading:
            return
        self.closed = True
        self.close_source()

    def _client_gone(self, _failure: Any) -> None:
        self._stop_stall_timer()
        self.done = True
        self._close()

    # -- the transport's flow control (IPushProducer) --------------------------------

    def pauseProducing(self) -> None:
        self.paused = True
        if self.stall_timer is None and not self.done:
            self.stall_timer = self.reactor.callLater(self.write_timeout, self._stalled)

    def resumeProducing(self) -> None:
        self.paused = False
        self._stop_stall_timer()
        self._pump()

    def stopProducing(self) -> None:
        self._client_gone(None)

    def _stalled(self) -> None:
        self.stall_timer = None
        if not self.done:
            self._abort(f"the client read nothing for {self.write_timeout} s", logging.INFO)

    def _stop_stall_timer(self) -> None:
        if self.stall_timer is not None and self.stall_timer.active():
            self.stall_timer.cancel()
        self.stall_timer = None


class FileStream(ThreadedStream):
    """``length`` bytes of the open file ``fd`` from ``offset``, in chunks of ``chunk``
    bytes; owns ``fd`` (closed exactly once)."""

    def __init__(self, request: Any, fd: int, offset: int, length: int, *,
                 reactor: Any, write_timeout: float, chunk: int = CHUNK) -> None:
        position = [offset, length]  # the next offset, the bytes left

        def read() -> bytes:
            data = os.pread(fd, min(chunk, position[1]), position[0])
            position[0] += len(data)
            position[1] -= len(data)
            return data

        super().__init__(request, read, length, close=lambda: os.close(fd),
                         reactor=reactor, write_timeout=write_timeout)


def iterator_stream(request: Any, pieces: Iterator[bytes | memoryview], length: int, *,
                    reactor: Any, write_timeout: float) -> ThreadedStream:
    """A stream of the ``length`` bytes a generator yields (each piece copied in the
    worker thread, so the generator may reuse its buffers); closing the stream
    closes the generator."""

    def read() -> bytes:
        for piece in pieces:
            if len(piece):
                return bytes(piece)
        return b""

    return ThreadedStream(request, read, length, close=getattr(pieces, "close", _nothing),
                          reactor=reactor, write_timeout=write_timeout)


def _nothing() -> None:
    pass
