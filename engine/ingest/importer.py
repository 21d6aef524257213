"""``dr imp``: one RD's data imported in one transaction, with provenance.

Tables of ordinary data elements are built beside the live ones (``<t>__dr_new``),
loaded, indexed and analysed, and swapped in at the very end, so readers keep
the old data until the commit and wait only for the swap.  Data elements with
``updating="True"`` append the rows of new sources to the live table and
replace the rows of sources whose checksum changed (rows carry their source's
id in a hidden column).  Any error rolls everything back.
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

from engine.db import metadata
from engine.db.system import install_system_schema
from engine.ingest import ddl
from engine.ingest.load import LoadJob, load_source
from engine.ingest.progress import Progress
from engine.ingest.sources import SourceFile, describe_source
from engine.ingest.textscan import non_ascii_columns
from grammars import make_grammar
from rd.elements.data import Data, Make
from rd.elements.resource import Resource
from rd.elements.table import Table
from rd.errors import DRError, RDError
from rd.loader import compiled_rowmaker
from rd.rowcode import compile_rowmaker

STAGING_SUFFIX = "__dr_new"


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


def _dr_version() -> str:
    try:
        return pkg_metadata.version("dr")
    except pkg_metadata.PackageNotFoundError:
        return "unknown"


def select_data(rd: Resource, data_ids: Sequence[str]) -> list[Data]:
    if not data_ids:
        return [d for d in rd.data if d.auto and d.makes]
    chosen = []
    for ident in data_ids:
        data = rd.data_by_id(ident)
        if data is None:
            known = ", ".join(d.id or "?" for d in rd.data) or "none"
            raise DRError(f"{rd.rd_id} has no data element {ident!r} (it has: {known})")
        chosen.append(data)
    return chosen


def import_rd(conn, rd: Resource, data_ids: Sequence[str] = (),
              progress: Progress | None = None) -> ImportReport:
    """Import the chosen (default: auto) data elements of ``rd``; commit or roll back."""
    progress = progress or Progress(enabled=False)
    install_system_schema(conn)
    datas = select_data(rd, data_ids)
    started = datetime.datetime.now(datetime.UTC)
    report = ImportReport()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)",
                        (zlib.crc32(rd.rd_id.encode()),))
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {ddl.q(rd.schema)}")
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
            run.swap_in()
            run.ensure_foreign_keys()
            metadata.publish(cur, rd, run.made_tables, run.source_meta, run.nrows,
                             report.import_id, run.unicode_columns)
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return report


class _ImportRun:
    """The state of one import transaction."""

    def __init__(self, cur, rd: Resource, report: ImportReport, progress: Progress):
        self.cur, self.rd, self.report, self.progress = cur, rd, report, progress
        self.made_tables: list[Table] = []
        self.staged: list[Table] = []
        self.source_meta: dict[str, dict[str, str]] = {}
        self.nrows: dict[str, int] = {}
        self.unicode_columns: dict[str, list[str]] = {}

    # -- helpers -------------------------------------------------------------

    def exists(self, table: Table, name: str | None = None) -> bool:
        self.cur.execute("SELECT to_regclass(%s)", (ddl.qualified(table.schema,
                                                                   name or table.id),))
        return self.cur.fetchone()[0] is not None

    def grammar_for(self, data: Data):
        if data.grammar is None:
            raise RDError("has no grammar DR implements, so it cannot be imported",
                          path=data.pos.path, line=data.pos.line, element="data")
        try:
            return make_grammar(data.grammar.tag, data.grammar.params())
        except DRError as exc:
            raise RDError(exc.message, path=data.grammar.pos.path,
                          line=data.grammar.pos.line, element=data.grammar.tag) from None

    def sources_of(self, data: Data) -> list[SourceFile]:
        if data.sources is None:
            raise RDError("has no sources to import", path=data.pos.path,
                          line=data.pos.line, element="data")
        resdir = self.rd.resdir_path
        paths = data.sources.resolve(resdir)
        if not paths:
            raise RDError(f"sources {', '.join(data.sources.patterns())} match no file "
                          f"in {resdir}", path=data.sources.pos.path,
                          line=data.sources.pos.line, element="sources")
        return [describe_source(p, resdir) for p in paths]

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
        result = load_source(self.cur, grammar, src.path, str(src.path), job, self.progress)
        self.progress.end()
        rep = self.report.tables.setdefault(table.qualified_name,
                                            TableReport(table.qualified_name))
        rep.rows += result.rows_in - result.rows_rejected
        rep.rejected += result.rows_rejected
        if header:
            self.source_meta[table.qualified_name.lower()] = header
        return result.rows_in, result.rows_rejected

    def find_unicode(self, table: Table, on_name: str) -> None:
        """Record which text columns of the loaded table hold non-ASCII (one scan)."""
        self.unicode_columns[table.qualified_name.lower()] = non_ascii_columns(
            self.cur, table, ddl.qualified(table.schema, on_name))

    def count_source(self, source_id: int, rows_in: int, rejected: int) -> None:
        self.cur.execute("UPDATE dc.sources SET rows_in = %s, rows_rejected = %s "
                         "WHERE source_id = %s", (rows_in, rejected, source_id))

    # -- ordinary data: staging tables -------------------------------------------

    def import_data(self, data: Data) -> None:
        if data.updating:
            self.import_updating(data)
            return
        grammar = self.grammar_for(data)
        sources = self.sources_of(data)
        jobs = []
        for make in data.makes:
            table, _ = make.resolve()
            staging = table.id.lower() + STAGING_SUFFIX
            self.cur.execute(f"DROP TABLE IF EXISTS {ddl.qualified(table.schema, staging)}")
            self.cur.execute(ddl.create_table(table, staging))
            self.run_scripts(make, "postCreation", staging)
            jobs.append((make, table, LoadJob(ddl.qualified(table.schema, staging),
                                              self.rowmaker_for(data, make))))
        for src in sources:
            header = grammar.header(src.path).meta
            totals = (0, 0)
            for _make, table, job in jobs:
                totals = self.load(grammar, src, table, job, header)
            source_id = self.record_source(data, src, header,
                                           [t.qualified_name for _, t, _ in jobs])
            self.count_source(source_id, *totals)
            self.report.sources_loaded += 1
        for make, table, _ in jobs:
            staging = table.id.lower() + STAGING_SUFFIX
            self.run_scripts(make, "preIndex", staging)
            self.find_unicode(table, staging)
            self.build_indexes(table, staging, STAGING_SUFFIX)
            self.staged.append(table)
            self.nrows[table.qualified_name.lower()] = \
                self.report.tables[table.qualified_name].rows
            self.made_tables.append(table)

    def build_indexes(self, table: Table, on_name: str, suffix: str) -> None:
        pk = ddl.primary_key_statement(table, on_name, suffix)
        if pk:
            self.cur.execute(pk[1])
        for _, sql in ddl.index_statements(table, on_name, suffix):
            self.cur.execute(sql)
        for sql in ddl.cluster_statements(table, on_name, suffix):
            self.cur.execute(sql)
        self.cur.execute(f"ANALYZE {ddl.qualified(table.schema, on_name)}")

    def run_scripts(self, make: Make, kind: str, on_name: str) -> None:
        for script in make.scripts:
            if script.type != kind:
                continue
            if script.lang == "python":
                raise RDError("python scripts are not implemented by DR yet",
                              path=script.pos.path, line=script.pos.line, element="script")
            sql = (script.content or "").replace("\\curtable",
                                                  ddl.qualified(make.rd.schema, on_name))
            if script.lang == "AC_SQL":
                self.cur.execute("SAVEPOINT dr_script")
                try:
                    self.cur.execute(sql)
                except Exception:
                    self.cur.execute("ROLLBACK TO SAVEPOINT dr_script")
                self.cur.execute("RELEASE SAVEPOINT dr_script")
            else:
                self.cur.execute(sql)

    def swap_in(self) -> None:
        """Replace live tables by their staged versions (the only exclusive lock)."""
        for table in self.staged:
            live = ddl.qualified(table.schema, table.id)
            if self.exists(table):
                self.cur.execute(f"DROP TABLE {live} CASCADE")
            staging = table.id.lower() + STAGING_SUFFIX
            self.cur.execute(f"ALTER TABLE {ddl.qualified(table.schema, staging)} "
                             f"RENAME TO {ddl.q(table.id.lower())}")
            pk = ddl.primary_key_statement(table)
            if pk:
                self.cur.execute(f"ALTER TABLE {live} RENAME CONSTRAINT "
                                 f"{ddl.q(pk[0] + STAGING_SUFFIX)} TO {ddl.q(pk[0])}")
            for name, _ in ddl.index_statements(table):
                self.cur.execute(f"ALTER INDEX {ddl.q(table.schema)}."
                                 f"{ddl.q(ddl.index_name_with(name, STAGING_SUFFIX))} "
                                 f"RENAME TO {ddl.q(name)}")

    def ensure_foreign_keys(self) -> None:
        """Declared foreign keys of this RD's existing tables (dropped by swaps)."""
        for table in self.rd.tables:
            if not table.on_disk or not self.exists(table):
                continue
            for number, fk in enumerate(table.foreign_keys):
                if fk.meta_only:
                    continue
                target = self.rd.resolve_table(fk.in_table, fk)
                if not self.exists(target):
                    continue
                name = ddl.foreign_key_name(table, number)
                self.cur.execute("SELECT 1 FROM pg_constraint WHERE conname = %s AND "
                                 "conrelid = to_regclass(%s)",
                                 (name, ddl.qualified(table.schema, table.id)))
                if self.cur.fetchone():
                    continue
                self.cur.execute(ddl.foreign_key_statement(table, fk, target, name))

    # -- updating data ---------------------------------------------------------------

    def import_updating(self, data: Data) -> None:
        grammar = self.grammar_for(data)
        sources = self.sources_of(data)
        tables = []
        changed = False  # whether rows came or went, so text columns need a new look
        for make in data.makes:
            table, _ = make.resolve()
            if not self.exists(table):
                changed = True
                self.cur.execute(ddl.create_table(table, source_column=True))
                self.run_scripts(make, "postCreation", table.id.lower())
                self.build_indexes(table, table.id.lower(), "")
            else:
                self.cur.execute(
                    f"ALTER TABLE {ddl.qualified(table.schema, table.id)} ADD COLUMN IF "
                    f"NOT EXISTS {ddl.q(ddl.SOURCE_COLUMN)} integer")
            tables.append((make, table))
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
            header = grammar.header(src.path).meta
            source_id = self.record_source(data, src, header,
                                           [t.qualified_name for _, t in tables])
            totals = (0, 0)
            for make, table in tables:
                live = ddl.qualified(table.schema, table.id)
                if known:
                    self.cur.execute(f"DELETE FROM {live} WHERE "
                                     f"{ddl.q(ddl.SOURCE_COLUMN)} = %s", (known[0],))
                job = LoadJob(live, self.rowmaker_for(data, make), source_id,
                              ddl.SOURCE_COLUMN)
                totals = self.load(grammar, src, table, job, header)
            self.count_source(source_id, *totals)
            if known:
                self.cur.execute("UPDATE dc.sources SET superseded_by = %s "
                                 "WHERE source_id = %s", (source_id, known[0]))
            self.report.sources_loaded += 1
            changed = True
        for _, table in tables:
            live = ddl.qualified(table.schema, table.id)
            if changed:
                self.find_unicode(table, table.id.lower())
            self.cur.execute(f"ANALYZE {live}")
            self.cur.execute(f"SELECT count(*) FROM {live}")
            self.nrows[table.qualified_name.lower()] = self.cur.fetchone()[0]
            self.made_tables.append(table)
