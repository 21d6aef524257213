"""The UWS parameters of requests: actions, WAIT, list filters, duration, destruction.

Pure functions raising ProtocolError (400) for bad values; the job's own
parameters are not looked at here — the job kind checks those at run time.
Values too large to mean anything are clamped where UWS lets the service
choose (WAIT, EXECUTIONDURATION, DESTRUCTION) and refused elsewhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from engine.errors import ProtocolError
from engine.services.params import Params
from engine.uws import model
from engine.uws.model import Changes

MAX_WAIT_SECONDS = 60
# The largest execution duration the job table (integer seconds) holds.
MAX_DURATION = 2**31 - 1
# Parameters of a POST that are UWS's, not the job's (UWS 1.1 §2.1: job
# attributes the client may set; DaCHS treats them the same way).
CONTROL = ("PHASE", "RUNID", "EXECUTIONDURATION", "DESTRUCTION")


def phase_action(params: Params) -> str:
    """PHASE=RUN or PHASE=ABORT (case-insensitive), as posted to /phase."""
    raw = params.get("PHASE")
    if raw is None or raw.upper() not in ("RUN", "ABORT"):
        raise ProtocolError(f"PHASE must be RUN or ABORT, not {raw or 'nothing'!r}",
                            param="PHASE")
    return raw.upper()


def a_phase(raw: str, param: str = "PHASE") -> str:
    if raw.strip().upper() not in model.PHASES:
        raise ProtocolError(f"{param} must be one of {', '.join(model.PHASES)}, not "
                            f"{raw!r}", param=param)
    return raw.strip().upper()


@dataclass(frozen=True)
class Blocking:
    """WAIT (seconds, capped; -1 means as long as we allow) and the PHASE it expects."""

    seconds: float
    phase: str | None


def blocking(params: Params) -> Blocking | None:
    raw = params.get("WAIT")
    if raw is None:
        return None
    try:
        seconds = int(raw)
    except ValueError:
        raise ProtocolError(f"WAIT must be a whole number of seconds, not {raw!r}",
                            param="WAIT") from None
    if seconds < 0:
        seconds = MAX_WAIT_SECONDS
    phase = params.get("PHASE")
    return Blocking(min(seconds, MAX_WAIT_SECONDS), a_phase(phase) if phase else None)


@dataclass(frozen=True)
class ListFilter:
    phases: tuple[str, ...]
    after: datetime.datetime | None
    last: int | None


def list_filter(params: Params) -> ListFilter:
    """PHASE (repeatable: any of them), AFTER (creation time) and LAST (newest n)."""
    phases = tuple(a_phase(p) for p in params.all("PHASE") if p.strip())
    after = params.get("AFTER")
    last = params.integer("LAST", minimum=1)
    return ListFilter(phases, model.parse_time(after, "AFTER") if after else None, last)


def execution_duration(params: Params, maximum: int) -> int | None:
    """Seconds a job may run (None if not given): at most ``maximum``, where 0
    asks for the maximum; with no maximum (0), more than the job table holds
    means no limit (0)."""
    raw = params.get("EXECUTIONDURATION")
    if raw is not None and raw.isdigit() and len(raw) > 18:
        seconds = MAX_DURATION + 1  # astronomically long: more than anything allowed
    else:
        seconds = params.integer("EXECUTIONDURATION", minimum=0)
    if seconds is None:
        return None
    if maximum:
        return maximum if seconds == 0 or seconds > maximum else seconds
    return 0 if seconds > MAX_DURATION else seconds


def destruction(params: Params) -> datetime.datetime | None:
    """DESTRUCTION as asked for, in UTC (None if not given); the store clamps it."""
    raw = params.get("DESTRUCTION")
    return None if raw is None else model.parse_time(raw, "DESTRUCTION")


def run_id(params: Params) -> str | None:
    value = params.get("RUNID")
    if value is not None and "\x00" in value:
        raise ProtocolError("RUNID must not contain NUL characters", param="RUNID")
    return value


@dataclass(frozen=True)
class Creation:
    """A creating POST: what it sets of the new job, and whether to run it."""

    changes: Changes
    run: bool


def raw_pairs(args: Mapping[bytes, list[bytes]]) -> list[tuple[str, bytes]]:
    """Twisted's request.args as (name, raw value) pairs; names must be UTF-8
    text without NUL (values are kept as bytes: they may be uploads)."""
    pairs = []
    for name, values in args.items():
        try:
            text = name.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("parameter names must be UTF-8 text") from None
        if "\x00" in text:
            raise ProtocolError("parameter names must not contain NUL characters")
        pairs += [(text, value) for value in values]
    return pairs


def text_params(args: Mapping[bytes, list[bytes]]) -> Params:
    """Parameters for looking up UWS's own (ACTION, PHASE, RUNID) when the same
    request may carry binary uploads, which must not fail the decoding."""
    return Params((n, v.decode("utf-8", "replace")) for n, v in raw_pairs(args))


def changes(args: Mapping[bytes, list[bytes]], max_duration: int) -> Changes:
    """The job parameters of a POST and the UWS values it sets (PHASE is the
    caller's business)."""
    control = text_params(args)
    return Changes([(n, v) for n, v in raw_pairs(args) if n.upper() not in CONTROL],
                   run_id(control), execution_duration(control, max_duration),
                   destruction(control))


def creation(args: Mapping[bytes, list[bytes]], max_duration: int) -> Creation:
    phase = text_params(args).get("PHASE")
    if phase is not None and phase.upper() != "RUN":
        raise ProtocolError(f"PHASE on creating a job can only be RUN, not {phase!r}",
                            param="PHASE")
    return Creation(changes(args, max_duration), phase is not None)
