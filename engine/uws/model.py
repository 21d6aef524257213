"""UWS jobs as plain data: phases, jobs, their parameters and results, and job times."""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from engine.config import Config
from engine.errors import ProtocolError
from engine.services.params import Params

PENDING, QUEUED, EXECUTING = "PENDING", "QUEUED", "EXECUTING"
COMPLETED, ERROR, ABORTED = "COMPLETED", "ERROR", "ABORTED"
UNKNOWN, HELD, SUSPENDED, ARCHIVED = "UNKNOWN", "HELD", "SUSPENDED", "ARCHIVED"
PHASES = (PENDING, QUEUED, EXECUTING, COMPLETED, ERROR, ABORTED, UNKNOWN, HELD,
          SUSPENDED, ARCHIVED)
# Phases a job can still leave by itself; WAIT blocks only in these (UWS 1.1).
ACTIVE = (PENDING, QUEUED, EXECUTING)
# Phases from which PHASE=ABORT stops a job.
ABORTABLE = (PENDING, QUEUED, EXECUTING, HELD, SUSPENDED)

RESTART_MESSAGE = "the server stopped while this job was running; please submit it again"


def timeout_message(execution_duration: int) -> str:
    return (f"the job ran longer than its execution duration of {execution_duration} s "
            "and was stopped; raise EXECUTIONDURATION or make the job smaller")


def new_job_id() -> str:
    """A random, unguessable, URL-safe job id (96 bits)."""
    return secrets.token_urlsafe(12)


# What a job id can look like: URL-safe base64 (longer than ours, for ids made
# elsewhere).  Anything else names no job and never reaches the database.
_JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def could_be_job_id(text: str) -> bool:
    return _JOB_ID.fullmatch(text) is not None


def job_dir(cfg: Config, job_id: str) -> Path:
    """Where a job's result files live: ``<state_dir>/uws/<job id>/``."""
    return cfg.state_dir / "uws" / job_id


@dataclass(frozen=True)
class Parameter:
    """One value of a job parameter, exactly as the client sent it."""

    name: str
    value: bytes

    @property
    def text(self) -> str:
        return self.value.decode("utf-8", "replace")


@dataclass(frozen=True)
class Result:
    """A result file of a job: ``path`` is relative to the job's directory.

    ``size`` is filled in from the file when the kind leaves it out; ``rows``
    is for table results, when the kind knows it.
    """

    id: str
    path: str
    mime_type: str
    size: int | None = None
    rows: int | None = None


@dataclass(frozen=True)
class Changes:
    """What a POST asks to change of a job: its parameters and UWS's own values.

    ``parameters`` are the job's (name, raw value) pairs; the UWS control
    parameters (RUNID, EXECUTIONDURATION, DESTRUCTION) are never among them.
    """

    parameters: list[tuple[str, bytes]] = field(default_factory=list)
    run_id: str | None = None
    execution_duration: int | None = None
    destruction: datetime.datetime | None = None

    def __bool__(self) -> bool:
        return bool(self.parameters) or any(
            v is not None for v in (self.run_id, self.execution_duration, self.destruction))


@dataclass
class Job:
    """A job as stored in ``uws.jobs``, with its parameters and results."""

    job_id: str
    kind: str
    phase: str
    run_id: str | None
    owner: str | None
    creation_time: datetime.datetime
    start_time: datetime.datetime | None
    end_time: datetime.datetime | None
    execution_duration: int
    destruction: datetime.datetime
    quote: datetime.datetime | None
    error: str | None
    parameters: list[Parameter] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    def params(self) -> Params:
        """The parameters as text, with case-insensitive names (DALI)."""
        return Params((p.name, p.text) for p in self.parameters)

    def data(self, name: str) -> bytes | None:
        """The raw bytes of the first value of ``name`` (e.g. an upload part)."""
        for p in self.parameters:
            if p.name.lower() == name.lower():
                return p.value
        return None

    def result(self, result_id: str) -> Result | None:
        return next((r for r in self.results if r.id == result_id), None)


EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)
LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def format_time(value: datetime.datetime) -> str:
    """An xs:dateTime in UTC with milliseconds, e.g. ``2024-05-01T12:00:00.123Z``.

    Written by hand: strftime's ``%Y`` drops the leading zeros of years below
    1000 on glibc, which ISO 8601 and xs:dateTime need.
    """
    u = value.astimezone(datetime.UTC)
    return (f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:"
            f"{u.second:02d}.{u.microsecond // 1000:03d}Z")


def parse_time(raw: str, param: str) -> datetime.datetime:
    """An ISO 8601 instant from a client, in UTC; without a zone it is UTC.

    An instant that is in years 1 to 9999 only in its own zone (e.g.
    ``0001-01-01T00:00:00+14:00``) becomes the first or last instant Python
    can hold; callers clamp times to their own range anyway.
    """
    try:
        value = datetime.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ProtocolError(f"{param} must be an ISO 8601 date and time such as "
                            f"2030-01-31T12:00:00Z, not {raw!r}", param=param) from None
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        return EARLIEST if value.year == 1 else LATEST
