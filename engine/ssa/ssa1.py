"""SSA 1.1 queryData over a table of spectra: the result, the SQL, the metadata answer.

The table is a //ssap#hcd or //ssap#mixc table, or one whose SSA metadata are
all columns; the conditions are the service's condDescs
(//ssap#hcd_condDescs, engine/services/ssa.py, and whatever else the service
offers ``ssap.xml``).  The result has the table's columns with their SSA
utypes (VERB 1, 2 — the default — and 3 give the columns of verbLevel up to
10, 20 and all), the access reference as an absolute ``/getproduct`` URL, and
the SSA metadata the table keeps as params as PARAMs: for hcd everything
that is the same for all its spectra (data model, flux calibration,
collection, units…), for mixc the data model, the frame and the axes' units
and UCDs — its per-spectrum collection, instrument and calibration are
FIELDs like any column.  FORMAT=METADATA is answered without a query: the
input parameters as ``INPUT:`` PARAMs and the result's FIELDs, no rows.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.formats import Status, lookup
from engine.services.conddescs import Context
from engine.services.core import BoundService, OutputSpec, QueryPlan, param_values
from engine.services.params import Params
from rd.tablemeta import ResultColumn

RENDERER = "ssap.xml"
FORMAT = "votable/td"
VERSION = "1.1"
STANDARD_ID = "ivo://ivoa.net/std/SSA"
DEFAULT_VERB = 2
VERB_LEVELS = {1: 10, 2: 20, 3: 10**6}
INFOS = [("SERVICE_PROTOCOL", VERSION, "SSAP")]


def outputs(bound: BoundService, verb: int | None, server_url: str) -> list[OutputSpec]:
    """The result columns for VERB (None: the default)."""
    limit = VERB_LEVELS[DEFAULT_VERB if verb is None else verb]
    return [_absolute(s, server_url) for s in bound.outputs_for(RENDERER)
            if s.verb_level <= limit or _name(s) == "accref"]


def _name(spec: OutputSpec) -> str:
    return (spec.source.name if spec.source is not None else spec.column.name).lower()


# What SSA calls the product columns (//products#table's own metadata is SIA's).
ACCESS_FIELDS = {"mime": ("ssa:Access.Format", "meta.code.mime"),
                 "accsize": ("ssa:Access.Size", "")}


def _absolute(spec: OutputSpec, server_url: str) -> OutputSpec:
    """The access reference as a URL a client can fetch (what SSA's Access.Reference
    is), with SSA's utype; the MIME type and size with theirs."""
    name = _name(spec)
    if spec.column.xtype == "mjd":  # DaCHS's, not DALI's: the unit says it
        spec = replace(spec, column=replace(spec.column, xtype=""))
    if name in ACCESS_FIELDS:
        utype, ucd = ACCESS_FIELDS[name]
        return replace(spec, column=replace(spec.column, utype=utype, ucd=ucd))
    if name != "accref":
        return spec
    base = (server_url.rstrip("/") + "/getproduct/").replace("'", "''")
    select = (f"CASE WHEN {spec.select} ~ '^https?://' THEN {spec.select} "
              f"ELSE '{base}' || {spec.select} END")
    column = replace(spec.column, utype="ssa:Access.Reference",
                     ucd="meta.ref.url;meta.dataset", datatype="char", arraysize="*",
                     description="URL of the spectrum")
    return replace(spec, select=select, column=column)


def table_params(bound: BoundService) -> list[tuple[ResultColumn, Any]]:
    """The SSA metadata the table keeps as params (the same for all its spectra), as
    PARAMs."""
    return param_values(bound.table)


def build_query(bound: BoundService, params: Params, ctx: Context, *, limit: int,
                verb: int | None, server_url: str) -> QueryPlan:
    """The SQL for queryData (worker thread: condDescs may look names up through ctx)."""
    return bound.query_for(RENDERER, outputs(bound, verb, server_url), params, ctx,
                           limit=limit,
                           writer_options={"infos": INFOS, "params": table_params(bound)})


def input_params(bound: BoundService) -> list[tuple[ResultColumn, Any]]:
    """The service's ssap.xml parameters as PARAMs named INPUT:<name>."""
    return bound.input_params(RENDERER) + [
        (ResultColumn("INPUT:MAXREC", "int", description="The maximum number of "
                      "spectra to return"), 0),
        (ResultColumn("INPUT:VERB", "int", description="Verbosity of the result: 1 "
                      "(fewest columns) to 3 (all)"), DEFAULT_VERB)]


def metadata_document(bound: BoundService, server_url: str, title: str) -> bytes:
    """The answer to FORMAT=METADATA: parameters and result columns, no rows."""
    specs = outputs(bound, 3, server_url)
    writer = lookup(FORMAT).writer(
        [s.column for s in specs], params=input_params(bound) + table_params(bound),
        infos=INFOS + [("serviceInfo", title)])
    return writer.head() + writer.tail(Status.ok())
