"""Writes CTA-like DL3 event lists and their instrument response files (IRFs).

Eight observation runs (obs_id 1001-1008) of three real targets -- the Crab
Nebula, PKS 2155-304 and the Galactic Centre (Sgr A*) -- at their real
positions, each pointed 0.5 deg off its target (wobble mode, a different
direction per run), in the formats of the open gamma-ray astronomy data
formats (GADF 0.3) that gammapy reads:

* ``<out>/events/cta_obs<obs_id>_events.fits``: an empty primary HDU with the
  run's metadata, an EVENTS table (EVENT_ID, TIME in s since MJDREF (TT), RA,
  DEC in deg, ENERGY in TeV) and a GTI table (START, STOP in s).  The events
  are an isotropic background within 3 deg of the pointing with a steep
  power law and the source, a power law (the Crab's index 2.63) seen through
  the run's effective area, energy dispersion and PSF (a gaussian of about
  0.1 deg); reconstructed energies are 0.05-100 TeV.
* ``<out>/irfs/cta_obs<obs_id>_irf.fits``: the run's full-enclosure IRFs:
  EFFECTIVE AREA (AEFF_2D), ENERGY DISPERSION (EDISP_2D), POINT SPREAD
  FUNCTION (PSF_TABLE) and BACKGROUND (BKG_2D), the very models the events
  were drawn from, at the run's zenith angle.

Everything -- spectra, responses, background, dates, zenith angles -- is made
up by this script with fixed seeds; these are not CTA data (ORIGIN and
COMMENT say so in every file).  A run's files depend only on its number, so
regenerating gives the same bytes.

Run as ``python inputs/cta/generate.py [--out DIR]`` (default inputs/cta/data).
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from astropy.io import fits
from astropy.table import Table

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"
CREDIT = "DR demo, synthetic (inputs/cta/generate.py)"
NOT_CTA = "Synthetic CTA-like DL3 data made up by a generator; not CTA data."
HDUDOC = "https://github.com/open-gamma-ray-astro/gamma-astro-data-formats"
HDUVERS = "0.3"
# Times: TT seconds since MJDREF = 51544.5 (2000-01-01T12:00:00 TT), as in CTA's data
# challenges; DATE-OBS and DATE-END are TT as well (TIMESYS).
MJDREFI, MJDREFF = 51544, 0.5
REFERENCE = datetime(2000, 1, 1, 12)
E_MIN, E_MAX = 0.05, 100.0  # TeV, the events' reconstructed energies
FOV_RADIUS = 3.0  # deg, background events reach that far from the pointing
WOBBLE = 0.5  # deg
ONTIME = 1680.0  # s, a 28 min run
DEADC = 0.95
BKG_RATE = 7.0  # Hz, background events within FOV_RADIUS
BKG_INDEX = 3.0
AEFF_MAX = 3.0e5  # m2
AEFF_THETA = 2.5  # deg, gaussian fall-off of the effective area with offset
E_THRESHOLD = 0.07  # TeV, threshold at zenith; grows with cos(zenith)^-2.5
# IRF axes: true (or for the background reconstructed) energy, offset, migration, radius.
ENERGY_EDGES = np.logspace(-1.5, 2.5, 17)  # TeV, 0.03-316
THETA_EDGES = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])  # deg
MIGRA_EDGES = np.linspace(0.2, 3.0, 29)
RAD_EDGES = np.linspace(0.0, 0.6, 31)  # deg


@dataclass(frozen=True)
class Site:
    name: str  # INSTRUME
    lon: float  # deg
    lat: float
    height: float  # m


NORTH = Site("CTA-North-like", -17.8920, 28.7615, 2200.0)  # La Palma
SOUTH = Site("CTA-South-like", -70.3160, -24.6830, 2150.0)  # Paranal


@dataclass(frozen=True)
class Target:
    name: str  # OBJECT
    ra: float  # deg, ICRS
    dec: float
    norm: float  # cm-2 s-1 TeV-1 at 1 TeV
    index: float
    site: Site


TARGETS = (
    Target("Crab Nebula", 83.633, 22.0145, 3.45e-11, 2.63, NORTH),
    Target("PKS 2155-304", 329.717, -30.226, 5.1e-12, 3.37, SOUTH),
    Target("Galactic Centre", 266.4168, -29.0078, 2.55e-12, 2.14, SOUTH),
)


@dataclass(frozen=True)
class Run:
    obs_id: int
    target: Target
    start: datetime  # TT
    wobble_pa: float  # deg, position angle of the pointing seen from the target

    @property
    def pointing(self) -> tuple[float, float]:
        ra, dec = offset(self.target.ra, self.target.dec, WOBBLE, self.wobble_pa)
        return round(float(ra), 4), round(float(dec), 4)

    @property
    def zenith(self) -> float:
        """A zenith angle near the target's culmination (deg)."""
        rng = np.random.default_rng([self.obs_id, 3])
        return round(abs(self.target.dec - self.target.site.lat) + rng.uniform(0, 15), 2)

    @property
    def tstart(self) -> float:
        return (self.start - REFERENCE).total_seconds()

    @property
    def events_name(self) -> str:
        return f"cta_obs{self.obs_id}_events.fits"

    @property
    def irf_name(self) -> str:
        return f"cta_obs{self.obs_id}_irf.fits"


def _runs() -> tuple[Run, ...]:
    crab, pks, gc = TARGETS
    plan = (  # target, first run's start (TT), runs
        (crab, datetime(2025, 11, 20, 1, 12), 3),
        (pks, datetime(2025, 8, 5, 3, 5), 3),
        (gc, datetime(2025, 6, 20, 4, 2), 2),
    )
    runs, obs_id = [], 1001
    for target, start, count in plan:
        for k in range(count):
            runs.append(Run(obs_id, target, start + timedelta(seconds=k * (ONTIME + 240)),
                            (90.0 * k) % 360))
            obs_id += 1
    return tuple(runs)


RUNS = _runs()


def offset(ra: np.ndarray | float, dec: np.ndarray | float, distance: np.ndarray | float,
           pa: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """The points ``distance`` deg from (ra, dec) at position angle ``pa`` (deg, north
    through east), in deg."""
    ra0, dec0, r, p = (np.radians(v) for v in (ra, dec, distance, pa))
    sin_dec = np.sin(dec0) * np.cos(r) + np.cos(dec0) * np.sin(r) * np.cos(p)
    dec1 = np.arcsin(np.clip(sin_dec, -1, 1))
    ra1 = ra0 + np.arctan2(np.sin(p) * np.sin(r) * np.cos(dec0),
                           np.cos(r) - np.sin(dec0) * sin_dec)
    return np.degrees(ra1) % 360, np.degrees(dec1)


# The instrument: the models the IRFs tabulate and the events are drawn from.

def threshold(zenith: float) -> float:
    return E_THRESHOLD * math.cos(math.radians(zenith)) ** -2.5


def aeff(energy: np.ndarray, theta: np.ndarray | float, zenith: float) -> np.ndarray:
    """Effective area (m2) at true energy (TeV) and offset (deg)."""
    x = (np.asarray(energy) / threshold(zenith)) ** 3
    return AEFF_MAX * x / (1 + x) * np.exp(-0.5 * (np.asarray(theta) / AEFF_THETA) ** 2)


def edisp_sigma(energy: np.ndarray) -> np.ndarray:
    """Relative energy resolution (sigma of the migration) at true energy (TeV)."""
    return 0.08 + 0.12 * (np.asarray(energy) / 0.1) ** -0.5


def edisp_bias(energy: np.ndarray, zenith: float) -> np.ndarray:
    """Mean migration - 1: energies near the threshold come out too high."""
    return 0.15 * np.exp(-np.asarray(energy) / threshold(zenith))


def psf_sigma(energy: np.ndarray, theta: np.ndarray | float) -> np.ndarray:
    """The gaussian PSF's sigma (deg) at true energy (TeV) and offset (deg)."""
    sigma = np.clip(0.1 * np.asarray(energy) ** -0.2, 0.04, 0.2)
    return sigma * (1 + 0.1 * np.asarray(theta))


def background_shape(energy: np.ndarray, zenith: float) -> np.ndarray:
    """The background's reconstructed energy spectrum, unnormalised."""
    x = (np.asarray(energy) / threshold(zenith)) ** 3
    return np.asarray(energy) ** -BKG_INDEX * x / (1 + x)


def _sample_log(rng: np.random.Generator, lo: float, hi: float, density, n: int
                ) -> np.ndarray:
    """n energies (TeV) in [lo, hi] from the (unnormalised) density dN/dE."""
    grid = np.geomspace(lo, hi, 4000)
    weight = density(grid) * grid  # dN/dlnE
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (weight[1:] + weight[:-1])
                                           * np.diff(np.log(grid)))])
    return np.exp(np.interp(rng.uniform(0, cdf[-1], n), cdf, np.log(grid)))


def _integral(lo: float, hi: float, density) -> float:
    grid = np.geomspace(lo, hi, 4000)
    weight = density(grid) * grid
    return float(np.sum(0.5 * (weight[1:] + weight[:-1]) * np.diff(np.log(grid))))


def events(run: Run) -> Table:
    """The run's events: background and source, sorted by time."""
    rng = np.random.default_rng([2026, run.obs_id])
    livetime = ONTIME * DEADC
    ra_pnt, dec_pnt = run.pointing
    target = run.target
    zenith = run.zenith

    n_bkg = int(rng.poisson(BKG_RATE * livetime))
    bkg_energy = _sample_log(rng, E_MIN, E_MAX, lambda e: background_shape(e, zenith), n_bkg)
    cos_r = rng.uniform(math.cos(math.radians(FOV_RADIUS)), 1.0, n_bkg)
    bkg_ra, bkg_dec = offset(ra_pnt, dec_pnt, np.degrees(np.arccos(cos_r)),
                             rng.uniform(0, 360, n_bkg))

    def source(e):  # counts per TeV: flux (cm-2 s-1 TeV-1) times area (cm2)
        return target.norm * e ** -target.index * aeff(e, WOBBLE, zenith) * 1e4

    e_lo, e_hi = ENERGY_EDGES[0], ENERGY_EDGES[-1]
    n_src = int(rng.poisson(_integral(e_lo, e_hi, source) * livetime))
    true_energy = _sample_log(rng, e_lo, e_hi, source, n_src)
    migra = rng.normal(1 + edisp_bias(true_energy, zenith), edisp_sigma(true_energy))
    src_energy = true_energy * migra
    r = psf_sigma(true_energy, WOBBLE) * np.sqrt(-2 * np.log(1 - rng.uniform(0, 1, n_src)))
    src_ra, src_dec = offset(target.ra, target.dec, r, rng.uniform(0, 360, n_src))
    keep = (src_energy >= E_MIN) & (src_energy <= E_MAX)

    energy = np.concatenate([bkg_energy, src_energy[keep]])
    ra = np.concatenate([bkg_ra, src_ra[keep]])
    dec = np.concatenate([bkg_dec, src_dec[keep]])
    time = run.tstart + rng.uniform(0, ONTIME, len(energy))
    order = np.argsort(time, kind="stable")
    table = Table()
    table["EVENT_ID"] = np.arange(1, len(energy) + 1, dtype=np.int64)
    table["TIME"] = time[order]
    table["RA"] = ra[order].astype(np.float32)
    table["DEC"] = dec[order].astype(np.float32)
    table["ENERGY"] = energy[order].astype(np.float32)
    for name, unit in (("TIME", "s"), ("RA", "deg"), ("DEC", "deg"), ("ENERGY", "TeV")):
        table[name].unit = unit
    return table


def _gadf(header: fits.Header, extname: str, *classes: str) -> None:
    header["EXTNAME"] = extname
    header["HDUCLASS"] = ("GADF", "format: gamma-astro-data-formats")
    header["HDUDOC"] = HDUDOC
    header["HDUVERS"] = HDUVERS
    for k, value in enumerate(classes, 1):
        header[f"HDUCLAS{k}"] = value


def _time_cards(run: Run) -> list[tuple[str, object, str]]:
    return [
        ("MJDREFI", MJDREFI, "[d] integer part of the reference MJD"),
        ("MJDREFF", MJDREFF, "[d] fractional part of the reference MJD"),
        ("TIMESYS", "TT", "time scale"),
        ("TIMEUNIT", "s", "unit of TSTART, TSTOP, TIME"),
        ("TIMEREF", "LOCAL", "reference position of times"),
        ("TSTART", run.tstart, "[s] start, since MJDREF"),
        ("TSTOP", run.tstart + ONTIME, "[s] end, since MJDREF"),
    ]


def _run_cards(run: Run, n_events: int | None) -> list[tuple[str, object, str]]:
    ra_pnt, dec_pnt = run.pointing
    end = run.start + timedelta(seconds=ONTIME)
    site = run.target.site
    cards = [
        ("OBS_ID", run.obs_id, "observation run"),
        ("TELESCOP", "CTA-like", "synthetic, CTA-like"),
        ("INSTRUME", site.name, "array (synthetic)"),
        ("OBJECT", run.target.name, "target"),
        ("RA_OBJ", run.target.ra, "[deg] target (ICRS)"),
        ("DEC_OBJ", run.target.dec, "[deg] target (ICRS)"),
        ("RA_PNT", ra_pnt, "[deg] pointing (ICRS)"),
        ("DEC_PNT", dec_pnt, "[deg] pointing (ICRS)"),
        ("OBS_MODE", "POINTING", ""),
        ("ZEN_PNT", run.zenith, "[deg] mean zenith angle"),
        ("ALT_PNT", round(90 - run.zenith, 2), "[deg] mean altitude"),
        ("GEOLON", site.lon, "[deg] array longitude"),
        ("GEOLAT", site.lat, "[deg] array latitude"),
        ("ALTITUDE", site.height, "[m] array altitude"),
        ("DATE-OBS", run.start.isoformat(timespec="seconds"), "start (TT)"),
        ("DATE-END", end.isoformat(timespec="seconds"), "end (TT)"),
        *_time_cards(run),
        ("ONTIME", ONTIME, "[s] time in good time intervals"),
        ("LIVETIME", ONTIME * DEADC, "[s] ONTIME corrected for dead time"),
        ("DEADC", DEADC, "live time fraction"),
        ("EQUINOX", 2000.0, ""),
        ("RADECSYS", "ICRS", "frame of RA and DEC"),
        ("E_MIN", E_MIN, "[TeV] lowest reconstructed energy"),
        ("E_MAX", E_MAX, "[TeV] highest reconstructed energy"),
    ]
    if n_events is not None:
        cards.append(("N_EVENTS", n_events, "events in the EVENTS table"))
    cards += [
        ("ORIGIN", CREDIT, ""),
        ("CREATOR", "inputs/cta/generate.py", "program that wrote the file"),
    ]
    return cards


def _header(header: fits.Header, cards) -> None:
    for key, value, comment in cards:
        header[key] = (value, comment)


def events_hdus(run: Run) -> fits.HDUList:
    table = events(run)
    primary = fits.PrimaryHDU()
    _header(primary.header, _run_cards(run, len(table)))
    primary.header["IRF_FILE"] = (run.irf_name, "its IRFs (in ../irfs/)")
    primary.header["COMMENT"] = NOT_CTA
    hdu = fits.table_to_hdu(table)
    _gadf(hdu.header, "EVENTS", "EVENTS")
    _header(hdu.header, _run_cards(run, None))
    hdu.header["COMMENT"] = NOT_CTA
    gti = Table({"START": [run.tstart], "STOP": [run.tstart + ONTIME]})
    gti["START"].unit = gti["STOP"].unit = "s"
    gti_hdu = fits.table_to_hdu(gti)
    _gadf(gti_hdu.header, "GTI", "GTI")
    _header(gti_hdu.header, [("OBS_ID", run.obs_id, "observation run"),
                             *_time_cards(run)])
    return fits.HDUList([primary, hdu, gti_hdu])


def _centres(edges: np.ndarray) -> np.ndarray:
    return 0.5 * (edges[1:] + edges[:-1])


def _one_row(columns: dict[str, tuple[np.ndarray, str]]) -> Table:
    table = Table()
    for name, (values, unit) in columns.items():
        table[name] = np.asarray(values, dtype=np.float32)[np.newaxis]
        table[name].unit = unit or None
    return table


def irf_hdus(run: Run) -> fits.HDUList:
    """The run's IRFs; arrays are in GADF's axis order, the first axis varying fastest
    (numpy shapes reversed: (theta, energy), (theta, migra, energy)...)."""
    zenith = run.zenith
    e_lo, e_hi = ENERGY_EDGES[:-1], ENERGY_EDGES[1:]
    e_mid = np.sqrt(e_lo * e_hi)
    t_lo, t_hi = THETA_EDGES[:-1], THETA_EDGES[1:]
    theta = _centres(THETA_EDGES)
    energy_axes = {"ENERG_LO": (e_lo, "TeV"), "ENERG_HI": (e_hi, "TeV")}
    theta_axes = {"THETA_LO": (t_lo, "deg"), "THETA_HI": (t_hi, "deg")}

    area = aeff(e_mid[np.newaxis, :], theta[:, np.newaxis], zenith)
    aeff_hdu = fits.table_to_hdu(_one_row({**energy_axes, **theta_axes,
                                           "EFFAREA": (area, "m2")}))
    _gadf(aeff_hdu.header, "EFFECTIVE AREA", "RESPONSE", "EFF_AREA", "FULL-ENCLOSURE",
          "AEFF_2D")

    # The migration's density (per unit migra) in each bin, from the gaussian's CDF.
    from math import erf
    cdf = np.vectorize(lambda x: 0.5 * (1 + erf(x / math.sqrt(2))))
    mean = 1 + edisp_bias(e_mid, zenith)
    sigma = edisp_sigma(e_mid)
    z = (MIGRA_EDGES[:, np.newaxis] - mean[np.newaxis, :]) / sigma[np.newaxis, :]
    density = np.diff(cdf(z), axis=0) / np.diff(MIGRA_EDGES)[:, np.newaxis]  # (migra, E)
    matrix = np.repeat(density[np.newaxis], len(theta), axis=0)  # (theta, migra, energy)
    edisp_hdu = fits.table_to_hdu(_one_row({
        **energy_axes, "MIGRA_LO": (MIGRA_EDGES[:-1], ""), "MIGRA_HI": (MIGRA_EDGES[1:], ""),
        **theta_axes, "MATRIX": (matrix, "")}))
    _gadf(edisp_hdu.header, "ENERGY DISPERSION", "RESPONSE", "EDISP", "FULL-ENCLOSURE",
          "EDISP_2D")

    rad = np.radians(_centres(RAD_EDGES))
    sig = np.radians(psf_sigma(e_mid[np.newaxis, :], theta[:, np.newaxis]))  # (theta, E)
    rpsf = (np.exp(-0.5 * (rad[:, np.newaxis, np.newaxis] / sig[np.newaxis]) ** 2)
            / (2 * math.pi * sig[np.newaxis] ** 2))  # (rad, theta, energy), sr-1
    psf_hdu = fits.table_to_hdu(_one_row({
        **energy_axes, **theta_axes, "RAD_LO": (RAD_EDGES[:-1], "deg"),
        "RAD_HI": (RAD_EDGES[1:], "deg"), "RPSF": (rpsf, "sr-1")}))
    _gadf(psf_hdu.header, "POINT SPREAD FUNCTION", "RESPONSE", "PSF", "FULL-ENCLOSURE",
          "PSF_TABLE")

    # Background rate per MeV and sr: BKG_RATE spread evenly over the field, the
    # reconstructed energies following background_shape over E_MIN..E_MAX.
    solid_angle = 2 * math.pi * (1 - math.cos(math.radians(FOV_RADIUS)))
    norm = BKG_RATE / _integral(E_MIN, E_MAX, lambda e: background_shape(e, zenith))
    per_tev = norm * background_shape(e_mid, zenith)
    inside = (theta < FOV_RADIUS).astype(float)
    bkg = inside[:, np.newaxis] * per_tev[np.newaxis, :] / 1e6 / solid_angle  # (theta, E)
    bkg_hdu = fits.table_to_hdu(_one_row({**energy_axes, **theta_axes,
                                          "BKG": (bkg, "s-1 MeV-1 sr-1")}))
    _gadf(bkg_hdu.header, "BACKGROUND", "RESPONSE", "BKG", "FULL-ENCLOSURE", "BKG_2D")

    primary = fits.PrimaryHDU()
    site = run.target.site
    _header(primary.header, [
        ("OBS_ID", run.obs_id, "observation run these IRFs are for"),
        ("FILESET", "irf", "a file of instrument response functions"),
        ("IRF_NAME", f"{site.name}_z{round(zenith):02d}_synthetic", ""),
        ("IRF_TYPE", "FULL-ENCLOSURE", "no cut on the direction"),
        ("TELESCOP", "CTA-like", "synthetic, CTA-like"),
        ("INSTRUME", site.name, "array (synthetic)"),
        ("OBJECT", run.target.name, "target of the run"),
        ("ZEN_PNT", zenith, "[deg] zenith angle the IRFs are for"),
        ("EVT_FILE", run.events_name, "the run's events (in ../events/)"),
        ("ORIGIN", CREDIT, ""),
        ("CREATOR", "inputs/cta/generate.py", "program that wrote the file")])
    primary.header["COMMENT"] = NOT_CTA
    for hdu in (aeff_hdu, edisp_hdu, psf_hdu, bkg_hdu):
        _header(hdu.header, [("OBS_ID", run.obs_id, "observation run"),
                             ("TELESCOP", "CTA-like", ""), ("INSTRUME", site.name, "")])
        hdu.header["COMMENT"] = NOT_CTA
    return fits.HDUList([primary, aeff_hdu, edisp_hdu, psf_hdu, bkg_hdu])


def _write(hdus: fits.HDUList, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    hdus.writeto(buf)
    data = buf.getvalue()
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    paths, n_events = [], 0
    for run in RUNS:
        hdus = events_hdus(run)
        n_events += hdus["EVENTS"].header["NAXIS2"]
        paths.append(_write(hdus, args.out / "events" / run.events_name))
        paths.append(_write(irf_hdus(run), args.out / "irfs" / run.irf_name))
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(RUNS)} runs, {n_events} events, {len(paths)} files, "
          f"{size / 1e6:.1f} MB -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
