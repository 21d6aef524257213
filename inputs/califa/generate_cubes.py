"""Writes CALIFA-like datacubes and ancillary files for a few dozen real galaxies.

The galaxies are those of the demo sample (``data/califa_sample.fits``, made by
``generate.py``): NGC 5947 and IC 1256 (CALIFA galaxies), NGC 3172 (a degree
from the pole) and galaxies spread evenly in califaid (hence in RA) among
those with a type, a B magnitude and a position angle.  Each is modelled at
its catalogue position as a bulge (Sersic n=4, old stars) and a disc
(exponential, younger stars) with the catalogue's size, axis ratio and
position angle, scaled to its B magnitude, plus ionised gas in the disc that
rotates and emits [OII], Hbeta, [OIII], Halpha, [NII] and [SII] at the
catalogue redshift.  Lines and continuum strengths follow the Hubble type.
Wavelengths are in vacuum (CTYPE3 WAVE; CALIFA's own cubes are in air).

Written below ``--out`` (default ``data/``):

* ``cubes/<NAME>.V500.rscube.fits.gz`` for every galaxy and
  ``cubes/<NAME>.V1200.rscube.fits.gz`` for some (``has_v1200``):
  RA---TAN/DEC--TAN/WAVE, CUBE_SIZE x CUBE_SIZE spaxels of 1 arcsec (zero and
  flagged in the BADPIX extension outside the hexagonal field), flux in
  1e-16 erg/s/cm2/Angstrom as 16-bit integers with BSCALE; pixel centres run
  from 3745 to 7501 Angstrom for V500, 3650 to 4840 for V1200 (SETUPS);
* ``ancillary/<NAME>.sdss_r.fits.gz``: an SDSS-like r-band stamp (0.396
  arcsec pixels, nanomaggies) with the galaxy and a few field stars;
* ``ancillary/<NAME>.intspec.fits``: the spectrum integrated over the V500
  cube, a 1-D image with a WAVE axis.

Every file carries CALIFAID, OBJECT and the galaxy's REDSHIFT.  Output
depends only on the sample file: noise comes from generators seeded with the
califaid, and gzip streams carry no time stamp, so two runs give the same
bytes.

Run as ``python inputs/califa/generate_cubes.py [--sample FILE] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import math
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from astropy.io import fits

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"
DEFAULT_SAMPLE = DEFAULT_OUT / "califa_sample.fits"

N_GALAXIES = 24
ALWAYS = ("NGC 5947", "IC 1256", "NGC 3172")
CUBE_SIZE = 26  # spaxels a side, 1 arcsec each
STAMP_SIZE = 160  # SDSS pixels a side, 0.396 arcsec each
SPEED_OF_LIGHT = 299792.458  # km/s
FLUX_UNIT = 1e-16  # erg/s/cm2/Angstrom, CALIFA's BUNIT
ZERO_OFFSET = 0x0880
CREDIT = "DR demo, synthetic (inputs/califa/generate_cubes.py)"


@dataclass(frozen=True)
class Setup:
    name: str
    crval: float  # Angstrom, first pixel
    cdelt: float  # Angstrom per pixel
    naxis: int
    fwhm: float  # instrumental line width, Angstrom
    exptime: float  # s, three dithered pointings
    noise: float  # per spaxel and pixel, in FLUX_UNIT


# CALIFA's two gratings; sampling twice CALIFA's (2.0 and 0.7 Angstrom) keeps
# the files small while the lines stay resolved (FWHM over 2 pixels).
SETUPS = {
    "V500": Setup("V500", 3745.0, 4.0, 940, 6.0, 2700.0, 0.012),
    "V1200": Setup("V1200", 3650.0, 1.4, 851, 2.3, 5400.0, 0.015),
}

# Rest wavelengths in air (Angstrom, as line lists give them; the cubes' WAVE
# axis is in vacuum, see vacuum()) and, per type class, strength relative to
# Halpha: HII-region-like for discs, LINER-like for early types.
LINES = {
    "[OII]3726": 3726.03, "[OII]3729": 3728.82, "Hbeta": 4861.33,
    "[OIII]4959": 4958.91, "[OIII]5007": 5006.84, "[NII]6548": 6548.05,
    "Halpha": 6562.80, "[NII]6584": 6583.45, "[SII]6717": 6716.44,
    "[SII]6731": 6730.82,
}
RATIOS = {
    "disc": {"[OII]3726": 0.45, "[OII]3729": 0.55, "Hbeta": 0.25, "[OIII]4959": 0.06,
             "[OIII]5007": 0.18, "[NII]6548": 0.12, "Halpha": 1.0, "[NII]6584": 0.35,
             "[SII]6717": 0.2, "[SII]6731": 0.15},
    "early": {"[OII]3726": 0.6, "[OII]3729": 0.8, "Hbeta": 0.22, "[OIII]4959": 0.1,
              "[OIII]5007": 0.3, "[NII]6548": 0.5, "Halpha": 1.0, "[NII]6584": 1.5,
              "[SII]6717": 0.5, "[SII]6731": 0.4},
}
# Stellar absorption features (rest Angstrom in air, depth, sigma in Angstrom).
ABSORPTION = ((3933.66, 0.45, 6.0), (3968.47, 0.4, 6.0), (4101.74, 0.15, 6.0),
              (4304.4, 0.15, 8.0), (4340.47, 0.15, 6.0), (4861.33, 0.12, 6.0),
              (5175.4, 0.15, 10.0), (5269.0, 0.08, 8.0), (5892.9, 0.12, 6.0),
              (6562.8, 0.1, 6.0))


@dataclass(frozen=True)
class Morphology:
    bulge_fraction: float  # of the B light
    young: float  # fraction of young light in the disc
    halpha_ew: float  # Angstrom, in the disc
    lines: str  # a RATIOS key
    vmax: float  # km/s, gas rotation


def morphology(hubtype: str) -> Morphology:
    t = hubtype.rstrip("?")
    if t.startswith("E"):
        return Morphology(1.0, 0.0, 1.0, "early", 80.0)
    if t.startswith("S0"):
        return Morphology(0.6, 0.1, 3.0, "early", 150.0)
    stage = t.lstrip("SAB") or "b"
    return {
        "a": Morphology(0.45, 0.25, 8.0, "disc", 230.0),
        "ab": Morphology(0.35, 0.3, 12.0, "disc", 220.0),
        "b": Morphology(0.3, 0.35, 16.0, "disc", 210.0),
        "bc": Morphology(0.2, 0.45, 22.0, "disc", 190.0),
        "c": Morphology(0.15, 0.5, 30.0, "disc", 170.0),
        "cd": Morphology(0.1, 0.6, 40.0, "disc", 140.0),
        "d": Morphology(0.05, 0.7, 50.0, "disc", 110.0),
        "m": Morphology(0.02, 0.8, 60.0, "disc", 80.0),
    }.get(stage, Morphology(0.05, 0.8, 60.0, "disc", 70.0))  # irregulars


@dataclass(frozen=True)
class Galaxy:
    califaid: int
    name: str
    filename: str  # OpenNGC name without blanks
    ra: float
    dec: float
    hubtype: str
    majax: float  # arcmin
    axis_ratio: float
    pa: float  # deg, north through east
    bmag: float
    redshift: float


def read_galaxies(sample: Path) -> list[Galaxy]:
    """The galaxies of the sample with what the model needs, by califaid."""
    with fits.open(sample) as hdus:
        data = hdus[1].data
        null_pa = hdus[1].header.get("TNULL10")
        galaxies = []
        for row in data:
            if not row["HUBTYPE"] or np.isnan(row["BMAG"]) or row["PA"] == null_pa:
                continue
            galaxies.append(Galaxy(
                int(row["CALIFAID"]), str(row["NAME"]), str(row["ONGCNAME"]).replace(" ", ""),
                float(row["RA"]), float(row["DEC"]), str(row["HUBTYPE"]),
                float(row["MAJAX"]), max(0.2, float(row["MINAX"]) / float(row["MAJAX"])),
                float(row["PA"]), float(row["BMAG"]), float(row["REDSHIFT"])))
    return galaxies


def pick(galaxies: list[Galaxy], n: int = N_GALAXIES) -> list[Galaxy]:
    """The ALWAYS galaxies and others evenly spaced in califaid, n in all."""
    chosen = [g for g in galaxies if g.name in ALWAYS]
    rest = [g for g in galaxies if g.name not in ALWAYS]
    step = len(rest) / (n - len(chosen))
    chosen += [rest[int((k + 0.5) * step)] for k in range(n - len(chosen))]
    return sorted(chosen, key=lambda g: g.califaid)


# -- the model ------------------------------------------------------------------

def vacuum(air: float) -> float:
    """Vacuum wavelength of an air wavelength (Angstrom; Morton 2000's
    refractive index of standard air)."""
    s2 = (1e4 / air) ** 2
    return air * (1 + 8.34254e-5 + 2.406147e-2 / (130 - s2) + 1.5998e-4 / (38.9 - s2))


def sersic_b(n: float) -> float:
    return 2 * n - 1 / 3 + 4 / (405 * n)


def sersic(r: np.ndarray, re: float, n: float, total: float, q: float) -> np.ndarray:
    """Surface brightness (per arcsec2) of a Sersic profile of the given total flux;
    r is the elliptical radius (arcsec) along the major axis."""
    b = sersic_b(n)
    norm = 2 * math.pi * re ** 2 * q * n * math.exp(b) * math.gamma(2 * n) / b ** (2 * n)
    return total / norm * np.exp(-b * ((r / re) ** (1 / n) - 1))


def disc_coordinates(gal: Galaxy, east: np.ndarray, north: np.ndarray):
    """Elliptical radius (arcsec) and cosine of the azimuth in the disc plane for
    sky offsets east/north of the centre (arcsec)."""
    pa = math.radians(gal.pa)
    u = east * math.sin(pa) + north * math.cos(pa)  # along the major axis
    v = east * math.cos(pa) - north * math.sin(pa)
    r = np.hypot(u, v / gal.axis_ratio)
    return r, np.divide(u, r, out=np.ones_like(r), where=r > 0)


def fnu_to_flambda(mag_ab: float, wavelength: float) -> float:
    """Flux density in erg/s/cm2/Angstrom of an AB magnitude at a wavelength."""
    return 10 ** (-0.4 * (mag_ab + 48.6)) * 2.99792458e18 / wavelength ** 2


def stellar_spectrum(rest: np.ndarray, temperature: float, break_depth: float) -> np.ndarray:
    """A continuum normalised to 1 at 4400 Angstrom rest: a black body with a
    4000 Angstrom break and the strongest absorption features."""
    def planck(lam):
        return lam ** -5 / np.expm1(1.4388e8 / (lam * temperature))
    spec = planck(rest) / planck(np.array(4400.0))
    spec *= 1 - break_depth / (1 + np.exp((rest - 4000.0) / 30.0))
    for air, depth, sigma in ABSORPTION:
        centre = vacuum(air)
        spec *= 1 - depth * (1 - 0.6 * (temperature > 8000)) \
            * np.exp(-0.5 * ((rest - centre) / sigma) ** 2)
    return spec


def sky_offsets(size: int, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """East and north offsets (arcsec) of the pixel centres of a size x size image
    with the reference pixel in the middle and RA growing to the left."""
    centre = (size + 1) / 2
    idx = np.arange(1, size + 1)
    east = (centre - idx)[None, :] * scale
    north = (idx - centre)[:, None] * scale
    return np.broadcast_to(east, (size, size)), np.broadcast_to(north, (size, size))


@dataclass
class Model:
    """The galaxy's components on the cube's spaxels (per spaxel, FLUX_UNIT at
    4400 Angstrom rest) and its gas velocity field (km/s)."""

    bulge: np.ndarray
    disc: np.ndarray
    gas: np.ndarray
    velocity: np.ndarray


def galaxy_model(gal: Galaxy, morph: Morphology, rng: np.random.Generator) -> Model:
    east, north = sky_offsets(CUBE_SIZE, 1.0)
    r, cos_phi = disc_coordinates(gal, east, north)
    re = 0.17 * gal.majax * 60  # effective radius, arcsec, from D25
    total = fnu_to_flambda(gal.bmag, 4400.0 * (1 + gal.redshift)) / FLUX_UNIT
    bulge_re = re if morph.bulge_fraction == 1.0 else 0.35 * re
    bulge = sersic(np.maximum(r, 0.3), bulge_re, 4.0, total * morph.bulge_fraction,
                   max(gal.axis_ratio, 0.6 if morph.bulge_fraction < 1 else 0.2))
    disc = sersic(r, re, 1.0, total * (1 - morph.bulge_fraction), gal.axis_ratio)
    gas = sersic(r, 1.3 * re, 1.0, 1.0, gal.axis_ratio)
    for _ in range(8):  # HII regions along the disc
        radius, angle = rng.uniform(0.3, 1.5) * re, rng.uniform(0, 2 * math.pi)
        cx, cy = radius * math.cos(angle), radius * math.sin(angle) * gal.axis_ratio
        pa = math.radians(gal.pa)
        dx = cx * math.sin(pa) + cy * math.cos(pa)
        dy = cx * math.cos(pa) - cy * math.sin(pa)
        gas = gas * (1 + 1.5 * np.exp(-((east - dx) ** 2 + (north - dy) ** 2) / 4.0))
    inclination = math.acos(min(gal.axis_ratio, 0.99))
    velocity = morph.vmax * np.tanh(r / (0.4 * re)) * math.sin(inclination) * cos_phi
    return Model(bulge, disc, gas, velocity)


def cube_flux(gal: Galaxy, setup: Setup, model: Model, morph: Morphology) -> np.ndarray:
    """The noise-free cube (wavelength, dec, ra) in FLUX_UNIT per Angstrom."""
    wave = setup.crval + setup.cdelt * np.arange(setup.naxis)
    rest = wave / (1 + gal.redshift)
    old = stellar_spectrum(rest, 4300.0, 0.45)
    young = stellar_spectrum(rest, 11000.0, 0.1)
    disc_spec = (1 - morph.young) * old + morph.young * young
    flux = old[:, None, None] * model.bulge + disc_spec[:, None, None] * model.disc
    # Line fluxes from the Halpha equivalent width against the disc continuum.
    halpha_rest = vacuum(LINES["Halpha"])
    disc_at_halpha = float(np.interp(halpha_rest, rest, disc_spec))
    gas_norm = model.disc.sum() / model.gas.sum()
    halpha = morph.halpha_ew * disc_at_halpha * (1 + gal.redshift) * model.gas * gas_norm
    if morph.bulge_fraction == 1.0:  # ellipticals: weak LINER-like gas in the bulge
        halpha = morph.halpha_ew * model.bulge * float(np.interp(halpha_rest, rest, old)) \
            * (1 + gal.redshift)
    for line, ratio in RATIOS[morph.lines].items():
        rest_line = vacuum(LINES[line])
        centre = rest_line * (1 + gal.redshift) * (1 + model.velocity / SPEED_OF_LIGHT)
        sigma = math.hypot(setup.fwhm / 2.3548, rest_line * 60.0 / SPEED_OF_LIGHT)
        profile = np.exp(-0.5 * ((wave[:, None, None] - centre) / sigma) ** 2) \
            / (sigma * math.sqrt(2 * math.pi))
        flux += ratio * halpha * profile
    return flux.astype(np.float32)


def add_noise(flux: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Sky-limited noise plus photon noise growing with the signal."""
    error = np.sqrt(sigma ** 2 + 0.0005 * np.abs(flux)).astype(np.float32)
    return flux + error * rng.standard_normal(flux.shape, dtype=np.float32), error


# -- FITS -----------------------------------------------------------------------

def scaled_int16(hdu: fits.ImageHDU | fits.PrimaryHDU, quantum: float) -> None:
    """Stores the HDU's float data as 16-bit integers in steps of ``quantum``
    (or coarser, when the values would not fit).  Zero is stored as 0x0880, so
    that values near it share their high byte and gzip packs them well."""
    peak = float(np.nanmax(np.abs(hdu.data)))
    bscale = float(f"{max(quantum, peak / 30000.0):.4g}")
    hdu.scale("int16", bscale=bscale, bzero=-ZERO_OFFSET * bscale)


def fits_bytes(hdus: fits.HDUList, compress: bool) -> bytes:
    buf = io.BytesIO()
    hdus.writeto(buf)
    data = buf.getvalue()
    # No name and mtime 0 in the gzip header: the same bytes on every run.
    return gzip.compress(data, compresslevel=6, mtime=0) if compress else data


def celestial_header(header: fits.Header, gal: Galaxy, size: int, scale: float) -> None:
    """A TAN projection centred on the galaxy, ``scale`` arcsec per pixel."""
    centre = (size + 1) / 2
    for key, value, comment in (
            ("CTYPE1", "RA---TAN", ""), ("CTYPE2", "DEC--TAN", ""),
            ("CUNIT1", "deg", ""), ("CUNIT2", "deg", ""),
            ("CRPIX1", centre, ""), ("CRPIX2", centre, ""),
            ("CRVAL1", gal.ra, "[deg] RA of the galaxy centre"),
            ("CRVAL2", gal.dec, "[deg] Dec of the galaxy centre"),
            ("CDELT1", -scale / 3600, "[deg] pixel size"), ("CDELT2", scale / 3600, ""),
            ("RADESYS", "ICRS", ""), ("EQUINOX", 2000.0, "")):
        header[key] = (value, comment)


def galaxy_keys(header: fits.Header, gal: Galaxy) -> None:
    header["OBJECT"] = (gal.name, "galaxy name (NGC/IC)")
    header["CALIFAID"] = (gal.califaid, "califaid in califa.main")
    header["REDSHIFT"] = (gal.redshift, "heliocentric redshift (OpenNGC)")
    header["MED_VEL"] = (round(gal.redshift * SPEED_OF_LIGHT, 1), "[km/s] c z")
    header["ORIGIN"] = CREDIT


def observation_time(gal: Galaxy, setup: Setup) -> tuple[datetime, datetime]:
    """A night between mid-2010 and 2015, fixed by califaid and set-up."""
    days = (gal.califaid * 37 + (0 if setup.name == "V500" else 101)) % 1700
    start = datetime(2010, 7, 1, 21, 30) + timedelta(days=days,
                                                      minutes=(gal.califaid * 13) % 360)
    return start, start + timedelta(seconds=round(setup.exptime * 1.4))


def mjd(moment: datetime) -> float:
    return round((moment - datetime(1858, 11, 17)).total_seconds() / 86400, 6)


def hexagon(size: int) -> np.ndarray:
    """Spaxels inside the hexagonal field of the dithered PPAK bundle (CALIFA's
    cubes are zero and flagged in BADPIX outside it)."""
    east, north = sky_offsets(size, 1.0)
    radius = size / 2
    x, y = np.abs(east), np.abs(north)
    return (x <= radius * math.sqrt(3) / 2) & (y <= radius - x / math.sqrt(3))


def cube_hdus(gal: Galaxy, setup: Setup, model: Model, morph: Morphology,
              rng: np.random.Generator) -> tuple[fits.HDUList, np.ndarray]:
    """The cube file's HDUs and its flux as floats (before quantisation)."""
    flux, _ = add_noise(cube_flux(gal, setup, model, morph), setup.noise, rng)
    outside = ~hexagon(CUBE_SIZE)
    flux[:, outside] = 0.0
    badpix = np.zeros(flux.shape, dtype=np.uint8)
    badpix[:, outside] = 1
    primary = fits.PrimaryHDU(flux.copy())
    h = primary.header
    celestial_header(h, gal, CUBE_SIZE, 1.0)
    for key, value, comment in (
            ("CTYPE3", "WAVE", "vacuum wavelength"), ("CUNIT3", "Angstrom", ""),
            ("CRPIX3", 1.0, ""), ("CRVAL3", setup.crval, "[Angstrom]"),
            ("CDELT3", setup.cdelt, "[Angstrom] per pixel"),
            ("SPECSYS", "TOPOCENT", ""),
            ("BUNIT", "10**(-16)erg.s**(-1).cm**(-2).angstrom**(-1)", "per spaxel")):
        h[key] = (value, comment)
    galaxy_keys(h, gal)
    start, end = observation_time(gal, setup)
    for key, value, comment in (
            ("TELESCOP", "CAHA 3.5m", "Calar Alto 3.5 m telescope (CALIFA-like)"),
            ("INSTRUME", "PMAS/PPAK", "integral field spectrograph"),
            ("PIPE_SET", setup.name, "grating set-up"),
            ("DATE-OBS", start.isoformat(), "UTC start of the first pointing"),
            ("DATE-END", end.isoformat(), "UTC end of the last pointing"),
            ("MJD-OBS", mjd(start), ""), ("MJD-END", mjd(end), ""),
            ("TIMESYS", "UTC", ""),
            ("EXPTIME", setup.exptime, "[s] three dithered pointings"),
            ("SPEC_RES", setup.fwhm, "[Angstrom] FWHM of the line spread function"),
            ("FWHM_PSF", 2.5, "[arcsec] of the reconstructed image")):
        h[key] = (value, comment)
    scaled_int16(primary, setup.noise)
    return fits.HDUList([primary, fits.ImageHDU(badpix, name="BADPIX")]), flux


def stamp_hdus(gal: Galaxy, morph: Morphology, rng: np.random.Generator) -> fits.HDUList:
    """An SDSS-like r stamp: the galaxy (B-r from the type), field stars, sky noise."""
    scale = 0.396
    east, north = sky_offsets(STAMP_SIZE, scale)
    r, _ = disc_coordinates(gal, east, north)
    rmag = gal.bmag - (1.2 if morph.bulge_fraction >= 0.6 else 0.9)
    total = 10 ** (0.4 * (22.5 - rmag))  # nanomaggies
    re = 0.17 * gal.majax * 60
    pixel = scale ** 2
    image = sersic(np.maximum(r, 0.2), re if morph.bulge_fraction == 1 else 0.35 * re, 4.0,
                   total * morph.bulge_fraction, max(gal.axis_ratio, 0.6)) * pixel
    image += sersic(r, re, 1.0, total * (1 - morph.bulge_fraction), gal.axis_ratio) * pixel
    sigma = 1.4 / 2.3548  # seeing, arcsec
    for _ in range(int(rng.integers(1, 5))):
        sx, sy = rng.uniform(-28, 28, 2)
        flux = 10 ** (0.4 * (22.5 - rng.uniform(16, 21)))
        image += flux * pixel / (2 * math.pi * sigma ** 2) \
            * np.exp(-((east - sx) ** 2 + (north - sy) ** 2) / (2 * sigma ** 2))
    image = (image + 0.05 * rng.standard_normal(image.shape)).astype(np.float32)
    hdu = fits.PrimaryHDU(image)
    h = hdu.header
    celestial_header(h, gal, STAMP_SIZE, scale)
    galaxy_keys(h, gal)
    for key, value, comment in (
            ("BUNIT", "nanomaggy", "1 nanomaggy is 3.631e-6 Jy"),
            ("TELESCOP", "SDSS 2.5m", "SDSS-like (synthetic)"),
            ("INSTRUME", "SDSS imaging camera", ""),
            ("FILTER", "r", "SDSS r"), ("WAVELENG", 6166.0, "[Angstrom] effective"),
            ("WAVEMIN", 5500.0, "[Angstrom]"), ("WAVEMAX", 6900.0, "[Angstrom]"),
            ("FILESET", "sdss_r", "ancillary file set"),
            ("EXPTIME", 53.9, "[s]"), ("FWHM_PSF", 1.4, "[arcsec]")):
        h[key] = (value, comment)
    scaled_int16(hdu, 0.02)
    return fits.HDUList([hdu])


def spectrum_hdus(gal: Galaxy, cube: fits.HDUList, cube_flux: np.ndarray) -> fits.HDUList:
    """The V500 cube summed over its spaxels, float32, a WAVE axis."""
    flux = cube_flux.sum(axis=(1, 2), dtype=np.float64).astype(np.float32)
    hdu = fits.PrimaryHDU(flux)
    h = hdu.header
    src = cube[0].header
    for key in ("CTYPE3", "CUNIT3", "CRPIX3", "CRVAL3", "CDELT3", "SPECSYS"):
        h[key.replace("3", "1")] = (src[key], src.comments[key])
    h["BUNIT"] = ("10**(-16)erg.s**(-1).cm**(-2).angstrom**(-1)", "integrated")
    galaxy_keys(h, gal)
    h["RA"] = (gal.ra, "[deg] ICRS, centre of the aperture")
    h["DEC"] = (gal.dec, "[deg] ICRS")
    h["APERTURE"] = (float(CUBE_SIZE), "[arcsec] side of the summed field")
    for key in ("TELESCOP", "INSTRUME", "PIPE_SET", "DATE-OBS", "DATE-END", "MJD-OBS",
                "MJD-END", "EXPTIME", "SPEC_RES"):
        h[key] = (src[key], src.comments[key])
    h["FILESET"] = ("intspec", "ancillary file set")
    return fits.HDUList([hdu])


def has_v1200(gal: Galaxy) -> bool:
    """CALIFA observed fewer galaxies with V1200; here the ALWAYS ones and every
    califaid divisible by 4."""
    return gal.name in ALWAYS or gal.califaid % 4 == 0


def generate(sample: Path, out: Path, n: int = N_GALAXIES) -> dict[str, int]:
    """Writes the files for n galaxies; returns counts and total bytes."""
    galaxies = pick(read_galaxies(sample), n)
    (out / "cubes").mkdir(parents=True, exist_ok=True)
    (out / "ancillary").mkdir(parents=True, exist_ok=True)
    for pattern in ("cubes/*.rscube.fits.gz", "ancillary/*.sdss_r.fits.gz",
                    "ancillary/*.intspec.fits"):
        for stale in out.glob(pattern):  # of another sample
            stale.unlink()
    counts = {"galaxies": len(galaxies), "cubes": 0, "ancillary": 0, "bytes": 0}

    def write(path: Path, data: bytes, kind: str) -> None:
        path.write_bytes(data)
        counts[kind] += 1
        counts["bytes"] += len(data)

    for gal in galaxies:
        morph = morphology(gal.hubtype)
        model = galaxy_model(gal, morph, np.random.default_rng([gal.califaid, 0]))
        for setup in SETUPS.values():
            if setup.name == "V1200" and not has_v1200(gal):
                continue
            rng = np.random.default_rng([gal.califaid, 1 if setup.name == "V500" else 2])
            cube, flux = cube_hdus(gal, setup, model, morph, rng)
            write(out / "cubes" / f"{gal.filename}.{setup.name}.rscube.fits.gz",
                  fits_bytes(cube, True), "cubes")
            if setup.name == "V500":
                write(out / "ancillary" / f"{gal.filename}.intspec.fits",
                      fits_bytes(spectrum_hdus(gal, cube, flux), False), "ancillary")
        stamp = stamp_hdus(gal, morph, np.random.default_rng([gal.califaid, 3]))
        write(out / "ancillary" / f"{gal.filename}.sdss_r.fits.gz",
              fits_bytes(stamp, True), "ancillary")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE,
                        help=f"the sample FITS table (default {DEFAULT_SAMPLE})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    counts = generate(args.sample, args.out)
    print(f"{counts['galaxies']} galaxies: {counts['cubes']} cubes, "
          f"{counts['ancillary']} ancillary files, {counts['bytes'] / 1e6:.1f} MB "
          f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
