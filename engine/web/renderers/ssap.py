"""The ``ssap.xml`` renderer: Simple Spectral Access 1.1 queryData and getData.

REQUEST=queryData searches: results are VOTables (TABLEDATA) with the SSA
utypes and absolute product URLs (engine/ssa/ssa1.py); FORMAT=METADATA
answers with the input parameters and the result columns.
REQUEST=getData&PUBDID=... delivers one spectrum as the Spectral Data Model
has it — an SDM VOTable by default, FITS or CSV with FORMAT, cut with BAND,
normalised with FLUXCALIB=RELATIVE, the file itself with FORMAT=native — as
the SDM datalink service of the same RD (or, without one, DR's reading of
the file) delivers it (engine/datalink/getdata.py).  Errors are VOTables whose
``INFO name="QUERY_STATUS" value="ERROR"`` holds the message, sent with HTTP
status 200 as SSA 1.1 prescribes — an unknown PUBDID and a BAND that keeps
no sample included (refusals of the server itself — 401, 403, 503 — keep
their status).  Accounts are honoured (engine/web/access.py): the router
refuses a restricted service or table to those outside its groups; queryData
runs with the caller's groups, so row-level security keeps embargoed rows
from others, and getData looks the PUBDID up the same way, so such a row's
PUBDID is as unknown to it as any other; a spectrum found is delivered only
if the caller may have its file (as /getproduct says) and use the datalink
service that lends its recipe (its ``limitTo``).
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from twisted.web.server import NOT_DONE_YET

from engine import vosi
from engine.datalink import getdata
from engine.errors import ProtocolError
from engine.formats import lookup
from engine.products.store import Product
from engine.services.conddescs import Context
from engine.services.params import Params, shown
from engine.ssa import ssa1
from engine.web import access, streaming
from engine.web.renderers.datalink import product_refusal, where_for
from engine.web.resource import ServiceRenderer, failure_error
from engine.web.respond import client_gone, finish

VERBS = (1, 2, 3)
DATA_SOURCES = ("survey", "pointed", "custom", "theory", "artificial")
CREATION_TYPES = ("archival", "cutout", "filtered", "mosaic", "projection",
                  "spectralExtraction", "catalogExtraction")


# A client's errors: a bad parameter, an unknown PUBDID, a spectrum that cannot
# be made as asked.
CLIENT_ERRORS = (400, 404, 422)


def _ssa_status(exc: BaseException) -> BaseException:
    """A client's error as SSA answers it: status 200."""
    if isinstance(exc, ProtocolError) and exc.status in CLIENT_ERRORS:
        return ProtocolError(exc.message, param=exc.param, status=200)
    return exc


def _choice(meta: Any, key: str, allowed: tuple[str, ...], default: str) -> str:
    value = meta.get(key) or default
    return value if value in allowed else default


class SSAP(ServiceRenderer):
    """Simple Spectral Access 1.1 over a table mixing in //ssap#hcd."""

    error_format = "dali"

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        params = [vosi.ParamDesc(f.name, f.description, f.unit, std=True)
                  for f in bound.fields(ssa1.RENDERER)]
        meta = bound.service.meta
        test = etree.Element("testQuery")
        etree.SubElement(test, "queryDataCmd").text = (
            meta.get("ssap.testQuery") or "REQUEST=queryData&MAXREC=1")
        web = app.config.web
        return vosi.Capability(
            ssa1.STANDARD_ID, url + "?", use="base", role="std", params=params,
            result_type="application/x-votable+xml",
            capability_type="ssa:SimpleSpectralAccess",
            extra=(("complianceLevel", _choice(meta, "ssap.complianceLevel",
                                               ("query", "minimal", "full"), "query")),
                   ("dataSource", _choice(meta, "ssap.dataSource", DATA_SOURCES,
                                          "pointed")),
                   ("creationType", _choice(meta, "ssap.creationType", CREATION_TYPES,
                                            "archival")),
                   ("supportedFrame", "ICRS"), ("maxSearchRadius", "90"),
                   ("maxRecords", str(web.hard_maxrec)),
                   ("defaultMaxRecords", str(min(web.maxrec, web.hard_maxrec)))),
            elements=[test])

    def error(self, request: Any, exc: ProtocolError, title: str | None = None) -> bytes:
        return super().error(request, _ssa_status(exc), title)  # type: ignore[arg-type]

    def render_GET(self, request: Any) -> Any:
        app, bound = self.app, self.bound
        params = Params.from_twisted(request.args)
        server_url = app.config.web.server_url
        wanted = params.get("REQUEST")
        if wanted is not None and wanted.strip().lower() == "getdata":
            return self._get_data(request, params)
        if (params.get("FORMAT") or "").strip().upper() == "METADATA":
            request.setHeader(b"content-type", lookup(ssa1.FORMAT).content_type.encode())
            return ssa1.metadata_document(bound, server_url, bound.title)
        if wanted is None or wanted.strip().lower() != "querydata":
            raise ProtocolError("REQUEST must be queryData or getData" + (
                f", not {shown(wanted)}" if wanted else " (it is missing)"),
                param="REQUEST", status=200)
        verb = params.integer("VERB", None, minimum=1)
        if verb is not None and verb not in VERBS:
            raise ProtocolError(f"VERB must be 1, 2 or 3, not {verb}", param="VERB",
                                status=200)
        web = app.config.web
        try:
            maxrec = min(params.integer("MAXREC", web.maxrec, minimum=0), web.hard_maxrec)
        except ProtocolError as exc:
            raise _ssa_status(exc) from None

        def build(ctx: Context) -> Any:
            """The query (worker thread); parameter errors get SSA's status."""
            return ssa1.build_query(bound, params, ctx, limit=maxrec, verb=verb,
                                     server_url=server_url)

        return streaming.stream_dal_query(app, request, build, ssa1.FORMAT, _ssa_status)

    render_POST = render_GET

    def _get_data(self, request: Any, params: Params) -> Any:
        """getData (reactor thread): the spectrum PUBDID names, found and made in a
        worker thread (engine/datalink/getdata.py)."""
        app, bound = self.app, self.bound
        state, context = app.state, request.context  # one state for the request
        table = getdata.check_table(bound.table)
        rds = dict.fromkeys((bound.rd, table.rd))
        dl_bound, recipe = getdata.sdm_service(
            table, (state.service(rd.rd_id, s.id) for rd in rds for s in rd.services))
        wanted = getdata.parse(params, recipe)
        if dl_bound is not None:
            refusal = access.service_refusal(context, state, dl_bound)
            if refusal is not None:
                raise refusal
        where = where_for(app, state, context, dl_bound)
        groups = context.groups

        def refused(product: Product) -> ProtocolError | None:
            """(worker thread: reads the site's state, as loaded for this request)"""
            return product_refusal(state, context, product,
                                   f"The spectrum {wanted.pubdid}")

        def work(conn) -> tuple[str, Any]:
            """(worker thread)"""
            return getdata.deliver(conn, wanted, recipe, groups, refused, where)

        d = app.pool.run_with_connection(work)
        d.addCallbacks(self._send, self._failed, callbackArgs=(request,),
                       errbackArgs=(request,))
        return NOT_DONE_YET

    def _send(self, answer: tuple[str, Any], request: Any) -> None:
        """(reactor thread)"""
        if client_gone(request) or request.finished:
            return
        kind, value = answer
        if kind == "redirect":
            request.redirect(value.encode("utf-8"))
            request.setHeader(b"content-length", b"0")
            request.finish()
            return
        body, mime = value
        request.setHeader(b"content-type", mime.encode())
        finish(request, body)

    def _failed(self, failure: Any, request: Any) -> None:
        """(reactor thread)"""
        if client_gone(request) or request.finished:
            return
        finish(request, self.error(request, failure_error(failure, request)))
