"""Running a ``pythonCore``: its parameters checked against its inputTable, its
coreProc called as the caller, what it returns turned into an answer.

The arguments (``inputTable.args``) are the inputKeys' values by name, typed
(integer, real, boolean, text, date and timestamp types): a list for
``multiplicity="multiple"``, else one value; a key not given has its default
or None; a required key not given, a value of the wrong type or outside its
``<values>`` (options, min, max), or a ``forced-single`` key given twice is a
:class:`ProtocolError` (400) naming it.  Parameter names compare without case,
as UWS and DALI want.

The core returns a ``(media type, bytes or str)`` pair, a table
(``rsc.TableForDef``: rows as dictionaries, written with the columns of the
core's outputTable in the RESPONSEFORMAT asked for, VOTable by default), or
None (a UWS job that added its results itself).  Its ``svcs.ValidationError``
and ``UnknownURI`` reach the caller as 400 and 404; any other exception is a
bug of the RD's code, logged, and the caller reads that the core failed.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from engine.errors import ProtocolError
from engine.formats import Batch, Status, lookup
from engine.services.params import Params, shown
from rd.corecode import CoreTable, UnknownURI, running_with
from rd.elements.column import Option
from rd.elements.service import InputKey, PythonCore
from rd.rmkfuncs import ValidationError, parseBooleanLiteral
from rd.tablemeta import ResultColumn
from rd.types import parse_type

log = logging.getLogger("dr.pycore")
# The renderers that run a pythonCore (and the VOSI ones every service has).
RENDERERS = frozenset({"uws.xml", "api", "availability", "capabilities"})
INTEGERS = frozenset({"smallint", "integer", "bigint", "int", "short", "long"})
FLOATS = frozenset({"real", "double precision", "float", "double"})


@dataclass
class Answer:
    """What a core gave: bytes with their media type, or nothing (None)."""

    body: bytes | None
    mime: str = "application/octet-stream"


class InputTable:
    """``inputTable`` in coreProc code: ``args`` by name, ``job`` in a UWS job."""

    def __init__(self, args: dict[str, Any], job: Any = None) -> None:
        self.args = args
        if job is not None:
            self.job = job

    def getParam(self, name: str, default: Any = None) -> Any:  # noqa: N802 (DaCHS)
        return self.args.get(name, default)


def _convert(key: InputKey, raw: str) -> Any:
    base = parse_type(key.type or "text").base
    try:
        if base in INTEGERS:
            return int(raw)
        if base in FLOATS:
            return float(raw)
        if base == "boolean":
            return parseBooleanLiteral(raw)
        if base == "date":
            return datetime.date.fromisoformat(raw)
        if base.startswith("timestamp"):
            return datetime.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except (ValueError, TypeError):
        raise ProtocolError(f"{key.name} must be of type {key.type}, not {shown(raw)}",
                            param=key.name) from None
    return raw


def _checked(key: InputKey, value: Any, raw: str) -> Any:
    """``value``, if the key's <values> allow it (options, min, max)."""
    limits = key.values
    if limits is None:
        return value
    options = [(o.content or "").strip() for o in limits.children_of(Option)]
    if options and raw not in options:
        raise ProtocolError(f"{key.name} must be one of {', '.join(options)}, not "
                            f"{shown(raw)}", param=key.name)
    for bound, outside, word in ((limits.min, lambda v, b: v < b, "at least"),
                                 (limits.max, lambda v, b: v > b, "at most")):
        if bound not in (None, "") and isinstance(value, (int, float)) \
                and outside(value, float(bound)):
            raise ProtocolError(f"{key.name} must be {word} {bound}, not {raw}",
                                param=key.name)
    return value


def arguments(core: PythonCore, params: Params) -> dict[str, Any]:
    """The core's arguments from the request's parameters (400 for bad ones)."""
    args: dict[str, Any] = {}
    for key in core.input_keys:
        given = [v.strip() for v in params.all(key.name) if v.strip()]
        if key.multiplicity == "forced-single" and len(given) > 1:
            raise ProtocolError(f"{key.name} takes one value, not {len(given)}",
                                param=key.name)
        if not given and key.default_value not in (None, ""):
            given = [key.default_value.strip()]
        if not given and key.required:
            raise ProtocolError(f"{key.name} is required", param=key.name)
        values = [_checked(key, _convert(key, v), v) for v in given]
        if key.multiplicity == "multiple":
            args[key.name] = values
        else:
            if len(set(given)) > 1:
                raise ProtocolError(f"{key.name} was given {len(given)} times; give it "
                                    "once", param=key.name)
            args[key.name] = values[0] if values else None
    return args


def call(rd: Any, core: PythonCore, service: Any, args: dict[str, Any], conn: Any,
         job: Any = None) -> Any:
    """Run the coreProc as the caller (``conn`` is set to their groups); what it
    returns.  Errors meant for the caller become ProtocolErrors."""
    compiled = rd.compiled.get(id(core.core_proc))
    if compiled is None:
        raise ProtocolError("this service's core cannot run (its coreProc did not "
                            "compile)", status=503)
    core_view = _CoreView(core)
    try:
        with running_with(conn):
            return compiled.function(core_view, InputTable(args, job), None, service)
    except ValidationError as exc:
        raise ProtocolError(str(exc)) from None
    except UnknownURI as exc:
        raise ProtocolError(str(exc) or "not found", status=404) from None
    except ProtocolError:
        raise
    except Exception:
        log.exception("the coreProc of %s failed", compiled.filename)
        raise ProtocolError(f"Error: the service's code failed ({compiled.filename}); "
                            "the operators have been told", status=500) from None


class _CoreView:
    """``self`` in coreProc code: the core's outputTable (and the element)."""

    def __init__(self, core: PythonCore) -> None:
        self.outputTable = core.output_table
        self.element = core


def output_columns(core: PythonCore) -> list[ResultColumn]:
    table = core.output_table
    return [ResultColumn.from_column(f.metadata()) for f in (table.fields if table else [])]


def answer(core: PythonCore, result: Any, responseformat: str | None,
           site_url: str = "") -> Answer:
    """What the core returned, as bytes to send."""
    if result is None:
        return Answer(None)
    if isinstance(result, tuple) and len(result) == 2:
        mime, body = result
        return Answer(body.encode("utf-8") if isinstance(body, str) else bytes(body),
                      str(mime))
    if isinstance(result, CoreTable):
        try:
            fmt = lookup(responseformat or "votable")
        except ValueError as exc:
            raise ProtocolError(str(exc), param="RESPONSEFORMAT") from None
        columns = output_columns(core)
        rows = [tuple(row.get(c.name) for c in columns) for row in result.rows]
        if fmt.spooled:
            raise ProtocolError(f"a computed result is not offered as {fmt.name}",
                                param="RESPONSEFORMAT")
        writer = fmt.writer(columns, site_url=site_url)
        body = writer.head() + writer.batch(Batch.from_rows(columns, rows)) + \
            writer.tail(Status.ok())
        return Answer(body, fmt.content_type)
    raise ProtocolError(f"Error: the service's code returned a {type(result).__name__}, "
                        "which is no answer (a (media type, data) pair or a table)",
                        status=500)

