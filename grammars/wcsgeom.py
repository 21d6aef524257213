"""What a FITS image or cube header says about its coverage: footprint, spectrum, time.

Plain functions of a header (an astropy ``Header``, or for the time and
exposure keywords any mapping of FITS keywords), for fitsProdGrammar and for
whatever else fills SIA or ObsCore columns (``s_region``, ``s_ra``/``s_dec``,
``s_fov``, ``em_min``/``em_max``, ``t_min``/``t_max``, ``t_exptime``).

* Footprint: the world coordinates of the four outer pixel corners of the two
  celestial axes (pixel edges, not centres; the other axes of a cube at their
  middle) in ICRS (galactic, ecliptic or FK4 axes are transformed; FK5 J2000
  is taken as ICRS; planetary and solar axes give none), as a polygon whose
  edges pg_sphere takes as great circles — exact for TAN, whose straight
  pixel rows are great circles, and close for small images in other
  projections.  The centre is the world position of
  the middle of the pixel grid, never a mean of corner longitudes, so an
  image across RA=0 or around a pole needs no special case; pg_sphere's
  polygon is the smaller of the two regions its edges bound, whatever the
  order of the corners.  Images spanning a hemisphere or more, or whose
  corners fall outside their projection (all-sky maps), have no polygon.
* Spectral bounds: the outer pixel edges of the spectral axis as vacuum
  wavelengths in metres, converted by wcslib whatever the axis is (WAVE,
  AWAV, FREQ, ENER, WAVN, or VRAD/VOPT/ZOPT/VELO with RESTFRQ, RESTFREQ or
  RESTWAV); a velocity axis without a rest frequency has none.
* Times: MJD (in the header's own time scale) from MJD-BEG/DATE-BEG,
  MJD-OBS/DATE-OBS (with TIME-OBS or UT when DATE-OBS holds only a day) or
  TSTART with MJDREF, and their END/TSTOP counterparts, else start plus
  TELAPSE or the exposure time.
* Exposure time in seconds: the first of XPOSURE, EXPTIME, EXPOSURE,
  EXP_TIME, ONTIME.

A WCS wcslib rejects, and time keywords that cannot be read, raise
:class:`HeaderProblem`; a header without celestial (or spectral, or time)
axes simply yields None for those.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from astropy.coordinates import FK5, ICRS, SkyCoord
from astropy.io import fits
from astropy.io.fits.verify import VerifyWarning
from astropy.wcs import WCS, WCSSUB_SPECTRAL, FITSFixedWarning
from astropy.wcs.utils import wcs_to_celestial_frame

from rd.timefuncs import parseISODT, toMJD

# Spectral axis types that are velocities (or redshifts): wavelengths need a rest value.
_VELOCITY_TYPES = ("VRAD", "VOPT", "ZOPT", "VELO", "BETA", "FELO")
EXPOSURE_KEYS = ("XPOSURE", "EXPTIME", "EXPOSURE", "EXP_TIME", "ONTIME")
_OLD_DATE = re.compile(r"^\s*(\d\d)/(\d\d)/(\d\d)\s*$")  # DD/MM/YY, before FITS 1997
SECONDS_PER_DAY = 86400.0
# Keyword families wcslib and astropy read for a WCS (FITS WCS papers I-IV and
# VII, SIP, the time and solar auxiliary keywords), alternates (CTYPE1A) too.
# Lookup-table distortions (CPDISn, DPn, D2IM) need the HDU list and are left out.
_WCS_KEYWORD = re.compile(
    r"(NAXIS|WCSAXES|WCSNAME|CTYPE|CUNIT|CRVAL|CRPIX|CDELT|CROTA|CD\d|PC\d|PV\d|PS\d"
    r"|PROJP|LONPOLE|LATPOLE|RADESYS|RADECSYS|EQUINOX|EPOCH|RESTFR|RESTWAV|SPECSYS|SSYS"
    r"|VSOURCE|ZSOURCE|VELOSYS|VELREF|VELANGL|OBSGEO|MJD|DATE|JEPOCH|BEPOCH|TIME|TREF"
    r"|TSTART|TSTOP|TELAPSE|XPOSURE|PLEPHEM|CNAME|CRDER|CSYER|CPERI|CZPHS|CWERR"
    r"|CRLN_OBS|CRLT_OBS|HGLN_OBS|HGLT_OBS|DSUN_OBS|RSUN_REF|A_|B_|AP_|BP_)")


class HeaderProblem(ValueError):
    """A header whose WCS or time keywords cannot be used; the message names which."""


@dataclass(frozen=True)
class Footprint:
    """The sky coverage of a pixel grid: ICRS RA and Dec in degrees.

    ``corners`` is None when the grid has no representable polygon (see the
    module docstring); the centre then may still be known.
    """

    center: tuple[float, float]
    corners: tuple[tuple[float, float], ...] | None
    fov: float | None  # diameter of the circle about the centre through the farthest corner

    @property
    def spoly(self) -> str | None:
        """The corners as a pg_sphere polygon literal, as COPY loads it into spoly."""
        return None if self.corners is None else spoly_literal(self.corners)

    @property
    def spoint(self) -> str:
        return spoint_literal(*self.center)


@dataclass(frozen=True)
class Geometry:
    """Everything :func:`geometry` finds in one header; None where the header says nothing."""

    shape: tuple[int, ...]  # NAXISn, FITS order
    footprint: Footprint | None
    celestial_shape: tuple[int, int] | None  # pixels along longitude, latitude
    spectral: tuple[float, float] | None  # vacuum wavelength bounds, m
    spectral_pixels: int | None
    time: tuple[float | None, float | None]  # MJD
    exposure: float | None  # s


def spoint_literal(lon: float, lat: float) -> str:
    """A pg_sphere point literal in degrees."""
    return f"({lon:.10f}d,{lat:.10f}d)"


def spoly_literal(points: Sequence[tuple[float, float]]) -> str:
    """A pg_sphere polygon literal in degrees: ``{(lon d,lat d),...}``."""
    return "{" + ",".join(spoint_literal(lon, lat) for lon, lat in points) + "}"


def circle_polygon(lon: float, lat: float, radius: float,
                   sides: int = 6) -> list[tuple[float, float]]:
    """The corners of a regular polygon inscribed in the circle of ``radius``
    around (``lon``, ``lat``), all in degrees (SSA's coverage of an aperture)."""
    lat1, r = math.radians(lat), math.radians(radius)
    corners = []
    for k in range(sides):
        bearing = 2 * math.pi * k / sides
        lat2 = math.asin(math.sin(lat1) * math.cos(r)
                         + math.cos(lat1) * math.sin(r) * math.cos(bearing))
        dlon = math.atan2(math.sin(bearing) * math.sin(r) * math.cos(lat1),
                          math.cos(r) - math.sin(lat1) * math.sin(lat2))
        corners.append(((lon + math.degrees(dlon)) % 360, math.degrees(lat2)))
    return corners


def header_wcs(header: fits.Header | str) -> WCS:
    """The header's WCS, checked by wcslib; HeaderProblem if wcslib rejects it.

    Only the cards of the WCS keyword families (:data:`_WCS_KEYWORD`) reach
    astropy, whose cost grows with every card it sees: the WCS is the same,
    made in a fraction of the time for headers full of other keywords.
    astropy's fixes (non-standard units, AIPS spectral types, DATE-OBS
    formats) are applied silently, as they are meant to be.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        warnings.simplefilter("ignore", VerifyWarning)
        text = header if isinstance(header, str) else header.tostring()
        try:
            wcs = WCS(wcs_cards(text))
            wcs.wcs.set()
        except (ValueError, KeyError, MemoryError, AttributeError) as exc:
            raise HeaderProblem(f"its WCS is unusable: {_first_line(exc)}") from None
    return wcs


def wcs_cards(text: str) -> str:
    """The cards of header ``text`` that can matter to a WCS, as header text (ASCII)."""
    cards = [text[i:i + 80] for i in range(0, len(text) - 79, 80)]
    kept = [card for card in cards if _WCS_KEYWORD.match(card)]
    # wcslib reads ASCII only; other characters are never part of WCS values
    return ("".join(kept) + "END".ljust(80)).encode("ascii", "replace").decode("ascii")


def axis_lengths(header: Mapping[str, Any], naxis: int) -> tuple[int, ...]:
    """NAXIS1…NAXISn for ``naxis`` axes; an axis the header does not size has one pixel."""
    try:
        return tuple(int(header.get(f"NAXIS{i}", 1) or 1) for i in range(1, naxis + 1))
    except (TypeError, ValueError) as exc:
        raise HeaderProblem(f"has a NAXISn that is not an integer ({exc})") from None


def footprint(wcs: WCS, shape: Sequence[int]) -> Footprint | None:
    """The footprint of a pixel grid of ``shape`` (FITS axis order), in ICRS.

    None without celestial axes, or with ones that are not on the sky
    (planetary or solar coordinates).
    """
    lng, lat = wcs.wcs.lng, wcs.wcs.lat
    if lng < 0 or lat < 0:
        return None
    middle = [(n - 1) / 2 for n in shape]  # 0-based pixel coordinates
    pixels = np.array([middle] * 5, dtype=float)
    n_lng, n_lat = shape[lng], shape[lat]
    for row, (x, y) in enumerate([(-0.5, -0.5), (n_lng - 0.5, -0.5),
                                  (n_lng - 0.5, n_lat - 0.5), (-0.5, n_lat - 0.5)]):
        pixels[row, lng], pixels[row, lat] = x, y
    try:
        world = wcs.all_pix2world(pixels, 0)
    except (ValueError, MemoryError) as exc:
        raise HeaderProblem(f"its WCS cannot place the image: {_first_line(exc)}") from None
    icrs = _icrs(wcs, world[:, lng], world[:, lat])
    if icrs is None:
        return None
    lons, lats = icrs[0] % 360.0, icrs[1]
    if not (math.isfinite(lons[4]) and math.isfinite(lats[4])):
        raise HeaderProblem("its WCS gives no sky position for the middle of the image")
    center = (float(lons[4]), float(lats[4]))
    corners = [(float(a), float(d)) for a, d in zip(lons[:4], lats[:4], strict=True)]
    if not all(math.isfinite(a) and math.isfinite(d) for a, d in corners):
        return Footprint(center, None, None)
    radius = max(_distance(center, corner) for corner in corners)
    if radius >= 90.0:  # four great-circle edges cannot bound a hemisphere or more
        return Footprint(center, None, None)
    return Footprint(center, tuple(corners), 2 * radius)


def _icrs(wcs: WCS, lons: np.ndarray, lats: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray] | None:
    """Celestial coordinates of the WCS's frame in ICRS; None for frames off the sky.

    FK5 at J2000 differs from ICRS by some 20 mas and is taken as it is;
    galactic, ecliptic, FK4 and the rest are transformed.  Planetary and
    solar coordinates have no place on the sky.
    """
    try:
        frame = wcs_to_celestial_frame(wcs)
    except ValueError:
        return None
    if isinstance(frame, ICRS) or (isinstance(frame, FK5)
                                   and abs(frame.equinox.jyear - 2000.0) < 1e-9):
        return lons, lats
    sky = SkyCoord(lons, lats, unit="deg", frame=frame).icrs
    return sky.ra.deg, sky.dec.deg


def spectral_bounds(wcs: WCS, shape: Sequence[int]) -> tuple[float, float] | None:
    """(min, max) vacuum wavelength in m of the outer edges of the spectral axis, or None."""
    axis = wcs.wcs.spec
    if axis < 0:
        return None
    spectral = wcs.sub([WCSSUB_SPECTRAL])
    ctype = spectral.wcs.ctype[0].upper()
    if ctype.startswith(_VELOCITY_TYPES) and not (spectral.wcs.restfrq
                                                  or spectral.wcs.restwav):
        return None
    try:
        spectral.wcs.sptr("WAVE-???")
        edges = spectral.wcs_pix2world([[-0.5], [shape[axis] - 0.5]], 0)[:, 0]
    except (ValueError, MemoryError) as exc:
        raise HeaderProblem(f"its spectral axis {ctype!r} cannot be converted to "
                            f"wavelengths: {_first_line(exc)}") from None
    low, high = sorted(float(v) for v in edges)
    if not (math.isfinite(low) and math.isfinite(high)) or low <= 0:
        raise HeaderProblem(f"its spectral axis {ctype!r} gives no positive wavelengths "
                            "at the edges of the cube")
    return low, high


def exposure_time(header: Mapping[str, Any]) -> float | None:
    """Exposure time in s from the first exposure keyword present; see the module docstring."""
    for key in EXPOSURE_KEYS:
        if key in header:
            return _number(header, key)
    return None


def time_bounds(header: Mapping[str, Any]) -> tuple[float | None, float | None]:
    """(start, end) as MJD from the header's time keywords; see the module docstring."""
    start = _mjd(header, "MJD-BEG", "DATE-BEG")
    if start is None:
        start = _mjd(header, "MJD-OBS", "DATE-OBS")
    if start is None:
        start = _elapsed_mjd(header, "TSTART")
    end = _mjd(header, "MJD-END", "DATE-END")
    if end is None:
        end = _elapsed_mjd(header, "TSTOP")
    if end is None and start is not None:
        duration = _number(header, "TELAPSE") if "TELAPSE" in header else None
        if duration is None:
            duration = exposure_time(header)
        if duration is not None:
            end = start + duration / SECONDS_PER_DAY
    return start, end


def geometry(header: fits.Header, wcs_source: fits.Header | str | None = None) -> Geometry:
    """All of the above for ``header``; ``wcs_source`` is its text, if at hand (faster)."""
    wcs = header_wcs(header if wcs_source is None else wcs_source)
    grid = axis_lengths(header, wcs.naxis)  # WCSAXES may exceed NAXIS
    found = footprint(wcs, grid)
    spec = wcs.wcs.spec
    celestial = (grid[wcs.wcs.lng], grid[wcs.wcs.lat]) if found is not None else None
    return Geometry(
        shape=axis_lengths(header, _int(header, "NAXIS")), footprint=found,
        celestial_shape=celestial, spectral=spectral_bounds(wcs, grid),
        spectral_pixels=grid[spec] if spec >= 0 else None,
        time=time_bounds(header), exposure=exposure_time(header))


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in degrees (haversine, exact for small angles too)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return math.degrees(2 * math.asin(min(1.0, math.sqrt(h))))


def _number(header: Mapping[str, Any], key: str) -> float | None:
    value = header.get(key)
    if value is None or isinstance(value, str) and not value.strip():
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise HeaderProblem(f"its {key} {value!r} is not a number") from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise HeaderProblem(f"its {key} {value!r} is not a number")
    return number


def _int(header: Mapping[str, Any], key: str) -> int:
    try:
        return int(header.get(key, 0) or 0)
    except (TypeError, ValueError):
        raise HeaderProblem(f"its {key} {header.get(key)!r} is not an integer") from None


def _mjd(header: Mapping[str, Any], mjd_key: str, date_key: str) -> float | None:
    if header.get(mjd_key) is not None:
        return _number(header, mjd_key)
    text = header.get(date_key)
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    old = _OLD_DATE.match(text)
    if old:
        day, month, year = old.groups()
        text = f"19{year}-{month}-{day}"
    if "T" not in text and date_key == "DATE-OBS":
        clock = header.get("TIME-OBS") or header.get("UT")
        if isinstance(clock, str) and clock.strip():
            text = f"{text}T{clock.strip()}"
    try:
        return toMJD(parseISODT(text))
    except (ValueError, OverflowError):
        raise HeaderProblem(f"its {date_key} {text!r} is not an ISO date") from None


def _elapsed_mjd(header: Mapping[str, Any], key: str) -> float | None:
    """TSTART/TSTOP: seconds (TIMEUNIT s) since MJDREF or MJDREFI + MJDREFF."""
    if header.get(key) is None:
        return None
    if header.get("MJDREF") is not None:
        reference = _number(header, "MJDREF")
    elif header.get("MJDREFI") is not None:
        reference = (_number(header, "MJDREFI") or 0) + (_number(header, "MJDREFF") or 0)
    else:
        return None
    unit = str(header.get("TIMEUNIT", "s")).strip() or "s"
    scale = {"s": SECONDS_PER_DAY, "d": 1.0, "min": 1440.0, "h": 24.0}.get(unit)
    if scale is None:
        raise HeaderProblem(f"its TIMEUNIT {unit!r} is not one of s, min, h, d")
    return reference + _number(header, key) / scale


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # wcslib reports "ERROR n in f() at line x of file y:" before the reason.
    reasons = [line for line in lines if not line.startswith("ERROR ")]
    return (reasons or lines or [type(exc).__name__])[-1]
