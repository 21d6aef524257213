"""Sky regions of a SODA request (circle, polygon, RA/Dec range) as pixel boxes of an image.

A region's pixel box is the bounding box, on the two celestial axes, of the
part of the region inside the image.  It comes from the region's boundary,
sampled densely (a circle at 0.5°, polygon edges as great circles, range
edges as meridians and parallels) and mapped through the WCS; going from
the sky to pixels makes RA=0 and the poles need no special case.  When some
boundary points fall outside the projection (a region larger than what a
TAN image can show), a grid of the image's pixels tested for membership
adds what the boundary cannot.  Whether the region touches the image at all
is decided the same way: a boundary point on the image or an image pixel in
the region.

Regions are ICRS (SODA 1.0 §3.3.1); images in other celestial frames
(galactic, FK4, ecliptic) have the samples transformed.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from astropy.coordinates import FK5, ICRS, SkyCoord
from astropy.wcs import WCS
from astropy.wcs.utils import wcs_to_celestial_frame

_GRID = 128  # image pixels sampled per axis when the boundary leaves the projection


@dataclass(frozen=True)
class Circle:
    ra: float
    dec: float
    radius: float

    def boundary(self) -> tuple[np.ndarray, np.ndarray]:
        bearing = np.radians(np.linspace(0.0, 360.0, 721))
        lat0, r = math.radians(self.dec), math.radians(self.radius)
        lat = np.arcsin(math.sin(lat0) * math.cos(r)
                        + math.cos(lat0) * math.sin(r) * np.cos(bearing))
        lon = math.radians(self.ra) + np.arctan2(
            np.sin(bearing) * math.sin(r) * math.cos(lat0),
            math.cos(r) - math.sin(lat0) * np.sin(lat))
        return np.degrees(lon) % 360.0, np.degrees(lat)

    def contains(self, ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
        centre = _unit(np.array([self.ra]), np.array([self.dec]))[0]
        return _unit(ra, dec) @ centre >= math.cos(math.radians(self.radius))


@dataclass(frozen=True)
class Polygon:
    vertices: tuple[tuple[float, float], ...]

    def boundary(self) -> tuple[np.ndarray, np.ndarray]:
        corners = _unit(*map(np.array, zip(*self.vertices, strict=True)))
        steps = np.linspace(0.0, 1.0, 65)[:-1, None]
        points = []
        for a, b in zip(corners, np.roll(corners, -1, axis=0), strict=True):
            points.append(a * (1 - steps) + b * steps)  # normalised below: great-circle arc
        return _lonlat(np.concatenate(points))

    def contains(self, ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
        """Even-odd rule in the gnomonic projection about the vertices' mean direction."""
        corners = _unit(*map(np.array, zip(*self.vertices, strict=True)))
        centre = corners.sum(axis=0)
        centre /= np.linalg.norm(centre)
        east = np.cross([0.0, 0.0, 1.0], centre)
        if np.linalg.norm(east) < 1e-12:
            east = np.array([1.0, 0.0, 0.0])
        east /= np.linalg.norm(east)
        north = np.cross(centre, east)

        def plane(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            depth = v @ centre
            with np.errstate(divide="ignore", invalid="ignore"):
                return (v @ east) / depth, (v @ north) / depth

        points = _unit(ra, dec)
        px, py = plane(points)
        vx, vy = plane(corners)
        inside = np.zeros(len(points), dtype=bool)
        for i in range(len(vx)):
            x1, y1, x2, y2 = vx[i - 1], vy[i - 1], vx[i], vy[i]
            crosses = (y1 > py) != (y2 > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = x1 + (py - y1) * (x2 - x1) / (y2 - y1)
            inside ^= crosses & (px < at)
        return inside & (points @ centre > 0)


@dataclass(frozen=True)
class Range:
    ra_lo: float
    ra_hi: float  # smaller than ra_lo: the range crosses RA=0
    dec_lo: float
    dec_hi: float

    @property
    def span(self) -> float:
        return (self.ra_hi - self.ra_lo) % 360.0 or 360.0

    def boundary(self) -> tuple[np.ndarray, np.ndarray]:
        n = max(16, min(1440, int(self.span * 4)))
        ras = self.ra_lo + np.linspace(0.0, self.span, n)
        decs = np.linspace(self.dec_lo, self.dec_hi, 65)
        lon = [ras, ras]
        lat = [np.full(n, self.dec_lo), np.full(n, self.dec_hi)]
        if self.span < 360.0:
            lon += [np.full(65, self.ra_lo), np.full(65, self.ra_lo + self.span)]
            lat += [decs, decs]
        return np.concatenate(lon) % 360.0, np.concatenate(lat)

    def contains(self, ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
        in_ra = (ra - self.ra_lo) % 360.0 <= self.span
        return in_ra & (dec >= self.dec_lo) & (dec <= self.dec_hi)


Region = Circle | Polygon | Range


def pixel_box(celestial: WCS, shape: tuple[int, int], region: Region
              ) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """0-based inclusive (first, last) pixels along longitude and latitude, or None.

    ``celestial`` is the two-axis WCS (longitude, latitude) of an image whose
    celestial axes are ``shape`` pixels long; None when the region misses it.
    """
    n_lon, n_lat = shape
    ra, dec = region.boundary()
    x, y = _to_pixels(celestial, ra, dec)
    finite = np.isfinite(x) & np.isfinite(y)
    x, y = x[finite], y[finite]
    on_image = ((x >= -0.5) & (x < n_lon - 0.5) & (y >= -0.5) & (y < n_lat - 0.5)).any()
    xs = []
    ys = []
    if len(x):
        xs += [x.min(), x.max()]
        ys += [y.min(), y.max()]
    grid_hit = False
    if not on_image or not finite.all():
        gx = np.unique(np.linspace(0, n_lon - 1, min(n_lon, _GRID)).round())
        gy = np.unique(np.linspace(0, n_lat - 1, min(n_lat, _GRID)).round())
        mx, my = np.meshgrid(gx, gy)
        lon, lat = _to_sky(celestial, mx.ravel(), my.ravel())
        hit = region.contains(lon, lat) & np.isfinite(lon)
        if hit.any():
            grid_hit = True
            step_x, step_y = n_lon / len(gx), n_lat / len(gy)
            xs += [mx.ravel()[hit].min() - step_x, mx.ravel()[hit].max() + step_x]
            ys += [my.ravel()[hit].min() - step_y, my.ravel()[hit].max() + step_y]
    if not (on_image or grid_hit):
        return None
    x0, x1 = _clip(min(xs), max(xs), n_lon)
    y0, y1 = _clip(min(ys), max(ys), n_lat)
    return (x0, x1), (y0, y1)


def region_of(spec: tuple) -> Region:
    """The region of one CutoutRequest value: a circle, range or vertex tuple."""
    if len(spec) == 3 and not isinstance(spec[0], tuple):
        return Circle(*spec)
    if len(spec) == 4 and not isinstance(spec[0], tuple):
        return Range(*spec)
    return Polygon(spec)


def _clip(low: float, high: float, n: int) -> tuple[int, int]:
    first = max(0, math.floor(low + 0.5))
    last = min(n - 1, math.floor(high + 0.5))
    return first, last


def _unit(ra: np.ndarray, dec: np.ndarray) -> np.ndarray:
    a, d = np.radians(ra), np.radians(dec)
    return np.stack([np.cos(d) * np.cos(a), np.cos(d) * np.sin(a), np.sin(d)], axis=-1)


def _lonlat(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v = v / np.linalg.norm(v, axis=-1, keepdims=True)
    return (np.degrees(np.arctan2(v[:, 1], v[:, 0])) % 360.0,
            np.degrees(np.arcsin(np.clip(v[:, 2], -1.0, 1.0))))


def _native_frame(wcs: WCS):
    """The celestial frame of ``wcs``, or None when it is ICRS (or FK5 J2000, 20 mas off)."""
    frame = wcs_to_celestial_frame(wcs)
    if isinstance(frame, ICRS) or (isinstance(frame, FK5)
                                   and abs(frame.equinox.jyear - 2000.0) < 1e-9):
        return None
    return frame


def _to_pixels(wcs: WCS, ra: np.ndarray, dec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    frame = _native_frame(wcs)
    if frame is not None:
        native = SkyCoord(ra, dec, unit="deg", frame="icrs").transform_to(frame)
        ra, dec = native.spherical.lon.deg, native.spherical.lat.deg
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x, y = wcs.wcs_world2pix(ra, dec, 0)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def _to_sky(wcs: WCS, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lon, lat = wcs.wcs_pix2world(x, y, 0)
    frame = _native_frame(wcs)
    if frame is not None:
        finite = np.isfinite(lon) & np.isfinite(lat)
        sky = SkyCoord(np.where(finite, lon, 0.0), np.where(finite, lat, 0.0),
                       unit="deg", frame=frame).icrs
        lon = np.where(finite, sky.ra.deg, np.nan)
        lat = np.where(finite, sky.dec.deg, np.nan)
    return np.asarray(lon) % 360.0, np.asarray(lat)
