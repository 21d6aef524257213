"""Spectra as the IVOA Spectral Data Model 1 has them: the SSA row of a spectrum
turned into its SDM metadata, and the spectrum written as VOTable, FITS, CSV
or TSV — what DaCHS's ``//soda#sdm_format`` offers, under the same FORMAT
values.

The metadata of an SDM spectrum is its SSA row: every column of the SSA table
(``//ssap#hcd``, ``//ssap#mixc``, or one with all SSA metadata in columns)
and every param of it becomes a PARAM (a column's value winning over a param
of the same name) whose utype is the SSA utype in SDM's spelling
(``ssa:Target.Name`` → ``spec:Spectrum.Target.Name``, with the few irregular
names SDM 1 has).  The VOTable's TABLE has the utype ``spec:Spectrum``; the
FITS serialization is a binary table whose header carries SDM 1's keywords
(VOCLASS, OBJECT, SPECSYS, TMID...) and whose columns carry TUCDn and TUTYPn.
CSV and TSV are the samples alone, a header line of column names, as DaCHS
writes them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from astropy.io import fits

from engine.formats.batch import Batch
from engine.formats.delimited import DelimitedWriter
from engine.formats.votable import VOTableWriter
from engine.formats.writer import Status
from engine.soda.spectrum import Spectrum, parse_unit
from rd.tablemeta import ResultColumn

VOTABLE = "application/x-votable+xml"
# FORMAT value → (what it is, the Content-Type sent)
FORMATS: dict[str, tuple[str, str]] = {
    VOTABLE: ("VOTable, binary encoding", VOTABLE),
    VOTABLE + ";serialization=tabledata": ("VOTable, tabledata encoding",
                                           VOTABLE + ";serialization=tabledata"),
    "text/plain": ("Tab separated values", "text/tab-separated-values"),
    "text/csv": ("Comma separated values", "text/csv"),
    "application/fits": ("FITS binary table", "application/fits"),
}
SHORT_NAMES = {"votable": VOTABLE, "vot": VOTABLE, "csv": "text/csv",
               "tsv": "text/plain", "fits": "application/fits",
               "votable/td": VOTABLE + ";serialization=tabledata",
               "text/tab-separated-values": "text/plain",
               "image/fits": "application/fits"}

# SSA utypes whose SDM 1 name is not spec:Spectrum.<the same>; None: no SDM name.
_IRREGULAR = {
    "dataset.datamodel": "Spectrum.DataModel",
    "dataset.type": "Spectrum.Type",
    "dataset.length": "Spectrum.Length",
    "dataset.timesi": "Spectrum.TimeSI",
    "dataset.spectralsi": "Spectrum.SpectralSI",
    "dataset.fluxsi": "Spectrum.FluxSI",
    "access.format": None, "access.reference": None, "access.size": None,
    "target.pos.spoint": "Spectrum.Target.Pos",
}

# SDM 1's FITS serialization: header keywords for utypes (lower case, after
# "spec:Spectrum.").  The spectral coverage is TDMINn/TDMAXn of the spectral
# column, positions are RA_TARG/DEC_TARG and RA/DEC.
FITS_KEYWORDS = {
    "datamodel": "VOCLASS", "length": "DATALEN", "type": "VOSEGT",
    "coordsys.spaceframe.name": "RADECSYS", "coordsys.spaceframe.equinox": "EQUINOX",
    "coordsys.spectralframe.refpos": "SPECSYS",
    "coordsys.spectralframe.redshift": "REST_Z",
    "curation.publisher": "VOPUB", "curation.reference": "VOREF",
    "curation.publisherid": "VOPUBID", "curation.version": "VOVER",
    "curation.rights": "VORIGHTS", "curation.date": "VODATE",
    "curation.publisherdid": "DS_IDPUB",
    "target.name": "OBJECT", "target.description": "OBJDESC",
    "target.class": "SRCCLASS", "target.spectralclass": "SPECTYPE",
    "target.redshift": "REDSHIFT",
    "dataid.title": "TITLE", "dataid.creator": "AUTHOR",
    "dataid.datasetid": "DS_IDENT", "dataid.creatordid": "CR_IDENT",
    "dataid.date": "DATE", "dataid.version": "VERSION",
    "dataid.instrument": "INSTRUME", "dataid.creationtype": "CRETYPE",
    "dataid.collection": "COLLECT1", "dataid.datasource": "DSSOURCE",
    "dataid.bandpass": "SPECBAND", "derived.snr": "DER_SNR",
    "char.fluxaxis.calibration": "FLUX_CAL",
    "char.fluxaxis.accuracy.staterror": "STAT_ERR",
    "char.fluxaxis.accuracy.syserror": "SYS_ERR",
    "char.spectralaxis.calibration": "SPEC_CAL",
    "char.spectralaxis.coverage.location.value": "SPEC_VAL",
    "char.spectralaxis.coverage.bounds.extent": "SPEC_BW",
    "char.spectralaxis.resolution": "SPEC_RES",
    "char.spectralaxis.respower": "SPEC_RP",
    "char.spectralaxis.accuracy.binsize": "SPEC_BIN",
    "char.timeaxis.coverage.location.value": "TMID",
    "char.timeaxis.coverage.bounds.extent": "TELAPSE",
    "char.timeaxis.calibration": "TIME_CAL",
    "char.spatialaxis.coverage.bounds.extent": "APERTURE",
    "char.spatialaxis.calibration": "SKY_CAL",
    "char.spatialaxis.resolution": "SKY_RES",
}


def format_of(value: str | None) -> str:
    """The FORMAT value (one of :data:`FORMATS`) that ``value`` asks for; default
    VOTable.  Raises ValueError naming what is offered."""
    if value is None or not value.strip():
        return VOTABLE
    wanted = "".join(value.split()).lower()
    wanted = SHORT_NAMES.get(wanted, wanted)
    for name in FORMATS:
        if name.lower() == wanted:
            return name
    raise ValueError(f"FORMAT {value!r} is not offered; use one of "
                     f"{', '.join(FORMATS)}")


def sdm_utype(ssa_utype: str) -> str:
    """The SDM 1 utype of the SSA utype ``ssa_utype`` ("" when SDM has none)."""
    if not ssa_utype:
        return ""
    local = ssa_utype.split(":")[-1]
    if local.lower() in _IRREGULAR:
        name = _IRREGULAR[local.lower()]
        return f"spec:{name}" if name else ""
    return f"spec:Spectrum.{local}"


def metadata_params(row: dict[str, Any], columns: Sequence[ResultColumn],
                    table_params: Sequence[tuple[ResultColumn, Any]]
                    ) -> list[tuple[ResultColumn, Any]]:
    """An SSA row (values by column name, as ``columns`` describe them) and the
    table's params (those that are no column) as the PARAMs of its SDM spectrum;
    NULLs are left out."""
    params = []
    in_row = {c.name.lower() for c in columns}
    for column, value in [(c, row.get(c.name)) for c in columns] + [
            (c, v) for c, v in table_params if c.name.lower() not in in_row]:
        if value is None or (isinstance(value, float) and np.isnan(value)) \
                or value == "":
            continue
        if column.arraysize and column.datatype in ("float", "double"):
            if any(v is None for v in value):  # a NULL point: ARRAY[NULL, NULL]
                continue
            value = [float(v) for v in value]
        xtype = "" if column.xtype == "mjd" else column.xtype  # DaCHS's, not DALI's
        params.append((replace(column, utype=sdm_utype(column.utype), xtype=xtype),
                       value))
    return params


def _batch(spectrum: Spectrum) -> Batch:
    return Batch([np.ma.MaskedArray(v, mask=~np.isfinite(v)) for v in spectrum.values],
                 len(spectrum))


def write(spectrum: Spectrum, fmt: str, title: str = "") -> bytes:
    """``spectrum`` in the FORMAT ``fmt`` (a key of :data:`FORMATS`)."""
    if fmt == "application/fits":
        return _fits(spectrum)
    if fmt.startswith(VOTABLE):
        writer = VOTableWriter(
            spectrum.columns, table_params=spectrum.params, description=title,
            serialization="tabledata" if "tabledata" in fmt else "binary2",
            table_name="spectrum", table_utype="spec:Spectrum")
    else:
        writer = DelimitedWriter(spectrum.columns,
                                 delimiter="," if fmt == "text/csv" else "\t")
    return writer.head() + writer.batch(_batch(spectrum)) + writer.tail(Status.ok())


def _card_value(value: Any) -> Any:
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, (int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)[:68]


def _fits_unit(text: str) -> str | None:
    unit = parse_unit(text)
    if unit is None:
        return text or None
    try:
        return unit.to_string("fits")
    except (ValueError, TypeError):
        return text


def _fits(spectrum: Spectrum) -> bytes:
    columns = [fits.Column(name=c.name, format="D", unit=_fits_unit(c.unit), array=v)
               for c, v in zip(spectrum.columns, spectrum.values)]
    hdu = fits.BinTableHDU.from_columns(columns)
    header = hdu.header
    header["EXTNAME"] = "SPECTRUM"
    spectral = spectrum.values[spectrum.spectral]
    if np.isfinite(spectral).any():  # SDM 1: the spectral coverage, in its own unit
        header[f"TDMIN{spectrum.spectral + 1}"] = float(np.nanmin(spectral))
        header[f"TDMAX{spectrum.spectral + 1}"] = float(np.nanmax(spectral))
    for n, column in enumerate(spectrum.columns, start=1):
        if column.ucd:
            header[f"TUCD{n}"] = column.ucd
        if column.utype:
            header[f"TUTYP{n}"] = column.utype
    for column, value in spectrum.params:
        key = column.utype.split(":")[-1].lower().removeprefix("spectrum.")
        if key in ("target.pos", "char.spatialaxis.coverage.location.value"):
            prefix = "_TARG" if key == "target.pos" else ""
            if isinstance(value, (list, tuple)) and len(value) == 2:
                header[f"RA{prefix}"] = (float(value[0]), "[deg]")
                header[f"DEC{prefix}"] = (float(value[1]), "[deg]")
            continue
        keyword = FITS_KEYWORDS.get(key)
        if keyword is None or isinstance(value, (list, tuple)):
            continue
        header[keyword] = (_card_value(value), f"[{column.unit}]" if column.unit else "")
    out = io.BytesIO()
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(out)
    return out.getvalue()
