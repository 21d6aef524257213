"""The ``siap.xml`` renderer: Simple Image Access 1.0 (POS, SIZE, INTERSECT, FORMAT, VERB).

Results are VOTables (TABLEDATA) with SIA 1.0's column UCDs and absolute
product URLs (engine/sia/sia1.py); FORMAT=METADATA answers with the input
parameters and the result columns.  Errors are VOTables whose
``INFO name="QUERY_STATUS" value="ERROR"`` holds the message, sent with HTTP
status 200 as SIA 1.0 prescribes (refusals of the server itself — 403, 503
— keep their status).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from engine import vosi
from engine.errors import ProtocolError
from engine.formats import lookup
from engine.services.conddescs import Context
from engine.services.params import Params
from engine.sia import sia1
from engine.web import streaming
from engine.web.resource import ServiceRenderer

VERBS = (0, 1, 2, 3)
SIA_TYPES = ("Cutout", "Mosaic", "Atlas", "Pointed")


def _test_query(meta: Any) -> list[etree._Element]:
    """SIA's typed testQuery (pos and size, each long/lat) from DaCHS's testQuery.*
    meta; none unless the position is given."""
    pos = [meta.get(f"testQuery.pos.{k}") for k in ("ra", "dec")]
    if not all(pos):
        return []
    query = etree.Element("testQuery")
    for tag, values in (("pos", pos),
                        ("size", [meta.get(f"testQuery.size.{k}") for k in ("ra", "dec")])):
        if all(values):
            el = etree.SubElement(query, tag)
            for name, value in zip(("long", "lat"), values, strict=True):
                etree.SubElement(el, name).text = value
    return [query]


def _sia_status(exc: BaseException) -> BaseException:
    """A parameter error as SIA 1.0 answers it: status 200."""
    if isinstance(exc, ProtocolError) and exc.status == 400:
        return ProtocolError(exc.message, param=exc.param, status=200)
    return exc


class SIAP(ServiceRenderer):
    """Simple Image Access 1.0 over a table mixing in //siap#pgs."""

    error_format = "dali"

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        params = [vosi.ParamDesc(f.name, f.description, f.unit, "", "char",
                                 f.name in sia1.STANDARD_PARAMS)
                  for f in bound.fields(sia1.RENDERER)]
        meta = bound.service.meta
        kind = meta.get("sia.type") or "Pointed"
        if kind not in SIA_TYPES:  # the registry schema allows only these
            kind = "Pointed"
        return vosi.Capability("ivo://ivoa.net/std/SIA", url + "?", use="base",
                               role="std", params=params,
                               result_type="application/x-votable+xml",
                               capability_type="sia:SimpleImageAccess",
                               extra=(("imageServiceType", kind),
                                      ("maxRecords", str(app.config.web.hard_maxrec))),
                               elements=_test_query(meta))

    def error(self, request: Any, exc: ProtocolError, title: str | None = None) -> bytes:
        return super().error(request, _sia_status(exc), title)  # type: ignore[arg-type]

    def render_GET(self, request: Any) -> Any:
        app, bound = self.app, self.bound
        params = Params.from_twisted(request.args)
        verb = params.integer("VERB", None, minimum=0)
        if verb is not None and verb not in VERBS:
            raise ProtocolError(f"VERB must be 0, 1, 2 or 3, not {verb}", param="VERB")
        missing = sia1.missing_required(bound)
        if missing:
            raise ProtocolError(f"this service does not return the columns SIA 1.0 "
                                f"requires ({', '.join(missing)}): its table should mix "
                                "in //siap#pgs", status=500)
        server_url = app.config.web.server_url
        if (params.get("FORMAT") or "").upper() == "METADATA":
            request.setHeader(b"content-type", lookup(sia1.FORMAT).content_type.encode())
            return sia1.metadata_document(bound, server_url, bound.title)
        web = app.config.web
        maxrec = min(params.integer("MAXREC", web.maxrec, minimum=0), web.hard_maxrec)

        def build(ctx: Context) -> Any:
            """The query (worker thread); parameter errors get SIA's status."""
            return sia1.build_query(bound, params, ctx, limit=maxrec, verb=verb,
                                     server_url=server_url)

        return streaming.stream_dal_query(app, request, build, sia1.FORMAT, _sia_status)

    render_POST = render_GET

