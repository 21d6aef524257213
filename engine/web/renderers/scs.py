"""The ``scs.xml`` renderer: Simple Cone Search 1.03 (RA, DEC, SR, VERB), VOTable out.

Errors are VOTables with an INFO named Error, as SCS 1.03 wants, sent with
status 400.  The three main columns carry the UCD1 words ID_MAIN,
POS_EQ_RA_MAIN and POS_EQ_DEC_MAIN that SCS clients look for.
"""

from __future__ import annotations

from typing import Any

from engine.errors import ProtocolError
from engine.formats import lookup
from engine.services.core import BoundService
from engine.services.params import Params
from engine.web import streaming
from engine.web.app import App
from engine.web.respond import votable_error


def render(app: App, request: Any, bound: BoundService) -> Any:
    try:
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
    except ProtocolError as exc:
        return votable_error(request, exc.status, exc.message, scs=True)
    return streaming.stream_service(app, request, bound, params, renderer="scs.xml",
                                    fmt=fmt, errors="scs", verb=verb)
