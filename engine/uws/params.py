"""The UWS parameters of requests: actions, WAIT, list filters, duration, destruction.

Pure functions raising ProtocolError (400) for bad values; the job's own
parameters are not looked at here — the job kind checks those at run time.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from engine.errors import ProtocolError
from engine.services.params import Params
from engine.uws import model

MAX_WAIT_SECONDS = 60
# Parameters of the creating POST that are UWS's, not the job's.
CONTROL = ("PHASE", "RUNID")


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


def execution_duration(params: Params, maximum: int) -> int:
    """Seconds a job may run: at most ``maximum`` (0 or more asks for the maximum)."""
    seconds = params.integer("EXECUTIONDURATION", minimum=0)
    if seconds is None:
        raise ProtocolError("EXECUTIONDURATION is missing", param="EXECUTIONDURATION")
    if maximum and (seconds == 0 or seconds > maximum):
        return maximum
    return seconds


def destruction(params: Params) -> datetime.datetime:
    raw = params.get("DESTRUCTION")
    if raw is None:
        raise ProtocolError("DESTRUCTION is missing", param="DESTRUCTION")
    return model.parse_time(raw, "DESTRUCTION")


@dataclass(frozen=True)
class Creation:
    """A creating POST: the job's parameters as sent, its RUNID, and whether to run."""

    parameters: list[tuple[str, bytes]]
    run_id: str | None
    run: bool


def raw_pairs(args: Mapping[bytes, list[bytes]]) -> list[tuple[str, bytes]]:
    """Twisted's request.args as (name, raw value) pairs; names must be UTF-8."""
    pairs = []
    for name, values in args.items():
        try:
            text = name.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("parameter names must be UTF-8 text") from None
        pairs += [(text, value) for value in values]
    return pairs


def text_params(args: Mapping[bytes, list[bytes]]) -> Params:
    """Parameters for looking up UWS's own (ACTION, PHASE, RUNID) when the same
    request may carry binary uploads, which must not fail the decoding."""
    return Params((n, v.decode("utf-8", "replace")) for n, v in raw_pairs(args))


def creation(args: Mapping[bytes, list[bytes]]) -> Creation:
    pairs = raw_pairs(args)
    control = text_params(args)
    phase = control.get("PHASE")
    if phase is not None and phase.upper() != "RUN":
        raise ProtocolError(f"PHASE on creating a job can only be RUN, not {phase!r}",
                            param="PHASE")
    return Creation([(n, v) for n, v in pairs if n.upper() not in CONTROL],
                    control.get("RUNID"), phase is not None)
