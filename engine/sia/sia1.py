"""SIA 1.0 queries over a //siap#pgs table: the result columns, the SQL, the metadata answer.

The conditions are the service's condDescs (//siap#protoInput's POS, SIZE,
INTERSECT and FORMAT, engine/services/siap.py, and whatever else the
service offers the ``siap.xml`` renderer).  The result columns are the
service's, with SIA 1.0's names for what they are: the UCD1-style words
(``VOX:Image_Title``, ``POS_EQ_RA_MAIN``, ``VOX:Image_AccessReference``…)
on the //siap#pgs columns, the arrays and bandpass values as doubles, and
the access reference an absolute ``/getproduct`` URL.  The columns SIA 1.0
requires (title, position, axes, scale, format, access reference) are in
every answer, whatever VERB says: VERB=0 gives only them, 1 and 2 add the
columns of verbLevel up to 10 and 20 (2 is the default), 3 all.

FORMAT=METADATA is answered without a query: a VOTable whose PARAMs are
the input parameters (``INPUT:POS``…) and whose TABLE has the result's
FIELDs and no rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from engine.formats import Status, lookup
from engine.services.conddescs import Context
from engine.services.core import BoundService, OutputSpec, QueryPlan
from engine.services.params import Params
from rd.tablemeta import ResultColumn

RENDERER = "siap.xml"
FORMAT = "votable/td"  # TABLEDATA: what every SIA 1.0 client reads
DEFAULT_VERB = 2
STANDARD_PARAMS = ("POS", "SIZE", "INTERSECT", "FORMAT", "VERB")
VERB_LEVELS = {0: -1, 1: 10, 2: 20, 3: 10**6}


@dataclass(frozen=True)
class SIAField:
    """What SIA 1.0 calls a //siap#pgs column: its UCD, and a cast where its type
    differs from what SIA 1.0 says."""

    ucd: str
    cast: str = ""  # SQL type the value is cast to
    required: bool = False


# By //siap#pgs column name (lower case).
SIA_FIELDS = {
    "imagetitle": SIAField("VOX:Image_Title", required=True),
    "centeralpha": SIAField("POS_EQ_RA_MAIN", required=True),
    "centerdelta": SIAField("POS_EQ_DEC_MAIN", required=True),
    "naxes": SIAField("VOX:Image_Naxes", required=True),
    "pixelsize": SIAField("VOX:Image_Naxis", required=True),
    "pixelscale": SIAField("VOX:Image_Scale", "double precision[]", required=True),
    "mime": SIAField("VOX:Image_Format", required=True),
    "accref": SIAField("VOX:Image_AccessReference", required=True),
    "instid": SIAField("INST_ID"),
    "dateobs": SIAField("VOX:Image_MJDateObs"),
    "refframe": SIAField("VOX:STC_CoordRefFrame"),
    "wcs_equinox": SIAField("VOX:STC_CoordEquinox", "double precision"),
    "wcs_projection": SIAField("VOX:WCS_CoordProjection"),
    "wcs_refpixel": SIAField("VOX:WCS_CoordRefPixel", "double precision[]"),
    "wcs_refvalues": SIAField("VOX:WCS_CoordRefValue"),
    "wcs_cdmatrix": SIAField("VOX:WCS_CDMatrix", "double precision[]"),
    "bandpassid": SIAField("VOX:BandPass_ID"),
    "bandpassunit": SIAField("VOX:BandPass_Unit"),
    "bandpassrefval": SIAField("VOX:BandPass_RefValue", "double precision"),
    "bandpasshi": SIAField("VOX:BandPass_HiLimit", "double precision"),
    "bandpasslo": SIAField("VOX:BandPass_LoLimit", "double precision"),
    "pixflags": SIAField("VOX:Image_PixFlags"),
    "accsize": SIAField("VOX:Image_FileSize", "integer"),
}
_VOTABLE_TYPES = {"double precision": ("double", ""), "double precision[]": ("double", "*"),
                  "integer": ("int", "")}


def _sia_name(spec: OutputSpec) -> str:
    return (spec.source.name if spec.source is not None else spec.column.name).lower()


def outputs(bound: BoundService, verb: int | None, server_url: str) -> list[OutputSpec]:
    """The result columns for VERB (None: the default), as SIA 1.0 names them."""
    limit = VERB_LEVELS.get(DEFAULT_VERB if verb is None else verb, VERB_LEVELS[3])
    chosen = [s for s in bound.outputs_for(RENDERER)
              if s.verb_level <= limit or (_sia_name(s) in SIA_FIELDS
                                           and SIA_FIELDS[_sia_name(s)].required)]
    return [_as_sia(spec, server_url) for spec in chosen]


def _as_sia(spec: OutputSpec, server_url: str) -> OutputSpec:
    field = SIA_FIELDS.get(_sia_name(spec))
    if field is None:
        return spec
    column = replace(spec.column, ucd=field.ucd)
    select = spec.select
    if field.cast:
        datatype, arraysize = _VOTABLE_TYPES[field.cast]
        column = replace(column, datatype=datatype, arraysize=arraysize)
        select = f"({select})::{field.cast}"
    if _sia_name(spec) == "accref":
        base = (server_url.rstrip("/") + "/getproduct/").replace("'", "''")
        select = (f"CASE WHEN {select} ~ '^https?://' THEN {select} "
                  f"ELSE '{base}' || {select} END")
        column = replace(column, description="URL of the image", datatype="char")
    return replace(spec, select=select, column=column)


def missing_required(bound: BoundService) -> list[str]:
    """The SIA 1.0 columns the service does not return (a misconfigured service)."""
    names = {_sia_name(s) for s in bound.outputs_for(RENDERER)}
    return sorted(n for n, f in SIA_FIELDS.items() if f.required and n not in names)


def build_query(bound: BoundService, params: Params, ctx: Context, *, limit: int,
                verb: int | None, server_url: str) -> QueryPlan:
    """The SQL for a query (worker thread: condDescs may look names up through ctx)."""
    return bound.query_for(RENDERER, outputs(bound, verb, server_url), params, ctx,
                           limit=limit,
                           writer_options={"infos": [("SERVICE_PROTOCOL", "1.0", "SIAP")]})


def input_params(bound: BoundService) -> list[tuple[ResultColumn, Any]]:
    """The service's siap.xml parameters as PARAMs named INPUT:<name> (their defaults
    as values)."""
    return bound.input_params(RENDERER) + [
        (ResultColumn("INPUT:VERB", "int", description="Verbosity of the result: 0 "
                      "(required columns only) to 3 (all)"), DEFAULT_VERB)]


def metadata_document(bound: BoundService, server_url: str, title: str) -> bytes:
    """The answer to FORMAT=METADATA: parameters and result columns, no rows."""
    specs = outputs(bound, 3, server_url)
    writer = lookup(FORMAT).writer(
        [s.column for s in specs], params=input_params(bound),
        infos=[("SERVICE_PROTOCOL", "1.0", "SIAP"), ("serviceInfo", title)])
    return writer.head() + writer.tail(Status.ok())
