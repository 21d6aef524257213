"""The ``api`` renderer: a DALI-style interface to a service (MAXREC, RESPONSEFORMAT).

Parameter errors are DALI error VOTables (QUERY_STATUS ERROR) with status 400.
"""

from __future__ import annotations

from typing import Any

from engine.errors import ProtocolError
from engine.services.core import BoundService
from engine.services.params import Params
from engine.web import streaming
from engine.web.app import App
from engine.web.respond import votable_error


def render(app: App, request: Any, bound: BoundService) -> Any:
    try:
        params = Params.from_twisted(request.args)
        fmt = params.get("RESPONSEFORMAT") or "votable"
    except ProtocolError as exc:
        return votable_error(request, exc.status, exc.message)
    return streaming.stream_service(app, request, bound, params, renderer="api", fmt=fmt,
                                    errors="dali")
