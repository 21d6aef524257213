"""Streaming a service's query result to the client, batch by batch.

The producer asks a worker thread for the next encoded batch whenever the
transport wants more (push producer: paused/resumed by Twisted), and writes
it on the reactor thread.  The first step builds the query, runs it and
encodes the head before any byte is sent, so parameter and SQL errors still
get a proper status code; a failure later ends the document with an ERROR
status.  A client that leaves cancels the query in PostgreSQL.

The connection comes from the capped pool (a 503 when none is free in
time).  Encoded batches go to the transport in slices; a client that takes
nothing for ``[web] writeTimeout`` seconds — the transport never asks for
more — is disconnected, its query cancelled and its connection returned, so
clients that never read cannot pin the database connections.  The connection
goes back as soon as the last row is read, before the client has it all; and
a stream still reading rows ``[web] syncTimeout`` seconds after it got its
connection (a slow reader of a big result) stops there: the connection goes
back and the result ends with an error saying so.

The query itself runs under the database's query role with the caller's
groups (:func:`engine.db.rowsecurity.begin_as_caller`), so PostgreSQL's row-level
security decides which rows of restricted and embargoed tables it returns;
building the plan (uploads, name resolution) runs before, as DR.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg2
from twisted.internet.interfaces import IPushProducer
from twisted.python.failure import Failure
from twisted.web.server import NOT_DONE_YET
from zope.interface import implementer

from engine.db.fetch import FetchCancelled, describing, fetch_batches
from engine.db.rowsecurity import begin_as_caller
from engine.errors import ProtocolError
from engine.formats import Format, Status, lookup
from engine.formats.limit import Limited
from engine.services.conddescs import Context
from engine.services.core import BoundService, QueryPlan
from engine.services.params import Params
from engine.web.app import App
from engine.web.dbpool import reset_connection
from engine.web.queryerrors import user_error
from engine.web.respond import error_headers, finish, html_error, votable_error

log = logging.getLogger("dr.web")
# Builds the query a request means, on the connection that will run it
# (worker thread); returns an object with sql, values, columns, limit and
# writer_options (like services' QueryPlan).
PlanFunction = Callable[[Any], Any]
WRITE_SLICE = 1 << 17  # bytes handed to the transport at a time
@dataclass(frozen=True)
class _Cleaned:
    """The last of a result, after which the worker cleaned the connection."""

    result: tuple[bytes, bool]


@implementer(IPushProducer)
class QueryStream:
    """One request's result stream (created and driven on the reactor thread)."""

    def __init__(self, app: App, request: Any, plan: PlanFunction, *, fmt: Format,
                 errors: str, pool: Any = None) -> None:
        self.app, self.request, self.plan_fn = app, request, plan
        # Where the connection comes from: app.reads() for a query that cannot
        # write (the read replica, if any), app.pool for one that may.
        self.pool = pool if pool is not None else app.pool
        context = getattr(request, "context", None)
        # The caller's groups, for the database's row-level security.
        self.groups = context.groups if context is not None else frozenset()
        self.format, self.errors = fmt, errors
        self.conn = None
        self.limited: Limited | None = None
        self.pending = None
        self.rows = iter(())
        self.spool_chunks = None
        self.batches = None
        self.writer = None
        self.paused = False
        self.busy = False
        self.done = False
        self.released = False
        self.discard = False
        # The worker closed the fetch and cleaned the connection after the last
        # row; ``cleaned`` holds it (or None: it was closed) (_trip).
        self.handing_back = False
        self.cleaned: tuple[Any] | None = None
        self.stall_timer: Any = None
        self.deadline: Any = None  # syncTimeout after the connection came (_overtime)
        self.overtime = False
        self.outbox: collections.deque = collections.deque()  # encoded, not yet written
        self.last = False  # the outbox ends the result

    # -- reactor side ------------------------------------------------------------

    def start(self) -> Any:
        self.request.notifyFinish().addErrback(self._client_gone)
        self.busy = True
        self.pool.acquire().addCallbacks(self._lent, self._open_failed)
        return NOT_DONE_YET

    def _lent(self, conn: Any) -> None:
        """A connection is ours: build and run the query in a worker thread."""
        self.conn = conn
        if self.done:  # the client left while we waited for the connection
            self.busy = False
            self._release_later()
            return
        timeout = self.app.config.web.sync_timeout
        if timeout > 0:
            self.deadline = self.pool.reactor.callLater(timeout, self._overtime)
        d = self.pool.run(self._trip, self._open)
        d.addCallbacks(self._after_trip, self._open_failed, callbackArgs=(self._opened,))
        d.addErrback(self._crashed)

    def _opened(self, result: tuple[bytes, bool]) -> None:
        self.busy = False
        if self.done:  # the client left while the query started
            self._release_later()
            return
        self.request.setHeader(b"content-type", self.format.content_type.encode())
        self.request.registerProducer(self, True)
        self._produced(result)

    def _open_failed(self, failure) -> None:
        self.busy = False
        self._release_later()
        if self.done:
            return
        exc = user_error(failure.value, self.app.config.web.sync_timeout)
        log.info("request refused (%d): %s", exc.status, exc.message)
        error_headers(self.request, exc)
        if self.errors == "html":
            body = html_error(self.app, self.request, exc.status, "Bad request",
                              exc.message)
        else:
            body = votable_error(self.request, exc.status, exc.message,
                                 scs=self.errors == "scs")
        finish(self.request, body)

    def _next(self) -> None:
        if self.paused or self.busy or self.done:
            return
        if self.overtime:
            self._failed(Failure(FetchCancelled("the result outlived syncTimeout")))
            return
        self.busy = True
        d = self.pool.run(self._trip, self._produce)
        d.addCallbacks(self._after_trip, self._failed, callbackArgs=(self._produced,))
        d.addErrback(self._crashed)

    def _after_trip(self, result: Any, step: Callable[[Any], None]) -> None:
        """A worker's trip is over: its result goes to ``step``; a result the worker
        already cleaned the connection after (_trip) is followed by giving the
        connection back."""
        if not isinstance(result, _Cleaned):
            step(result)
            return
        try:
            step(result.result)
        finally:
            if self.deadline is not None and self.deadline.active():
                self.deadline.cancel()
            self.released = True
            self.pool.give_back(self.cleaned[0])

    def _produced(self, result: tuple[bytes, bool]) -> None:
        self.busy = False
        if self.done:
            self._release_later()
            return
        data, self.last = result
        if self.last or self.spool_chunks is not None:
            # All read from the database: the connection need not wait for the client.
            self._release_later()
        if len(data) <= WRITE_SLICE:
            self.outbox.append(data)
        else:
            self.outbox.extend(data[i:i + WRITE_SLICE]
                               for i in range(0, len(data), WRITE_SLICE))
        self._pump()

    def _pump(self) -> None:
        """Write what is encoded while the transport wants more, then ask for the next
        batch.  Writing in slices lets a slow but steady reader resume us often,
        which is how its progress shows (see _stalled)."""
        while self.outbox and not self.paused and not self.done:
            self.request.write(self.outbox.popleft())
        if self.outbox or self.paused or self.done:
            return
        if self.last:
            self._end()
        else:
            self._next()

    def _failed(self, failure) -> None:
        self.busy = False
        if self.done:
            self._release_later()
            return
        exc = user_error(failure.value, self.app.config.web.sync_timeout)
        if self.format.spooled or not self.writer.in_band_status:
            # CSV cannot say "error" in-band: break the response off instead.
            self.done = True
            self._stop_stall_timer()
            self._release_later()
            self.request.unregisterProducer()
            self.request.loseConnection()
            return
        self._release_later()
        self.outbox.append(self.writer.tail(Status.error(exc.message)))
        self.last = True
        self._pump()

    def _end(self) -> None:
        self.done = True
        self._stop_stall_timer()
        self._release_later()
        self.request.unregisterProducer()
        if not self.request.finished:
            self.request.finish()

    def _crashed(self, failure) -> None:
        """A bug in the streaming itself: log it and break the response off."""
        log.error("streaming %s failed:\n%s", self.request.uri.decode("utf-8", "replace"),
                  failure.getTraceback())
        self.busy = False
        self.done = True
        self._stop_stall_timer()
        self._release_later()
        self.request.unregisterProducer()
        if not self.request.finished:
            self.request.loseConnection()

    def _client_gone(self, _failure) -> None:
        """The client left: cancel the query; whoever holds the connection releases it."""
        self._stop_stall_timer()
        if self.done:
            return
        self.done = True
        self._cancel()

    def _cancel(self) -> None:
        """Cancel the running statement; again while a worker is still busy with it,
        since a cancel that reaches PostgreSQL between statements is lost."""
        if not self.busy:
            self._release_later()
            return
        if self.batches is not None:
            self.batches.cancel()
        elif self.conn is not None:
            try:
                self.conn.cancel()
            except psycopg2.Error:
                pass
        self.pool.reactor.callLater(0.5, self._cancel)

    def _release_later(self) -> None:
        """Close the fetch (in a worker thread) and give the connection back, once."""
        if self.deadline is not None and self.deadline.active():
            self.deadline.cancel()
        if self.released or self.handing_back:  # (the worker cleaned it: _trip)
            return
        self.released = True
        conn, self.conn = self.conn, None
        if conn is None:
            return
        d = self.pool.run(self._close_batches)
        d.addErrback(lambda f: log.warning("closing a result stream: %s",
                                           f.getErrorMessage()))
        d.addCallback(lambda _: self.pool.release(conn, discard=self.discard))

    def _overtime(self) -> None:
        """The stream has held its connection for syncTimeout seconds — a slow reader
        of a big result: stop the query, give the connection back and end the
        result with an error once what is encoded is written."""
        self.deadline = None
        if self.done or self.released:
            return
        log.info("result still streaming after %d s; stopping %s",
                 self.app.config.web.sync_timeout,
                 self.request.uri.decode("utf-8", "replace"))
        self.overtime = True
        if self.batches is not None:
            self.batches.cancel()
        if not self.busy:  # else the worker's batch comes back first
            self._release_later()
            self._pump()

    def _stalled(self) -> None:
        """The client read nothing for writeTimeout seconds: drop it and free its
        query and connection."""
        self.stall_timer = None
        if self.done:
            return
        log.info("client stalled for %d s; closing %s", self.app.config.web.write_timeout,
                 self.request.uri.decode("utf-8", "replace"))
        self.done = True
        self._cancel()
        self.request.unregisterProducer()
        transport = self.request.channel.transport if self.request.channel else None
        if transport is not None:
            transport.abortConnection()

    def _stop_stall_timer(self) -> None:
        if self.stall_timer is not None and self.stall_timer.active():
            self.stall_timer.cancel()
        self.stall_timer = None

    def pauseProducing(self) -> None:
        self.paused = True
        if self.stall_timer is None and not self.done:
            self.stall_timer = self.pool.reactor.callLater(
                self.app.config.web.write_timeout, self._stalled)

    def resumeProducing(self) -> None:
        self.paused = False
        self._stop_stall_timer()
        self._pump()

    def stopProducing(self) -> None:
        self._client_gone(None)

    # -- worker side -----------------------------------------------------------------

    def _open(self) -> tuple[bytes, bool]:
        """Build and run the query; the head and first rows, and whether that was all
        (worker thread)."""
        plan = self.plan_fn(self.conn)
        self.discard = bool(getattr(plan, "temporary_tables", False))
        # Uploads were made above; the user's query itself runs read-only, as
        # the caller (rowsecurity).
        oids = begin_as_caller(self.conn, self.groups,
                               describing(self.conn, plan.sql, plan.values))
        if self.done:
            raise FetchCancelled("the client left")
        # The SQL asks for one row more than the limit (to tell an overflow).
        self.batches = fetch_batches(self.conn, plan.sql, plan.values, plan.columns,
                                     oids=oids, max_rows=plan.limit + 1)
        if self.done:  # a cancel that came before the stream existed missed the COPY
            self.batches.cancel()
            raise FetchCancelled("the client left")
        first = next(self.batches, None)  # runs the query: errors still get a status
        self.limited = Limited(itertools.chain([first] if first else [], self.batches),
                               plan.limit)
        self.rows = iter(self.limited)
        self.writer = self.format.writer(plan.columns,
                                         spool_limit=self.app.config.web.spool_limit,
                                         site_url=self.app.config.web.server_url,
                                         **plan.writer_options)
        head = b"" if self.format.spooled else self.writer.head()
        # The first batch too, so that a small result needs one trip to a thread.
        data, last = self._produce()
        return head + data, last

    def _trip(self, work: Callable[[], tuple[bytes, bool]]) -> Any:
        """One trip to a worker thread: ``work``'s result.  When that ends a streamed
        result, the fetch is closed and the connection rolled back in this same
        trip (the result is then marked, see _after_trip), so that giving the
        connection back needs no trip of its own — measured cheaper than handing
        the result over first and cleaning after (worker thread)."""
        result = work()
        if not result[1] or self.format.spooled:
            return result
        self.handing_back = True
        try:
            self._close_batches()
            self.cleaned = (reset_connection(self.conn, self.discard),)
        except Exception:  # the result is whole; the connection is not to be trusted
            log.warning("cleaning a connection after a result failed:\n%s",
                        Failure().getTraceback())
            with contextlib.suppress(psycopg2.Error):
                self.conn.close()
            self.cleaned = (None,)
        return _Cleaned(result)

    def _produce(self) -> tuple[bytes, bool]:
        """Encode the next batch; (bytes, is_last) (worker thread)."""
        if self.format.spooled:
            return self._produce_spooled()
        return self._encode_next()

    def _encode_next(self) -> tuple[bytes, bool]:
        batch = self.pending if self.pending is not None else next(self.rows, None)
        self.pending = None
        if batch is None:
            return self._tail(), True
        data = self.writer.batch(batch)
        # Look one batch ahead: a result's last batch goes out with its tail.
        self.pending = next(self.rows, None)
        if self.pending is None:
            return data + self._tail(), True
        return data, False

    def _tail(self) -> bytes:
        return self.writer.tail(Status.overflow() if self.limited.overflow else Status.ok())

    def _produce_spooled(self) -> tuple[bytes, bool]:
        """FITS needs the row count first: spool everything, then send the file."""
        if self.spool_chunks is None:
            for batch in self.rows:
                if not self.writer.add(batch):
                    break  # over [web] spoolLimit: finish() says so in the file
            status = Status.overflow() if self.limited.overflow else Status.ok()
            self.spool_chunks = iter(self.writer.finish(status))
        chunk = next(self.spool_chunks, None)
        if chunk is None:
            self.writer.close()
            return b"", True
        return chunk, False

    def _close_batches(self) -> None:
        """Stop the fetch, waiting until the connection is free (worker thread)."""
        if self.batches is not None:
            close = getattr(self.batches, "close", None)
            if close:
                close()


def display_hints(plan: QueryPlan) -> list[str]:
    """The displayHint of each result column, for HTML tables; columns the core adds
    (a cone's distance) get five decimals."""
    hints = [spec.display_hint for spec in plan.outputs]
    return hints + ["sf=5"] * (len(plan.columns) - len(hints))


def stream_service(app: App, request: Any, bound: BoundService, params: Params, *,
                   renderer: str, fmt: str, errors: str, verb: int | None = None,
                   products: Sequence[str] = ()) -> Any:
    """Answer ``request`` with the service's result in ``fmt`` (reactor thread);
    ``products`` keeps only the rows of those files (the form's ticked rows)."""
    web = app.config.web
    try:
        maxrec = params.integer("MAXREC", web.maxrec, minimum=0)
        maxrec = min(maxrec, web.hard_maxrec)
        format_ = lookup(fmt)
    except (ProtocolError, ValueError) as exc:
        message = exc.message if isinstance(exc, ProtocolError) else str(exc)
        if errors == "html":
            return html_error(app, request, 400, "Bad request", message)
        return votable_error(request, 400, message, scs=errors == "scs")

    def plan(conn) -> QueryPlan:
        with conn.cursor() as cur:
            ctx = Context(cur, app.state.name_sources)
            built = bound.build_query(params, renderer, ctx, limit=maxrec, verb=verb,
                                      products=products)
        built.writer_options.setdefault("hints", display_hints(built))
        return built

    return QueryStream(app, request, plan, fmt=format_, errors=errors,
                       pool=app.reads()).start()


def stream_dal_query(app: App, request: Any, build: Callable[[Context], QueryPlan],
                     fmt: str, as_protocol: Callable[[ProtocolError], ProtocolError]
                     ) -> Any:
    """Answer ``request`` with the query ``build(ctx)`` makes in a worker thread (a DAL
    protocol's: SIA 1, SSA), its parameter errors as ``as_protocol`` words them."""

    def plan(conn) -> QueryPlan:
        with conn.cursor() as cur:
            try:
                built = build(Context(cur, app.state.name_sources))
            except ProtocolError as exc:
                raise as_protocol(exc) from None
        built.writer_options.setdefault("hints", display_hints(built))
        return built

    return QueryStream(app, request, plan, fmt=lookup(fmt), errors="dali",
                       pool=app.reads()).start()
