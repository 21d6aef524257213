"""The ``form`` renderer: an HTML form built from the condDescs, results as a paged table.

The results table is written by the HTML table writer every RESPONSEFORMAT=html
answer uses, with sort links in the headers.  Product columns link
their files and show the previews anyone may see, and link the DataLink
document of products with a datalink service.  Results pages link the same
query in the formats the registry labels for forms (the form renderer with
RESPONSEFORMAT, streamed like any other result).

Rows with a product have a tick box; the page's selection form posts the
ticked accrefs (``_ACCREF``) — or, with ``_ALLROWS``, the query itself, every
matching row's — with ``_SELECTION`` wget, curl or tar, answered by
engine/web/selection.py with a download script or a tar of the files the
caller may have; or with ``RESPONSEFORMAT`` and ``_TICKED``, the ticked rows
themselves as VOTable, CSV or JSON.
"""

from __future__ import annotations

import datetime
from typing import Any

from markupsafe import Markup
from twisted.web.server import NOT_DONE_YET

from engine import vosi
from engine.datalink.links import pubdid
from engine.db.rowsecurity import as_caller
from engine.errors import ProtocolError
from engine.formats import Batch, Status, lookup
from engine.formats.htmltable import Header
from engine.formats.registry import form_formats
from engine.products import store
from engine.products.store import Product
from engine.services.conddescs import Context
from engine.services.core import BoundService, QueryPlan
from engine.services.params import Params
from engine.web import queryerrors, selection, streaming, urls
from engine.web.app import App
from engine.web.resource import ServiceRenderer
from engine.web.respond import error_headers, finish
from rd.accrefs import makeProductLink

PAGE_SIZE = 50
MAX_PAGE_SIZE = 5000
PAGING = ("MAXREC", "_OFFSET", "_SORT", "_DIR", "RESPONSEFORMAT")
RUN = "_run"  # sent by the form's button: run the query even with no field filled
# The selection form's: which download, the ticked rows' accrefs, or every row.
PICKING = ("_SELECTION", "_ACCREF", "_ALLROWS", "_TICKED")
HTML = lookup("html")


def _page_links(action: str, params: Params, offset: int, size: int, more: bool
                ) -> tuple[str | None, str | None]:
    base = [(k, v) for k, v in params.pairs() if k.upper() not in ("_OFFSET",)]
    prev = (urls.with_params(action, base + [("_OFFSET", str(max(0, offset - size)))])
            if offset > 0 else None)
    nxt = (urls.with_params(action, base + [("_OFFSET", str(offset + size))])
           if more else None)
    return prev, nxt


def _headers(action: str, keep: list[tuple[str, str]], plan: QueryPlan,
             sort: str | None, descending: bool) -> list[Header]:
    """Column headers linking to the results sorted by that column."""
    headers = []
    for spec in plan.outputs or []:
        name = spec.column.name
        flip = not descending if sort == name else False
        headers.append(Header(
            spec.source.tablehead if spec.source is not None and spec.source.tablehead
            else name,
            urls.with_params(action, keep + [("MAXREC", str(plan.limit)), ("_SORT", name),
                                             ("_DIR", "desc" if flip else "asc")]),
            ("▼" if descending else "▲") if sort == name else ""))
    return headers + [Header(c.name) for c in plan.columns[len(plan.outputs):]]


def _accrefs(plan: QueryPlan, rows: list[tuple]) -> list[str]:
    """The accrefs in the product columns of ``rows``, in order."""
    hints = streaming.display_hints(plan)
    where = [n for n, hint in enumerate(hints) if "type=product" in hint.split(",")]
    return [row[n] for row in rows for n in where if isinstance(row[n], str)]


def _public_products(cur, plan: QueryPlan, rows: list[tuple]) -> list[Product]:
    """The products named in the product columns of ``rows`` that anyone may have
    (not embargoed), in one query (worker thread)."""
    accrefs = set(_accrefs(plan, rows))
    today = datetime.datetime.now(datetime.UTC).date()
    return [p for p in store.lookup_all(cur, accrefs) if not p.embargoed(today)]


def datalink_documents(app: App, products: list[Product]) -> dict[str, str]:
    """The URL of the DataLink document of each product whose datalink service this
    site serves, by accref."""
    found = {}
    for product in products:
        rd_id, _, service_id = (product.datalink or "").rpartition("#")
        bound = app.state.service(rd_id, service_id) if rd_id else None
        if bound is not None and "dlmeta" in bound.service.allowed:
            found[product.accref] = urls.with_params(
                urls.service(rd_id, service_id, "dlmeta"),
                [("ID", pubdid(product.accref, app.config.ivoa.authority))])
    return found


def _table(action: str, params: Params, plan: QueryPlan, rows: list[tuple],
           sort: str | None, descending: bool, previews: set[str],
           links: dict[str, str]) -> dict:
    """The results part of the page; the table from the HTML table writer (worker
    thread)."""
    more = len(rows) > plan.limit
    rows = rows[:plan.limit]
    keep = [(k, v) for k, v in params.pairs() if k.upper() not in PAGING]
    writer = HTML.writer(plan.columns, css_class="results",
                         headers=_headers(action, keep, plan, sort, descending),
                         hints=streaming.display_hints(plan), previews=previews,
                         links=links, pick_form="dr-selection")
    table = (writer.head() + writer.batch(Batch.from_rows(plan.columns, rows))
             + writer.tail(Status.ok()))
    prev, nxt = _page_links(action, params, plan.offset, plan.limit, more)
    first = plan.offset + 1
    summary = (f"Rows {first}–{plan.offset + len(rows)}" if rows else "No matching rows")
    return {"table": Markup(table.decode("utf-8")), "summary": summary,
            "previous": prev, "next": nxt, "query": keep,
            "votable": urls.with_params(action, keep + [("RESPONSEFORMAT", "votable")]),
            "files": bool(_accrefs(plan, rows)),
            "formats": [(f.form_label, urls.with_params(action, keep + [
                ("RESPONSEFORMAT", f.name)])) for f in form_formats()]}


def _own(params: Params, bound: BoundService) -> Params:
    """Only the parameters this form knows: its fields and paging.  Others are never
    echoed into the page or its links (each would be copied into every link)."""
    known = ({f.name.lower() for f in bound.fields("form")}
             | {p.lower() for p in (*PAGING, RUN, *PICKING)})
    return Params((k, v) for k, v in params.pairs() if k.lower() in known)


class Form(ServiceRenderer):
    error_format = "html"

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        return vosi.Capability(None, url, interface="vr:WebBrowser")

    def render_GET(self, request: Any) -> Any:
        app, bound = self.app, self.bound
        params = _own(Params.from_twisted(request.args), bound)
        if params.all("_SELECTION"):
            return self.answer_selection(request, params)
        fmt = params.get("RESPONSEFORMAT")
        if fmt and fmt.lower() not in ("html", "text/html"):
            products: list[str] = []
            if params.get("_TICKED") and not params.get("_ALLROWS"):
                # the ticked rows only (an accref never holds a NUL)
                products = [a for a in params.all("_ACCREF") if "\x00" not in a]
                if not products:
                    raise ProtocolError("No rows are ticked: tick the rows you want, or "
                                        "ask for every matching row.", param="_ACCREF")
            return streaming.stream_service(app, request, bound, params, renderer="form",
                                            fmt=fmt, errors="html", products=products)
        action = urls.service(bound.rd.rd_id, bound.id, "form")
        page = {"title": bound.title, "action": action, "fields": bound.fields("form"),
                "description": bound.service.meta.get("description"),
                "values": {k: params.all(k) for k in {n for n, _ in params.pairs()}},
                "page_size": PAGE_SIZE, "error": None, "result": None}
        if not params.pairs():
            request.setHeader(b"content-type", b"text/html; charset=utf-8")
            return app.render_page("form.html", request, **page)

        try:
            size = min(params.integer("MAXREC", PAGE_SIZE, minimum=1), MAX_PAGE_SIZE)
            offset = params.integer("_OFFSET", 0)
            sort = params.get("_SORT")
            descending = (params.get("_DIR") or "asc").lower() == "desc"
        except ProtocolError as exc:
            return _answer_error(app, request, page, exc)
        page["page_size"] = size

        groups = request.context.groups

        def run(conn) -> dict:
            """The query and the results table (worker thread)."""
            with conn.cursor() as cur:
                ctx = Context(cur, app.state.name_sources)
                plan = bound.build_query(params, "form", ctx, limit=size, offset=offset,
                                         sort=sort, descending=descending)
                cur.execute("SET LOCAL statement_timeout = '60s'")
                as_caller(cur, groups)  # the rows the caller may see (rowsecurity)
                cur.execute(plan.sql, plan.values)
                rows = cur.fetchall()
            conn.rollback()  # back to DR's own role, for the products
            with conn.cursor() as cur:
                public = _public_products(cur, plan, rows[:size])
            previews = {p.accref for p in public if p.has_preview}
            links = datalink_documents(app, public)
            return _table(action, params, plan, rows, sort, descending, previews, links)

        def done(result: dict) -> None:
            page["result"] = result
            request.setHeader(b"content-type", b"text/html; charset=utf-8")
            finish(request, app.render_page("form.html", request, **page))

        def failed(failure) -> None:
            exc = queryerrors.user_error(failure.value, app.config.web.sync_timeout)
            error_headers(request, exc)
            finish(request, _answer_error(app, request, page, exc))

        # Only reads: the read replica's, if any (engine/web/readpool.py).
        app.reads().run_with_connection(run).addCallback(done).addErrback(failed)
        return NOT_DONE_YET

    render_POST = render_GET

    def answer_selection(self, request: Any, params: Params) -> Any:
        """The files of the ticked rows (or of every matching row) as a download
        script or a tar (engine/web/selection.py)."""
        app, bound, context = self.app, self.bound, request.context
        kind = (params.get("_SELECTION") or "").lower()
        if kind not in selection.KINDS:
            raise ProtocolError(f"_SELECTION must be one of {', '.join(selection.KINDS)}",
                                param="_SELECTION")
        every_row = bool(params.get("_ALLROWS"))
        asked = [] if every_row else [a for a in params.all("_ACCREF") if "\x00" not in a]
        if not every_row and not asked:
            raise ProtocolError("No rows are ticked: tick the rows whose files you want, "
                                "or ask for every matching row.", param="_ACCREF")
        if len(asked) > selection.MAX_FILES:
            raise ProtocolError(f"At most {selection.MAX_FILES} files at a time.",
                                param="_ACCREF")

        def run(conn) -> tuple:
            """The accrefs, the products and, for a tar, its members (worker thread)."""
            wanted = list(asked)
            if every_row:
                with conn.cursor() as cur:
                    ctx = Context(cur, app.state.name_sources)
                    plan = bound.build_query(params, "form", ctx,
                                             limit=selection.MAX_FILES)
                    cur.execute("SET LOCAL statement_timeout = '60s'")
                    as_caller(cur, context.groups)
                    cur.execute(plan.sql, plan.values)
                    rows = cur.fetchall()
                conn.rollback()
                if len(rows) > selection.MAX_FILES:
                    raise ProtocolError(f"More than {selection.MAX_FILES} rows match: "
                                        "narrow the query.", param="_ALLROWS")
                wanted = _accrefs(plan, rows)
            with conn.cursor() as cur:
                found = store.lookup_all(cur, set(wanted))
            today = datetime.datetime.now(datetime.UTC).date()
            chosen = selection.choose(context, app.state.tables, wanted, found, today)
            if kind != "tar":
                return chosen, None
            return chosen, selection.tar_members(chosen, app.config.inputs_dir)

        def done(result: tuple) -> None:
            chosen, tar = result
            if not chosen.products:
                raise ProtocolError("None of these rows has a file you may have.",
                                    status=404)
            if tar is None:
                body = selection.script(kind, chosen, makeProductLink, context.user)
                request.setHeader(b"content-type", b"text/x-sh; charset=utf-8")
                request.setHeader(b"content-disposition",
                                  f'attachment; filename="dr-{kind}.sh"'.encode())
                request.setHeader(b"content-length", str(len(body)).encode())
                finish(request, body)
                return
            members, missing = tar
            request.setHeader(b"content-type", b"application/x-tar")
            request.setHeader(b"content-disposition",
                              b'attachment; filename="dr-files.tar"')
            request.setHeader(b"x-dr-files-left-out",
                              str(chosen.left_out + missing).encode())
            selection.stream_tar(request, members, reactor=app.pool.reactor,
                                 write_timeout=app.config.web.write_timeout)

        def failed(failure) -> None:
            exc = queryerrors.user_error(failure.value, app.config.web.sync_timeout)
            error_headers(request, exc)
            request.setResponseCode(exc.status)
            request.setHeader(b"content-type", b"text/plain; charset=utf-8")
            finish(request, (exc.message + "\n").encode("utf-8"))

        d = app.reads().run_with_connection(run)
        d.addCallback(done)
        d.addErrback(failed)
        return NOT_DONE_YET


def _answer_error(app: App, request: Any, page: dict, exc: ProtocolError) -> bytes:
    request.setResponseCode(exc.status)
    request.setHeader(b"content-type", b"text/html; charset=utf-8")
    page["error"] = exc.message
    return app.render_page("form.html", request, **page)
