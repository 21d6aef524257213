"""/provenance: the W3C PROV document of an entity or activity of the site
(engine/provenance/document.py).

``ID`` is a provenance id (``dr:table_califa.main``, ``dr:source_12``,
``dr:import_3``), a product's accref or its publisher DID; ``RESPONSEFORMAT``
``json`` (PROV-JSON, the default; also ``application/json``) or ``xml``
(PROV-XML; also ``application/xml``, ``text/xml``); ``DEPTH`` the steps of
relations followed (1 to 5, default 2).  The graph is read as the caller,
through the provenance views, so what they may not see of the data is not in
it; an ID they may not see is unknown to them (404), word for word as one
that does not exist.  Parameter errors are 400s in plain text.
"""

from __future__ import annotations

from typing import Any

from engine.db.rowsecurity import as_caller
from engine.errors import ProtocolError
from engine.provenance.document import (
    MAX_DEPTH,
    UnknownEntity,
    graph,
    prov_json,
    prov_xml,
    resolve,
)
from engine.services.params import Params
from engine.web.resource import Endpoint, answer_from_pool

FORMATS = {"json": ("application/json", prov_json),
           "application/json": ("application/json", prov_json),
           "xml": ("application/xml", prov_xml),
           "application/xml": ("application/xml", prov_xml),
           "text/xml": ("application/xml", prov_xml)}


class ProvenanceDocument(Endpoint):
    """/provenance?ID=...: the PROV document around one entity or activity."""

    error_format = "text"

    def render_GET(self, request: Any) -> Any:
        params = Params.from_twisted(request.args)
        ident = params.get("ID")
        if ident is None:
            raise ProtocolError("ID is required: a provenance id (dr:table_...), an "
                                "accref or a publisher DID", param="ID")
        wanted = (params.get("RESPONSEFORMAT") or "json").lower()
        if wanted not in FORMATS:
            raise ProtocolError(f"RESPONSEFORMAT must be json or xml, not {wanted!r}",
                                param="RESPONSEFORMAT")
        depth = params.integer("DEPTH", 2, minimum=1)
        if depth > MAX_DEPTH:
            raise ProtocolError(f"DEPTH must be at most {MAX_DEPTH}", param="DEPTH")
        mime, write = FORMATS[wanted]
        groups = request.context.groups
        config = self.app.config
        namespace = config.web.server_url.rstrip("/") + "/provenance?ID=dr:"

        def work(conn) -> tuple[str, bytes]:
            """(worker thread) as the caller, read-only"""
            conn.commit()
            conn.readonly = True
            with conn.cursor() as cur:
                as_caller(cur, groups)
                try:
                    start = resolve(cur, ident, config.ivoa.authority)
                    return mime, write(graph(cur, start, depth), namespace)
                except UnknownEntity:
                    raise ProtocolError(f"{ident} is nothing this site has provenance "
                                        "of", status=404) from None

        return answer_from_pool(self, request, work)

    render_POST = render_GET
