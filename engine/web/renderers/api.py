"""The ``api`` renderer: a DALI-style interface to a service (MAXREC, RESPONSEFORMAT).

Parameter errors are DALI error VOTables (QUERY_STATUS ERROR) with status 400.
"""

from __future__ import annotations

from typing import Any

from engine import vosi
from engine.services.params import Params
from engine.web import streaming
from engine.web.resource import ServiceRenderer


class API(ServiceRenderer):
    error_format = "dali"

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        params = [vosi.ParamDesc(f.name, f.description, f.unit) for f in bound.fields("api")]
        return vosi.Capability(None, url + "?", use="base", params=params,
                               result_type="application/x-votable+xml")

    def render_GET(self, request: Any) -> Any:
        params = Params.from_twisted(request.args)
        fmt = params.get("RESPONSEFORMAT") or "votable"
        return streaming.stream_service(self.app, request, self.bound, params,
                                        renderer="api", fmt=fmt, errors="dali")

    render_POST = render_GET
