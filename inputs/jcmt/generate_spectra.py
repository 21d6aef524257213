"""Writes one heterodyne spectrum per JCMT-like cube, for Simple Spectral Access.

The cubes are the reduced HARP/ACSIS CO(3-2) maps that
``inputs/jcmt/generate.py`` writes (``data/<YYYYMMDD>/*_reduced.fits``); the
spectrum of each is the mean of its central CENTRE x CENTRE pixels (the map
centre lies between them), published by ``inputs/jcmt/spectra.rd``.  A spectrum
is a 1-D FITS image (primary HDU, NAXIS = 1) of antenna temperature (K, TA*)
with the cube's frequency axis as its spectral WCS: CTYPE1 = 'FREQ' in Hz in
the LSRK frame (SPECSYS), with RESTFRQ, SSYSOBS, VELOSYS, SSYSSRC and ZSOURCE,
the map centre as RA/DEC, the averaged box as APERTURE (arcsec), and the
cube's observation keys (OBJECT, OBSID, DATE-OBS, DATE-END, INT_TIME,
MOLECULE, TRANSITI...), so the RD needs only this header.

Files: ``<out>/<OBSID>_spec.fits``; the default, ``inputs/jcmt/data/spectra/``,
is generated data like the cubes (git ignores ``data/``) but outside the
cubes' import pattern, ``data/*/*_reduced.fits``.  A spectrum depends only on its cube, so the
output is deterministic; a file whose bytes would not change is not rewritten
(an updating import skips it), and a cube's spectrum is made whenever the
spectrum is missing or different, so after ``generate.py --add-night`` this
adds the new night's spectra.

Run as ``python inputs/jcmt/generate_spectra.py [--cubes DIR] [--out DIR]``,
then ``dr imp jcmt/spectra``.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
from astropy.io import fits

HERE = Path(__file__).resolve().parent
DEFAULT_CUBES = HERE / "data"
DEFAULT_OUT = HERE / "data" / "spectra"
CUBE_PATTERN = "*/*_reduced.fits"  # as the import of inputs/jcmt/q.rd
CENTRE = 2  # the spectrum averages CENTRE x CENTRE pixels about the map centre
CREDIT = "DR demo, synthetic (inputs/jcmt/generate_spectra.py)"
# Keys copied from the cube as they are (when it has them).
COPIED = ("RESTFRQ", "SPECSYS", "SSYSOBS", "VELOSYS", "SSYSSRC", "ZSOURCE",
          "BUNIT", "TEMPSCAL", "OBJECT", "TELESCOP", "INSTRUME", "BACKEND",
          "MOLECULE", "TRANSITI", "OBSNUM", "UTDATE", "OBSID", "DATE-OBS",
          "DATE-END", "MJD-OBS", "MJD-END", "TIMESYS", "INT_TIME", "EXP_TIME")


def spectral_axis(header: fits.Header) -> int:
    """The FITS axis number (1-based) of the cube's frequency axis."""
    for axis in range(1, header["NAXIS"] + 1):
        if header.get(f"CTYPE{axis}", "").startswith("FREQ"):
            return axis
    raise ValueError("the cube has no FREQ axis")


def spectrum_hdu(cube_path: Path) -> fits.PrimaryHDU:
    """The mean spectrum of the central pixels of one cube, with its header."""
    with fits.open(cube_path) as hdus:
        cube = hdus[0]
        h = cube.header
        if h["NAXIS"] != 3 or spectral_axis(h) != 3:
            raise ValueError(f"{cube_path}: expected RA, Dec, FREQ axes")
        nchan, ny, nx = cube.data.shape
        y0, x0 = (ny - CENTRE) // 2, (nx - CENTRE) // 2
        box = cube.data[:, y0:y0 + CENTRE, x0:x0 + CENTRE].astype(np.float64)
        data = np.nanmean(box.reshape(nchan, -1), axis=1).astype(np.float32)
        # The box's centre in FITS pixels along RA and Dec, as a world position.
        ra = h["CRVAL1"] + (x0 + (CENTRE + 1) / 2 - h["CRPIX1"]) * h["CDELT1"] \
            / np.cos(np.radians(h["CRVAL2"]))
        dec = h["CRVAL2"] + (y0 + (CENTRE + 1) / 2 - h["CRPIX2"]) * h["CDELT2"]
        aperture = round(CENTRE * abs(h["CDELT2"]) * 3600, 3)
        spec = fits.PrimaryHDU(data)
        s = spec.header
        for key, value, comment in (
                ("CTYPE1", "FREQ", "frequency in the frame of SPECSYS"),
                ("CUNIT1", h.get("CUNIT3", "Hz"), ""),
                ("CRPIX1", h["CRPIX3"], ""),
                ("CRVAL1", h["CRVAL3"], "[Hz] at the source velocity"),
                ("CDELT1", h["CDELT3"], "[Hz] channel spacing"),
                ("RADESYS", h.get("RADESYS", "ICRS"), "frame of RA, DEC"),
                ("RA", round(float(ra), 7), "[deg] centre of the averaged pixels"),
                ("DEC", round(float(dec), 7), "[deg] centre of the averaged pixels"),
                ("APERTURE", aperture, f"[arcsec] side of the {CENTRE}x{CENTRE}"
                                       " pixel box averaged"),
                ("NPIXAVG", CENTRE * CENTRE, "cube pixels averaged")):
            s[key] = (value, comment)
        for key in COPIED:
            if key in h:
                s[key] = (h[key], h.comments[key])
        s["EXPTIME"] = (h.get("INT_TIME", h.get("EXP_TIME")), "[s] integration time")
        s["PRODUCT"] = ("spectrum", "central spectrum of the reduced cube")
        s["CUBEFILE"] = (cube_path.name, "source cube")
        s["ORIGIN"] = (CREDIT, "")
    return spec


def write_spectra(cubes: Path, out: Path) -> tuple[list[Path], int]:
    """The spectra of all cubes under ``cubes`` in ``out``, and how many were
    (re)written."""
    paths, written = [], 0
    out.mkdir(parents=True, exist_ok=True)
    for cube_path in sorted(cubes.glob(CUBE_PATTERN)):
        hdu = spectrum_hdu(cube_path)
        buf = io.BytesIO()
        hdu.writeto(buf)
        path = out / f"{hdu.header['OBSID']}_spec.fits"
        content = buf.getvalue()
        if not path.exists() or path.read_bytes() != content:
            path.write_bytes(content)
            written += 1
        paths.append(path)
    return paths, written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cubes", type=Path, default=DEFAULT_CUBES,
                        help=f"the cubes' directory (default {DEFAULT_CUBES})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    paths, written = write_spectra(args.cubes, args.out)
    if not paths:
        print(f"no cubes under {args.cubes}: run inputs/jcmt/generate.py first",
              file=sys.stderr)
        return 1
    print(f"{len(paths)} spectra ({written} written) -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
