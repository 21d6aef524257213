"""The ``qp`` renderer (DaCHS's "query path"): an object's explore page.

``/<rd>/<service>/qp/<value>`` puts ``<value>`` (the rest of the path) into
the field the service's ``queryField`` property names, and looks the rows up
in its queried table (exact match on the column of that name).  One row is an
object's explore page:

* every value of its row, with unit and description;
* for each table of the site that refers to it by a foreign key (identifiers,
  measurements, files), its rows for this object — a table of files with its
  links, previews and DataLink documents, tickable for the download scripts;
* what the caller may not see is not there: tables restricted to groups the
  caller is not in are left out, and every query runs as the caller, so rows
  under embargo stay hidden.

Several rows are shown as a table, none is a 404.  ``/qp/`` itself (no value)
is the list of every object, each linking to its page — the "static result
page" CALIFA wanted — in pages of :data:`LIST_PAGE` rows.
"""

from __future__ import annotations

import datetime
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import psycopg2
from markupsafe import Markup
from twisted.web.server import NOT_DONE_YET

from engine.datalink.recipe import recipe_of
from engine.db.identifiers import q, qualified
from engine.db.rowsecurity import as_caller
from engine.errors import ProtocolError
from engine.formats import Batch, Status, lookup
from engine.formats.batch import layout
from engine.products import store
from engine.services.params import Params
from engine.web import access, urls
from engine.web.renderers.form import Form, datalink_documents
from engine.web.resource import ServiceRenderer, failure_error
from engine.web.respond import finish
from rd.elements.service import DatalinkCore
from rd.elements.table import Table
from rd.references import split_reference
from rd.tablemeta import ResultColumn

HTML = lookup("html")
RELATED_ROWS = 500  # rows shown of each related table
LIST_PAGE = 1000
MAX_OFFSET = 2**62  # of the object list: more is no page, and not a bigint
_PLAIN = ("scalar", "text", "timestamp")


@dataclass
class Related:
    """The rows of one table that refer to the object, and their HTML table."""

    table: Table
    shown: list  # (Column, ResultColumn) of what is shown
    rows: list[tuple]
    files: bool
    html: Markup = Markup("")
    spectra: list[tuple[str, str]] = field(default_factory=list)  # title, CSV URL


@dataclass
class Explored:
    title: str
    values: list[tuple[str, str, str, str]]  # label, value, unit, description
    related: list[Related] = field(default_factory=list)


def _shown(table: Table) -> list:
    """The columns of ``table`` a page shows: not hidden, writable as HTML cells."""
    found = []
    for column in table.columns:
        if column.hidden:
            continue
        result = ResultColumn.from_column(column.metadata())
        if layout(result) in _PLAIN:
            found.append((column, result))
    return found


def cell_text(value: Any) -> str:
    """A database value as a page shows it in plain text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def _name_column(table: Table, key: str):
    """The column naming an object in titles: a text identifier, else the key."""
    for column in table.columns:
        if column.name.lower() != key.lower() and column.type in ("text", "unicode") \
                and (column.ucd.startswith("meta.id") or column.name.lower() == "name"):
            return column
    return table.column(key)


def _refers_to(source: Table, fk, target: Table, state: Any) -> bool:
    rd_id, ident = split_reference(fk.in_table)
    rd = state.rds.get(rd_id) if rd_id else source.rd
    found = rd.table(ident) if rd is not None else None
    return found is target


class QP(ServiceRenderer):
    """/<rd>/<service>/qp/<value>: the rows whose queryField column is ``value``."""

    isLeaf = True
    error_format = "html"

    def render_GET(self, request: Any) -> Any:
        bound = self.bound
        key = bound.service.property("queryField")
        table = bound.table
        if not key or table is None or table.column(key) is None:
            raise ProtocolError(f"The service {bound.rd.rd_id}/{bound.id} names no "
                                "queryField column of its table (property queryField).",
                                status=404)
        if table.qualified_name.lower() not in self.app.state.imported:
            raise ProtocolError(f"The table {table.qualified_name} is not imported yet.",
                                status=404)
        rest = [urllib.parse.unquote(s.decode("utf-8", "replace"))
                for s in request.postpath if s]
        if not rest:
            return self._listing(request, table, key)
        if any("\x00" in part for part in rest):  # no value in the database has one
            raise ProtocolError(f"No row of {table.qualified_name} has such a {key}.",
                                status=404)
        return self._explore(request, table, key, "/".join(rest))

    def render_POST(self, request: Any) -> Any:
        """The download scripts and tar of the files ticked on an explore page (as
        the form renderer makes them; every matching row is a form's notion)."""
        params = Params.from_twisted(request.args)
        if not params.all("_SELECTION"):
            return self.render_GET(request)
        ticked = Params((k, v) for k, v in params.pairs() if k.upper() != "_ALLROWS")
        return Form(self.app, self.bound).answer_selection(request, ticked)

    # -- one object ------------------------------------------------------------------

    def _explore(self, request: Any, table: Table, key: str, value: str) -> Any:
        app, context = self.app, request.context
        shown = _shown(table)
        related_tables = [
            (t, fk) for t in app.state.tables.values() for fk in t.foreign_keys
            if _refers_to(t, fk, table, app.state) and access.table_refusal(context, t)
            is None]

        def run(conn) -> Any:
            column = table.column(key)
            with conn.cursor() as cur:
                as_caller(cur, context.groups)
                names = ", ".join(q(c.sql_name) for c, _ in shown)
                try:  # the value as the column's type, so its index serves
                    cur.execute(f"SELECT {names} FROM {qualified(table.schema, table.id)} "
                                f"WHERE {q(column.sql_name)} = %s::{column.sql_type.sql} "
                                "LIMIT 1001", (value,))
                except psycopg2.errors.DataError:  # not a value of that type: no row
                    conn.rollback()
                    return []
                rows = cur.fetchall()
                if len(rows) != 1:
                    conn.rollback()
                    return rows
                row = dict(zip((c.name for c, _ in shown), rows[0]))
                related = [self._related(cur, t, fk, table, row)
                           for t, fk in related_tables]
            conn.rollback()
            related = [r for r in related if r is not None]
            with conn.cursor() as cur:
                self._link_files(cur, related)
            for item in related:
                item.spectra = self._spectra(item)
            name = _name_column(table, key)
            title = cell_text(row.get(name.name)) if name is not None else value
            return Explored(title or value, [
                (c.tablehead or c.name, cell_text(row[c.name]), c.unit, c.description)
                for c, _ in shown], related)

        def done(found: Any) -> None:
            request.setHeader(b"content-type", b"text/html; charset=utf-8")
            if isinstance(found, Explored):
                finish(request, app.render_page(
                    "explore.html", request, title=found.title, explored=found,
                    request_path=request.path.decode("utf-8", "replace"),
                    table=table, listing=urls.service(self.bound.rd.rd_id, self.bound.id,
                                                      "qp") + "/"))
                return
            if not found:
                finish(request, self.error(request, ProtocolError(
                    f"No row of {table.qualified_name} has {key} = {value}.",
                    status=404)))
                return
            finish(request, app.render_page(
                "explore.html", request, title=f"{len(found)} rows", explored=None,
                table=table, several=self._table(shown, found, key)))

        def failed(failure: Any) -> None:
            finish(request, self.error(request, failure_error(failure, request)))

        app.pool.run_with_connection(run).addCallback(done).addErrback(failed)
        return NOT_DONE_YET

    def _related(self, cur, source: Table, fk, target: Table, row: dict) -> Related | None:
        dest = fk.dest or target.primary
        if not dest or len(dest) != len(fk.source):
            return None
        values = [row.get(target.column(d).name) if target.column(d) else None
                  for d in dest]
        if any(v is None for v in values):
            return None
        shown = [(c, r) for c, r in _shown(source)
                 if c.name.lower() not in {s.lower() for s in fk.source}]
        where = " AND ".join(f"{q(source.column(s).sql_name)} = %s" for s in fk.source)
        cur.execute(f"SELECT {', '.join(q(c.sql_name) for c, _ in shown)} FROM "
                    f"{qualified(source.schema, source.id)} WHERE {where} "
                    f"LIMIT {RELATED_ROWS}", values)
        rows = cur.fetchall()
        if not rows:
            return None
        files = any("type=product" in c.display_hint.split(",") for c, _ in shown)
        return Related(source, shown, rows, files)

    def _spectra(self, item: Related) -> list[tuple[str, str]]:
        """For the rows of an SSA table some SDM DataLink service serves: the URL of
        each spectrum as CSV (the page plots them), at most ten."""
        names = [c.name.lower() for c, _ in item.shown]
        if "ssa_pubdid" not in names:
            return []
        service = next((b for b in self.app.state.services.values()
                        if isinstance(b.core, DatalinkCore) and "dlget" in b.service.allowed
                        and (recipe := recipe_of(b.core)).sdm is not None
                        and recipe.sdm.table is item.table), None)
        if service is None:
            return []
        pubdid = names.index("ssa_pubdid")
        title = names.index("ssa_dstitle") if "ssa_dstitle" in names else pubdid
        url = urls.service(service.rd.rd_id, service.id, "dlget")
        return [(cell_text(row[title]), urls.with_params(url, [("ID", row[pubdid]),
                                                            ("FORMAT", "text/csv")]))
                for row in item.rows[:10] if row[pubdid]]

    def _link_files(self, cur, related: list[Related]) -> None:
        """Write each related table's HTML, with previews and DataLink links of the
        files anyone may have."""
        today = datetime.datetime.now(datetime.UTC).date()
        for item in related:
            shown, rows = item.shown, item.rows
            hints = [c.display_hint for c, _ in shown]
            product_cols = [i for i, h in enumerate(hints) if "type=product" in h.split(",")]
            accrefs = {r[i] for r in rows for i in product_cols if isinstance(r[i], str)}
            public = [p for p in store.lookup_all(cur, accrefs) if not p.embargoed(today)]
            writer = HTML.writer([r for _, r in shown], css_class="results related",
                                 hints=hints,
                                 previews={p.accref for p in public if p.has_preview},
                                 links=datalink_documents(self.app, public),
                                 pick_form="dr-selection" if item.files else None)
            columns = [r for _, r in shown]
            body = (writer.head() + writer.batch(Batch.from_rows(columns, rows))
                    + writer.tail(Status.ok()))
            item.html = Markup(body.decode("utf-8"))

    def _table(self, shown: list, rows: list, key: str) -> Markup:
        columns = [r for _, r in shown]
        writer = HTML.writer(columns, css_class="results",
                             hints=[c.display_hint for c, _ in shown])
        body = (writer.head() + writer.batch(Batch.from_rows(columns, rows))
                + writer.tail(Status.ok()))
        return Markup(body.decode("utf-8"))

    # -- every object ----------------------------------------------------------------

    def _listing(self, request: Any, table: Table, key: str) -> Any:
        app, context = self.app, request.context
        try:
            offset = max(0, int((request.args.get(b"_OFFSET") or [b"0"])[0]))
        except ValueError:
            raise ProtocolError("_OFFSET must be a whole number", param="_OFFSET") from None
        if offset > MAX_OFFSET:  # PostgreSQL's OFFSET is a bigint
            raise ProtocolError(f"_OFFSET must be at most {MAX_OFFSET}", param="_OFFSET")
        key_column = table.column(key)
        name = _name_column(table, key)
        principal = [c for c in table.columns if not c.hidden and c.verb_level <= 10
                     and c not in (key_column, name)
                     and layout(ResultColumn.from_column(c.metadata())) in _PLAIN][:4]
        columns = [c for c in (key_column, name) if c is not None] + principal
        base = urls.service(self.bound.rd.rd_id, self.bound.id, "qp")

        def run(conn) -> list:
            with conn.cursor() as cur:
                as_caller(cur, context.groups)
                cur.execute(f"SELECT {', '.join(q(c.sql_name) for c in columns)} FROM "
                            f"{qualified(table.schema, table.id)} ORDER BY "
                            f"{q(key_column.sql_name)} LIMIT {LIST_PAGE + 1} "
                            f"OFFSET {offset}")
                rows = cur.fetchall()
            conn.rollback()
            return rows

        def done(rows: list) -> None:
            more = len(rows) > LIST_PAGE
            entries = [(base + "/" + urllib.parse.quote(cell_text(r[0]), safe=""),
                        [cell_text(v) for v in r]) for r in rows[:LIST_PAGE]]
            request.setHeader(b"content-type", b"text/html; charset=utf-8")
            finish(request, app.render_page(
                "objects.html", request, title=f"Every object of {table.qualified_name}",
                table=table, headers=[c.tablehead or c.name for c in columns],
                entries=entries, first=offset + 1,
                previous=(f"{base}/?_OFFSET={max(0, offset - LIST_PAGE)}"
                          if offset else None),
                next=f"{base}/?_OFFSET={offset + LIST_PAGE}" if more else None))

        def failed(failure: Any) -> None:
            finish(request, self.error(request, failure_error(failure, request)))

        app.pool.run_with_connection(run).addCallback(done).addErrback(failed)
        return NOT_DONE_YET
