"""The ``siap2.xml`` renderer: Simple Image Access 2.0 over ivoa.obscore, VOTable out.

engine/sia/sia2.py reads the parameters and writes the SQL (through the
service's condDescs); results stream like every service's.  Bad values are
DALI error VOTables (QUERY_STATUS ERROR, naming the parameter) with status
400; MAXREC=0 gives the columns and no rows.
"""

from __future__ import annotations

from typing import Any

from engine import vosi
from engine.services.params import Params
from engine.sia import sia2
from engine.web import streaming
from engine.web.resource import ServiceRenderer

STANDARD_ID = "ivo://ivoa.net/std/SIA#query-2.0"


class SIAP2(ServiceRenderer):
    error_format = "dali"

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        params = [vosi.ParamDesc(f.name, f.description, f.unit, std=True)
                  for f in bound.fields("siap2.xml")]
        params += [vosi.ParamDesc("MAXREC", "The maximum number of records to return",
                                  datatype="int", std=True),
                   vosi.ParamDesc("RESPONSEFORMAT", "The format of the result", std=True)]
        return vosi.Capability(STANDARD_ID, url, use="base", role="std", version="2.0",
                               params=params, result_type="application/x-votable+xml")

    def render_GET(self, request: Any) -> Any:
        params = Params.from_twisted(request.args)
        sia2.conditions(params)  # a bad value is a 400 before a connection is taken
        fmt = params.get("RESPONSEFORMAT") or "votable"
        return streaming.stream_service(self.app, request, self.bound, params,
                                        renderer="siap2.xml", fmt=fmt, errors="dali")

    render_POST = render_GET
