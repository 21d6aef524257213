"""``dr imp``: one RD's data imported in one transaction, with provenance.

Tables of ordinary data elements are built beside the live ones (``<t>__dr_new``),
loaded, indexed and analysed, and swapped in when their data element is done
(so later data elements and their scripts see them), so readers keep the old
data until then and wait only from the swap to the commit.  A table whose make
has ``<script>``s is rebuilt under its own name instead, because scripts may
name it: readers of it wait for the whole import.  Data elements with
``updating="True"`` append the rows of new sources to the live table and
replace the rows of sources whose checksum changed (rows carry their source's
id in a hidden column).  A data element without sources and grammar makes its
tables empty.  Any error rolls everything back.

Scripts run when DaCHS runs them: preCreation before the CREATE TABLE,
preImport before the first row, newSource and sourceDone around each source,
preIndex before the indexes, postCreation when the table is complete,
afterMeta after the metadata is written, beforeDrop before a table is dropped.
Updating imports run only newSource and sourceDone (and the creation scripts
when they create the table).
"""

from __future__ import annotations

import datetime
import getpass
import json
import socket
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata as pkg_metadata

import psycopg2

from engine import obscore
from engine.db import metadata, rowsecurity
from engine.db.identifiers import q, qualified
from engine.ingest import ddl, parallel, partitions, views
from engine.ingest.dependents import drop_relation, restore, views_over
from engine.ingest.load import LoadJob, load_source
from engine.ingest.order import select_data
from engine.ingest.progress import Progress
from engine.ingest.scripts import Feeder, run_scripts
from engine.ingest.sources import SourceFile, sources_of
from engine.ingest.textscan import non_ascii_columns
from engine.products.collect import ProductImport
from engine.products.restrictions import approved_audience
from grammars import make_grammar
from rd.elements.data import Data, Make
from rd.elements.resource import Resource
from rd.elements.table import NOT_APPROVED, Table
from rd.errors import DRError, RDError
from rd.loader import compiled_rowmaker, import_grammar
from rd.rowcode import compile_rowmaker

STAGING_SUFFIX = "__dr_new"


@dataclass
class _Built:
    """A table being made by an ordinary import: under which name, and how filled."""

    make: Make
    table: Table
    scripts: list
    name: str  # its SQL name during the import (staging unless it has scripts)
    target: str  # qualified
    job: LoadJob | None
    kept: list = field(default_factory=list)  # views over a table rebuilt in place


@dataclass
class TableReport:
    name: str
    rows: int = 0
    rejected: int = 0


@dataclass
class ImportReport:
    import_id: int = 0
    tables: dict[str, TableReport] = field(default_factory=dict)
    sources_loaded: int = 0
    sources_skipped: int = 0
    # data elements left out, with why (a grammar DR lacks, say)
    data_skipped: list[str] = field(default_factory=list)
    # what the publisher should know (products whose files are gone, say)
    warnings: list[str] = field(default_factory=list)


def _dr_version() -> str:
    try:
        return pkg_metadata.version("dr")
    except pkg_metadata.PackageNotFoundError:
        return "unknown"


def _side_querier(conn):
    """Queries of RD procedures (//procs#simpleSelect) made while rows stream into COPY
    on ``conn``, which cannot answer meanwhile: a second, read-only connection, opened
    on first use; it sees committed data only."""
    side = None

    def query(sql: str, params=None) -> list[dict]:
        nonlocal side
        if side is None:
            side = psycopg2.connect(**conn.info.dsn_parameters, password=conn.info.password)
            side.set_session(readonly=True, autocommit=True)
        with side.cursor() as cur:
            cur.execute(sql, params)
            names = [d[0] for d in cur.description or ()]
            return [dict(zip(names, row)) for row in cur.fetchall()] if names else []

    return query


def import_rd(conn, rd: Resource, data_ids: Sequence[str] = (),
              progress: Progress | None = None) -> ImportReport:
    """Import the chosen (default: auto) data elements of ``rd``; commit or roll back."""
    progress = progress or Progress(enabled=False)
    report = ImportReport()
    datas = select_data(rd, data_ids, report.data_skipped)
    started = datetime.datetime.now(datetime.UTC)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)",
                        (zlib.crc32(rd.rd_id.encode()),))
            obscore.lock_for(cur, rd)  # before any table lock: see engine/obscore/view.py
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {q(rd.schema)}")
            cur.execute(
                "INSERT INTO dc.imports (rd_id, rd_path, rd_sha256, data_ids, os_user, "
                "host, dr_version, started) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "RETURNING import_id",
                (rd.rd_id, str(rd.path), rd.sha256, [d.id or "" for d in datas],
                 getpass.getuser(), socket.gethostname(), _dr_version(), started))
            report.import_id = cur.fetchone()[0]
            run = _ImportRun(cur, rd, report, progress)
            for data in datas:
                run.import_data(data)
            run.ensure_foreign_keys()
            for table in run.made_tables:
                if table.approval_group:
                    run.decide_audience(table)
            metadata.publish(cur, rd, run.made_tables, run.source_meta, run.nrows,
                             report.import_id, run.unicode_columns)
            report.warnings += obscore.publish_tables(cur, rd, run.made_tables)
            for table in run.made_tables:
                if not table.view_statement:  # views: engine/ingest/views.py
                    rowsecurity.secure_table(cur, table)
            views.refuse_exposing(cur, run.made_tables)
            run.after_meta()
        conn.commit()
    except BaseException:
        conn.rollback()
        parallel.discard(conn, rd)
        raise
    return report


class _ImportRun:
    """The state of one import transaction."""

    def __init__(self, cur, rd: Resource, report: ImportReport, progress: Progress):
        self.cur, self.rd, self.report, self.progress = cur, rd, report, progress
        self.side_query = _side_querier(cur.connection)
        self.made_tables: list[Table] = []
        self.staged: list[Table] = []
        self.source_meta: dict[str, dict[str, str]] = {}
        self.nrows: dict[str, int] = {}
        self.made: list[tuple[Make, Table]] = []  # for afterMeta scripts
        self.unicode_columns: dict[str, list[str]] = {}
        self.updated: set[str] = set()  # tables of updating data (lower-case names)
        self.preloaded: dict = {}  # (target, source): LoadResult, engine/ingest/parallel.py

    # -- helpers -------------------------------------------------------------

    def exists(self, table: Table, name: str | None = None) -> bool:
        self.cur.execute("SELECT to_regclass(%s)", (qualified(table.schema,
                                                                   name or table.id),))
        return self.cur.fetchone()[0] is not None

    def grammar_for(self, data: Data):
        if data.grammar is None:
            raise RDError("has no grammar DR implements, so it cannot be imported",
                          path=data.pos.path, line=data.pos.line, element="data")
        try:
            return import_grammar(self.rd, data.grammar, self.side_query,
                                  make_grammar(data.grammar.tag, data.grammar.params()))
        except DRError as exc:
            raise RDError(exc.message, path=data.grammar.pos.path,
                          line=data.grammar.pos.line, element=data.grammar.tag) from None

    def rowmaker_for(self, data: Data, make: Make):
        base = compiled_rowmaker(self.rd, make)
        if data.grammar is None or not data.grammar.ignore_on:
            return base
        table, rowmaker = make.resolve()
        return compile_rowmaker(rowmaker, table, extra_ignore=data.grammar.ignore_on)

    def record_source(self, data: Data, src: SourceFile, header: dict[str, str],
                      tables: list[str]) -> int:
        self.cur.execute(
            "INSERT INTO dc.sources (import_id, rd_id, data_id, path, size, sha256, "
            "mtime, grammar, header, rows_in, rows_rejected, tables) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, 0, 0, %s) RETURNING source_id",
            (self.report.import_id, self.rd.rd_id, data.id or "", src.relpath, src.size,
             src.sha256, src.mtime, data.grammar.tag, json.dumps(header), tables))
        return self.cur.fetchone()[0]

    def load(self, grammar, src: SourceFile, table: Table, job: LoadJob,
             header: dict[str, str]) -> tuple[int, int]:
        """Copy one source into one table and count it; (rows in, rows rejected)."""
        self.progress.begin(f"{table.qualified_name} ← {src.relpath}")
        result = (self.preloaded.pop((job.target, src.relpath), None)
                  or load_source(self.cur, grammar, src.path, str(src.path), job,
                                 self.progress))
        self.progress.end()
        rep = self.report.tables.setdefault(table.qualified_name,
                                            TableReport(table.qualified_name))
        rep.rows += result.rows_in - result.rows_rejected
        rep.rejected += result.rows_rejected
        if header:
            self.source_meta[table.qualified_name.lower()] = header
        return result.rows_in, result.rows_rejected

    def decide_audience(self, table: Table) -> None:
        """The read groups of a table with approvalGroup, from the approvals in the
        headers of every source it holds rows of (restrictions.approved_audience):
        this import's sources, and for updating data the last record of each source
        loaded before."""
        self.cur.execute(
            "SELECT DISTINCT ON (path) header FROM dc.sources WHERE %s = ANY(tables) "
            "AND (import_id = %s OR (%s AND superseded_by IS NULL)) "
            "ORDER BY path, source_id DESC",
            (table.qualified_name, self.report.import_id,
             table.qualified_name.lower() in self.updated))
        headers = [row[0] or {} for row in self.cur.fetchall()]
        table.read_groups = approved_audience(table, headers)
        if NOT_APPROVED in table.read_groups:
            self.report.warnings.append(
                f"{table.qualified_name} is withheld from everyone: its sources name "
                "nobody who approved them (COLAPRV, PUBAPRV)")

    def find_unicode(self, table: Table, on_name: str) -> None:
        """Record which text columns of the loaded table hold non-ASCII (one scan)."""
        self.unicode_columns[table.qualified_name.lower()] = non_ascii_columns(
            self.cur, table, qualified(table.schema, on_name))

    def count_source(self, source_id: int, rows_in: int, rejected: int) -> None:
        self.cur.execute("UPDATE dc.sources SET rows_in = %s, rows_rejected = %s "
                         "WHERE source_id = %s", (rows_in, rejected, source_id))

    # -- ordinary data: staging tables -------------------------------------------

    def import_data(self, data: Data) -> None:
        makes = self.on_disk_makes(data)
        view_makes = [m for m in makes if m.resolve()[0].view_statement]
        tables = [m for m in makes if m not in view_makes]
        if data.updating:
            self.import_updating(data, tables)
        else:
            self.import_tables(data, tables)
        for make in view_makes:
            self.make_view(make)

    def make_view(self, make: Make) -> None:
        """A table that is a view, made after the data element's other tables."""
        table, _ = make.resolve()
        self.progress.begin(f"{table.qualified_name} (view)")
        self.report.warnings += views.make_view(self.cur, make, table)
        self.progress.end()
        self.report.tables.setdefault(table.qualified_name,
                                      TableReport(table.qualified_name))
        self.find_unicode(table, table.id)
        live = qualified(table.schema, table.id)
        self.nrows[table.qualified_name.lower()] = views.row_count(
            self.cur, table, views.relation_kind(self.cur, live))
        self.made_tables.append(table)
        self.made.append((make, table))

    def import_tables(self, data: Data, makes: list[Make]) -> None:
        grammar = self.grammar_for(data) if data.fills_rows else None
        sources = sources_of(self.cur, self.rd, data) if data.fills_rows else []
        built = [self.create_for(data, make, grammar is not None) for make in makes]
        products = ProductImport(self.cur, self.rd, [b.table for b in built], False,
                                 data.grammar)
        grammar = products.wrap(grammar)
        self.preloaded = parallel.preload(self, built, grammar, sources, products.active)
        for src in sources:
            for b in built:
                run_scripts(self.cur, b.scripts, "newSource", b.table, b.target,
                            sourceToken=str(src.path))
            header = grammar.header(src.path).meta
            totals = (0, 0)
            for b in built:
                totals = self.load(grammar, src, b.table, b.job, header)
            source_id = self.record_source(data, src, header,
                                           [b.table.qualified_name for b in built])
            self.count_source(source_id, *totals)
            self.report.sources_loaded += 1
            products.source_done()
            for b in built:
                run_scripts(self.cur, b.scripts, "sourceDone", b.table, b.target,
                            sourceToken=str(src.path), feeder=Feeder())
        for b in built:
            self.finish_table(b, counted=grammar is not None and not b.scripts)
        self.report.warnings += products.finish()
        self.swap_in()

    def on_disk_makes(self, data: Data) -> list[Make]:
        """The makes whose tables live in the database (DaCHS builds the others in
        memory, for services); those are reported as skipped."""
        makes = []
        for make in data.makes:
            table, _ = make.resolve()
            if table.on_disk:
                makes.append(make)
            else:
                self.report.data_skipped.append(
                    f"{make.pos}: <make> table {table.id!r} is not onDisk (built in "
                    "memory by services); not imported")
        return makes

    def create_for(self, data: Data, make: Make, with_rows: bool) -> _Built:
        """The table of ``make``, created empty (staged unless it has scripts)."""
        table, _ = make.resolve()
        scripts = make.all_scripts
        name = table.id.lower() if scripts else table.id.lower() + STAGING_SUFFIX
        target = qualified(table.schema, name)
        kept = []
        if scripts:
            kept = self.drop_live(table, scripts)
        else:
            self.cur.execute(f"DROP TABLE IF EXISTS {target}")
        run_scripts(self.cur, scripts, "preCreation", table, target)
        partitions.create(self.cur, table, name)
        run_scripts(self.cur, scripts, "preImport", table, target)
        job = (LoadJob(target, self.rowmaker_for(data, make), role=make.role)
               if with_rows else None)
        self.report.tables.setdefault(table.qualified_name, TableReport(table.qualified_name))
        return _Built(make, table, scripts, name, target, job, kept)

    def finish_table(self, b: _Built, counted: bool) -> None:
        """Scripts, indexes and statistics of a filled table; staged ones wait for
        :meth:`swap_in`."""
        run_scripts(self.cur, b.scripts, "preIndex", b.table, b.target)
        self.find_unicode(b.table, b.name)
        self.build_indexes(b.table, b.name, "" if b.scripts else STAGING_SUFFIX)
        run_scripts(self.cur, b.scripts, "postCreation", b.table, b.target)
        rep = self.report.tables[b.table.qualified_name]
        if not counted:  # rows came (also) from scripts: count them
            self.cur.execute(f"SELECT count(*) FROM {b.target}")
            rep.rows = self.cur.fetchone()[0]
        self.nrows[b.table.qualified_name.lower()] = rep.rows
        if not b.scripts:
            self.staged.append(b.table)
        restore(self.cur, b.kept, b.target)
        self.made_tables.append(b.table)
        self.made.append((b.make, b.table))

    def drop_live(self, table: Table, scripts) -> list:
        """Drop the live table for a rebuild in place, running beforeDrop first;
        the views over it, to make again when it is complete."""
        if not self.exists(table):
            return []
        live = qualified(table.schema, table.id)
        kept = views_over(self.cur, live)
        run_scripts(self.cur, scripts, "beforeDrop", table, live)
        drop_relation(self.cur, live)
        return kept

    def after_meta(self) -> None:
        for make, table in self.made:
            run_scripts(self.cur, make.all_scripts, "afterMeta", table,
                        qualified(table.schema, table.id))

    def build_indexes(self, table: Table, on_name: str, suffix: str) -> None:
        if partitions.build_indexes(self.cur, table, on_name, suffix):
            return
        pk = ddl.primary_key_statement(table, on_name, suffix)
        if pk:
            self.cur.execute(pk[1])
        for _, sql in ddl.index_statements(table, on_name, suffix):
            self.cur.execute(sql)
        for sql in ddl.cluster_statements(table, on_name, suffix):
            self.cur.execute(sql)
        self.cur.execute(f"ANALYZE {qualified(table.schema, on_name)}")

    def swap_in(self) -> None:
        """Replace live tables by their staged versions (the only exclusive lock)."""
        staged, self.staged = self.staged, []
        for table in staged:
            if partitions.swap_in(self.cur, table, STAGING_SUFFIX):
                continue
            live = qualified(table.schema, table.id)
            kept = views_over(self.cur, live)
            drop_relation(self.cur, live)
            staging = table.id.lower() + STAGING_SUFFIX
            self.cur.execute(f"ALTER TABLE {qualified(table.schema, staging)} "
                             f"RENAME TO {q(table.id.lower())}")
            pk = ddl.primary_key_statement(table)
            if pk:
                self.cur.execute(f"ALTER TABLE {live} RENAME CONSTRAINT "
                                 f"{q(pk[0] + STAGING_SUFFIX)} TO {q(pk[0])}")
            for name, _ in ddl.index_statements(table):
                self.cur.execute(f"ALTER INDEX {q(table.schema)}."
                                 f"{q(ddl.index_name_with(name, STAGING_SUFFIX))} "
                                 f"RENAME TO {q(name)}")
            restore(self.cur, kept, live)

    def ensure_foreign_keys(self) -> None:
        """Declared foreign keys of this RD's existing tables (dropped by swaps)."""
        for table in self.rd.tables:
            if not table.on_disk or table.view_statement or not self.exists(table):
                continue  # a view's keys are metadata only
            for number, fk in enumerate(table.foreign_keys):
                # A key into another RD's table is metadata only (TAP_SCHEMA, file
                # sets): that RD's re-imports replace its tables independently.
                if fk.meta_only or "#" in fk.in_table:
                    continue
                target = self.rd.resolve_table(fk.in_table, fk)
                if target.view_statement or not self.exists(target):
                    continue
                name = ddl.foreign_key_name(table, number)
                self.cur.execute("SELECT 1 FROM pg_constraint WHERE conname = %s AND "
                                 "conrelid = to_regclass(%s)",
                                 (name, qualified(table.schema, table.id)))
                if self.cur.fetchone():
                    continue
                try:
                    self.cur.execute(ddl.foreign_key_statement(table, fk, target, name))
                except psycopg2.errors.InvalidForeignKey:
                    raise fk.error(
                        f"the key {', '.join(fk.dest or fk.source)} of {target.id} is "
                        "not unique, so rows cannot refer to it",
                        hint=f"make it {target.id}'s primary key (primary=\"...\")"
                    ) from None
                except psycopg2.errors.ForeignKeyViolation as exc:
                    detail = (exc.diag.message_detail or "").strip()
                    raise fk.error(f"a row of {table.id} refers to no row of "
                                   f"{target.id}: {detail}") from None

    # -- updating data ---------------------------------------------------------------

    def import_updating(self, data: Data, makes: list[Make]) -> None:
        grammar = self.grammar_for(data) if data.fills_rows else None
        sources = sources_of(self.cur, self.rd, data) if data.fills_rows else []
        tables = []
        changed = False  # whether rows came or went, so text columns need a new look
        for make in makes:
            table, _ = make.resolve()
            live = qualified(table.schema, table.id)
            if not self.exists(table):
                changed = True
                run_scripts(self.cur, make.all_scripts, "preCreation", table, live)
                partitions.create(self.cur, table, source_column=True)
                self.build_indexes(table, table.id.lower(), "")
                run_scripts(self.cur, make.all_scripts, "postCreation", table, live)
            else:
                self.cur.execute(
                    f"ALTER TABLE {qualified(table.schema, table.id)} ADD COLUMN IF "
                    f"NOT EXISTS {q(ddl.SOURCE_COLUMN)} integer")
            tables.append((make, table))
        products = ProductImport(self.cur, self.rd, [t for _, t in tables], True,
                                 data.grammar)
        grammar = products.wrap(grammar)
        for src in sources:
            self.cur.execute(
                "SELECT source_id, sha256 FROM dc.sources WHERE rd_id = %s AND "
                "data_id = %s AND path = %s AND superseded_by IS NULL "
                "ORDER BY source_id DESC LIMIT 1", (self.rd.rd_id, data.id or "",
                                                    src.relpath))
            known = self.cur.fetchone()
            if known and known[1] == src.sha256:
                self.report.sources_skipped += 1
                continue
            for make, table in tables:
                run_scripts(self.cur, make.all_scripts, "newSource", table,
                            qualified(table.schema, table.id),
                            sourceToken=str(src.path))
            header = grammar.header(src.path).meta
            source_id = self.record_source(data, src, header,
                                           [t.qualified_name for _, t in tables])
            totals = (0, 0)
            for make, table in tables:
                live = qualified(table.schema, table.id)
                if known:
                    self.cur.execute(f"DELETE FROM {live} WHERE "
                                     f"{q(ddl.SOURCE_COLUMN)} = %s", (known[0],))
                job = LoadJob(live, self.rowmaker_for(data, make), source_id,
                              ddl.SOURCE_COLUMN, role=make.role)
                totals = self.load(grammar, src, table, job, header)
            self.count_source(source_id, *totals)
            products.source_done()
            if known:
                self.cur.execute("UPDATE dc.sources SET superseded_by = %s "
                                 "WHERE source_id = %s", (source_id, known[0]))
            self.report.sources_loaded += 1
            changed = True
            for make, table in tables:
                run_scripts(self.cur, make.all_scripts, "sourceDone", table,
                            qualified(table.schema, table.id),
                            sourceToken=str(src.path), feeder=Feeder())
        self.report.warnings += products.finish()
        for make, table in tables:
            live = qualified(table.schema, table.id)
            if changed:
                self.find_unicode(table, table.id.lower())
            self.cur.execute(f"ANALYZE {live}")
            self.cur.execute(f"SELECT count(*) FROM {live}")
            self.nrows[table.qualified_name.lower()] = self.cur.fetchone()[0]
            self.made_tables.append(table)
            self.updated.add(table.qualified_name.lower())
            self.made.append((make, table))
