"""Writes J-PLUS-like images in the 12 filters of a few fields, their sources
taken from the jplus catalogue.

Reads ``data/jplus.csv`` (made by ``generate.py``) and picks one field per
footprint patch, FIELD_PIX x FIELD_PIX pixels of 1.1 arcsec (T80Cam's 0.55
arcsec, binned 2x2): in the "spring" and "north" patches the window holding
most objects brighter than BRIGHT in rSDSS (then most objects), on Stripe 82
the best one centred on RA 0, so that one field crosses RA 0.  Only windows
inside one tile observed in all 12 filters qualify.  Every catalogue object
inside a field is drawn in every filter at its catalogue position with its
catalogue flux (none where that is NULL or not positive): a Moffat profile
with the seeing of that filter and field, widened by a size fixed by the
object's id for extended objects (class_star < 0.5 or NULL); then sky noise
matching the filter's depth.

Written to ``--out``/images (default ``data/images``):
``<tile_id>-<filter>.fits.gz``, a TAN WCS centred on the field, sky-subtracted
counts as 16-bit integers with BSCALE; PHOTZP turns counts into AB
magnitudes (flux in uJy = counts * 10**(0.4 * (23.9 - PHOTZP))).  Headers
carry FILTER (the J-PLUS name), WAVELENG (pivot), WAVEMIN and WAVEMAX
(Angstrom, pivot -/+ half the width), TILE_ID, FWHMMEAN (seeing, arcsec),
DATE-OBS, MJD-OBS, EXPTIME and NCOMBINE.

Same catalogue, same bytes: noise is seeded by tile and filter, gzip streams
carry no time stamp.  Run as
``python inputs/jplus/generate_images.py [--catalogue FILE] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.util
import io
import math
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"
DEFAULT_CATALOGUE = DEFAULT_OUT / "jplus.csv"
FIELD_PIX = 400
PIXEL = 1.1  # arcsec
ZERO_OFFSET = 0x0880  # counts 0 stored as this: near-zero values share a high byte
CREDIT = "DR demo, synthetic (inputs/jplus/generate_images.py)"


def _catalogue_generator():
    """generate.py of this directory: FILTERS, PIVOT, DEPTH, PATCHES, TILE_SIZE and
    the missing-filter rule live there once."""
    spec = importlib.util.spec_from_file_location("jplus_generate", HERE / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CAT = _catalogue_generator()
FILTERS = CAT.FILTERS
R_BAND = FILTERS.index("rSDSS")
BRIGHT = 100.0  # uJy in rSDSS (AB 18.9): objects that make a field worth showing
# Widths (FWHM, Angstrom) of the J-PLUS filters, in FILTERS order.
WIDTH = np.array([508, 168, 100, 200, 200, 1409, 200, 1238, 138, 1496, 400, 1120],
                 dtype=float)
EXPTIME = np.array([3 * 150, 3 * 200, 3 * 100, 3 * 100, 3 * 100, 3 * 30,
                    3 * 100, 3 * 40, 3 * 120, 3 * 40, 3 * 100, 3 * 60], dtype=float)


@dataclass(frozen=True)
class Field:
    name: str  # the patch
    tile_id: int
    ra: float  # centre, deg
    dec: float


@dataclass(frozen=True)
class Source:
    id: int
    ra: float
    dec: float
    flux: np.ndarray  # uJy per filter, NaN for NULL
    extended: bool


def read_catalogue(path: Path) -> dict[str, np.ndarray]:
    ids, tiles, ras, decs, fluxes, stars = [], [], [], [], [], []
    with open(path, newline="", encoding="ascii") as f:
        for row in csv.DictReader(f):
            ids.append(int(row["id"]))
            tiles.append(int(row["tile_id"]))
            ras.append(float(row["ra"]))
            decs.append(float(row["dec"]))
            fluxes.append([math.nan if v == "NULL" else float(v)
                           for v in row["flux"][1:-1].split(",")])
            stars.append(float(row["class_star"]) if row["class_star"] else math.nan)
    return {"id": np.array(ids), "tile_id": np.array(tiles), "ra": np.array(ras),
            "dec": np.array(decs), "flux": np.array(fluxes), "class_star": np.array(stars)}


def _tile_bounds(tile_id: int) -> tuple[float, float, float, float]:
    """(ra_min, ra_width, dec_min, dec_max) of a tile, as generate.py numbers them."""
    patch, rest = divmod(tile_id, 10000)
    row, col = divmod(rest, 100)
    _, ra0, _, dec0, _ = CAT.PATCHES[patch - 1]
    return ((ra0 + col * CAT.TILE_SIZE) % 360, CAT.TILE_SIZE,
            dec0 + row * CAT.TILE_SIZE, dec0 + (row + 1) * CAT.TILE_SIZE)


def _offsets(cat: dict[str, np.ndarray], ra: float,
             dec: float) -> tuple[np.ndarray, np.ndarray]:
    """Tangent-plane-ish offsets (deg) of the catalogue from (ra, dec)."""
    dra = (cat["ra"] - ra + 180) % 360 - 180
    return dra * math.cos(math.radians(dec)), cat["dec"] - dec


def _inside_one_tile(ra: float, dec: float, half: float) -> int | None:
    """The tile wholly holding the window of half-side ``half`` (deg) about
    (ra, dec) if it is observed in every filter, else None."""
    for index, (_, ra0, width, dec0, _) in enumerate(CAT.PATCHES):
        dra = (ra - ra0) % 360
        if not (0 <= dra < width and dec0 <= dec):
            continue
        col, row = int(dra // CAT.TILE_SIZE), int((dec - dec0) // CAT.TILE_SIZE)
        tile = int(CAT._tile_ids(index, col, row))
        ra_lo, _, dec_lo, dec_hi = _tile_bounds(tile)
        half_ra = half / math.cos(math.radians(dec))
        if (dec_lo + half < dec < dec_hi - half
                and half_ra < (ra - ra_lo) % 360 < CAT.TILE_SIZE - half_ra
                and CAT._missing_filter(np.array([tile]))[0] == -1):
            return tile
    return None


def pick_fields(cat: dict[str, np.ndarray]) -> list[Field]:
    """Per patch, the window with most bright objects (see the module
    docstring): quarter-field cells summed over 4 x 4 cells propose windows,
    the best inside one complete tile wins, ties to the first."""
    side = FIELD_PIX * PIXEL / 3600
    with np.errstate(invalid="ignore"):
        score = np.where(cat["flux"][:, R_BAND] > BRIGHT, 1000, 1)
    fields = []
    for index, (name, ra0, width, dec0, dec1) in enumerate(CAT.PATCHES):
        in_patch = cat["tile_id"] // 10000 == index + 1
        if name == "stripe82":
            centres = [(0.0, round(float(d), 4)) for d in np.arange(dec0, dec1, side / 4)]
        else:
            scale = math.cos(math.radians((dec0 + dec1) / 2))
            ra_edges = np.arange(0, width + 1e-9, side / 4 / scale)
            dec_edges = np.arange(dec0, dec1 + 1e-9, side / 4)
            cells, _, _ = np.histogram2d((cat["ra"][in_patch] - ra0) % 360,
                                         cat["dec"][in_patch], (ra_edges, dec_edges),
                                         weights=score[in_patch])
            sums = np.lib.stride_tricks.sliding_window_view(cells, (4, 4)).sum(axis=(2, 3))
            order = np.argsort(-sums, axis=None, kind="stable")
            centres = [((ra0 + ra_edges[i + 2]) % 360, float(dec_edges[j + 2]))
                       for i, j in zip(*np.unravel_index(order[:200], sums.shape),
                                       strict=True)]
        best = None
        for ra, dec in centres:
            tile = _inside_one_tile(ra, dec, side / 2)
            if tile is None:
                continue
            x, y = _offsets(cat, ra, dec)
            total = int(score[(np.abs(x) < side / 2) & (np.abs(y) < side / 2)].sum())
            if best is None or total > best[0]:
                best = (total, Field(name, tile, round(float(ra), 6), round(float(dec), 6)))
        if best is not None:
            fields.append(best[1])
    return fields


def field_wcs(field: Field) -> WCS:
    w = WCS(naxis=2)
    w.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    w.wcs.cunit = ["deg", "deg"]
    w.wcs.crpix = [(FIELD_PIX + 1) / 2] * 2
    w.wcs.crval = [field.ra, field.dec]
    w.wcs.cdelt = [-PIXEL / 3600, PIXEL / 3600]
    w.wcs.radesys = "ICRS"
    return w


def sources_in(cat: dict[str, np.ndarray], field: Field, w: WCS) -> list[Source]:
    x, y = w.all_world2pix(cat["ra"], cat["dec"], 0)
    inside = (x > -0.5) & (x < FIELD_PIX - 0.5) & (y > -0.5) & (y < FIELD_PIX - 0.5)
    inside &= np.abs(_offsets(cat, field.ra, field.dec)[1]) < 1  # the near hemisphere
    return [Source(int(cat["id"][i]), float(cat["ra"][i]), float(cat["dec"][i]),
                   cat["flux"][i], not cat["class_star"][i] >= 0.5)
            for i in np.flatnonzero(inside)]


def moffat(dx: np.ndarray, dy: np.ndarray, fwhm_pix: float, beta: float = 3.0) -> np.ndarray:
    """A Moffat profile of unit integral."""
    alpha = fwhm_pix / (2 * math.sqrt(2 ** (1 / beta) - 1))
    core = 1 + (dx ** 2 + dy ** 2) / alpha ** 2
    return (beta - 1) / (math.pi * alpha ** 2) * core ** -beta


def photzp(band: int) -> float:
    """The zero point that makes the sky noise about 4 counts per pixel."""
    aperture_sigma = 10 ** ((23.9 - CAT.DEPTH[band]) / 2.5) / 5  # uJy in 3 arcsec
    pixel_sigma = aperture_sigma / math.sqrt(math.pi * 1.5 ** 2 / PIXEL ** 2)
    return round(23.9 + 2.5 * math.log10(4.0 / pixel_sigma), 3)


def image(field: Field, band: int, sources: list[Source], w: WCS,
          rng: np.random.Generator) -> tuple[np.ndarray, float, float]:
    """Counts, zero point and seeing (arcsec) of one filter's image."""
    zp = photzp(band)
    per_ujy = 10 ** (0.4 * (zp - 23.9))
    seeing = round(float(rng.uniform(1.0, 1.6)) * (1.15 if band < 5 else 1.0), 2)
    counts = np.zeros((FIELD_PIX, FIELD_PIX))
    yy, xx = np.mgrid[0:FIELD_PIX, 0:FIELD_PIX]
    for src in sources:
        flux = src.flux[band]
        if not flux > 0:
            continue
        x, y = w.all_world2pix([[src.ra, src.dec]], 0)[0]
        size = 1.0 + (src.id * 2654435761 % 1000) / 400 if src.extended else 0.0
        fwhm = math.hypot(seeing, size) / PIXEL
        r = int(6 * fwhm) + 3
        x0, y0 = int(round(x)), int(round(y))
        sl = (slice(max(y0 - r, 0), y0 + r + 1), slice(max(x0 - r, 0), x0 + r + 1))
        counts[sl] += flux * per_ujy * moffat(xx[sl] - x, yy[sl] - y, fwhm)
    counts += 4.0 * rng.standard_normal(counts.shape)
    return counts.astype(np.float32), zp, seeing


def image_hdus(field: Field, band: int, sources: list[Source], w: WCS) -> fits.HDUList:
    rng = np.random.default_rng([field.tile_id, band])
    counts, zp, seeing = image(field, band, sources, w, rng)
    hdu = fits.PrimaryHDU(counts, header=w.to_header())
    h = hdu.header
    for key in ("WCSAXES", "MJDREF", "DATEREF", "LONPOLE", "LATPOLE"):
        h.remove(key, ignore_missing=True)
    start = datetime(2016, 3, 1, 21, 0) + timedelta(days=(field.tile_id * 7) % 900,
                                                    minutes=12 * band)
    pivot, width = float(CAT.PIVOT[band]), float(WIDTH[band])
    for key, value, comment in (
            ("OBJECT", f"JPLUS-{field.tile_id}", "the tile (a cut-out of it)"),
            ("TILE_ID", field.tile_id, "tile_id in jplus.main"),
            ("FIELD", field.name, "footprint patch"),
            ("TELESCOP", "JAST80", "JAST/T80 at the OAJ (J-PLUS-like)"),
            ("INSTRUME", "T80Cam", "binned 2x2: 1.1 arcsec pixels"),
            ("FILTER", FILTERS[band], "J-PLUS filter"),
            ("WAVELENG", pivot, "[Angstrom] pivot wavelength"),
            ("WAVEMIN", pivot - width / 2, "[Angstrom] pivot - FWHM/2"),
            ("WAVEMAX", pivot + width / 2, "[Angstrom] pivot + FWHM/2"),
            ("BUNIT", "count", "sky-subtracted"),
            ("PHOTZP", zp, "AB mag = -2.5 log10(count) + PHOTZP"),
            ("FWHMMEAN", seeing, "[arcsec] seeing"),
            ("DATE-OBS", start.isoformat(), "UTC start of the first exposure"),
            ("MJD-OBS", round((start - datetime(1858, 11, 17)).total_seconds() / 86400, 6),
             ""),
            ("EXPTIME", float(EXPTIME[band]), "[s] total of the combined exposures"),
            ("NCOMBINE", 3, "exposures combined"),
            ("ORIGIN", CREDIT, "")):
        h[key] = (value, comment)
    bscale = float(f"{max(2.0, float(np.abs(counts).max()) / 30000.0):.4g}")
    hdu.scale("int16", bscale=bscale, bzero=-ZERO_OFFSET * bscale)
    return fits.HDUList([hdu])


def fits_gz(hdus: fits.HDUList) -> bytes:
    buf = io.BytesIO()
    hdus.writeto(buf)
    return gzip.compress(buf.getvalue(), compresslevel=6, mtime=0)


def generate(catalogue: Path, out: Path) -> dict[str, int]:
    cat = read_catalogue(catalogue)
    (out / "images").mkdir(parents=True, exist_ok=True)
    for stale in (out / "images").glob("*.fits.gz"):  # of another catalogue
        stale.unlink()
    counts = {"fields": 0, "images": 0, "sources": 0, "bytes": 0}
    for field in pick_fields(cat):
        w = field_wcs(field)
        sources = sources_in(cat, field, w)
        counts["fields"] += 1
        counts["sources"] += len(sources)
        for band, name in enumerate(FILTERS):
            data = fits_gz(image_hdus(field, band, sources, w))
            (out / "images" / f"{field.tile_id}-{name}.fits.gz").write_bytes(data)
            counts["images"] += 1
            counts["bytes"] += len(data)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=DEFAULT_CATALOGUE,
                        help=f"the catalogue CSV (default {DEFAULT_CATALOGUE})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    counts = generate(args.catalogue, args.out)
    print(f"{counts['fields']} fields, {counts['sources']} sources, {counts['images']} "
          f"images, {counts['bytes'] / 1e6:.1f} MB -> {args.out / 'images'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
