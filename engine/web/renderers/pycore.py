"""The renderers of ``pythonCore`` services: ``uws.xml`` (DaCHS's custom UWS: a UWS
1.1 job list below the service, one job per computation) and, for the ``api``
renderer (engine/web/renderers/api.py), the same computation answered at once.

A job's parameters are checked when it runs (engine/pycore/job.py), as TAP's
are; ``api`` checks them before it runs the core in a worker thread, as the
caller, on a pooled connection.  Errors of ``api`` are DALI VOTables (400 for
a bad parameter, 404 for the core's UnknownURI), those of the job list plain
text as UWS's; a failed job says why in its error summary.
"""

from __future__ import annotations

from typing import Any

from engine import vosi
from engine.db.rowsecurity import as_caller
from engine.pycore import job as pyjob
from engine.pycore.run import answer, arguments, call
from engine.services.params import Params
from engine.uws.kinds import register_kind
from engine.web import uws
from engine.web.resource import ServiceRenderer, answer_from_pool


def _params(bound: Any) -> list[vosi.ParamDesc]:
    return [vosi.ParamDesc(k.name, k.description, k.unit)
            for k in bound.core.input_keys]


class UWS(uws.JobListRenderer):
    """UWS 1.1 jobs running the service's pythonCore."""

    def __init__(self, app: Any, bound: Any = None, renderers: Any = None) -> None:
        kind = pyjob.kind_name(bound.rd.rd_id, bound.id)
        register_kind(kind, pyjob.RUN, validate=pyjob.VALIDATE)
        super().__init__(app, bound, renderers, kind=kind, renderer="uws.xml")

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        return vosi.Capability("ivo://ivoa.net/std/UWS#async-1.1", url, use="base",
                               params=_params(bound))


def render_sync(renderer: ServiceRenderer, request: Any) -> Any:
    """``api`` for a pythonCore: the computation's answer in the response."""
    bound, app = renderer.bound, renderer.app
    params = Params.from_twisted(request.args)
    args = arguments(bound.core, params)
    groups = request.context.groups

    def work(conn) -> Any:
        """(worker thread) as the caller, read-only (the pool resets the connection)"""
        conn.commit()
        conn.readonly = True
        with conn.cursor() as cur:
            as_caller(cur, groups)
        value = call(bound.rd, bound.core, bound.service, args, conn)
        made = answer(bound.core, value, params.get("RESPONSEFORMAT"),
                      app.config.web.server_url)
        return made.mime, made.body

    return answer_from_pool(renderer, request, work)


def sync_params(bound: Any) -> list[vosi.ParamDesc]:
    """The parameters of a pythonCore's api capability."""
    return _params(bound)
