"""One spectrum in memory: its columns (spectral coordinate, flux, and whatever
else a file or a builder gives), read from a product file, cut to a band,
recalibrated.

The SSA table's metadata says what the spectrum's axes are (DaCHS's
``//ssap#hcd`` params: ``ssa_spectralunit``, ``ssa_spectralucd``,
``ssa_fluxunit``, ``ssa_fluxucd``): values are delivered in those units where
the file's own units convert to them (wavelength, frequency and energy are
interconvertible), else in the file's.  BAND is always metres of vacuum
wavelength, as SSA's and SODA's are, whatever the spectral axis is.

Files DR reads without help (:func:`read_file`): a 1-D FITS image with a
spectral WCS (CTYPE1 WAVE, FREQ, ENER..., or a linear axis with CUNIT1), and
a FITS binary table with a spectral column (found by unit or name) and a flux
column, one value per row or one array per cell in a single row.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from astropy import units as u
from astropy.io import fits

from rd.tablemeta import ResultColumn

SPECTRAL_UTYPE = "spec:Spectrum.Data.SpectralAxis.Value"
FLUX_UTYPE = "spec:Spectrum.Data.FluxAxis.Value"
ERROR_UTYPE = "spec:Spectrum.Data.FluxAxis.Accuracy.StatError"
SPECTRAL_NAMES = ("spectral", "wavelength", "wave", "lambda", "loglam", "frequency",
                  "freq", "energy", "wl")
FLUX_NAMES = ("flux", "flux_density", "intensity", "counts", "tant", "ta", "tmb")
ERROR_NAMES = ("error", "flux_error", "fluxerror", "err", "sigma", "ivar_err")
# The UCD of a spectral coordinate by its physical type.
SPECTRAL_UCDS = {"length": "em.wl", "frequency": "em.freq", "energy": "em.energy",
                 "wavenumber": "em.wavenumber"}


def is_error(column: ResultColumn) -> bool:
    """Whether ``column`` holds errors of the flux (they scale with it)."""
    return column.utype == ERROR_UTYPE or column.ucd.startswith("stat.error")


class SpectrumError(ValueError):
    """A product DR cannot read as a spectrum, or a cut it cannot make."""


@dataclass
class Spectrum:
    """Columns of equal length; ``spectral`` and ``flux`` index two of them."""

    columns: list[ResultColumn]
    values: list[np.ndarray]
    spectral: int = 0
    flux: int = 1
    params: list[tuple[ResultColumn, Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.values[0]) if self.values else 0

    @property
    def spectral_column(self) -> ResultColumn:
        return self.columns[self.spectral]

    @property
    def flux_column(self) -> ResultColumn:
        return self.columns[self.flux]

    def wavelengths(self) -> np.ndarray:
        """The spectral coordinates as vacuum wavelengths in metres."""
        unit = parse_unit(self.spectral_column.unit)
        if unit is None:
            raise SpectrumError("the spectral axis has no unit, so BAND cannot be "
                                "applied to it")
        try:
            return (self.values[self.spectral] * unit).to_value(u.m, u.spectral())
        except u.UnitConversionError:
            raise SpectrumError(f"the spectral axis is in {unit}, which is no "
                                "wavelength, frequency or energy") from None

    def param(self, name: str) -> Any:
        for column, value in self.params:
            if column.name.lower() == name.lower():
                return value
        return None

    def set_param(self, name: str, value: Any) -> None:
        for i, (column, _) in enumerate(self.params):
            if column.name.lower() == name.lower():
                self.params[i] = (column, value)
                return


def parse_unit(text: str | None) -> u.UnitBase | None:
    """``text`` as an astropy unit (VOUnit, FITS or astropy's own syntax), or None."""
    if not text or not text.strip():
        return None
    for fmt in ("vounit", "fits", None):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return u.Unit(text.strip(), format=fmt)
        except (ValueError, TypeError):
            continue
    return None


def unit_text(unit: u.UnitBase | None) -> str:
    """``unit`` as VOUnit (astropy's own syntax where VOUnit cannot say it)."""
    if unit is None:
        return ""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Angstrom, erg: deprecated, still VOUnit
            return unit.to_string("vounit")
    except (ValueError, TypeError):
        return unit.to_string()


def physical_ucd(unit: u.UnitBase | None, fallback: str) -> str:
    """The UCD of a spectral coordinate in ``unit``."""
    if unit is not None:
        for ptype, ucd in SPECTRAL_UCDS.items():
            try:
                if unit.physical_type == ptype:
                    return ucd
            except AttributeError:
                break
    return fallback or "em.wl"


def converted(values: np.ndarray, unit: u.UnitBase | None, want: u.UnitBase | None,
              spectral: bool) -> tuple[np.ndarray, u.UnitBase | None]:
    """``values`` in ``want`` when they convert, else unchanged."""
    if unit is None or want is None or unit == want:
        return values, unit or want
    try:  # flux densities would need the spectral axis to convert: scaling only
        return (values * unit).to_value(want, u.spectral() if spectral else []), want
    except u.UnitConversionError:
        return values, unit


# --- reading product files -----------------------------------------------------

def read_file(path: Path) -> Spectrum:
    """The spectrum in the FITS file ``path``; raises SpectrumError."""
    try:
        with fits.open(path, memmap=False) as hdus:
            for hdu in hdus:
                if isinstance(hdu, fits.BinTableHDU) and hdu.data is not None:
                    return _from_table(hdu)
                if hdu.is_image and hdu.data is not None and hdu.data.size > 1:
                    return _from_image(hdu)
    except (OSError, ValueError) as exc:
        raise SpectrumError(f"cannot read the spectrum: {exc}") from None
    raise SpectrumError("the file holds no spectrum (no 1-D image, no table)")


def _from_image(hdu: Any) -> Spectrum:
    from astropy.wcs import WCS, FITSFixedWarning

    data = np.asarray(hdu.data, dtype=np.float64)
    if sum(n > 1 for n in data.shape) != 1:
        raise SpectrumError(f"the image has shape {data.shape}; a spectrum has one "
                            "axis")
    flux = data.reshape(-1)
    axis = data.ndim - int(np.argmax(data.shape))  # FITS axis number (1-based)
    header = hdu.header
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        wcs = WCS(header, naxis=[axis])
    pixels = np.arange(flux.size, dtype=np.float64)
    spectral = np.asarray(wcs.all_pix2world(pixels, 0)[0], dtype=np.float64)
    unit = parse_unit(str(wcs.wcs.cunit[0])) or parse_unit(header.get(f"CUNIT{axis}"))
    ctype = str(header.get(f"CTYPE{axis}", "")).upper()
    if ctype.startswith("FREQ") and unit is None:
        unit = u.Hz
    elif ctype.startswith(("WAVE", "AWAV")) and unit is None:
        unit = u.m
    return Spectrum(
        [ResultColumn("spectral", "double", unit=unit_text(unit),
                      ucd=physical_ucd(unit, ""), utype=SPECTRAL_UTYPE),
         ResultColumn("flux", "double", unit=unit_text(parse_unit(header.get("BUNIT"))),
                      utype=FLUX_UTYPE)],
        [spectral, flux])


def _pick(names: Sequence[str], wanted: Sequence[str], skip: set[int]) -> int | None:
    lowered = [n.lower() for n in names]
    for want in wanted:
        if want in lowered and lowered.index(want) not in skip:
            return lowered.index(want)
    return None


def _from_table(hdu: Any) -> Spectrum:
    data, cols = hdu.data, hdu.columns
    names = list(cols.names)
    numeric = [i for i, c in enumerate(cols) if np.issubdtype(data[c.name].dtype,
                                                              np.number)]
    if len(numeric) < 2:
        raise SpectrumError("the table has fewer than two numeric columns")
    units = [parse_unit(cols[i].unit) for i in range(len(names))]
    spectral = _pick(names, SPECTRAL_NAMES, set())
    if spectral is None:
        spectral = next((i for i in numeric if units[i] is not None
                         and units[i].physical_type in SPECTRAL_UCDS), None)
    if spectral is None:
        raise SpectrumError("no spectral column (by unit or name) in the table")
    flux = _pick(names, FLUX_NAMES, {spectral})
    if flux is None:
        flux = next(i for i in numeric if i != spectral)
    error = _pick(names, ERROR_NAMES, {spectral, flux})
    order = [spectral, flux] + ([error] if error is not None else [])
    order += [i for i in numeric if i not in order]
    one_row_of_arrays = len(data) == 1 and np.ndim(data[names[spectral]][0]) == 1
    columns, values = [], []
    for index in order:
        raw = data[names[index]]
        column = np.asarray(raw[0] if one_row_of_arrays else raw, dtype=np.float64)
        if column.ndim != 1 or (values and len(column) != len(values[0])):
            continue
        utype = {spectral: SPECTRAL_UTYPE, flux: FLUX_UTYPE, error: ERROR_UTYPE
                 }.get(index, "")
        ucd = physical_ucd(units[index], "") if index == spectral else ""
        columns.append(ResultColumn(names[index] if index not in (spectral, flux)
                                    else ("spectral" if index == spectral else "flux"),
                                    "double", unit=unit_text(units[index]),
                                    ucd=ucd, utype=utype))
        values.append(column)
    return Spectrum(columns, values)


# --- fitting a spectrum to its SSA metadata -------------------------------------

def _shown(unit: u.UnitBase | None, declared: str) -> str:
    """How to write ``unit``: as the SSA table declares it when it is that unit."""
    if unit is None:
        return declared
    if declared and parse_unit(declared) == unit:
        return declared
    return unit_text(unit)


def conform(spectrum: Spectrum, spectral_unit: str, spectral_ucd: str,
            flux_unit: str, flux_ucd: str) -> Spectrum:
    """``spectrum`` in the units and UCDs the SSA table declares, where they fit."""
    columns, values = list(spectrum.columns), list(spectrum.values)
    s, f = spectrum.spectral, spectrum.flux
    have = parse_unit(columns[s].unit)
    values[s], unit = converted(values[s], have, parse_unit(spectral_unit), True)
    ucd = physical_ucd(unit, spectral_ucd)
    columns[s] = replace(columns[s], unit=_shown(unit, spectral_unit), ucd=ucd,
                         description=columns[s].description or "The spectral "
                         "coordinate of each sample")
    flux_have = parse_unit(columns[f].unit)
    values[f], funit = converted(values[f], flux_have, parse_unit(flux_unit), False)
    for i, column in enumerate(columns):
        if i != s and is_error(column):
            values[i], _ = converted(values[i], parse_unit(column.unit),
                                     parse_unit(flux_unit), False)
            columns[i] = replace(column, unit=_shown(funit, flux_unit),
                                 ucd=column.ucd or f"stat.error;{flux_ucd}")
    columns[f] = replace(columns[f], unit=_shown(funit, flux_unit) if flux_have
                         else (flux_unit or columns[f].unit),
                         ucd=flux_ucd or columns[f].ucd,
                         description=columns[f].description or "The flux (or what "
                         "the UCD says) of each sample")
    return replace(spectrum, columns=columns, values=values)


# --- what SODA does to it -------------------------------------------------------

def cut_band(spectrum: Spectrum, low: float, high: float) -> Spectrum:
    """The samples whose vacuum wavelength (m) lies in [low, high], with the
    spectral coverage params following the cut."""
    metres = spectrum.wavelengths()
    keep = (metres >= low) & (metres <= high)
    cut = replace(spectrum, values=[v[keep] for v in spectrum.values],
                  params=list(spectrum.params))
    if keep.any():
        start, end = float(metres[keep].min()), float(metres[keep].max())
        cut.set_param("ssa_specstart", start)
        cut.set_param("ssa_specend", end)
        cut.set_param("ssa_specmid", (start + end) / 2)
        cut.set_param("ssa_specext", end - start)
        cut.set_param("ssa_length", int(keep.sum()))
    return cut


def relative(spectrum: Spectrum) -> Spectrum:
    """The spectrum normalised to a maximum flux of 1 (FLUXCALIB=RELATIVE)."""
    flux = spectrum.values[spectrum.flux]
    finite = flux[np.isfinite(flux)]
    peak = float(np.max(np.abs(finite))) if finite.size else 0.0
    if peak == 0.0:
        raise SpectrumError("the spectrum has no non-zero flux to normalise to")
    values, columns = list(spectrum.values), list(spectrum.columns)
    for i, column in enumerate(columns):
        if i == spectrum.flux or (i != spectrum.spectral and is_error(column)):
            values[i] = values[i] / peak
            columns[i] = replace(column, unit="")
    result = replace(spectrum, columns=columns, values=values,
                     params=list(spectrum.params))
    result.set_param("ssa_fluxcalib", "RELATIVE")
    result.set_param("ssa_fluxunit", "")
    return result
