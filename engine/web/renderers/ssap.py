"""The ``ssap.xml`` renderer: Simple Spectral Access 1.1 queryData.

REQUEST=queryData is required (SSA 1.1 defines no other request a service must
answer; getData is left to /getproduct and DataLink).  Results are VOTables
(TABLEDATA) with the SSA utypes and absolute product URLs
(engine/ssa/ssa1.py); FORMAT=METADATA answers with the input parameters and
the result columns.  Errors are VOTables whose ``INFO name="QUERY_STATUS"
value="ERROR"`` holds the message, sent with HTTP status 200 as SSA 1.1
prescribes (refusals of the server itself — 401, 403, 503 — keep their status).
Accounts are honoured (engine/web/access.py): the router refuses a restricted
service or table to those outside its groups, and the query runs with the
caller's groups, so row-level security keeps embargoed rows from others.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from engine import vosi
from engine.errors import ProtocolError
from engine.formats import lookup
from engine.services.conddescs import Context
from engine.services.params import Params, shown
from engine.ssa import ssa1
from engine.web import streaming
from engine.web.resource import ServiceRenderer

VERBS = (1, 2, 3)
DATA_SOURCES = ("survey", "pointed", "custom", "theory", "artificial")
CREATION_TYPES = ("archival", "cutout", "filtered", "mosaic", "projection",
                  "spectralExtraction", "catalogExtraction")


def _ssa_status(exc: BaseException) -> BaseException:
    """A parameter error as SSA answers it: status 200."""
    if isinstance(exc, ProtocolError) and exc.status == 400:
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
        if (params.get("FORMAT") or "").strip().upper() == "METADATA":
            request.setHeader(b"content-type", lookup(ssa1.FORMAT).content_type.encode())
            return ssa1.metadata_document(bound, server_url, bound.title)
        wanted = params.get("REQUEST")
        if wanted is None or wanted.strip().lower() != "querydata":
            raise ProtocolError("REQUEST must be queryData" + (
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
