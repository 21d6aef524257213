"""Product import speed: ``dr imp`` of FITS files with fitsProdGrammar against plain astropy.

Writes N small FITS files (64 x 64 TAN images; every fourth a 64 x 64 x 32
cube with a wavelength axis), each with some 40 header cards, then times

* ``dr imp`` end to end (its own process, as a user runs it): one row per
  file with the footprint as spoly, centre as spoint, spectral and time
  bounds, into a table with a pg_sphere index on the footprint; and
* the same header work in a plain loop with astropy: ``fits.getheader``,
  ``WCS(header)``, the corners with ``calc_footprint`` and, for cubes, the
  spectral axis converted to wavelengths — no database.

Prints files/s of both and their ratio (target >= 0.5).  Uses the configured
database (the embedded cluster by default).  Not a test: CI never runs it.
``bench_import(args)`` is the entry point part 1 of bench/products.py calls.

    .venv/bin/python bench/products_import.py --files 2000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS, WCSSUB_SPECTRAL, FITSFixedWarning

RD = """<resource schema="benchprod">
  <table id="images" onDisk="True" adql="True">
    <column name="object" type="text"/>
    <column name="s_region" type="spoly" unit="deg"/>
    <column name="center" type="spoint"/>
    <column name="s_ra" type="double precision" unit="deg"/>
    <column name="s_dec" type="double precision" unit="deg"/>
    <column name="em_min" type="double precision" unit="m"/>
    <column name="em_max" type="double precision" unit="m"/>
    <column name="t_min" type="double precision" unit="d"/>
    <column name="t_max" type="double precision" unit="d"/>
    <column name="t_exptime" type="double precision" unit="s"/>
    <index columns="s_region" method="GIST"/>
  </table>
  <data id="import">
    <sources pattern="data/*.fits"/>
    <fitsProdGrammar/>
    <make table="images">
      <rowmaker>
        <map key="object" source="OBJECT"/>
        <map key="s_region" source="dr_s_region"/>
        <map key="center" source="dr_s_center"/>
        <map key="s_ra" source="dr_s_ra"/>
        <map key="s_dec" source="dr_s_dec"/>
        <map key="em_min" source="dr_em_min"/>
        <map key="em_max" source="dr_em_max"/>
        <map key="t_min" source="dr_t_min"/>
        <map key="t_max" source="dr_t_max"/>
        <map key="t_exptime" source="dr_t_exptime"/>
      </rowmaker>
    </make>
  </data>
</resource>
"""

SIDE = 64
CUBE_PLANES = 32


def write_files(data: Path, n: int, seed: int = 1) -> None:
    """``n`` FITS files at random positions (some across RA=0 and near the poles)."""
    rng = np.random.default_rng(seed)
    image = np.zeros((SIDE, SIDE), np.float32)
    cube = np.zeros((CUBE_PLANES, SIDE, SIDE), np.float32)
    for i in range(n):
        is_cube = i % 4 == 3
        hdu = fits.PrimaryHDU(cube if is_cube else image)
        header = hdu.header
        ra, dec = rng.uniform(0, 360), np.degrees(np.arcsin(rng.uniform(-1, 1)))
        header.update({
            "OBJECT": f"field {i}", "TELESCOP": "BENCH", "INSTRUME": "BENCHCAM",
            "FILTER": "r", "OBSERVER": "A. Bench", "DATE-OBS": "2021-06-01T03:04:05",
            "EXPTIME": 300.0, "AIRMASS": 1.2, "EQUINOX": 2000.0, "RADESYS": "ICRS",
            "CTYPE1": "RA---TAN", "CTYPE2": "DEC--TAN", "CRVAL1": ra, "CRVAL2": dec,
            "CRPIX1": SIDE / 2 + 0.5, "CRPIX2": SIDE / 2 + 0.5,
            "CD1_1": -2e-4, "CD1_2": 1e-6, "CD2_1": 1e-6, "CD2_2": 2e-4,
            "CUNIT1": "deg", "CUNIT2": "deg", "GAIN": 1.5, "RDNOISE": 4.0,
            "SATURATE": 65535.0, "SEEING": 1.1, "MOONANGL": 45.0, "BUNIT": "adu",
        })
        for k in range(8):
            header[f"HIERARCH BENCH KEY{k}"] = k * 0.5
        if is_cube:
            header.update({"CTYPE3": "WAVE", "CUNIT3": "Angstrom", "CRVAL3": 3745.0,
                           "CDELT3": 2.0, "CRPIX3": 1.0})
        hdu.writeto(data / f"f{i:05d}.fits")


def plain_astropy(files: list[Path]) -> float:
    """Seconds for headers, WCS, corners and spectral bounds of ``files``, in a plain loop."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FITSFixedWarning)
        for path in files:
            header = fits.getheader(path)
            wcs = WCS(header)
            celestial = wcs.celestial
            corners = celestial.calc_footprint(
                axes=(header["NAXIS1"], header["NAXIS2"]), center=False)
            assert corners.shape == (4, 2)
            if wcs.wcs.spec >= 0:
                spectral = wcs.sub([WCSSUB_SPECTRAL])
                spectral.wcs.sptr("WAVE-???")
                n = header[f"NAXIS{wcs.wcs.spec + 1}"]
                spectral.wcs_pix2world([[-0.5], [n - 0.5]], 0)
    return time.perf_counter() - start


DR_IMP = """
import sys
from engine.cli import main
sys.exit(main(["imp", sys.argv[1]]))
"""


def time_dr(rd: Path, env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", DR_IMP, str(rd)], env=env,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"dr imp failed:\n{proc.stderr}")
    return elapsed


def bench_import(args: argparse.Namespace) -> float:
    """Run the comparison for ``args.files`` files, ``args.repeat`` times; return the ratio."""
    from engine.config import load_config
    from engine.db.connect import open_database

    db = open_database(load_config())
    workdir = Path(tempfile.mkdtemp(prefix="dr-bench-products-"))
    try:
        (workdir / "data").mkdir()
        (workdir / "q.rd").write_text(RD)
        t0 = time.perf_counter()
        write_files(workdir / "data", args.files)
        files = sorted((workdir / "data").glob("*.fits"))
        print(f"{len(files):,} FITS files ({len(files) // 4:,} cubes), written in "
              f"{time.perf_counter() - t0:.1f} s")
        env = dict(os.environ)
        dr_times, plain_times = [], []
        for _ in range(args.repeat):
            # Alternate, so neither side always runs on a warmer cache.
            plain_times.append(plain_astropy(files))
            dr_times.append(time_dr(workdir / "q.rd", env))
        with db.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT count(*), count(s_region), count(em_min) "
                        "FROM benchprod.images")
            rows, regions, spectra = cur.fetchone()
        assert (rows, regions, spectra) == (len(files), len(files), len(files) // 4), \
            (rows, regions, spectra)
        subprocess.run([sys.executable, "-m", "engine.cli", "drop", str(workdir / "q.rd")],
                       env=env, check=True, capture_output=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    dr_rate = len(files) / min(dr_times)
    plain_rate = len(files) / min(plain_times)
    ratio = dr_rate / plain_rate
    print(f"dr imp, fitsProdGrammar (end to end): {dr_rate:8,.0f} files/s  (best of "
          f"{', '.join(f'{t:.2f}' for t in dr_times)} s)")
    print(f"astropy header + WCS + corners loop:  {plain_rate:8,.0f} files/s  (best of "
          f"{', '.join(f'{t:.2f}' for t in plain_times)} s)")
    print(f"ratio dr/astropy: {ratio:.2f}  (target >= 0.5)")
    return ratio


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each (best kept)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    bench_import(parser.parse_args())


if __name__ == "__main__":
    main()
