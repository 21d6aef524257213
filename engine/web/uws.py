"""The UWS 1.1 REST binding of one job kind's job list (e.g. ``/tap/async``): a resource tree.

:class:`JobList` is the list; below it each job (:class:`JobResource`) and the job's
parts (``phase``, ``executionduration``… in :data:`JOB_PARTS`), results and
parameters are small resources whose ``render_GET``/``render_POST``/
``render_DELETE`` call the list's handlers, so 405 + ``Allow`` and HEAD come
from :class:`engine.web.resource.Endpoint`.  The job's owner is the caller of
the request context (``request.context.user``).  Database work runs in the DB
pool; the request is touched only on the reactor thread, and every answer
finishes it exactly once.  Bad values answer 400, unknown jobs 404 (as does
anything that cannot be a job id, before the database sees it) and other
people's jobs 403, all as text/plain; unexpected errors are logged and answer
a 500 without a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from twisted.internet.defer import CancelledError, Deferred, maybeDeferred
from twisted.python.failure import Failure
from twisted.web.server import NOT_DONE_YET
from twisted.web.static import NoRangeStaticProducer

from engine.errors import ProtocolError
from engine.services.params import Params
from engine.uws import documents, model, params, store
from engine.uws.model import Job
from engine.uws.runner import runner_for
from engine.web import urls
from engine.web.errors import dali_error
from engine.web.resource import Endpoint, NotFound, ServiceRenderer, failure_error
from engine.web.respond import client_gone, finish

XML = "text/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
VOTABLE = "application/x-votable+xml; charset=utf-8"
LIST_CAP = 1000       # longer job lists redirect to LAST=LIST_CAP (UWS 1.1 allows it)
_POSITION = re.compile(r"[0-9]{1,9}")
Handler = Callable[..., Any]


@dataclass
class Answer:
    body: bytes
    content_type: str = XML


@dataclass
class SeeOther:
    url: str


@dataclass
class FileAnswer:
    path: Path
    content_type: str


def text(value: str) -> Answer:
    return Answer(value.encode("utf-8"), TEXT)


class JobListRenderer(ServiceRenderer):
    """A service renderer that is a job list of kind ``kind`` below the service's
    ``renderer`` URL (dlasync, uws.xml)."""

    error_format = "text"

    def __init__(self, app: Any, bound: Any, renderers: Any, *, kind: str,
                 renderer: str) -> None:
        super().__init__(app, bound, renderers)
        self.jobs = JobList(app, kind, urls.service(bound.rd.rd_id, bound.id, renderer))

    def child(self, name: str, request: Any) -> Any:
        return self.jobs.child(name, request)

    def render_GET(self, request: Any) -> Any:
        return self.jobs.render_GET(request)

    def render_POST(self, request: Any) -> Any:
        return self.jobs.render_POST(request)


class JobList(Endpoint):
    """The jobs of kind ``kind_name`` under ``base_url_path`` (reactor thread)."""

    error_format = "text"

    def __init__(self, app: Any, kind_name: str, base_url_path: str) -> None:
        super().__init__(app)
        self.kind, self.pool = kind_name, app.pool
        self.base = (app.config.web.server_url.rstrip("/") + "/"
                     + base_url_path.strip("/"))
        self.runner = runner_for(app)

    def child(self, name: str, request: Any) -> Endpoint:
        if not model.could_be_job_id(name):
            return NotFound(self.app, "text", "there is no job of that id")
        return JobResource(self, name)

    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.get_list)

    def render_POST(self, request: Any) -> Any:
        return self.respond(request, self.create)

    # -- answering -------------------------------------------------------------------

    def respond(self, request: Any, handler: Handler, *args: str) -> Any:
        """Answer with what ``handler(request, *args)`` gives (or its Deferred gives)."""
        d = maybeDeferred(handler, request, *args)
        d.addCallback(self._answer, request).addErrback(self._failed, request)
        return NOT_DONE_YET

    def _answer(self, answer: Answer | SeeOther | FileAnswer, request: Any) -> None:
        if isinstance(answer, SeeOther):
            request.setResponseCode(303)
            request.setHeader(b"location", answer.url.encode("utf-8"))
            finish(request, b"")
        elif isinstance(answer, FileAnswer):
            self._send_file(answer, request)
        else:
            request.setHeader(b"content-type", answer.content_type.encode())
            finish(request, answer.body)

    def _send_file(self, answer: FileAnswer, request: Any) -> None:
        try:
            f = open(answer.path, "rb")  # the producer closes it
        except OSError:
            self._failed(Failure(ProtocolError("this result's file is gone", status=404)),
                         request)
            return
        request.setHeader(b"content-type", answer.content_type.encode())
        request.setHeader(b"content-length", str(answer.path.stat().st_size).encode())
        if request.method == b"HEAD":
            f.close()
            finish(request, b"")
            return
        NoRangeStaticProducer(request, f).start()

    def _failed(self, failure: Failure, request: Any) -> None:
        if failure.check(CancelledError):
            return
        exc = failure_error(failure, request)
        if request.finished or client_gone(request):
            return
        finish(request, self.error(request, exc))

    # -- helpers -----------------------------------------------------------------------

    def job_url(self, job_id: str) -> str:
        return f"{self.base}/{job_id}"

    def _fetch(self, request: Any, job_id: str) -> Deferred:
        return self.pool.run_with_connection(store.fetch_job, job_id, request.context.user)

    def _update(self, request: Any, job_id: str, changes: model.Changes) -> Deferred:
        """Apply ``changes`` to the job, then 303 to it."""
        d = self.pool.run_with_connection(store.update_job, job_id, request.context.user,
                                          changes, self.app.config.async_.max_destruction)
        return d.addCallback(lambda _: SeeOther(self.job_url(job_id)))

    # -- the job list --------------------------------------------------------------

    def get_list(self, request: Any) -> Any:
        """The user's jobs; an anonymous job list is empty, since anonymous jobs
        are reachable only through their URLs."""
        filt = params.list_filter(Params.from_twisted(request.args))
        user = request.context.user
        if user is None:
            return Answer(documents.job_list([], self.base))
        # One more than the cap tells a list that is too long.
        last = min(filt.last or LIST_CAP + 1, LIST_CAP + 1)
        d = self.pool.run_with_connection(
            lambda conn: store.list_jobs(conn, self.kind, user, phases=filt.phases,
                                         after=filt.after, last=last))

        def answer(refs: list[store.JobRef]) -> Answer | SeeOther:
            if len(refs) > LIST_CAP:
                query = request.uri.decode("utf-8", "replace").partition("?")[2]
                kept = [(n, v) for n, v in parse_qsl(query, keep_blank_values=True)
                        if n.upper() != "LAST"]
                return SeeOther(f"{self.base}?{urlencode(kept + [('LAST', LIST_CAP)])}")
            return Answer(documents.job_list(refs, self.base))

        return d.addCallback(answer)

    def create(self, request: Any) -> Deferred:
        cfg = self.app.config.async_
        creation = params.creation(request.args, cfg.default_execution_duration)
        job = creation.changes
        duration = (cfg.default_execution_duration if job.execution_duration is None
                    else job.execution_duration)
        d = self.pool.run_with_connection(
            lambda conn: store.create_job(
                conn, kind=self.kind, owner=request.context.user, run_id=job.run_id,
                parameters=job.parameters, execution_duration=duration,
                lifetime=cfg.default_destruction, max_lifetime=cfg.max_destruction,
                destruction=job.destruction, queue=creation.run))

        def created(job_id: str) -> SeeOther:
            if creation.run:
                self.runner.wake()
            return SeeOther(self.job_url(job_id))

        return d.addCallback(created)

    # -- a job ---------------------------------------------------------------------

    def get_job(self, request: Any, job_id: str) -> Deferred:
        block = params.blocking(Params.from_twisted(request.args))
        until = self.runner.reactor.seconds() + (block.seconds if block else 0)
        d = self._fetch(request, job_id)
        if block is not None:
            d.addCallback(self._wait, request, until, block.phase)
        return d.addCallback(lambda job: Answer(documents.job_document(job, self.base)))

    def _wait(self, job: Job, request: Any, until: float, phase: str | None) -> Any:
        """The job once its phase changed or time ran out (WAIT; reactor thread)."""
        remaining = until - self.runner.reactor.seconds()
        if (remaining <= 0 or job.phase not in model.ACTIVE
                or (phase is not None and job.phase != phase)):
            return job
        seen = job.phase
        d = self.runner.waits.wait(job.job_id, seen, remaining)
        request.notifyFinish().addErrback(lambda _: d.cancel())
        d.addCallback(lambda _: self._fetch(request, job.job_id))
        return d.addCallback(
            lambda new: new if new.phase != seen else self._wait(new, request, until, phase))

    def post_job(self, request: Any, job_id: str) -> Deferred:
        """ACTION=DELETE, PHASE=RUN|ABORT, or new parameters for a PENDING job."""
        p = params.text_params(request.args)
        action = p.get("ACTION")
        if action is not None:
            if action.upper() != "DELETE":
                raise ProtocolError(f"ACTION must be DELETE, not {action!r}", param="ACTION")
            return self.delete(request, job_id)
        if "PHASE" in p:
            return self.post_phase(request, job_id)
        return self.post_parameters(request, job_id)

    def delete(self, request: Any, job_id: str) -> Deferred:
        def work(conn) -> None:
            store.delete_job(conn, job_id, request.context.user)
            self.runner.remove_dirs([job_id])

        def deleted(_: Any) -> SeeOther:
            self.runner.terminate(job_id)
            self.runner.waits.changed(job_id)
            return SeeOther(self.base)

        return self.pool.run_with_connection(work).addCallback(deleted)

    # -- its children ----------------------------------------------------------------

    def get_phase(self, request: Any, job_id: str) -> Deferred:
        return self._fetch(request, job_id).addCallback(lambda job: text(job.phase))

    def post_phase(self, request: Any, job_id: str) -> Deferred:
        action = params.phase_action(Params.from_twisted(request.args))
        fn = store.queue_job if action == "RUN" else store.abort_job
        d = self.pool.run_with_connection(fn, job_id, request.context.user)

        def changed(_: Any) -> SeeOther:
            if action == "ABORT":
                self.runner.terminate(job_id)
            self.runner.waits.changed(job_id)
            self.runner.wake()
            return SeeOther(self.job_url(job_id))

        return d.addCallback(changed)

    def get_duration(self, request: Any, job_id: str) -> Deferred:
        return self._fetch(request, job_id).addCallback(
            lambda job: text(str(job.execution_duration)))

    def post_duration(self, request: Any, job_id: str) -> Deferred:
        seconds = params.execution_duration(
            Params.from_twisted(request.args),
            self.app.config.async_.default_execution_duration)
        if seconds is None:
            raise ProtocolError("EXECUTIONDURATION is missing", param="EXECUTIONDURATION")
        return self._update(request, job_id, model.Changes(execution_duration=seconds))

    def get_destruction(self, request: Any, job_id: str) -> Deferred:
        return self._fetch(request, job_id).addCallback(
            lambda job: text(model.format_time(job.destruction)))

    def post_destruction(self, request: Any, job_id: str) -> Deferred:
        when = params.destruction(Params.from_twisted(request.args))
        if when is None:
            raise ProtocolError("DESTRUCTION is missing", param="DESTRUCTION")
        return self._update(request, job_id, model.Changes(destruction=when))

    def get_quote(self, request: Any, job_id: str) -> Deferred:
        return self._fetch(request, job_id).addCallback(
            lambda job: text(model.format_time(job.quote) if job.quote else ""))

    def get_owner(self, request: Any, job_id: str) -> Deferred:
        return self._fetch(request, job_id).addCallback(lambda job: text(job.owner or ""))

    def get_error(self, request: Any, job_id: str) -> Deferred:
        def answer(job: Job) -> Answer:
            if job.phase != model.ERROR:
                raise ProtocolError(f"job {job_id!r} is {job.phase}, it has no error",
                                    status=404)
            return Answer(dali_error(documents.xml_text(job.error or "unknown error")),
                          VOTABLE)
        return self._fetch(request, job_id).addCallback(answer)

    def get_results(self, request: Any, job_id: str) -> Deferred:
        return self._fetch(request, job_id).addCallback(
            lambda job: Answer(documents.results_document(job, self.base)))

    def get_result(self, request: Any, job_id: str, result_id: str) -> Deferred:
        def answer(job: Job) -> FileAnswer:
            result = job.result(result_id)
            workdir = model.job_dir(self.app.config, job_id).resolve()
            path = (workdir / result.path).resolve() if result else None
            if path is None or not path.is_relative_to(workdir):
                raise ProtocolError(f"job {job_id!r} has no result {result_id!r}",
                                    status=404)
            return FileAnswer(path, result.mime_type)
        return self._fetch(request, job_id).addCallback(answer)

    def get_parameters(self, request: Any, job_id: str) -> Deferred:
        return self._fetch(request, job_id).addCallback(
            lambda job: Answer(documents.parameters_document(job, self.base)))

    def post_parameters(self, request: Any, job_id: str) -> Deferred:
        """New parameters, and RUNID, EXECUTIONDURATION or DESTRUCTION as UWS's."""
        if "PHASE" in params.text_params(request.args):
            raise ProtocolError("PHASE is not a job parameter; POST it to the job's "
                                "/phase", param="PHASE")
        changes = params.changes(request.args,
                                 self.app.config.async_.default_execution_duration)
        if not changes:
            raise ProtocolError("no parameters were given")
        return self._update(request, job_id, changes)

    def get_parameter(self, request: Any, job_id: str, position: str) -> Deferred:
        """A parameter value shown by reference: its bytes as sent."""
        def answer(job: Job) -> Answer:
            if (not _POSITION.fullmatch(position)
                    or not 0 < int(position) <= len(job.parameters)):
                raise ProtocolError(f"job {job_id!r} has no parameter {position!r}",
                                    status=404)
            return Answer(job.parameters[int(position) - 1].value,
                          "application/octet-stream")
        return self._fetch(request, job_id).addCallback(answer)


# -- the resources below the list ----------------------------------------------------


class _Part(Endpoint):
    """A resource of one job (``args``: the job id, then a result or parameter name)."""

    error_format = "text"

    def __init__(self, jobs: JobList, *args: str) -> None:
        super().__init__(jobs.app)
        self.jobs, self.args = jobs, args

    def respond(self, request: Any, handler: Handler) -> Any:
        return self.jobs.respond(request, handler, *self.args)


class JobResource(_Part):
    def child(self, name: str, request: Any) -> Endpoint:
        part = JOB_PARTS.get(name)
        if part is None:
            return NotFound(self.app, "text",
                            f"there is nothing at {self.jobs.job_url(self.args[0])}/{name}")
        return part(self.jobs, *self.args)

    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_job)

    def render_POST(self, request: Any) -> Any:
        return self.respond(request, self.jobs.post_job)

    def render_DELETE(self, request: Any) -> Any:
        return self.respond(request, self.jobs.delete)


class Phase(_Part):
    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_phase)

    def render_POST(self, request: Any) -> Any:
        return self.respond(request, self.jobs.post_phase)


class ExecutionDuration(_Part):
    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_duration)

    def render_POST(self, request: Any) -> Any:
        return self.respond(request, self.jobs.post_duration)


class Destruction(_Part):
    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_destruction)

    def render_POST(self, request: Any) -> Any:
        return self.respond(request, self.jobs.post_destruction)


class Quote(_Part):
    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_quote)


class ErrorSummary(_Part):
    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_error)


class Owner(_Part):
    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_owner)


class Results(_Part):
    def child(self, name: str, request: Any) -> Endpoint:
        return ResultFile(self.jobs, *self.args, name)

    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_results)


class ResultFile(_Part):
    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_result)


class Parameters(_Part):
    def child(self, name: str, request: Any) -> Endpoint:
        return Parameter(self.jobs, *self.args, name)

    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_parameters)

    def render_POST(self, request: Any) -> Any:
        return self.respond(request, self.jobs.post_parameters)


class Parameter(_Part):
    def render_GET(self, request: Any) -> Any:
        return self.respond(request, self.jobs.get_parameter)


JOB_PARTS: dict[str, type[_Part]] = {
    "phase": Phase, "executionduration": ExecutionDuration, "destruction": Destruction,
    "quote": Quote, "error": ErrorSummary, "owner": Owner, "results": Results,
    "parameters": Parameters,
}
