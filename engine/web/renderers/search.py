"""/search/<rd id>: one search page per resource, generated from its RD.

The resource's *main table* is the queried table of its first service with a
cone search (``//scs#coreDescs``) that has a ``form``; the page's tabs are:

* **Name or position** — a name the site's own tables know (the local
  resolver, engine/services/resolver.py) or a position (decimal or
  sexagesimal) and a radius: one object found goes straight to its explore
  page (a ``qp`` service of the RD over the main table), several to the
  cone form's result list, none back here saying so;
* **List** — names or positions, one per line, typed or uploaded (plain text,
  CSV with a name or ra/dec columns, or a VOTable): each line matched within
  the radius, the matches listed with the line they answer and links to their
  pages, the lines that matched nothing reported;
* **Parameters** — the RD's forms (each service with a ``form``);
* **ADQL** — the ADQL console with a query over the main table.

Everything runs as the caller: restricted tables and rows stay hidden.
"""

from __future__ import annotations

import csv
import io
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from twisted.web.server import NOT_DONE_YET

from engine.db.identifiers import q, qualified
from engine.db.rowsecurity import as_caller
from engine.errors import ProtocolError
from engine.services.conddescs import cone_condition
from engine.services.params import Params
from engine.services.position import parse_position
from engine.services.resolver import resolve
from engine.web import access, urls
from engine.web.renderers.qp import cell_text
from engine.web.resource import Collection, Endpoint, failure_error
from engine.web.respond import finish
from rd.elements.table import Table

MAX_LINES = 5000
DEFAULT_RADIUS = 10.0  # arcsec
MAX_RADIUS = 3600.0


@dataclass
class Resource:
    """What the page of one RD searches."""

    rd: Any
    table: Table
    cone: Any  # the BoundService with the cone form
    explore: Any | None  # a qp service over the table
    forms: list = field(default_factory=list)


def resource_of(state: Any, rd_id: str) -> Resource | None:
    rd = state.rds.get(rd_id)
    if rd is None:
        return None
    bound = [b for (r, _), b in sorted(state.services.items()) if r == rd_id]
    cone = next((b for b in bound if "form" in b.service.allowed and b.table is not None
                 and any(f.name == "hscs_pos" for f in b.fields("form"))), None)
    if cone is None or cone.table.qualified_name.lower() not in state.tables:
        return None
    explore = next((b for b in bound if "qp" in b.service.allowed
                    and b.table is cone.table
                    and b.service.property("queryField")), None)
    return Resource(rd, cone.table, cone, explore,
                    [b for b in bound if "form" in b.service.allowed])


def object_url(found: Resource, value: Any) -> str | None:
    if found.explore is None:
        return None
    return (urls.service(found.rd.rd_id, found.explore.id, "qp") + "/"
            + urllib.parse.quote(str(value), safe=""))


def read_lines(text: str) -> list[str]:
    """The names or positions of a list: a VOTable's name or ra/dec columns, a CSV's
    (by header: name, ra and dec), else each non-empty line."""
    stripped = text.lstrip()
    if stripped.startswith("<"):
        from astropy.io.votable import parse_single_table

        try:
            table = parse_single_table(io.BytesIO(stripped.encode("utf-8"))).to_table()
        except Exception as exc:  # astropy raises many kinds for bad XML
            raise ProtocolError(f"the list is not a VOTable astropy reads: {exc}",
                                param="_LIST") from None
        lowered = {n.lower(): n for n in table.colnames}
        if "ra" in lowered and "dec" in lowered:
            return [f"{r} {d}" for r, d in zip(table[lowered["ra"]], table[lowered["dec"]])]
        column = lowered.get("name") or table.colnames[0]
        return [str(v) for v in table[column]]
    lines = [line.strip() for line in text.splitlines() if line.strip()
             and not line.lstrip().startswith("#")]
    if lines and "," in lines[0]:
        header = [h.strip().lower() for h in next(csv.reader([lines[0]]))]
        if "ra" in header and "dec" in header or "name" in header:
            rows = list(csv.DictReader(io.StringIO("\n".join(lines)),
                                       fieldnames=header))[1:]
            if "ra" in header and "dec" in header:
                return [f"{r['ra']} {r['dec']}" for r in rows]
            return [r["name"] for r in rows]
    return lines


class Search(Collection):
    """/search/<rd id>: the search page of that resource."""

    def child(self, name: str, request: Any) -> Endpoint | None:
        return SearchPage(self.app, [name])


class SearchPage(Endpoint):
    isLeaf = True
    error_format = "html"

    def __init__(self, app: Any, parts: list[str]) -> None:
        super().__init__(app)
        self.parts = parts

    def _resource(self, request: Any) -> Resource:
        rd_id = "/".join([*self.parts, *(s.decode() for s in request.postpath if s)])
        found = resource_of(self.app.state, rd_id)
        if found is None:
            raise ProtocolError(f"No resource {rd_id} with a cone search form is "
                                "published here.", status=404)
        refusal = access.table_refusal(request.context, found.table)
        if refusal is not None:
            raise refusal
        return found

    def render_GET(self, request: Any) -> Any:
        found = self._resource(request)
        params = Params.from_twisted(request.args)
        if "\x00" in (params.get("_FIND") or ""):
            raise ProtocolError("A name or position holds no NUL character.",
                                param="_FIND")
        if params.get("_FIND"):
            return self._find(request, found, params)
        return self._page(request, found)

    def render_POST(self, request: Any) -> Any:
        found = self._resource(request)
        params = Params.from_twisted(request.args)
        text = params.get("_LIST") or ""
        upload = request.args.get(b"_LISTFILE", [b""])[0]
        if upload:
            text = upload.decode("utf-8", "replace")
        if not text.strip():
            raise ProtocolError("Give names or positions, one per line, or a file.",
                                param="_LIST")
        text = text.replace("\x00", "")  # no name holds one
        return self._match(request, found, read_lines(text), _radius(params))

    def _page(self, request: Any, found: Resource, **extra: Any) -> bytes:
        table = found.table
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        cone = found.cone
        fields = [f for f in cone.fields("form") if f.name not in ("hscs_pos", "hscs_sr")]
        return self.app.render_page(
            "search.html", request, title=f"Search {found.rd.meta.get('title') or ''}",
            found=found, action=request.path.decode(), fields=fields,
            cone_action=urls.service(found.rd.rd_id, cone.id, "form"),
            console=f"/tap/console?QUERY={urllib.parse.quote(_adql(table))}",
            radius=DEFAULT_RADIUS, **{"message": None, "asked": None, **extra})

    # -- one name or position ------------------------------------------------------

    def _find(self, request: Any, found: Resource, params: Params) -> Any:
        text, radius = params.get("_FIND") or "", _radius(params)
        context, app = request.context, self.app
        key = found.explore.service.property("queryField") if found.explore else None

        def run(conn) -> tuple:
            with conn.cursor() as cur:
                position = parse_position(text) or resolve(cur, app.state.name_sources, text)
                if position is None:
                    return None, []
                rows = _cone(cur, found.table, position, radius, context.groups,
                             key, limit=2)
            conn.rollback()
            return position, rows

        def done(answer: tuple) -> None:
            position, rows = answer
            if position is None or not rows:
                message = (f"{text!r} is neither a position nor a name this site knows."
                           if position is None else
                           f"Nothing within {radius:g} arcsec of {text!r}.")
                request.setResponseCode(404)
                finish(request, self._page(request, found, message=message, asked=text))
                return
            if len(rows) == 1 and key is not None:
                target = object_url(found, rows[0][0])
            else:
                target = urls.with_params(
                    urls.service(found.rd.rd_id, found.cone.id, "form"),
                    [("hscs_pos", f"{position[0]} {position[1]}"),
                     ("hscs_sr", str(radius / 60))])
            request.redirect(target.encode())
            finish(request, b"")

        def failed(failure: Any) -> None:
            finish(request, self.error(request, failure_error(failure, request)))

        app.pool.run_with_connection(run).addCallback(done).addErrback(failed)
        return NOT_DONE_YET

    # -- a list ----------------------------------------------------------------------

    def _match(self, request: Any, found: Resource, lines: list[str],
               radius: float) -> Any:
        if len(lines) > MAX_LINES:
            raise ProtocolError(f"At most {MAX_LINES} lines at a time.", param="_LIST")
        context, app = request.context, self.app
        key = found.explore.service.property("queryField") if found.explore else None
        shown = _shown_columns(found.table, key)

        def run(conn) -> list:
            answers = []
            with conn.cursor() as cur:
                for number, line in enumerate(lines, 1):
                    position = (parse_position(line)
                                or resolve(cur, app.state.name_sources, line))
                    rows = ([] if position is None else
                            _cone(cur, found.table, position, radius, context.groups,
                                  None, limit=20, columns=shown))
                    answers.append((number, line, position is not None, rows))
                    conn.rollback()
            return answers

        def done(answers: list) -> None:
            matched = [(n, line, rows) for n, line, _, rows in answers if rows]
            unmatched = [(n, line, known) for n, line, known, rows in answers if not rows]
            request.setHeader(b"content-type", b"text/html; charset=utf-8")
            key_index = ([c.name for c in shown].index(found.table.column(key).name)
                         if key else None)
            finish(request, app.render_page(
                "matches.html", request, title=f"{len(matched)} of {len(answers)} "
                "lines matched", found=found, radius=radius,
                headers=[c.tablehead or c.name for c in shown],
                matched=[(n, line, [([cell_text(v) for v in row],
                                     object_url(found, row[key_index])
                                     if key_index is not None else None)
                                    for row in rows]) for n, line, rows in matched],
                unmatched=unmatched))

        def failed(failure: Any) -> None:
            finish(request, self.error(request, failure_error(failure, request)))

        app.pool.run_with_connection(run).addCallback(done).addErrback(failed)
        return NOT_DONE_YET


def _radius(params: Params) -> float:
    return params.number("_RADIUS", DEFAULT_RADIUS, minimum=0, maximum=MAX_RADIUS)


def _adql(table: Table) -> str:
    return f"SELECT TOP 100 * FROM {table.qualified_name}"


def _shown_columns(table: Table, key: str | None) -> list:
    """The key column and the principal ones, for the list of matches."""
    keyed = [table.column(key)] if key and table.column(key) is not None else []
    simple = ("text", "unicode", "integer", "smallint", "bigint", "real",
              "double precision")
    return keyed + [c for c in table.columns if not c.hidden and c.verb_level <= 10
                    and c not in keyed and c.sql_type.base in simple][:6]


def _cone(cur, table: Table, position: tuple[float, float], radius: float, groups,
          key: str | None, *, limit: int, columns: list | None = None) -> list:
    """Rows of ``table`` within ``radius`` arcsec of ``position``, nearest first, as
    the caller may see them (the key column, or ``columns``)."""
    condition = cone_condition(table, position[0], position[1], radius / 3600)
    pos = table.position_columns()
    wanted = columns or [table.column(key) if key else table.columns[0]]
    as_caller(cur, groups)
    cur.execute(
        f"SELECT {', '.join(q(c.sql_name) for c in wanted)} FROM "
        f"{qualified(table.schema, table.id)} WHERE {condition.sql} ORDER BY "
        f"spoint(radians({q(pos.ra)}), radians({q(pos.dec)})) <-> "
        f"spoint(radians(%(_cone_ra)s), radians(%(_cone_dec)s)) LIMIT {limit}",
        condition.values)
    return cur.fetchall()
