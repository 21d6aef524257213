"""Loading a HEALPix-partitioned table from several connections, in one import.

``dr imp`` is one transaction, and connections cannot share one.  So for a
partitioned table whose mixin asks for more than one writer, the rows and
the partitions' indexes are made *beside* the import, committed, in a table
nobody reads, and the import's transaction takes that table over:

1. one connection makes ``dc.<schema>__<table>__dr_load``, partitioned as the
   RD says (schema ``dc`` because the RD's schema may not be committed yet);
2. ``writers`` connections COPY the source files into it, each its share (the
   biggest files first, each to the least loaded writer), PostgreSQL routing
   the rows to the partitions;
3. the same connections build each partition's primary key and indexes, a
   partition at a time, so the machine's cores share the index builds too;
4. the import's transaction drops its empty staging table, moves the loaded
   one into the RD's schema under the staging name (``SET SCHEMA`` and
   ``RENAME``: catalogue changes only) and goes on as after any load: the
   parent's indexes attach the partitions' ones, ANALYZE, the swap.

Until the import commits, the live table keeps its rows; when it fails, the
loaded table is dropped (:func:`discard`), and a load left by a killed import
is dropped by the next one.  A file's bad row fails the import with its line
as the serial load reports it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import psycopg2

from engine.db.identifiers import column_list, q, qualified
from engine.ingest import ddl, partitions
from engine.ingest.load import LoadJob, LoadResult, load_source
from engine.ingest.progress import Progress
from engine.ingest.sources import SourceFile
from rd import partitioning
from rd.elements.resource import Resource
from rd.elements.table import Table

LOAD_SCHEMA = "dc"
LOAD_SUFFIX = "__dr_load"


def load_name(table: Table) -> str:
    return ddl.index_name_with(f"{table.schema}__{table.id}".lower(), LOAD_SUFFIX)


def _eligible(b, grammar, products_active: bool) -> bool:
    return (grammar is not None and b.job is not None and not b.scripts
            and not products_active and partitioning.of(b.table) is not None
            and partitioning.writers(b.table) > 1)


def preload(run, built: Sequence, grammar, sources: Sequence[SourceFile],
            products_active: bool) -> dict[tuple[str, str], LoadResult]:
    """Load the tables of ``built`` (the import's _Built records) that may be loaded
    in parallel; (staging target, source relpath) -> what loading it gave."""
    results: dict[tuple[str, str], LoadResult] = {}
    for b in built:
        if not _eligible(b, grammar, products_active):
            continue
        run.progress.begin(f"{b.table.qualified_name} ({partitioning.writers(b.table)} "
                           "writers)")
        loaded = _load(run.cur.connection, b.table, b.job, grammar, sources)
        run.progress.end()
        adopt(run.cur, b.table, b.name)
        results.update({(b.target, src): result for src, result in loaded.items()})
    return results


def _connect(conn):
    return psycopg2.connect(**conn.info.dsn_parameters, password=conn.info.password)


def _load(conn, table: Table, job: LoadJob, grammar,
          sources: Sequence[SourceFile]) -> dict[str, LoadResult]:
    """Steps 1 to 3, committed; source relpath -> LoadResult."""
    name, count = load_name(table), partitioning.writers(table)
    with contextlib.closing(_connect(conn)) as setup:
        setup.autocommit = True
        with setup.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {qualified(LOAD_SCHEMA, name)} CASCADE")
            partitions.create(cur, table, name, schema=LOAD_SCHEMA)
    target = LoadJob(qualified(LOAD_SCHEMA, name), job.rowmaker, role=job.role)
    shares = _shares(sources, count)
    loaded: dict[str, LoadResult] = {}

    def write(share: list[SourceFile]) -> Callable:
        def run(cur) -> None:
            for src in share:
                loaded[src.relpath] = load_source(cur, grammar, src.path, str(src.path),
                                                  target, Progress(enabled=False))
        return run

    _in_parallel(conn, [write(share) for share in shares if share], count)
    with contextlib.closing(_connect(conn)) as look, look.cursor() as cur:
        parts = partitions.partitions_of(cur, LOAD_SCHEMA, name)
    _in_parallel(conn, [_indexer(table, part) for part in parts], count)
    return loaded


def _shares(sources: Sequence[SourceFile], count: int) -> list[list[SourceFile]]:
    """The sources split among ``count`` writers, biggest first to the least loaded."""
    shares: list[list[SourceFile]] = [[] for _ in range(count)]
    sizes = [0] * count
    for src in sorted(sources, key=lambda s: -s.size):
        k = sizes.index(min(sizes))
        shares[k].append(src)
        sizes[k] += src.size
    return shares


def _indexer(table: Table, part: str) -> Callable:
    """The job making one loaded partition's primary key and indexes."""
    def run(cur) -> None:
        where = qualified(LOAD_SCHEMA, part)
        if table.primary:
            cur.execute(f"ALTER TABLE {where} ADD CONSTRAINT "
                        f"{q(ddl.index_name_with(part, '_pkey'))} PRIMARY KEY "
                        f"({column_list(table.sql_names(table.primary))})")
        suffix = LOAD_SUFFIX + "_" + part.rsplit("_", 1)[-1]
        for _, sql in ddl.index_statements(table, part, suffix):
            cur.execute(sql.replace(qualified(table.schema, part), where, 1))
    return run


def _in_parallel(conn, jobs: list[Callable], workers: int) -> None:
    """Run each ``job(cursor)`` on one of ``workers`` connections of their own,
    committing after each; the first failure cancels the others and is raised."""
    if not jobs:
        return
    pending = list(jobs)
    lock = threading.Lock()
    conns: list = []
    failed = threading.Event()

    def worker() -> None:
        with contextlib.closing(_connect(conn)) as own:
            with lock:
                conns.append(own)
            try:
                work(own)
            finally:
                with lock:
                    conns.remove(own)

    def work(own) -> None:
        while not failed.is_set():
            with lock:
                if not pending:
                    return
                job = pending.pop(0)
            try:
                with own.cursor() as cur:
                    job(cur)
                own.commit()
            except BaseException:
                failed.set()
                with lock:
                    for other in conns:
                        if other is not own:
                            other.cancel()
                raise

    with ThreadPoolExecutor(min(workers, len(jobs))) as pool:
        futures = [pool.submit(worker) for _ in range(min(workers, len(jobs)))]
    errors = [f.exception() for f in futures if f.exception() is not None]
    first = next((e for e in errors
                  if not isinstance(e, psycopg2.errors.QueryCanceled)), None)
    if first or errors:
        raise first or errors[0]


def adopt(cur, table: Table, staging: str) -> None:
    """Step 4: in the import's transaction, the loaded table becomes the staging one."""
    spec = partitioning.of(table)
    assert spec is not None
    name = load_name(table)
    cur.execute(f"DROP TABLE {qualified(table.schema, staging)}")
    loaded = partitions.partition_names(name, spec)
    for relation in (name, *loaded):
        cur.execute(f"ALTER TABLE {qualified(LOAD_SCHEMA, relation)} "
                    f"SET SCHEMA {q(table.schema)}")
    cur.execute(f"ALTER TABLE {qualified(table.schema, name)} RENAME TO {q(staging)}")
    for old, new in zip(loaded, partitions.partition_names(staging, spec), strict=True):
        cur.execute(f"ALTER TABLE {qualified(table.schema, old)} RENAME TO {q(new)}")


def discard(conn, rd: Resource) -> None:
    """After a failed import: drop the loaded tables it left (committed beside it)."""
    names = [load_name(t) for t in rd.tables if t.on_disk and not t.view_statement
             and partitioning.of(t) is not None]
    if not names:
        return
    try:
        with conn.cursor() as cur:
            for name in names:
                cur.execute(f"DROP TABLE IF EXISTS {qualified(LOAD_SCHEMA, name)} CASCADE")
        conn.commit()
    except psycopg2.Error:
        conn.rollback()
