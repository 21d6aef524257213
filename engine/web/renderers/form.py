"""The ``form`` renderer: an HTML form built from the condDescs, results as a paged table.

Results pages link the same query as VOTable, CSV and JSON (the form renderer
with RESPONSEFORMAT, streamed like any other result).
"""

from __future__ import annotations

import math
from typing import Any

from twisted.web.server import NOT_DONE_YET

from engine.errors import ProtocolError
from engine.services.conddescs import Context
from engine.services.core import BoundService, QueryPlan
from engine.services.params import Params
from engine.web import streaming, urls
from engine.web.app import App
from engine.web.respond import error_headers, finish

PAGE_SIZE = 50
MAX_PAGE_SIZE = 5000
PAGING = ("MAXREC", "_OFFSET", "_SORT", "_DIR", "RESPONSEFORMAT")
RUN = "_run"  # sent by the form's button: run the query even with no field filled
FORMATS = (("VOTable", "votable"), ("CSV", "csv"), ("JSON", "json"))


def _sexagesimal(value: float, hours: bool, places: int) -> str:
    sign = "-" if value < 0 else ("+" if not hours else "")
    value = abs(value) / 15 if hours else abs(value)
    whole = int(value)
    minutes = int((value - whole) * 60)
    seconds = ((value - whole) * 60 - minutes) * 60
    if round(seconds, places) >= 60:
        seconds, minutes = 0.0, minutes + 1
    if minutes >= 60:
        minutes, whole = 0, whole + 1
    width = places + 3 if places else 2
    return f"{sign}{whole:02d} {minutes:02d} {seconds:0{width}.{places}f}"


def format_cell(value: Any, hint: str) -> str:
    """A value as the column's displayHint asks (sf=2, type=hms, type=dms)."""
    if value is None:
        return ""
    hints = dict(item.split("=", 1) for item in hint.split(",") if "=" in item)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_cell(v, "") for v in value) + "]"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        kind = hints.get("type")
        if kind in ("hms", "dms"):
            return _sexagesimal(value, kind == "hms", int(hints.get("sf", "2" if
                                                                     kind == "hms" else "1")))
        if "sf" in hints:
            return f"{value:.{int(hints['sf'])}f}"
    return str(value)


def _page_links(action: str, params: Params, offset: int, size: int, more: bool
                ) -> tuple[str | None, str | None]:
    base = [(k, v) for k, v in params.pairs() if k.upper() not in ("_OFFSET",)]
    prev = (urls.with_params(action, base + [("_OFFSET", str(max(0, offset - size)))])
            if offset > 0 else None)
    nxt = (urls.with_params(action, base + [("_OFFSET", str(offset + size))])
           if more else None)
    return prev, nxt


def _result(action: str, params: Params, plan: QueryPlan, rows: list[tuple],
            sort: str | None, descending: bool) -> dict:
    more = len(rows) > plan.limit
    rows = rows[:plan.limit]
    keep = [(k, v) for k, v in params.pairs() if k.upper() not in PAGING]
    columns = []
    for spec in plan.outputs or []:
        name = spec.column.name
        flip = not descending if sort == name else False
        columns.append({
            "label": (spec.source.tablehead if spec.source is not None
                      and spec.source.tablehead else name),
            "unit": spec.column.unit, "description": spec.column.description,
            "sorted": ("▼" if descending else "▲") if sort == name else "",
            "sort_url": urls.with_params(action, keep + [
                ("MAXREC", str(plan.limit)), ("_SORT", name),
                ("_DIR", "desc" if flip else "asc")])})
    hints = [s.display_hint for s in plan.outputs]
    for extra in plan.columns[len(plan.outputs):]:
        columns.append({"label": extra.name, "unit": extra.unit, "sorted": "",
                        "description": extra.description, "sort_url": "#"})
        hints.append("sf=5")
    prev, nxt = _page_links(action, params, plan.offset, plan.limit, more)
    first = plan.offset + 1
    summary = (f"Rows {first}–{plan.offset + len(rows)}" if rows else "No matching rows")
    return {"columns": columns, "summary": summary,
            "rows": [[format_cell(v, h) for v, h in zip(row, hints)] for row in rows],
            "previous": prev, "next": nxt,
            "formats": [(label, urls.with_params(action, keep + [("RESPONSEFORMAT", f)]))
                        for label, f in FORMATS]}


def _own(params: Params, bound: BoundService) -> Params:
    """Only the parameters this form knows: its fields and paging.  Others are never
    echoed into the page or its links (each would be copied into every link)."""
    known = ({f.name.lower() for f in bound.fields("form")}
             | {p.lower() for p in (*PAGING, RUN)})
    return Params((k, v) for k, v in params.pairs() if k.lower() in known)


def render(app: App, request: Any, bound: BoundService) -> Any:
    params = _own(Params.from_twisted(request.args), bound)
    fmt = params.get("RESPONSEFORMAT")
    if fmt and fmt.lower() not in ("html", "text/html"):
        return streaming.stream_service(app, request, bound, params, renderer="form",
                                        fmt=fmt, errors="html")
    action = urls.service(bound.rd.rd_id, bound.id, "form")
    page = {"title": bound.title, "action": action, "fields": bound.fields("form"),
            "description": bound.service.meta.get("description"),
            "values": {k: params.all(k) for k in
                       {n for n, _ in params.pairs()}}, "page_size": PAGE_SIZE,
            "error": None, "result": None}
    if not params.pairs():
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        return app.render_page("form.html", **page)

    try:
        size = params.integer("MAXREC", PAGE_SIZE, minimum=1)
        size = min(size, MAX_PAGE_SIZE)
        offset = params.integer("_OFFSET", 0)
        sort = params.get("_SORT")
        descending = (params.get("_DIR") or "asc").lower() == "desc"
    except ProtocolError as exc:
        return _answer_error(app, request, page, exc)
    page["page_size"] = size

    def run(conn) -> tuple[QueryPlan, list[tuple]]:
        with conn.cursor() as cur:
            ctx = Context(cur, app.state.name_sources)
            plan = bound.build_query(params, "form", ctx, limit=size, offset=offset,
                                     sort=sort, descending=descending)
            cur.execute("SET LOCAL statement_timeout = '60s'")
            cur.execute(plan.sql, plan.values)
            return plan, cur.fetchall()

    def done(outcome: tuple[QueryPlan, list[tuple]]) -> None:
        plan, rows = outcome
        page["result"] = _result(action, params, plan, rows, sort, descending)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        finish(request, app.render_page("form.html", **page))

    def failed(failure) -> None:
        exc = streaming.user_error(failure.value, app.config.web.sync_timeout)
        error_headers(request, exc)
        finish(request, _answer_error(app, request, page, exc))

    app.pool.run_with_connection(run).addCallbacks(done, failed)
    return NOT_DONE_YET


def _answer_error(app: App, request: Any, page: dict, exc: ProtocolError) -> bytes:
    request.setResponseCode(exc.status)
    request.setHeader(b"content-type", b"text/html; charset=utf-8")
    page["error"] = exc.message
    return app.render_page("form.html", **page)
