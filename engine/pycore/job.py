"""The UWS job kind of a ``pythonCore`` service (``uws.xml``), run by a worker process.

Each such service has a kind of its own, ``useruws:<rd id>#<service id>``, so its
job list holds its jobs only.  The worker loads the service's RD, checks the
parameters against the core's inputTable (a bad one ends the job in ERROR with
the message), and runs the coreProc as the job's owner: with the groups the
owner has when the job runs (none for an anonymous job), refused when the
service's ``limitTo`` asks for a group they are not in, its database
connection read-only under row-level security.  What the core returns is the
result ``result`` (a table in the job's RESPONSEFORMAT, VOTable by default);
the core may add results of its own, as in DaCHS::

    with inputTable.job.getWritable() as wjob:
        wjob.addResult(data_or_open_file, "image/fits", "map.fits")

``inputTable.job.getWD()`` is the job's directory (DALI uploads of file-typed
inputKeys are not offered yet).
"""

from __future__ import annotations

import mimetypes
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from engine.accounts.users import owner_groups
from engine.config import load_config
from engine.db.rowsecurity import as_caller
from engine.errors import ProtocolError
from engine.formats import lookup
from engine.pycore.run import answer, arguments, call
from engine.uws.model import Job, Result
from rd.elements.service import PythonCore
from rd.errors import DRError
from rd.loader import load_rd

PREFIX = "useruws:"
RUN = "engine.pycore.job:run"
VALIDATE = "engine.pycore.job:validate"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def _extension(mime: str) -> str:
    """The file extension of a result of type ``mime``: an output format's, else
    the system's guess, else dat."""
    try:
        return lookup(mime).extension
    except ValueError:
        guessed = mimetypes.guess_extension(mime.split(";")[0].strip().lower())
        return guessed.lstrip(".") if guessed else "dat"


def kind_name(rd_id: str, service_id: str) -> str:
    return f"{PREFIX}{rd_id}#{service_id}"


def _service(job: Job):
    """The RD, service and core of ``job``'s kind (worker process)."""
    rd_id, _, service_id = job.kind.removeprefix(PREFIX).rpartition("#")
    try:
        rd = load_rd(rd_id, load_config().inputs_dir)
    except DRError as exc:
        raise ProtocolError(f"the service's RD cannot be loaded: {exc}") from None
    service = next((s for s in rd.services if s.id == service_id), None)
    core = service.resolve_core() if service is not None else None
    if not isinstance(core, PythonCore):
        raise ProtocolError(f"{rd_id}#{service_id} is no longer a service with a "
                            "pythonCore")
    return rd, service, core


def validate(job: Job) -> None:
    """Check the parameters against the core's inputTable (worker process)."""
    _, _, core = _service(job)
    arguments(core, job.params())


class _Writable:
    """What ``job.getWritable()`` gives DaCHS code: ``addResult``."""

    def __init__(self, workdir: Path, results: list[Result]) -> None:
        self.workdir, self.results = workdir, results

    def addResult(self, source: Any, mediatype: str, name: str) -> None:  # noqa: N802
        if not _SAFE_NAME.match(name or "") or name == "result":
            raise ProtocolError(f"Error: the service's code named a result {name!r}; "
                                "names are letters, digits, '.', '_' and '-' (and not "
                                "'result')")
        path = self.workdir / name
        if isinstance(source, (str, bytes)):
            path.write_bytes(source.encode("utf-8") if isinstance(source, str) else source)
        else:
            with open(path, "wb") as out:
                data = source.read()
                out.write(data.encode("utf-8") if isinstance(data, str) else data)
        self.results[:] = [r for r in self.results if r.id != name]
        self.results.append(Result(name, name, str(mediatype)))


class _JobView:
    """``inputTable.job`` in coreProc code."""

    def __init__(self, job: Job, workdir: Path, results: list[Result]) -> None:
        self.jobId = job.job_id
        self._workdir, self._results = workdir, results

    def getWD(self) -> str:  # noqa: N802 (DaCHS's name)
        return str(self._workdir)

    @contextmanager
    def getWritable(self):  # noqa: N802 (DaCHS's name)
        yield _Writable(self._workdir, self._results)


def run(job: Job, conn, workdir: Path) -> list[Result]:
    """Run the core as the job's owner; its results (worker process)."""
    config = load_config()
    rd, service, core = _service(job)
    groups = owner_groups(conn, job.owner)
    if service.limit_to and service.limit_to not in groups:
        raise ProtocolError(f"AuthorizationError: this service is for the group "
                            f"{service.limit_to}")
    params = job.params()
    args = arguments(core, params)
    conn.commit()
    conn.readonly = True
    with conn.cursor() as cur:
        as_caller(cur, groups)
    results: list[Result] = []
    value = call(rd, core, service, args, conn, job=_JobView(job, workdir, results))
    made = answer(core, value, params.get("RESPONSEFORMAT"), config.web.server_url)
    if made.body is not None:
        name = f"result.{_extension(made.mime)}"
        (workdir / name).write_bytes(made.body)
        results.insert(0, Result("result", name, made.mime))
    if not results:
        raise ProtocolError("Error: the service's code returned nothing and added no "
                            "result")
    return results

