"""Job kinds: a name (``tap``) mapped to the function that runs such jobs.

A kind is registered in the server with import paths, not function objects,
because its functions run in a worker process: the runner hands the registry
to each worker in the environment variable ``DR_UWS_KINDS`` (JSON), and the
worker imports what it needs.

The contract of a kind's functions, both called in the worker process:

``validate(job: Job) -> None``
    optional; checks the parameters (at run time, as TAP demands) and raises
    a :class:`~rd.errors.DRError` (e.g. ProtocolError) whose message the
    user reads in the job's error.
``run(job: Job, conn, workdir: pathlib.Path) -> list[Result]``
    does the work on ``conn`` (a psycopg2 connection whose
    ``statement_timeout`` is the job's execution duration; the worker commits
    it afterwards), writes its files into ``workdir`` (the job's directory,
    existing and empty) and returns them as Results with paths relative to
    ``workdir``.  A DRError's message reaches the user; any other exception
    is logged with its traceback and the user reads a generic message.
``reads_only(job: Job) -> bool``
    optional; whether this job only reads (and makes no temporary tables),
    so that it may run on the read replica while the server sends reads
    there.  Without it, jobs of the kind run on the primary.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

ENV_VAR = "DR_UWS_KINDS"


@dataclass(frozen=True)
class Kind:
    name: str
    run: str                    # "module:function"
    validate: str | None = None
    reads_only: str | None = None


_KINDS: dict[str, Kind] = {}


def _check_target(target: str, what: str) -> None:
    module, _, func = target.partition(":")
    if not module or not func:
        raise ValueError(f"{what} must be 'module:function', not {target!r}")


def register_kind(name: str, run: str, *, validate: str | None = None,
                  reads_only: str | None = None) -> Kind:
    """Declare the job kind ``name``, run by ``run`` ("module:function")."""
    _check_target(run, "run")
    if validate is not None:
        _check_target(validate, "validate")
    if reads_only is not None:
        _check_target(reads_only, "reads_only")
    kind = Kind(name, run, validate, reads_only)
    _KINDS[name] = kind
    return kind


def kind_names() -> list[str]:
    return sorted(_KINDS)


def get_kind(name: str) -> Kind | None:
    return _KINDS.get(name)


def to_env() -> str:
    """The registry as the value of DR_UWS_KINDS for a worker process."""
    return json.dumps({k.name: [k.run, k.validate, k.reads_only]
                       for k in _KINDS.values()})


def from_env(env: Mapping[str, str] | None = None) -> None:
    """Register the kinds a worker's environment names (worker process)."""
    env = os.environ if env is None else env
    for name, (run, validate, *rest) in json.loads(env.get(ENV_VAR) or "{}").items():
        register_kind(name, run, validate=validate, reads_only=rest[0] if rest else None)


def load(target: str) -> Callable[..., Any]:
    """Import the function ``module:function`` names."""
    module, _, func = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in func.split("."):
        obj = getattr(obj, part)
    return obj
