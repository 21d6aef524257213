"""Datalink services of spectra (``//soda#sdm_genDesc``): a spectrum's #proc link
and its delivery as the Spectral Data Model has it (worker thread: database
and files).

A spectrum is a row of the service's SSA table (``ssaTD``: a ``//ssap#hcd`` or
``//ssap#mixc`` table, or one whose SSA metadata are all columns) and of
dc.products.  What the SSA table says of a spectrum — its units, UCDs and
flux calibration among them — comes from its row where the table has the
column, else from the table's param (:func:`declared`).

Its links document gets, besides #this and the other links every dataset gets
(engine/datalink/links.py), a ``#proc`` link to a SODA service descriptor
with the parameters the service offers: BAND (vacuum wavelength in metres,
whatever the spectrum's axis, with the spectrum's coverage as its limits),
FLUXCALIB (its own calibration or RELATIVE) and FORMAT (engine/soda/sdm.py;
SODA's RESPONSEFORMAT is taken as its synonym).  dlget answers with the
spectrum: the builder data element of ``//soda#sdm_genData`` makes it — or,
without one, DR reads the product file (engine/soda/spectrum.py) — in the
units the SSA table declares for it, with the SSA row as its metadata, cut
and recalibrated as asked, in the FORMAT asked (an SDM VOTable by default).
A BAND that keeps no sample is SODA's "no content" (204).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from engine.datalink.document import SODA_SYNC, Link
from engine.datalink.recipe import Recipe, SDMRecipe
from engine.db.identifiers import q, qualified
from engine.errors import ProtocolError
from engine.formats.servicedesc import InputParam, ServiceDescriptor
from engine.ingest.memory import RowToken, build_rows
from engine.products import local
from engine.products.store import Product
from engine.services.core import param_values, select_expression
from engine.soda import sdm
from engine.soda.cutout import NoOverlap
from engine.soda.params import parse_request
from engine.soda.spectrum import (
    FLUX_UTYPE,
    SPECTRAL_UTYPE,
    Spectrum,
    SpectrumError,
    conform,
    cut_band,
    read_file,
    relative,
)
from rd.elements.table import Table
from rd.errors import DRError
from rd.tablemeta import ResultColumn

# ``where`` below is an engine.datalink.links.Where: that module imports this one.
Where = Any

RELATIVE = "RELATIVE"
# SODA's parameters a spectrum service does not offer (they would cut images).
NOT_FOR_SPECTRA = ("POS", "CIRCLE", "POLYGON", "TIME", "POL")


@dataclass(frozen=True)
class SpectrumRequest:
    """What a dlget request asks of a spectrum."""

    band: tuple[float, float] | None = None
    fluxcalib: str | None = None
    format: str = sdm.VOTABLE


def ssa_row(cur, table: Table, accref: str) -> tuple[dict[str, Any], list[ResultColumn]]:
    """The SSA row of the spectrum ``accref`` (empty when there is none) and its
    columns' metadata."""
    columns = [c for c in table.columns if not c.hidden]
    cur.execute(f"SELECT {', '.join(select_expression(c) for c in columns)} FROM "
                f"{qualified(table.schema, table.id)} WHERE {q('accref')} = %s LIMIT 1",
                (accref,))
    found = cur.fetchone()
    meta = [ResultColumn.from_column(c.metadata()) for c in columns]
    return (dict(zip((m.name for m in meta), found)) if found else {}), meta


def accref_of_pubdid(cur, table: Table, ident: str) -> str | None:
    """The accref of the spectrum whose ssa_pubDID is ``ident`` (useAccref=False)."""
    cur.execute(f"SELECT {q('accref')} FROM {qualified(table.schema, table.id)} "
                f"WHERE {q('ssa_pubdid')} = %s LIMIT 1", (ident,))
    found = cur.fetchone()
    return found[0] if found else None


def _num(value: Any) -> str | None:
    try:
        return f"{float(value):.12g}"
    except (TypeError, ValueError):
        return None


def input_params(recipe: SDMRecipe, ident: str, row: Mapping[str, Any],
                 fluxcalib: str) -> tuple[InputParam, ...]:
    """The parameters of a spectrum's #proc service descriptor."""
    params = [InputParam("ID", ucd="meta.id;meta.main", value=ident,
                         description="The publisher DID of the spectrum")]
    if recipe.band:
        params.append(InputParam(
            "BAND", "double", "2", "interval", "m", "em.wl;stat.interval",
            "The spectral interval to keep (vacuum wavelength, whatever the "
            "spectral axis of the spectrum)",
            minimum=_num(row.get("ssa_specstart")), maximum=_num(row.get("ssa_specend"))))
    if recipe.fluxcalib:
        params.append(InputParam(
            "FLUXCALIB", ucd="phot.calib", description="Recalibrate the flux: "
            "RELATIVE normalises it to a maximum of 1",
            options=tuple(dict.fromkeys(v for v in (fluxcalib, RELATIVE) if v))))
    if recipe.formats:
        params.append(InputParam("FORMAT", ucd="meta.code.mime",
                                 description="The media type of the spectrum returned",
                                 options=tuple(sdm.FORMATS)))
    return tuple(params)


def proc_link(cur, ident: str, product: Product, recipe: SDMRecipe, where: Where,
              number: int) -> tuple[Link, list[ServiceDescriptor]] | None:
    """The #proc link of a spectrum and its service descriptor (None when the
    service offers no processing or the file is elsewhere)."""
    if not recipe.offers or product.remote:
        return None
    row, _ = ssa_row(cur, recipe.table, product.accref)
    xml_id = f"sdm-{number}"
    fluxcalib = declared(row, param_values(recipe.table))["ssa_fluxcalib"] or ""
    descriptor = ServiceDescriptor(
        xml_id, where.dlget_url, SODA_SYNC, input_params(recipe, ident, row, fluxcalib),
        "The spectrum as the Spectral Data Model has it: as VOTable, FITS or CSV, "
        "cut to a band, recalibrated")
    link = Link(ident, service_def=xml_id, semantics="#proc",
                description="The spectrum in another format, cut to a band or "
                            "normalised (SODA)", content_type=sdm.VOTABLE)
    return link, [descriptor]


def _single(raw: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = [v for v in raw.get(name, ()) if v.strip()]
    if len(values) > 1:
        raise ProtocolError(f"MultiValuedParamNotSupported: {name} takes one value "
                            "for a spectrum", status=400)
    return values[0] if values else None


def parse(raw: Mapping[str, Sequence[str]], recipe: SDMRecipe) -> SpectrumRequest:
    """The request's parameters for a spectrum (upper-case names → raw values)."""
    for name in NOT_FOR_SPECTRA:
        if _single(raw, name) is not None:
            raise ProtocolError(f"UsageError: {name} is not offered for spectra",
                                status=400)
    band = None
    if _single(raw, "BAND") is not None:
        if not recipe.band:
            raise ProtocolError("UsageError: this service does not cut spectra "
                                "(no BAND)", status=400)
        band = parse_request({"BAND": [_single(raw, "BAND")]}).bands[0]
    fluxcalib = _single(raw, "FLUXCALIB")
    if fluxcalib is not None and not recipe.fluxcalib:
        raise ProtocolError("UsageError: this service does not recalibrate spectra "
                            "(no FLUXCALIB)", status=400)
    wanted = _single(raw, "FORMAT") or _single(raw, "RESPONSEFORMAT")
    if wanted is not None and not recipe.formats:
        raise ProtocolError("UsageError: this service offers no FORMAT", status=400)
    try:
        fmt = sdm.format_of(wanted)
    except ValueError as exc:
        raise ProtocolError(f"UsageError: {exc}", param="FORMAT", status=400) from None
    return SpectrumRequest(band, fluxcalib, fmt)


def declared(row: Mapping[str, Any], table_params: Sequence[tuple[ResultColumn, Any]]
             ) -> dict[str, Any]:
    """What the SSA table says of the spectrum of ``row``: units, UCDs, calibration,
    each from the row where it is a column (//ssap#mixc's ssa_fluxcalib, all of
    them in a table with every SSA item a column), else from the table's params
    (:func:`param_values`)."""
    values = {c.name.lower(): v for c, v in table_params}
    values.update((name.lower(), value) for name, value in row.items())
    return {k: values.get(k) for k in ("ssa_spectralunit", "ssa_spectralucd",
                                       "ssa_fluxunit", "ssa_fluxucd", "ssa_fluxcalib")}


def built(recipe: SDMRecipe, row: dict[str, Any]) -> Spectrum:
    """The spectrum the builder data element makes of the SSA row ``row``."""
    assert recipe.builder is not None
    token = RowToken(row, f"the SSA row of {row.get('accref')}")
    table, rows = build_rows(recipe.builder.rd, recipe.builder, token)
    columns, values = [], []
    for column in (c for c in table.columns if not c.hidden):
        try:
            data = np.array([r.get(column.name) for r in rows], dtype=np.float64)
        except (TypeError, ValueError):
            continue  # not numbers: no column of the spectrum
        columns.append(ResultColumn.from_column(column.metadata()))
        values.append(data)
    names = [c.name.lower() for c in columns]
    utypes = [c.utype for c in columns]
    spectral = _index(utypes, names, SPECTRAL_UTYPE, "spectral")
    flux = _index(utypes, names, FLUX_UTYPE, "flux")
    if spectral is None or flux is None:
        raise SpectrumError(f"the builder <data id={recipe.builder.id!r}> makes no "
                            "spectral and flux columns (//ssap#sdm-instance has them)")
    order = [spectral, flux] + [i for i in range(len(columns)) if i not in (spectral, flux)]
    return Spectrum([replace(columns[i], datatype="double", arraysize="", xtype="")
                     for i in order], [values[i] for i in order], 0, 1)


def _index(utypes: list[str], names: list[str], utype: str, name: str) -> int | None:
    if utype in utypes:
        return utypes.index(utype)
    return names.index(name) if name in names else None


def make_spectrum(cur, product: Product, recipe: SDMRecipe, where: Where) -> Spectrum:
    """The spectrum of ``product`` with its SDM metadata, before any processing."""
    table = recipe.table
    row, columns = ssa_row(cur, table, product.accref)
    if not row:
        raise ProtocolError(f"{product.accref} has no row in the SSA table", status=404)
    table_params = param_values(table)
    said = declared(row, table_params)
    try:
        if recipe.builder is not None:
            spectrum = built(recipe, row)  # the builder sees the accref as DaCHS's does
        else:
            if product.remote:
                raise ProtocolError("the spectrum is elsewhere; fetch it from its "
                                    "access URL", status=400)
            spectrum = read_file(local.local_file(product.access_path, where.inputs_dir))
    except (SpectrumError, DRError) as exc:
        raise ProtocolError(f"Error: {exc}", status=422) from None
    row["accref"] = where.product_url(product.accref)
    spectrum = conform(spectrum, said["ssa_spectralunit"] or "",
                       said["ssa_spectralucd"] or "", said["ssa_fluxunit"] or "",
                       said["ssa_fluxucd"] or "")
    spectrum.params = sdm.metadata_params(row, columns, table_params)
    return spectrum


def process(spectrum: Spectrum, request: SpectrumRequest) -> Spectrum:
    """``spectrum`` cut to the BAND and recalibrated as ``request`` asks."""
    try:
        if request.band is not None:
            spectrum = cut_band(spectrum, *request.band)
            if not len(spectrum):
                raise NoOverlap("BAND selects no sample of the spectrum")
        own = str(spectrum.param("ssa_fluxcalib") or "")
        if request.fluxcalib is not None and request.fluxcalib.upper() != own.upper():
            if request.fluxcalib.upper() != RELATIVE:
                raise ProtocolError(f"UsageError: a {own or 'spectrum'} spectrum "
                                    f"cannot be made {request.fluxcalib}; only "
                                    f"{RELATIVE} is offered", param="FLUXCALIB",
                                    status=400)
            spectrum = relative(spectrum)
    except SpectrumError as exc:
        raise ProtocolError(f"UsageError: {exc}", status=400) from None
    return spectrum


def deliver(cur, product: Product, recipe: Recipe, request: SpectrumRequest,
            where: Where) -> tuple[bytes, str]:
    """The processed spectrum in the requested format, and its Content-Type."""
    assert recipe.sdm is not None
    spectrum = process(make_spectrum(cur, product, recipe.sdm, where), request)
    title = str(spectrum.param("ssa_dstitle") or product.accref)
    return sdm.write(spectrum, request.format, title), sdm.FORMATS[request.format][1]
