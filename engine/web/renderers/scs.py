"""The ``scs.xml`` renderer: Simple Cone Search 1.03 (RA, DEC, SR, VERB), VOTable out.

Errors are VOTables with an INFO named Error, as SCS 1.03 wants, sent with
status 400.  The three main columns carry the UCD1 words ID_MAIN,
POS_EQ_RA_MAIN and POS_EQ_DEC_MAIN that SCS clients look for.
"""

from __future__ import annotations

from typing import Any

from engine import vosi
from engine.errors import ProtocolError
from engine.formats import lookup
from engine.services.params import Params
from engine.web import streaming
from engine.web.resource import ServiceRenderer

UCDS = {"RA": "pos.eq.ra", "DEC": "pos.eq.dec"}


class ConeSearch(ServiceRenderer):
    error_format = "scs"

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        params = [vosi.ParamDesc(f.name, f.description, f.unit, UCDS.get(f.name, ""),
                                 "double", True)
                  for f in bound.fields("scs.xml") if f.name in ("RA", "DEC", "SR")]
        meta = bound.service.meta
        test = {k: meta.get(f"testQuery.{k}") for k in ("ra", "dec", "sr")}
        return vosi.Capability(
            "ivo://ivoa.net/std/ConeSearch", url + "?", use="base", role="std",
            params=params, result_type="application/x-votable+xml",
            capability_type="cs:ConeSearch",
            extra=(("maxSR", "180"), ("maxRecords", str(app.config.web.hard_maxrec)),
                   ("verbosity", "true")),
            test_query={k: v for k, v in test.items() if v})

    def render_GET(self, request: Any) -> Any:
        params = Params.from_twisted(request.args)
        verb = params.integer("VERB", 2, minimum=1)
        if verb > 3:
            raise ProtocolError(f"VERB must be 1, 2 or 3, not {verb}", param="VERB")
        fmt = params.get("RESPONSEFORMAT") or "votable"
        try:
            votable = lookup(fmt).is_votable
        except ValueError:
            votable = False
        if not votable:
            raise ProtocolError("a cone search answers in VOTable only",
                                param="RESPONSEFORMAT")
        return streaming.stream_service(self.app, request, self.bound, params,
                                        renderer="scs.xml", fmt=fmt, errors="scs",
                                        verb=verb)

    render_POST = render_GET
