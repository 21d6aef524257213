"""Writes a J-PLUS-like 12-filter photometric catalogue as CSV, deterministically.

The objects are synthetic (fixed seed) but shaped like J-PLUS: positions in
three footprint patches (one of them, on Stripe 82, crosses RA 0), T80Cam-sized
tiles of 1.4 x 1.4 deg, stars and galaxies with power-law number counts,
smooth SEDs sampled in the 12 J-PLUS filters, errors from per-filter depths,
fluxes in microjansky (so mag_r = 23.9 - 2.5 log10(flux[8])).

Columns of ``jplus.csv`` (one header line, then rows):

* ``id`` (bigint): tile_id * 1,000,000 + running number in the tile;
* ``tile_id`` (integer), ``ra``, ``dec`` (deg, ICRS);
* ``flux``, ``flux_err`` (real[12], uJy): PostgreSQL array literals in the
  order of FILTERS, quoted; a filter not observed is ``NULL`` in both;
* ``mag_r`` (real, AB mag from the rSDSS flux; empty when that flux is <= 0
  or missing), ``class_star`` (real 0..1, sometimes empty), ``flags`` (int,
  SExtractor-like bits).

Rows come in chunks of CHUNK rows, each from its own seed, and the last chunk
is cut: the first K rows are the same whatever --rows says, and memory does
not grow with --rows.

Run as ``python inputs/jplus/generate.py [--rows N] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"
SEED = 20150601  # J-PLUS started observing in 2015
CHUNK = 50_000
TILE_SIZE = 1.4  # deg, the T80Cam field

FILTERS = ("uJAVA", "J0378", "J0395", "J0410", "J0430", "gSDSS",
           "J0515", "rSDSS", "J0660", "iSDSS", "J0861", "zSDSS")
PIVOT = np.array([3485, 3785, 3950, 4100, 4300, 4803,
                  5150, 6254, 6600, 7668, 8610, 8911], dtype=float)  # Angstrom
DEPTH = np.array([21.0, 21.0, 21.0, 21.2, 21.3, 22.0,
                  21.4, 21.8, 21.2, 21.3, 20.6, 20.8])  # 5 sigma AB mag
R_INDEX = FILTERS.index("rSDSS")

# (name, ra_min, ra_width, dec_min, dec_max): ra_min + ra_width may pass 360.
PATCHES = (
    ("spring", 120.0, 30.8, 30.0, 44.0),
    ("stripe82", 340.0, 39.2, -1.4, 1.4),
    ("north", 220.0, 25.2, 50.0, 60.0),
)

COLUMNS = ("id", "tile_id", "ra", "dec", "flux", "flux_err", "mag_r", "class_star",
           "flags")
_ARRAY = ",".join(["%.5g"] * len(FILTERS))
ROW_FORMAT = f'%d,%d,%.7f,%.7f,"{{{_ARRAY}}}","{{{_ARRAY}}}",%.4f,%.3f,%d\n'


def _patch_areas() -> np.ndarray:
    return np.array([w * (np.sin(np.radians(d1)) - np.sin(np.radians(d0)))
                     for _, _, w, d0, d1 in PATCHES])


def _tile_ids(patch: np.ndarray, col: np.ndarray, row: np.ndarray) -> np.ndarray:
    return 10000 * (patch + 1) + 100 * row + col


def _missing_filter(tile_id: np.ndarray) -> np.ndarray:
    """Per tile, the index of a filter never observed there, or -1 (about 1 in 12)."""
    h = (tile_id * 2654435761) % 2**32
    return np.where(h % 12 == 0, (h // 12) % len(FILTERS), -1)


def _magnitudes(rng: np.random.Generator, n: int, slope: np.ndarray) -> np.ndarray:
    """r magnitudes between 14 and 23 with counts growing as 10**(slope*m)."""
    lo, hi = 10 ** (slope * 14.0), 10 ** (slope * 23.0)
    return np.log10(lo + rng.random(n) * (hi - lo)) / slope


def make_chunk(index: int) -> dict[str, np.ndarray]:
    """CHUNK rows as columns; only index decides their content.  The running
    numbers in ``id`` are filled in later, since they depend on earlier chunks."""
    rng = np.random.default_rng([SEED, index])
    n = CHUNK
    areas = _patch_areas()
    patch = rng.choice(len(PATCHES), size=n, p=areas / areas.sum())
    ra0 = np.array([p[1] for p in PATCHES])[patch]
    width = np.array([p[2] for p in PATCHES])[patch]
    dec0 = np.array([p[3] for p in PATCHES])[patch]
    dec1 = np.array([p[4] for p in PATCHES])[patch]
    dra = rng.random(n) * width
    sin0, sin1 = np.sin(np.radians(dec0)), np.sin(np.radians(dec1))
    dec = np.degrees(np.arcsin(sin0 + rng.random(n) * (sin1 - sin0)))
    ra = (ra0 + dra) % 360.0
    tile_id = _tile_ids(patch, (dra // TILE_SIZE).astype(int),
                        ((dec - dec0) // TILE_SIZE).astype(int))

    star = rng.random(n) < 0.35
    mag = _magnitudes(rng, n, np.where(star, 0.2, 0.35))
    beta = np.where(star, rng.normal(1.5, 1.0, n), rng.normal(1.0, 0.7, n))
    true = 10 ** ((23.9 - mag) / 2.5)[:, None] * (PIVOT / PIVOT[R_INDEX]) ** beta[:, None]
    true[~star, :3] *= 0.6  # the 4000 A break of galaxies
    emitters = ~star & (rng.random(n) < 0.15)
    true[emitters, FILTERS.index("J0660")] *= 1.3  # H alpha at low redshift

    sky = 10 ** ((23.9 - DEPTH) / 2.5) / 5
    err = np.sqrt(sky ** 2 + 0.02 * true * sky + (0.01 * true) ** 2)
    flux = true + rng.normal(size=true.shape) * err
    missing = (_missing_filter(tile_id)[:, None] == np.arange(len(FILTERS))) \
        | (rng.random(true.shape) < 0.003)
    flux[missing] = np.nan
    err[missing] = np.nan

    r = flux[:, R_INDEX]
    with np.errstate(invalid="ignore", divide="ignore"):
        mag_r = np.where(r > 0, 23.9 - 2.5 * np.log10(r), np.nan)
    class_star = np.where(star, rng.beta(20, 1.5, n), rng.beta(1.5, 20, n))
    class_star[rng.random(n) < 0.005] = np.nan
    flags = ((rng.random(n) < 0.08) * 1 | (rng.random(n) < 0.05) * 2
             | (mag < 14.5) * 4 | (rng.random(n) < 0.01) * 16)
    return {"tile_id": tile_id, "ra": ra, "dec": dec, "flux": flux, "flux_err": err,
            "mag_r": mag_r, "class_star": class_star, "flags": flags}


def format_chunk(cols: dict[str, np.ndarray], ids: np.ndarray) -> str:
    """The CSV text of one chunk, formatted in one go."""
    flux = np.where(np.isnan(cols["flux"]), np.inf, cols["flux"])
    err = np.where(np.isnan(cols["flux_err"]), np.inf, cols["flux_err"])
    table = np.column_stack([ids, cols["tile_id"], cols["ra"], cols["dec"], flux, err,
                             cols["mag_r"], cols["class_star"], cols["flags"]])
    text = (ROW_FORMAT * len(table)) % tuple(table.ravel().tolist())
    # Array elements were inf for NULL, scalar NULLs nan; real values are finite.
    return text.replace("inf", "NULL").replace(",nan", ",")


def generate(out: Path, rows: int) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "jplus.csv"
    counters: dict[int, int] = {}
    with open(path, "w", encoding="ascii", newline="") as f:
        f.write(",".join(COLUMNS) + "\n")
        for index, start in enumerate(range(0, rows, CHUNK)):
            cols = make_chunk(index)
            n = min(CHUNK, rows - start)
            cols = {k: v[:n] for k, v in cols.items()}
            f.write(format_chunk(cols, _running_ids(cols["tile_id"], counters)))
    return path


def _running_ids(tile_id: np.ndarray, counters: dict[int, int]) -> np.ndarray:
    """tile_id * 1e6 + 1, 2, 3... per tile, continuing the counts of earlier chunks."""
    order = np.argsort(tile_id, kind="stable")
    sorted_tiles = tile_id[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_tiles)) + 1]
    rank = np.arange(len(tile_id)) - np.repeat(starts, np.diff(np.r_[starts, len(tile_id)]))
    base = np.array([counters.get(int(t), 0) for t in sorted_tiles[starts]])
    number = np.empty(len(tile_id), dtype=np.int64)
    number[order] = rank + 1 + np.repeat(base, np.diff(np.r_[starts, len(tile_id)]))
    for t, b, c in zip(sorted_tiles[starts], base, np.diff(np.r_[starts, len(tile_id)]),
                       strict=True):
        counters[int(t)] = int(b + c)
    if number.max(initial=0) >= 1_000_000:
        raise ValueError("more than 999,999 objects in one tile; ids would collide")
    return tile_id.astype(np.int64) * 1_000_000 + number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows (default 100000)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    path = generate(args.out, args.rows)
    print(f"{args.rows} rows -> {path} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
