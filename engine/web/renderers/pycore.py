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

from twisted.web.server import NOT_DONE_YET

from engine import vosi
from engine.db.rowsecurity import as_caller
from engine.pycore import job as pyjob
from engine.pycore.run import answer, arguments, call
from engine.services.params import Params
from engine.uws.kinds import register_kind
from engine.web import urls, uws
from engine.web.resource import ServiceRenderer, failure_error
from engine.web.respond import finish


def _params(bound: Any) -> list[vosi.ParamDesc]:
    return [vosi.ParamDesc(k.name, k.description, k.unit)
            for k in bound.core.input_keys]


class UWS(ServiceRenderer):
    """UWS 1.1 jobs running the service's pythonCore."""

    error_format = "text"

    def __init__(self, app: Any, bound: Any = None, renderers: Any = None) -> None:
        super().__init__(app, bound, renderers)
        kind = pyjob.kind_name(bound.rd.rd_id, bound.id)
        register_kind(kind, pyjob.RUN, validate=pyjob.VALIDATE)
        self.jobs = uws.JobList(app, kind, urls.service(bound.rd.rd_id, bound.id,
                                                        "uws.xml"))

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        return vosi.Capability("ivo://ivoa.net/std/UWS#async-1.1", url, use="base",
                               params=_params(bound))

    def child(self, name: str, request: Any) -> Any:
        return self.jobs.child(name, request)

    def render_GET(self, request: Any) -> Any:
        return self.jobs.render_GET(request)

    def render_POST(self, request: Any) -> Any:
        return self.jobs.render_POST(request)


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
        return answer(bound.core, value, params.get("RESPONSEFORMAT"),
                      app.config.web.server_url)

    def send(made: Any) -> None:
        if made.body is None:
            request.setResponseCode(204)
            finish(request, b"")
            return
        request.setHeader(b"content-type", made.mime.encode())
        finish(request, made.body)

    def failed(failure: Any) -> None:
        finish(request, renderer.error(request, failure_error(failure, request)))

    app.pool.run_with_connection(work).addCallbacks(send, failed)
    return NOT_DONE_YET


def sync_params(bound: Any) -> list[vosi.ParamDesc]:
    """The parameters of a pythonCore's api capability."""
    return _params(bound)
