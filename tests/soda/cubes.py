"""Small deterministic FITS images and cubes for the SODA tests, and reading cutouts back."""

from __future__ import annotations

import gzip
import io
import shutil
import warnings
from pathlib import Path

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS, FITSFixedWarning

from engine.soda.cutout import cut_file
from engine.soda.params import parse_request

C = 299_792_458.0  # m/s


def tan_cards(ra0: float, dec0: float, nx: int, ny: int, scale: float = 0.01) -> dict:
    return {"CTYPE1": "RA---TAN", "CTYPE2": "DEC--TAN", "CRVAL1": ra0, "CRVAL2": dec0,
            "CRPIX1": (nx + 1) / 2, "CRPIX2": (ny + 1) / 2, "CDELT1": -scale,
            "CDELT2": scale, "CUNIT1": "deg", "CUNIT2": "deg"}


def write(path: Path, cards: dict, shape: tuple[int, ...], dtype: str = ">f4",
          extension: bool = False) -> Path:
    """An image of ``shape`` (FITS axis order) whose pixel values are their own index."""
    data = np.arange(int(np.prod(shape))).astype(dtype).reshape(shape[::-1])
    header = fits.Header()
    header["OBJECT"] = ("soda test", "what it shows")
    header["OBSERVER"] = "nobody"
    header.add_history("made by tests/soda/cubes.py")
    for key, value in cards.items():
        header[key] = value
    if extension:
        primary = fits.PrimaryHDU()
        primary.header["TELESCOP"] = "primary telescope"
        primary.header["OBJECT"] = "from the primary"
        fits.HDUList([primary, fits.ImageHDU(data, header, name="SCI")]).writeto(path)
    else:
        fits.PrimaryHDU(data, header).writeto(path)
    return path


def gzipped(path: Path) -> Path:
    target = path.with_name(path.name + ".gz")
    with open(path, "rb") as src, gzip.open(target, "wb", compresslevel=1) as dst:
        shutil.copyfileobj(src, dst)
    return target


def wave_cube(tmp: Path, name: str = "wave.fits", **extra) -> Path:
    cards = tan_cards(150.0, 2.0, 40, 30) | {
        "CTYPE3": "WAVE", "CUNIT3": "Angstrom", "CRVAL3": 5000.0, "CRPIX3": 1.0,
        "CDELT3": 2.0, "DATE-OBS": "2020-01-01T00:00:00"} | extra
    return write(tmp / name, cards, (40, 30, 25))


def freq_cube(tmp: Path) -> Path:
    cards = tan_cards(30.0, -40.0, 20, 20, scale=0.002) | {
        "CTYPE3": "FREQ", "CUNIT3": "Hz", "CRVAL3": 1.420e9, "CRPIX3": 8.0,
        "CDELT3": -1.0e6, "RESTFRQ": 1.420405752e9, "SPECSYS": "BARYCENT"}
    return write(tmp / "freq.fits", cards, (20, 20, 16))


def time_cube(tmp: Path) -> Path:
    """A cube whose third axis is time: one plane a minute from MJD 59000."""
    cards = tan_cards(45.0, 45.0, 10, 10) | {
        "CTYPE3": "TIME", "CUNIT3": "s", "CRVAL3": 0.0, "CRPIX3": 1.0, "CDELT3": 60.0,
        "MJDREF": 59000.0, "TIMESYS": "UTC"}
    return write(tmp / "time.fits", cards, (10, 10, 12))


def vrad_cube(tmp: Path) -> Path:
    cards = tan_cards(83.0, -5.0, 10, 10) | {
        "CTYPE3": "VRAD", "CUNIT3": "m/s", "CRVAL3": 0.0, "CRPIX3": 11.0,
        "CDELT3": 1000.0, "RESTFRQ": 1.420405752e9, "SPECSYS": "LSRK"}
    return write(tmp / "vrad.fits", cards, (10, 10, 21))


def stokes_cube(tmp: Path) -> Path:
    cards = tan_cards(200.0, 60.0, 12, 10) | {
        "CTYPE3": "STOKES", "CRVAL3": 1.0, "CRPIX3": 1.0, "CDELT3": 1.0}
    return write(tmp / "stokes.fits", cards, (12, 10, 4), dtype=">i2")


def cut(path: Path, params: dict[str, list[str] | str], **kwargs) -> fits.HDUList:
    """The cutout as astropy reads it (verified), from the raw parameters of a request."""
    raw = {key: [value] if isinstance(value, str) else value
           for key, value in params.items()}
    out = io.BytesIO()
    cut_file(path, parse_request(raw), out, **kwargs)
    out.seek(0)
    found = fits.open(out)
    found.verify("exception")
    return found


def offset_of(original: fits.Header, cutout: fits.Header) -> tuple[int, ...]:
    """The 0-based origin of the cutout in the original (FITS axis order), from CRPIXn."""
    return tuple(round(original[f"CRPIX{i}"] - cutout[f"CRPIX{i}"])
                 for i in range(1, original["NAXIS"] + 1))


def assert_is_slab(original_path: Path, hdu: fits.ImageHDU, index: int = 0) -> tuple:
    """The cutout's pixels equal the original's slab at its origin, and its WCS maps its
    corners to the world coordinates of the slab's corners in the original.
    Returns the slab's (first, last) 0-based pixels per FITS axis."""
    with fits.open(original_path) as original:
        header = original[index].header
        origin = offset_of(header, hdu.header)
        shape = hdu.data.shape[::-1]
        box = tuple((lo, lo + n - 1) for lo, n in zip(origin, shape, strict=True))
        slab = original[index].data[tuple(slice(lo, hi + 1) for lo, hi in reversed(box))]
        assert hdu.data.dtype == original[index].data.dtype
        np.testing.assert_array_equal(hdu.data, slab)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FITSFixedWarning)
            big, small = WCS(header), WCS(hdu.header)
        corners = np.array([[0] * len(box), [n - 1 for n in shape]], dtype=float)
        np.testing.assert_allclose(small.wcs_pix2world(corners, 0),
                                   big.wcs_pix2world(corners + np.array(origin), 0),
                                   rtol=1e-12, atol=1e-9)
    return box
