"""Writing small real FITS images and cubes, and the gnomonic projection worked by hand."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
from astropy.io import fits

C = 299_792_458.0  # m/s
H = 6.626_070_15e-34  # J s
EV = 1.602_176_634e-19  # J


def tan_cards(ra0: float, dec0: float, nx: int, ny: int, scale: float = 0.01
              ) -> list[tuple[str, object]]:
    """A RA---TAN/DEC--TAN WCS centred on (ra0, dec0) with square pixels of ``scale`` deg."""
    return [("CTYPE1", "RA---TAN"), ("CTYPE2", "DEC--TAN"),
            ("CRVAL1", ra0), ("CRVAL2", dec0),
            ("CRPIX1", (nx + 1) / 2), ("CRPIX2", (ny + 1) / 2),
            ("CDELT1", -scale), ("CDELT2", scale),
            ("CUNIT1", "deg"), ("CUNIT2", "deg")]


def write_fits(path: Path, cards: list[tuple], shape: tuple[int, ...],
               compress: bool = False) -> Path:
    """A primary HDU of zeros of ``shape`` (FITS axis order) with ``cards`` (keyword, value
    and optionally comment); gzip'd if asked."""
    hdu = fits.PrimaryHDU(np.zeros(shape[::-1], dtype=np.float32))
    for card in cards:
        if card[0] == "COMMENT":
            hdu.header.add_comment(card[1])
        elif card[0] == "HISTORY":
            hdu.header.add_history(card[1])
        else:
            hdu.header[card[0]] = card[1:] if len(card) > 2 else card[1]
    if compress:
        buffer = fits.HDUList([hdu])
        raw = path.with_suffix("")
        buffer.writeto(raw, overwrite=True)
        path.write_bytes(gzip.compress(raw.read_bytes()))
        raw.unlink()
    else:
        hdu.writeto(path, overwrite=True)
    return path


def tan_corner(ra0: float, dec0: float, xi: float, eta: float) -> tuple[float, float]:
    """The sky position of standard coordinates (xi, eta) in deg: the textbook inverse
    gnomonic projection about (ra0, dec0), worked without astropy."""
    x, y, d0 = math.radians(xi), math.radians(eta), math.radians(dec0)
    denominator = math.cos(d0) - y * math.sin(d0)
    ra = ra0 + math.degrees(math.atan2(x, denominator))
    dec = math.degrees(math.atan2(math.sin(d0) + y * math.cos(d0),
                                  math.hypot(x, denominator)))
    return ra % 360.0, dec


def hand_corners(ra0: float, dec0: float, nx: int, ny: int, scale: float = 0.01
                 ) -> list[tuple[float, float]]:
    """The outer pixel corners of a tan_cards image: pixel edges 0.5 and n + 0.5 (1-based),
    in the order (1, 1), (nx, 1), (nx, ny), (1, ny)."""
    crpix1, crpix2 = (nx + 1) / 2, (ny + 1) / 2
    out = []
    for p1, p2 in [(0.5, 0.5), (nx + 0.5, 0.5), (nx + 0.5, ny + 0.5), (0.5, ny + 0.5)]:
        out.append(tan_corner(ra0, dec0, -scale * (p1 - crpix1), scale * (p2 - crpix2)))
    return out


def parse_spoly(literal: str) -> list[tuple[float, float]]:
    """(lon, lat) pairs of a ``{(ad,bd),...}`` pg_sphere literal in degrees."""
    pairs = literal.strip("{}").split("),(")
    out = []
    for pair in pairs:
        lon, lat = pair.strip("()").split(",")
        out.append((float(lon.rstrip("d")), float(lat.rstrip("d"))))
    return out
