"""The ``api`` renderer: a DALI-style interface to a service (MAXREC, RESPONSEFORMAT);
for a pythonCore, its computation answered at once (engine/web/renderers/pycore.py).

Parameter errors are DALI error VOTables (QUERY_STATUS ERROR) with status 400.
"""

from __future__ import annotations

from typing import Any

from engine import vosi
from engine.services.params import Params
from engine.web import streaming
from engine.web.renderers import pycore
from engine.web.resource import ServiceRenderer
from rd.elements.service import PythonCore


class API(ServiceRenderer):
    error_format = "dali"

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        if isinstance(bound.core, PythonCore):
            return vosi.Capability(None, url + "?", use="base",
                                   params=pycore.sync_params(bound))
        params = [vosi.ParamDesc(f.name, f.description, f.unit) for f in bound.fields("api")]
        return vosi.Capability(None, url + "?", use="base", params=params,
                               result_type="application/x-votable+xml")

    def render_GET(self, request: Any) -> Any:
        if isinstance(self.bound.core, PythonCore):  # computed, not queried
            return pycore.render_sync(self, request)
        params = Params.from_twisted(request.args)
        fmt = params.get("RESPONSEFORMAT") or "votable"
        return streaming.stream_service(self.app, request, self.bound, params,
                                        renderer="api", fmt=fmt, errors="dali")

    render_POST = render_GET
