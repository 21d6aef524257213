"""Reading a query's result as column batches with bounded memory, two ways behind one call.

:func:`fetch_batches` yields :class:`engine.formats.batch.Batch` objects of at
most ``batch_rows`` rows (one more for a result bounded to that, see
``max_rows``), in the canonical form the output formats consume.
It reads either

* ``copy``: ``COPY (query) TO STDOUT (FORMAT binary)``, decoded with numpy by
  :mod:`engine.formats.pgcopy`.  psycopg2's ``copy_expert`` only returns when
  the COPY is done, so it runs in a helper thread that hands rows over through
  a queue of two batches; when the consumer lags, the helper blocks, libpq
  stops reading and the server waits — memory stays bounded.  A result the
  caller knows fits one batch (``max_rows``) is COPYed whole in the calling
  thread instead, no helper thread involved, which is what makes a small
  request cheap; or
* ``cursor``: a psycopg2 server-side (named) cursor and ``fetchmany``, the
  values converted by :func:`engine.formats.batch.canonical`.

The chooser is simple: ``copy`` whenever the decoder handles every column's
type (numbers, booleans, text, dates and timestamps, arrays of numbers), since
it is four times faster (bench/stream.py, 1M rows of 8 columns with a text and
a real[12]: fetched as batches in 1.5 s through COPY against 7.4 s through the
cursor; written as a BINARY2 VOTable in 1.9 s against 8.4 s); ``cursor`` for
anything else (numeric, pgsphere types, …).  ``method`` forces either.

Threads and connections.  The caller runs the iteration in a worker thread,
never the reactor.  The connection stays the caller's: this module neither
commits, rolls back nor closes it, and runs everything on it (so TAP upload
tables in ``pg_temp`` are visible).  Outside autocommit the fetch leaves a
transaction open; in autocommit the cursor way needs a ``WITH HOLD`` cursor,
which makes the server materialise the result first.

Cancelling.  From any thread, call ``stream.cancel()`` on the returned
:class:`BatchStream`: it interrupts a running statement with
``conn.cancel()`` and also covers the moments when no statement runs.  The
next (or the blocked) ``next()`` then raises :class:`FetchCancelled`, as it
does when someone calls ``conn.cancel()`` directly while a statement runs.
Afterwards the connection's transaction is aborted; the caller rolls back.
Closing the stream early (``close()``, or dropping out of a ``for`` loop on a
generator that wraps it) cancels the same way and waits until the connection
is free again.  Database errors while reading arrive as the psycopg2
exception they are.
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg2
import psycopg2.extensions

from engine.errors import DatabaseError
from engine.formats.batch import Batch, ColumnLike, canonical
from engine.formats.pgcopy import (
    DATE_OID,
    TRAILER,
    can_decode,
    copy_order,
    decode_rows,
    strip_header,
)

METHODS = ("auto", "copy", "cursor")
_cursor_names = itertools.count(1)
_END = object()


class FetchCancelled(DatabaseError):
    """The fetch was cancelled (BatchStream.cancel() or conn.cancel())."""


def fetch_batches(conn: psycopg2.extensions.connection, sql: str,
                  params: Sequence[Any] | dict[str, Any] | None,
                  columns: Sequence[ColumnLike], *, batch_rows: int = 10_000,
                  method: str = "auto", oids: Sequence[int] | None = None,
                  max_rows: int | None = None) -> BatchStream:
    """Batches of the result of ``sql`` (psycopg2 ``%s`` parameters), one entry per column.

    ``columns`` are the result's VOTable metadata, one per selected column in
    order; they decide each column's canonical form.  ``method`` forces
    ``copy`` or ``cursor``; ``auto`` chooses as the module docstring says.
    ``max_rows``, when given, is a bound the caller's SQL already keeps (its
    LIMIT); no more rows are read, and a result of up to ``batch_rows`` + 1 rows
    (a limit and the row that tells an overflow) comes as one batch.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if oids is None:
        oids = describe(conn, sql, params)
    if len(oids) != len(columns):
        raise ValueError(f"the query returns {len(oids)} columns, "
                         f"{len(columns)} are described")
    if method == "auto":
        method = choose_method(oids, columns)
    elif method == "copy" and choose_method(oids, columns) != "copy":
        raise ValueError("the COPY decoder cannot read every column of this query")
    return BatchStream(conn, sql, params, columns, oids, batch_rows, method, max_rows)


def describe(conn: psycopg2.extensions.connection, sql: str, params: Any) -> list[int]:
    """The type OIDs of the columns ``sql`` returns, from a LIMIT 0 run of it."""
    with conn.cursor() as cur:
        cur.execute(describing(conn, sql, params))
        return [d.type_code for d in cur.description]


def describing(conn: psycopg2.extensions.connection, sql: str, params: Any) -> bytes:
    """The statement :func:`describe` runs, its parameters filled in: to send along
    with other statements in one round trip (the type OIDs are then the
    ``type_code`` of the cursor's ``description``)."""
    with conn.cursor() as cur:
        return cur.mogrify(f"SELECT * FROM ({sql.strip().rstrip(';')}) AS q LIMIT 0", params)


def choose_method(oids: Sequence[int], columns: Sequence[ColumnLike]) -> str:
    """``copy`` when the binary COPY decoder handles every column, else ``cursor``."""
    if all(can_decode(oid, col) for oid, col in zip(oids, columns)):
        return "copy"
    return "cursor"


class BatchStream(Iterator[Batch]):
    """An iterator of batches that can be cancelled from another thread."""

    def __init__(self, conn: psycopg2.extensions.connection, sql: str, params: Any,
                 columns: Sequence[ColumnLike], oids: Sequence[int], batch_rows: int,
                 method: str, max_rows: int | None = None) -> None:
        self.method = method
        self._conn = conn
        self._cancelled = threading.Event()
        if method == "cursor":
            self._batches = _cursor_batches(conn, sql, params, columns, oids, batch_rows,
                                            self._cancelled)
        elif max_rows is not None and max_rows <= batch_rows + 1:
            self._batches = _copy_one_batch(conn, sql, params, columns, oids, max_rows)
        else:
            self._batches = _copy_batches(conn, sql, params, columns, oids, batch_rows,
                                          self._cancelled)

    def __next__(self) -> Batch:
        if self._cancelled.is_set():
            self.close()
            raise FetchCancelled("the query was cancelled")
        try:
            return next(self._batches)
        except psycopg2.extensions.QueryCanceledError:
            raise FetchCancelled("the query was cancelled") from None

    def cancel(self) -> None:
        """Stop the fetch; callable from any thread."""
        self._cancelled.set()
        self._conn.cancel()

    def close(self) -> None:
        """Stop reading early; returns when the connection is free again."""
        self._batches.close()


def _cursor_batches(conn: psycopg2.extensions.connection, sql: str, params: Any,
                    columns: Sequence[ColumnLike], oids: Sequence[int], batch_rows: int,
                    cancelled: threading.Event) -> Iterator[Batch]:
    units = ["D" if oid == DATE_OID else "us" for oid in oids]
    cur = conn.cursor(name=f"dr_fetch_{next(_cursor_names)}", withhold=conn.autocommit)
    try:
        cur.itersize = batch_rows
        cur.execute(sql, params)
        while not cancelled.is_set():
            rows = cur.fetchmany(batch_rows)
            if not rows:
                return
            by_column = zip(*rows)
            yield Batch([canonical(list(values), col, time_unit=unit)
                         for values, col, unit in zip(by_column, columns, units)], len(rows))
            if len(rows) < batch_rows:  # that was all: no FETCH to learn it
                return
    finally:
        if conn.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_INERROR:
            cur.close()


def _copy_statement(conn: psycopg2.extensions.connection, sql: str, params: Any,
                    oids: Sequence[int], order: Sequence[int], max_rows: int | None) -> str:
    """The COPY of ``sql``'s result, fields in ``order`` (see :func:`copy_order`)."""
    encoding = psycopg2.extensions.encodings[conn.encoding]
    with conn.cursor() as cur:
        query = cur.mogrify(sql.strip().rstrip(";"), params).decode(encoding)
    names = ", ".join(f"c{i}" for i in range(len(oids)))
    fields = ", ".join(_copy_field(i, oids[i]) for i in order)
    limit = "" if max_rows is None else f" LIMIT {int(max_rows)}"
    return (f"COPY (SELECT {fields} FROM ({query}) AS q({names}){limit}) "
            "TO STDOUT (FORMAT binary)")


class _Collected:
    """A COPY sink keeping every message: ``write`` is the list's own (C) append, so
    psycopg2 runs no Python per row."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.write = self.messages.append


def _copy_one_batch(conn: psycopg2.extensions.connection, sql: str, params: Any,
                    columns: Sequence[ColumnLike], oids: Sequence[int],
                    max_rows: int) -> Iterator[Batch]:
    """The whole result of at most ``max_rows`` rows, COPYed in this thread: one batch
    (none for an empty result).  A cancel interrupts the COPY itself."""
    order = copy_order(oids, columns)
    sink = _Collected()
    with conn.cursor() as cur:
        cur.copy_expert(_copy_statement(conn, sql, params, oids, order, max_rows), sink)
    rows = _rows_of(sink.messages, True)
    if rows:
        yield decode_rows(rows, oids, columns, psycopg2.extensions.encodings[conn.encoding],
                          order)


def _copy_batches(conn: psycopg2.extensions.connection, sql: str, params: Any,
                  columns: Sequence[ColumnLike], oids: Sequence[int], batch_rows: int,
                  cancelled: threading.Event) -> Iterator[Batch]:
    encoding = psycopg2.extensions.encodings[conn.encoding]
    order = copy_order(oids, columns)
    copy_sql = _copy_statement(conn, sql, params, oids, order, None)
    pump = _CopyPump(conn, copy_sql, batch_rows)
    pump.start()
    first = True
    try:
        while True:
            item = pump.handed.get()
            if item is _END:
                pump.join()
                return
            if isinstance(item, BaseException):
                pump.join()
                raise item
            rows = _rows_of(item, first)
            first = False
            if rows:
                yield decode_rows(rows, oids, columns, encoding, order)
    finally:
        if pump.is_alive():
            pump.stop()
            conn.cancel()
            pump.join()


# Float arrays with NULL elements would need decoding row by row; NaN means the
# same to every writer, and without NULL elements the arrays decode vectorised.
_FLOAT_ARRAYS = {1021: "float4", 1022: "float8"}


def _copy_field(index: int, oid: int) -> str:
    element = _FLOAT_ARRAYS.get(oid)
    if element is None:
        return f"c{index}"
    return f"array_replace(c{index}, NULL, 'NaN'::{element}) AS c{index}"


def _rows_of(messages: list[bytes], first: bool) -> list[bytes]:
    """The rows among CopyData messages: without the file header and the trailer."""
    if first:
        messages[0] = strip_header(messages[0])
        if not messages[0]:
            del messages[0]
    # A row starts with its field count, so only the trailer can equal it.
    if messages and messages[-1] == TRAILER:
        del messages[-1]
    return messages


class _PumpThreads:
    """Daemon threads that run the COPYs, reused from one query to the next (starting
    a thread costs about as much as a small query).  A COPY holds its thread
    until it ends; a new thread starts when none is idle, so there are as many
    as COPYs ever ran at once, each waiting for the next when idle."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # threads do not survive fork

    def _reset(self) -> None:
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._idle = 0
        self._lock = threading.Lock()

    def run(self, fn: Any) -> threading.Event:
        """Run ``fn()`` in one of the threads; the event is set when it returned."""
        done = threading.Event()
        with self._lock:
            spawn = self._idle == 0
            if not spawn:
                self._idle -= 1
        self._tasks.put((fn, done))
        if spawn:
            threading.Thread(target=self._serve, name="dr-copy-pump", daemon=True).start()
        return done

    def _serve(self) -> None:
        tasks = self._tasks
        while True:
            fn, done = tasks.get()
            try:
                fn()
            finally:
                done.set()
                with self._lock:
                    self._idle += 1


_PUMP_THREADS = _PumpThreads()


class _CopyPump:
    """Runs the COPY in a thread of its own and hands the rows over in lists of
    ``batch_rows``.

    psycopg2 calls :meth:`write` once per CopyData message, that is once per
    row; the first one also holds the file header, and the last one is the
    trailer alone (:func:`_rows_of` takes both off).  After :meth:`stop`,
    whatever arrives is dropped, so that the COPY can run out after a cancel.
    """

    def __init__(self, conn: psycopg2.extensions.connection, copy_sql: str,
                 batch_rows: int) -> None:
        self.handed: queue.Queue = queue.Queue(maxsize=2)
        self._done: threading.Event | None = None
        self._conn, self._sql, self._batch_rows = conn, copy_sql, batch_rows
        self._rows: list[bytes] = []
        self._stopping = threading.Event()

    def start(self) -> None:
        self._done = _PUMP_THREADS.run(self.run)

    def is_alive(self) -> bool:
        return self._done is not None and not self._done.is_set()

    def join(self) -> None:
        if self._done is not None:
            self._done.wait()

    def run(self) -> None:
        try:
            with self._conn.cursor() as cur:
                cur.copy_expert(self._sql, self)
            if self._rows:
                self._hand(self._rows)
            self._hand(_END)
        except BaseException as exc:  # re-raised in the consuming thread
            self._hand(exc)

    def write(self, data: bytes) -> None:
        # Called a million times for a million rows: keep it to the bare minimum.
        rows = self._rows
        rows.append(data)
        if len(rows) >= self._batch_rows:
            self._rows = []
            self._hand(rows)

    def stop(self) -> None:
        self._stopping.set()

    def _hand(self, item: Any) -> None:
        while not self._stopping.is_set():
            try:
                self.handed.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
