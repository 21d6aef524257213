"""Writes JCMT-like HARP/ACSIS CO(3-2) cubes, night by night, for a continuous release.

Each night observes two of FIELDS (real star-forming regions at their real
positions and LSR velocities); each observation is one reduced cube,
RA---TAN/DEC--TAN/FREQ, MAP_PIX x MAP_PIX pixels of 6 arcsec and N_CHAN
channels of 0.5 MHz (0.43 km/s) around CO(3-2) at the source velocity, in
antenna temperature (K, TA*), float32 with NaN where the raster did not
reach.  The frequency axis is in the LSRK frame (SPECSYS), with RESTFRQ,
SSYSOBS, VELOSYS (the observatory's velocity relative to the LSRK towards the
field, from astropy's barycentric correction plus the Sun's motion) and
ZSOURCE.  A field's emission (a few clumps with a velocity gradient) is the
same every night; noise, pointing jitter, integration time and date are the
night's.

Files: ``<out>/<YYYYMMDD>/jcmt_<YYYYMMDD>_<obsnum:05d>_<field>_reduced.fits``.
A night's files depend only on its number (night 1 is UTC 2015-01-06,
FIRST_NIGHT; nights follow each other), so regenerating gives the same bytes
and a new night leaves the earlier ones alone.

Run as ``python inputs/jcmt/generate.py [--nights N] [--out DIR]`` (nights 1..N,
default 3), or ``--add-night`` to write the night after the last one present.
To simulate a new night of the continuous release::

    python inputs/jcmt/generate.py --add-night
    dr imp jcmt        # the data element is updating: only the new files load
"""

from __future__ import annotations

import argparse
import io
import math
import re
import sys
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.coordinates import EarthLocation, SkyCoord
from astropy.io import fits
from astropy.time import Time
from astropy.utils import iers

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"
DEFAULT_NIGHTS = 3
FIRST_NIGHT = datetime(2015, 1, 6)
OBS_PER_NIGHT = 2
MAP_PIX = 20
PIXEL = 6.0  # arcsec
N_CHAN = 240
CHANNEL = 0.5e6  # Hz
RESTFRQ = 345.7959899e9  # Hz, CO(3-2)
C_KMS = 299792.458
# Mauna Kea, JCMT (geodetic).
JCMT = EarthLocation.from_geodetic(lon=-155.477 * u.deg, lat=19.8228 * u.deg,
                                   height=4092 * u.m)
# The Sun's motion relative to the LSRK: 20 km/s towards RA 18h, Dec +30 (B1900).
SOLAR_APEX = SkyCoord(270.0 * u.deg, 30.0 * u.deg, frame="fk4", equinox="B1900")
SOLAR_SPEED = 20.0  # km/s
NIGHT_DIR = re.compile(r"^\d{8}$")
CREDIT = "DR demo, synthetic (inputs/jcmt/generate.py)"


@dataclass(frozen=True)
class Field:
    name: str  # for file names and OBJECT
    ra: float  # deg, ICRS
    dec: float
    vlsr: float  # km/s
    peak: float  # K, brightest clump
    width: float  # km/s, line sigma


FIELDS = (
    Field("OMC1", 83.8221, -5.3911, 9.0, 45.0, 3.5),
    Field("NGC1333", 52.2938, 31.2253, 7.5, 18.0, 1.5),
    Field("W3OH", 36.7658, 61.8736, -46.5, 20.0, 2.5),
    Field("OphA", 246.6146, -24.3989, 3.5, 30.0, 1.2),
    Field("DR21", 309.7542, 42.3286, -3.0, 25.0, 3.0),
)


@dataclass(frozen=True)
class Observation:
    night: int
    obsnum: int
    field: Field
    start: datetime
    int_time: float  # s

    @property
    def utdate(self) -> str:
        return self.start.strftime("%Y%m%d")

    @property
    def filename(self) -> str:
        return f"jcmt_{self.utdate}_{self.obsnum:05d}_{self.field.name}_reduced.fits"


def night_date(night: int) -> datetime:
    return FIRST_NIGHT + timedelta(days=night - 1)


def observations(night: int) -> list[Observation]:
    """The night's observations; only the night number decides them."""
    rng = np.random.default_rng([20150106, night])
    chosen = rng.choice(len(FIELDS), OBS_PER_NIGHT, replace=False)
    start = night_date(night) + timedelta(hours=5, minutes=int(rng.integers(0, 90)))
    result = []
    for k, index in enumerate(sorted(chosen)):
        int_time = float(rng.choice([900.0, 1200.0, 1800.0]))
        result.append(Observation(night, 10 + 7 * k + int(rng.integers(0, 5)),
                                  FIELDS[index], start, int_time))
        start += timedelta(seconds=int_time * 1.5 + 300)
    return result


def velosys(obs: Observation) -> float:
    """The observatory's velocity (m/s) relative to the LSRK along the line of
    sight, positive receding (FITS WCS paper III)."""
    iers.conf.auto_download = False  # the bundled tables cover 2015; no network
    target = SkyCoord(obs.field.ra * u.deg, obs.field.dec * u.deg, frame="icrs")
    middle = Time(obs.start + timedelta(seconds=obs.int_time / 2), scale="utc")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        towards_bary = target.radial_velocity_correction(
            kind="barycentric", obstime=middle, location=JCMT).to_value(u.km / u.s)
    apex = SOLAR_APEX.icrs
    towards_sun = SOLAR_SPEED * math.cos(target.separation(apex).rad)
    # Both are the observer's motion towards the source; receding is positive.
    return round(-(towards_bary + towards_sun) * 1000.0, 1)


def sky_model(field: Field) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Peak temperature (K), centroid velocity and line width (km/s) on a sky
    grid of 1 arcsec steps, MAP_PIX * PIXEL + 40 arcsec a side, same for every
    observation of the field."""
    rng = np.random.default_rng([FIELDS.index(field), 7])
    half = MAP_PIX * PIXEL / 2 + 20
    east, north = np.meshgrid(np.arange(-half, half + 1), np.arange(-half, half + 1))
    peak = np.zeros_like(east, dtype=float)
    for k in range(4):
        cx, cy = rng.uniform(-0.3, 0.3, 2) * MAP_PIX * PIXEL
        size = rng.uniform(10, 30)
        strength = field.peak * (1.0 if k == 0 else rng.uniform(0.2, 0.6))
        peak += strength * np.exp(-((east - cx) ** 2 + (north - cy) ** 2) / (2 * size ** 2))
    peak += 0.15 * field.peak * np.exp(-(north - 0.4 * east) ** 2 / (2 * 25.0 ** 2))
    gradient = rng.uniform(-0.03, 0.03, 2)  # km/s per arcsec
    velocity = field.vlsr + gradient[0] * east + gradient[1] * north
    width = field.width * (1 + 0.5 * peak / field.peak)
    return peak, velocity, width


def cube(obs: Observation, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TA* (channel, dec, ra), float32, and the channel frequencies (Hz, LSRK)."""
    peak, velocity, width = sky_model(obs.field)
    half = MAP_PIX * PIXEL / 2 + 20
    jitter = rng.normal(0, 1.5, 2)  # pointing, arcsec
    idx = (np.arange(MAP_PIX) - (MAP_PIX - 1) / 2) * PIXEL
    cols = np.clip(np.round(-idx + half + jitter[0]).astype(int), 0, peak.shape[1] - 1)
    rows = np.clip(np.round(idx + half + jitter[1]).astype(int), 0, peak.shape[0] - 1)
    grid = np.ix_(rows, cols)
    freq = crval3(obs.field) + CHANNEL_SIGN * CHANNEL * (np.arange(N_CHAN) - (N_CHAN - 1) / 2)
    v = C_KMS * (1 - freq / RESTFRQ)  # radio velocity, LSRK
    line = peak[grid] * np.exp(-0.5 * ((v[:, None, None] - velocity[grid]) / width[grid]) ** 2)
    tsys_noise = 0.6 * math.sqrt(900.0 / obs.int_time)
    data = line + tsys_noise * rng.standard_normal(line.shape)
    corner = (np.abs(idx)[:, None] > 7 * PIXEL) & (np.abs(idx)[None, :] > 7 * PIXEL)
    data[:, corner] = np.nan  # the raster's ragged corners
    return data.astype(np.float32), freq


CHANNEL_SIGN = -1  # frequency falls, velocity grows, along the axis


def crval3(field: Field) -> float:
    """The frequency (Hz, LSRK) of the source velocity: the middle of the axis."""
    return round(RESTFRQ * (1 - field.vlsr / C_KMS), 0)


def mjd(moment: datetime) -> float:
    return round((moment - datetime(1858, 11, 17)).total_seconds() / 86400, 6)


def observation_hdus(obs: Observation) -> fits.HDUList:
    rng = np.random.default_rng([obs.night, obs.obsnum])
    data, _ = cube(obs, rng)
    hdu = fits.PrimaryHDU(data)
    h = hdu.header
    end = obs.start + timedelta(seconds=obs.int_time * 1.5)
    centre = (MAP_PIX + 1) / 2
    for key, value, comment in (
            ("CTYPE1", "RA---TAN", ""), ("CTYPE2", "DEC--TAN", ""),
            ("CTYPE3", "FREQ", "LSRK frequency"),
            ("CUNIT1", "deg", ""), ("CUNIT2", "deg", ""), ("CUNIT3", "Hz", ""),
            ("CRPIX1", centre, ""), ("CRPIX2", centre, ""), ("CRPIX3", (N_CHAN + 1) / 2, ""),
            ("CRVAL1", obs.field.ra, "[deg] map centre"),
            ("CRVAL2", obs.field.dec, "[deg] map centre"),
            ("CRVAL3", crval3(obs.field), "[Hz] at the source velocity"),
            ("CDELT1", -PIXEL / 3600, ""), ("CDELT2", PIXEL / 3600, ""),
            ("CDELT3", CHANNEL_SIGN * CHANNEL, "[Hz] channel spacing"),
            ("RADESYS", "ICRS", ""),
            ("RESTFRQ", RESTFRQ, "[Hz] CO(3-2)"),
            ("SPECSYS", "LSRK", "frame of the spectral axis"),
            ("SSYSOBS", "TOPOCENT", "frame of the observer"),
            ("VELOSYS", velosys(obs), "[m/s] observer rel. to LSRK, receding +"),
            ("SSYSSRC", "LSRK", "frame of ZSOURCE"),
            ("ZSOURCE", round(obs.field.vlsr / C_KMS, 9), "source redshift (LSRK)"),
            ("BUNIT", "K", "antenna temperature"), ("TEMPSCAL", "TA*", ""),
            ("OBJECT", obs.field.name, ""),
            ("TELESCOP", "JCMT", "James Clerk Maxwell Telescope (JCMT-like)"),
            ("INSTRUME", "HARP", "receiver"), ("BACKEND", "ACSIS", "correlator"),
            ("MOLECULE", "CO", ""), ("TRANSITI", "3 - 2", ""),
            ("OBSNUM", obs.obsnum, "observation number of the night"),
            ("UTDATE", int(obs.utdate), "UT date of the night"),
            ("OBSID", f"acsis_{obs.obsnum:05d}_{obs.start:%Y%m%dT%H%M%S}", ""),
            ("DATE-OBS", obs.start.isoformat(), "UTC start"),
            ("DATE-END", end.isoformat(), "UTC end"),
            ("MJD-OBS", mjd(obs.start), ""), ("MJD-END", mjd(end), ""),
            ("TIMESYS", "UTC", ""),
            ("INT_TIME", obs.int_time, "[s] integration time"),
            ("EXP_TIME", obs.int_time, "[s]"),
            ("PRODUCT", "reduced", "pipeline product"),
            ("ORIGIN", CREDIT, "")):
        h[key] = (value, comment)
    return fits.HDUList([hdu])


def write_night(out: Path, night: int) -> list[Path]:
    written = []
    for obs in observations(night):
        folder = out / obs.utdate
        folder.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        observation_hdus(obs).writeto(buf)
        path = folder / obs.filename
        path.write_bytes(buf.getvalue())
        written.append(path)
    return written


def nights_present(out: Path) -> int:
    """How many nights (from FIRST_NIGHT on, without gaps) have a folder in out."""
    if not out.is_dir():
        return 0
    dates = {p.name for p in out.iterdir() if p.is_dir() and NIGHT_DIR.match(p.name)}
    night = 0
    while night_date(night + 1).strftime("%Y%m%d") in dates:
        night += 1
    return night


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--nights", type=int, default=DEFAULT_NIGHTS,
                       help=f"write nights 1..N (default {DEFAULT_NIGHTS})")
    group.add_argument("--add-night", action="store_true",
                       help="write the night after the last one in --out")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    nights = [nights_present(args.out) + 1] if args.add_night \
        else list(range(1, args.nights + 1))
    paths = [p for night in nights for p in write_night(args.out, night)]
    size = sum(p.stat().st_size for p in paths)
    print(f"night(s) {nights[0]}..{nights[-1]}: {len(paths)} cubes, {size / 1e6:.1f} MB "
          f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
