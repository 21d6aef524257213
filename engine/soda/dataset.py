"""One image HDU of a FITS file as SODA sees it: its header, WCS and which axis is which.

Axes are 0-based here (FITS axis n is n - 1).  The celestial and spectral
axes are wcslib's; a time axis is one whose CTYPE names a time scale (TIME,
UTC, TAI, TT, TDB, …, MJD, JD), its values turned into MJD with CUNITn and
MJDREF (or MJDREFI + MJDREFF); a polarization axis is CTYPE STOKES, its
values the codes of FITS WCS paper I (1 = I … -8 = YX).
"""

from __future__ import annotations

import contextlib
import pathlib
from functools import cached_property

import numpy as np
from astropy.wcs import WCS

from engine.errors import ProtocolError
from engine.soda import fitsfile
from engine.soda.params import STOKES_CODES
from grammars.wcsgeom import HeaderProblem, axis_lengths, header_wcs, time_bounds

_TIME_TYPES = {"TIME", "UTC", "TAI", "TT", "TDT", "TDB", "TCG", "TCB", "GPS", "ET",
               "IAT", "UT1", "UT", "MJD", "JD"}
_DAYS_PER = {"s": 1 / 86400, "min": 1 / 1440, "h": 1 / 24, "d": 1.0, "a": 365.25,
             "yr": 365.25, "": 1 / 86400}
_STOKES_NAMES = {code: name for name, code in STOKES_CODES.items()}


class Dataset:
    """One image HDU of a file, its header and its axes."""

    def __init__(self, source: pathlib.Path, hdu: int | None) -> None:
        self.source = source
        primary = None
        with contextlib.closing(fitsfile.hdus(source)) as found:
            for info in found:
                primary = primary or info
                if (info.index == hdu) if hdu is not None else info.is_image:
                    break
            else:
                which = f"HDU {hdu}" if hdu is not None else "image HDU of 2 or more axes"
                raise ProtocolError(f"{source.name} has no {which} to cut out", param="ID")
        if not info.is_image:
            raise ProtocolError(f"HDU {hdu} of {source.name} is not an image", param="ID")
        self.primary, self.image = primary, info
        self.shape = info.shape

    @cached_property
    def wcs(self) -> WCS:
        try:
            return header_wcs(self.image.header)
        except HeaderProblem as exc:
            raise ProtocolError(f"the WCS of {self.source.name} is unusable: {exc}",
                                status=500) from None

    @cached_property
    def grid(self) -> tuple[int, ...]:
        return axis_lengths(self.image.header, self.wcs.naxis)

    def _axis(self, index: int) -> int | None:
        return index if 0 <= index < len(self.shape) else None

    @cached_property
    def celestial_axes(self) -> tuple[int, int] | None:
        lng, lat = self.wcs.wcs.lng, self.wcs.wcs.lat
        if self._axis(lng) is None or self._axis(lat) is None:
            return None
        return lng, lat

    @cached_property
    def spectral_axis(self) -> int | None:
        return self._axis(self.wcs.wcs.spec)

    @cached_property
    def time_axis(self) -> int | None:
        for i, ctype in enumerate(list(self.wcs.wcs.ctype)[:len(self.shape)]):
            if ctype.split("-")[0].strip().upper() in _TIME_TYPES:
                return i
        return None

    @cached_property
    def pol_axis(self) -> int | None:
        for i, ctype in enumerate(list(self.wcs.wcs.ctype)[:len(self.shape)]):
            if ctype.strip().upper() == "STOKES":
                return i
        return None

    def axis_world(self, axis: int) -> np.ndarray:
        """World values of the pixel centres along one linear axis (its own units)."""
        sub = self.wcs.sub([axis + 1])
        return sub.wcs_pix2world(np.arange(self.shape[axis], dtype=float)[:, None], 0)[:, 0]

    def stokes(self) -> list[str | None]:
        if self.pol_axis is None:
            return []
        codes = np.round(self.axis_world(self.pol_axis)).astype(int)
        return [_STOKES_NAMES.get(int(code)) for code in codes]

    def time_span(self) -> tuple[float, float] | None:
        """(start, end) MJD of the time axis's pixel edges, or of the header's keywords."""
        if self.time_axis is not None:
            centres = self.time_mjd()
            half = abs(centres[1] - centres[0]) / 2 if len(centres) > 1 else 0.0
            return float(centres.min() - half), float(centres.max() + half)
        try:
            start, end = time_bounds(self.image.header)
        except HeaderProblem:
            return None
        if start is None:
            return None
        return start, end if end is not None else start

    def time_mjd(self) -> np.ndarray:
        """MJD of the pixel centres along the time axis."""
        header = self.image.header
        i = self.time_axis + 1
        ctype = self.wcs.wcs.ctype[i - 1].split("-")[0].strip().upper()
        unit = str(header.get(f"CUNIT{i}", "d" if ctype in ("MJD", "JD") else "s")).strip()
        if ctype == "MJD":
            reference = 0.0
        elif ctype == "JD":
            reference = -2400000.5
        else:
            reference = float(header.get("MJDREF", 0.0) or 0.0) or (
                float(header.get("MJDREFI", 0.0) or 0.0)
                + float(header.get("MJDREFF", 0.0) or 0.0))
        # pixel values straight from the header (wcslib may already rescale units)
        crval = float(header.get(f"CRVAL{i}", 0.0))
        crpix = float(header.get(f"CRPIX{i}", 1.0))
        cdelt = float(header.get(f"CDELT{i}", header.get(f"CD{i}_{i}", 1.0)))
        pixels = np.arange(1, self.shape[i - 1] + 1, dtype=float)
        return reference + (crval + (pixels - crpix) * cdelt) * _DAYS_PER.get(unit, 1 / 86400)
