"""The demo data generators write what their RDs expect: real galaxies, right formats."""

from __future__ import annotations

import csv
import importlib.util
import math
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

ROOT = Path(__file__).resolve().parents[2]
CALIFA_GENERATOR = ROOT / "inputs" / "califa" / "generate.py"
JPLUS_GENERATOR = ROOT / "inputs" / "jplus" / "generate.py"

# OpenNGC (pyongc 1.2.2, data of 2026-05-01): type G, 0.005 <= z <= 0.03,
# 0.75' <= major axis <= 1.33'.
SAMPLE_SIZE = 2981
HEADER_KEYS = ["AUTHOR", "SOURCE", "DATE", "VERSION", "COLAPRV", "PUBAPRV"]
CALIFA_TYPES = {"short", "int", "long", "float", "double", "string"}

# Positions from the galaxies' 2MASX designations (2MASS, independent of
# OpenNGC's sources); designations truncate, so allow an arcsecond.
KNOWN_GALAXIES = {
    "NGC 5947": ("15 30 36.56", "+42 43 01.8"),  # 2MASX J15303656+4243018, a CALIFA galaxy
    "IC 1256": ("17 23 47.32", "+26 29 11.4"),  # 2MASX J17234732+2629114, a CALIFA galaxy
    "NGC 3172": ("11 47 11.92", "+89 05 35.7"),  # 2MASX J11471192+8905357, near the pole
}


def run(script: Path, *args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, str(script), *args], cwd=cwd, check=True,
                   capture_output=True, text=True)


def run_together(*runs: tuple[Path, tuple[str, ...], Path]) -> None:
    """``run`` each (script, args, cwd) at the same time: the runs a determinism check
    compares are independent processes, so the second need not wait for the first."""
    with ThreadPoolExecutor(len(runs)) as pool:
        for done in [pool.submit(run, script, *args, cwd=cwd) for script, args, cwd in runs]:
            done.result()


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def read_annotated(path: Path) -> tuple[dict[str, str], list[list[str]], list[list[str]]]:
    """Header keys, COLUMN descriptions and rows of a CALIFA annotated CSV, parsed
    independently of DR's grammar."""
    lines = path.read_text(encoding="ascii").splitlines()
    header, columns, body = {}, [], []
    for line in lines:
        if not line.startswith("#"):
            body.append(line)
            continue
        key, _, value = line[1:].strip().partition(":")
        if key.startswith("COLUMN"):
            assert int(key[len("COLUMN"):]) == len(columns) + 1, line
            columns.append([part.strip() for part in value.split(",", 3)])
        else:
            assert not columns, "header keys come before the COLUMN lines"
            header[key] = value.strip()
    return header, columns, list(csv.reader(body))


def sexagesimal_to_deg(ra: str, dec: str) -> tuple[float, float]:
    h, m, s = (float(x) for x in ra.split())
    d, dm, ds = (float(x) for x in dec.lstrip("+-").split())
    sign = -1 if dec.startswith("-") else 1
    return 15 * (h + m / 60 + s / 3600), sign * (d + dm / 60 + ds / 3600)


def separation_arcsec(ra1: float, dec1: float, ra2: float, dec2: float) -> float:
    ra1, dec1, ra2, dec2 = map(math.radians, (ra1, dec1, ra2, dec2))
    hav = (math.sin((dec2 - dec1) / 2) ** 2
           + math.cos(dec1) * math.cos(dec2) * math.sin((ra2 - ra1) / 2) ** 2)
    return math.degrees(2 * math.asin(math.sqrt(hav))) * 3600


@pytest.fixture(scope="module")
def califa_runs(tmp_path_factory) -> tuple[Path, Path]:
    """The CALIFA generator's output, and a second run's to compare it with."""
    out, again = tmp_path_factory.mktemp("califa"), tmp_path_factory.mktemp("califa_again")
    run_together((CALIFA_GENERATOR, ("--out", str(out)), tmp_path_factory.getbasetemp()),
                 (CALIFA_GENERATOR, ("--out", str(again)), again))
    return out, again


@pytest.fixture(scope="module")
def califa(califa_runs) -> Path:
    return califa_runs[0]


@pytest.fixture(scope="module")
def sample(califa):
    header, columns, rows = read_annotated(califa / "califa_sample.csv")
    names = [c[0].lower() for c in columns]
    return header, columns, [dict(zip(names, row, strict=True)) for row in rows]


@pytest.fixture(scope="module")
def identifiers(califa):
    header, columns, rows = read_annotated(califa / "califa_ids.csv")
    names = [c[0].lower() for c in columns]
    return [dict(zip(names, row, strict=True)) for row in rows]


def by_name(sample_rows: list[dict], name: str) -> dict:
    found = [r for r in sample_rows if r["name"] == name]
    assert len(found) == 1, name
    return found[0]


def test_califa_generator_is_deterministic(califa_runs):
    califa, again = califa_runs
    for name in ("califa_sample.csv", "califa_sample.fits", "califa_ids.csv",
                 "califa_colours.csv", "califa_sample.txt"):
        assert (again / name).read_bytes() == (califa / name).read_bytes(), name


def test_sample_has_the_real_openngc_count_numbered_by_ra(sample):
    _, _, rows = sample
    assert len(rows) == SAMPLE_SIZE
    assert [int(r["califaid"]) for r in rows] == list(range(1, SAMPLE_SIZE + 1))
    ras = [float(r["ra"]) for r in rows]
    assert ras == sorted(ras)
    assert all(0.005 <= float(r["redshift"]) <= 0.03 for r in rows)
    assert all(0.75 <= float(r["majax"]) <= 1.33 for r in rows)


def test_annotated_csv_has_the_califa_header_and_one_field_per_column(sample):
    header, columns, rows = sample
    assert list(header) == HEADER_KEYS
    assert "CC-BY-SA-4.0" in header["SOURCE"] and "OpenNGC" in header["SOURCE"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", header["DATE"])
    assert all(len(c) == 4 and c[1] in CALIFA_TYPES for c in columns)
    assert [c[0] for c in columns[:5]] == ["CALIFAID", "NAME", "ONGCNAME", "RA", "DEC"]
    assert all(len(r) == len(columns) for r in rows)
    for (name, ctype, _, _) in columns:
        values = [r[name.lower()] for r in rows if r[name.lower()] != ""]
        if ctype in ("short", "int", "long"):
            [int(v) for v in values]
        elif ctype in ("float", "double"):
            [float(v) for v in values]


def test_nulls_are_empty_fields_and_commas_are_quoted(califa, sample):
    _, _, rows = sample
    assert sum(r["vmag"] == "" for r in rows) == 2356
    assert sum(r["pa"] == "" for r in rows) == 5
    assert sum(r["pgc"] == "" for r in rows) == 35
    text = (califa / "califa_sample.csv").read_text()
    assert '"Mulchaey, et al (1996, ApJS, 102, 309) say this is not a Seyfert."' in text
    assert by_name(rows, "NGC 17")["nednotes"].startswith("Mulchaey, et al")


@pytest.mark.parametrize("name", sorted(KNOWN_GALAXIES))
def test_known_galaxies_are_at_their_2masx_positions(sample, name):
    row = by_name(sample[2], name)
    ra, dec = sexagesimal_to_deg(*KNOWN_GALAXIES[name])
    assert separation_arcsec(float(row["ra"]), float(row["dec"]), ra, dec) < 1.0


def test_positions_agree_with_2masx_designations_across_the_sample(sample, identifiers):
    """Catches any slip in the radians-to-degrees conversion, everywhere."""
    position = {r["califaid"]: (float(r["ra"]), float(r["dec"])) for r in sample[2]}
    pattern = re.compile(r"2MASX J(\d\d)(\d\d)(\d\d)(\d\d)([+-])(\d\d)(\d\d)(\d\d)(\d)$")
    seps = []
    for row in identifiers:
        match = pattern.match(row["ident"])
        if match:
            h, m, s, cs, sign, d, dm, ds, dds = match.groups()
            ra, dec = sexagesimal_to_deg(f"{h} {m} {s}.{cs}", f"{sign}{d} {dm} {ds}.{dds}")
            seps.append(separation_arcsec(*position[row["califaid"]], ra, dec))
    assert len(seps) > 2800
    assert np.median(seps) < 0.5
    assert np.mean(np.array(seps) < 1.0) > 0.9


def test_ngc5947_carries_its_openngc_properties(sample):
    row = by_name(sample[2], "NGC 5947")
    assert row["ongcname"] == "NGC5947"
    assert row["hubtype"] == "SBbc"
    assert float(row["redshift"]) == pytest.approx(0.0198)
    assert row["pgc"] == "55274"
    assert row["constel"] == "Boo"


def test_identifiers_have_normalised_and_openngc_spellings(sample, identifiers):
    califaid = by_name(sample[2], "NGC 5947")["califaid"]
    names = {(r["ident"], r["catname"], r["form"])
             for r in identifiers if r["califaid"] == califaid}
    assert {("NGC 5947", "NGC", "norm"), ("NGC5947", "NGC", "raw"),
            ("UGC 9877", "UGC", "norm"), ("UGC 09877", "UGC", "raw"),
            ("PGC 55274", "PGC", "norm"), ("PGC 055274", "PGC", "raw"),
            ("MCG +07-32-019", "MCG", "norm"),
            ("2MASX J15303656+4243018", "2MASX", "norm")} <= names
    common = [r for r in identifiers if r["ident"] == "Polarissima Borealis"]
    assert [(r["catname"], r["form"]) for r in common] == [("NAME", "norm")]
    assert by_name(sample[2], "NGC 3172")["califaid"] == common[0]["califaid"]
    glued = {r["ident"]: r["form"] for r in identifiers
             if r["ident"] in ("MCG +06-30-050", "MCG+06-30-050")}
    assert glued == {"MCG +06-30-050": "norm", "MCG+06-30-050": "raw"}


def test_identifier_rows_are_unique_and_point_at_sample_galaxies(sample, identifiers):
    keys = [(r["califaid"], r["ident"]) for r in identifiers]
    assert len(keys) == len(set(keys))
    califaids = {r["califaid"] for r in sample[2]}
    assert {r["califaid"] for r in identifiers} == califaids
    norm_names = {(r["califaid"], r["ident"]) for r in identifiers if r["form"] == "norm"}
    assert all((r["califaid"], r["name"]) in norm_names for r in sample[2])


def test_normalisation_rules():
    normalise = load_module(CALIFA_GENERATOR, "califa_generate").normalise_identifier
    assert normalise("NGC0001") == "NGC 1"
    assert normalise("NGC0085B") == "NGC 85B"
    assert normalise("IC1008 NED02") == "IC 1008 NED02"
    assert normalise("M051") == "M 51"
    assert normalise("UGCA 099") == "UGCA 99"
    assert normalise("SDSSJ120603.75+203620.0") == "SDSS J120603.75+203620.0"
    assert normalise("ESO 545-008") == "ESO 545-008"


def test_fits_table_matches_the_csv_with_califa_keys_and_fits_nulls(califa, sample):
    header, columns, rows = sample
    with fits.open(califa / "califa_sample.fits") as hdus:
        hdu = hdus[1]
        h, data = hdu.header, hdu.data
        for key in HEADER_KEYS:
            assert h[key] == header[key]
        assert h["TFIELDS"] == len(columns)
        formats = {"short": "I", "int": "J", "long": "K", "float": "E", "double": "D"}
        for n, (name, ctype, unit, description) in enumerate(columns, start=1):
            assert h[f"TTYPE{n}"] == name
            assert h[f"TFORM{n}"].endswith("A") if ctype == "string" \
                else h[f"TFORM{n}"] == formats[ctype]
            assert h.get(f"TUNIT{n}", "") == unit
            assert h[f"TCOMM{n}"] == description
        assert h["TNULL10"] == -32768 and h["TTYPE10"] == "PA"
        assert h["TNULL19"] == -2147483648 and h["TTYPE19"] == "PGC"
        assert "TNULL1" not in h
        assert len(data) == len(rows)
        assert (data["PA"] == -32768).sum() == sum(r["pa"] == "" for r in rows)
        assert (data["PGC"] == h["TNULL19"]).sum() == 35
        assert np.isnan(data["VMAG"]).sum() == sum(r["vmag"] == "" for r in rows)
        assert list(data["RA"]) == [float(r["ra"]) for r in rows]
        bmag = np.array([float(r["bmag"] or "nan") for r in rows], dtype=np.float32)
        assert np.array_equal(data["BMAG"], bmag, equal_nan=True)
        assert list(data["NAME"]) == [r["name"] for r in rows]
        assert sum(v == "" for v in data["ONGCNOTES"]) == sum(r["ongcnotes"] == ""
                                                             for r in rows)


# --- J-PLUS -------------------------------------------------------------------

ARRAY_RE = re.compile(r"^\{(?:-?[0-9.e+-]+|NULL)(?:,(?:-?[0-9.e+-]+|NULL)){11}\}$")


@pytest.fixture(scope="module")
def jplus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jplus")
    run(JPLUS_GENERATOR, "--rows", "3000", "--out", str(out),
        cwd=tmp_path_factory.getbasetemp())
    return out / "jplus.csv"


def test_jplus_is_deterministic_and_prefix_stable(jplus, tmp_path):
    run_together((JPLUS_GENERATOR, ("--rows", "3000", "--out", str(tmp_path / "a")), tmp_path),
                 (JPLUS_GENERATOR, ("--rows", "1000", "--out", str(tmp_path / "b")), tmp_path))
    full = jplus.read_bytes()
    assert (tmp_path / "a" / "jplus.csv").read_bytes() == full
    assert full.startswith((tmp_path / "b" / "jplus.csv").read_bytes())


def test_jplus_rows_hold_well_formed_array_literals(jplus):
    with open(jplus, newline="") as f:
        reader = csv.reader(f)
        head = next(reader)
        rows = list(reader)
    assert head == ["id", "tile_id", "ra", "dec", "flux", "flux_err", "mag_r",
                    "class_star", "flags"]
    assert len(rows) == 3000
    assert all(len(r) == 9 for r in rows)
    assert all(ARRAY_RE.match(r[4]) and ARRAY_RE.match(r[5]) for r in rows)
    first_line = jplus.read_text().splitlines()[1]
    assert ',"{' in first_line and '}","{' in first_line

    flux = [r[4][1:-1].split(",") for r in rows]
    err = [r[5][1:-1].split(",") for r in rows]
    assert all((f == "NULL") == (e == "NULL") for fr, er in zip(flux, err, strict=True)
               for f, e in zip(fr, er, strict=True))
    assert 0 < sum("NULL" in r[4] for r in rows) < len(rows) / 2
    for row, fluxes in zip(rows, flux, strict=True):
        r_flux = fluxes[7]
        if r_flux == "NULL" or float(r_flux) <= 0:
            assert row[6] == ""
        else:
            assert float(row[6]) == pytest.approx(23.9 - 2.5 * math.log10(float(r_flux)),
                                                  abs=1e-3)


def test_jplus_ids_positions_and_nulls_are_plausible(jplus):
    with open(jplus, newline="") as f:
        rows = list(csv.DictReader(f))
    ids = [int(r["id"]) for r in rows]
    assert len(set(ids)) == len(ids) and min(ids) > 2**31
    assert all(int(r["id"]) // 1_000_000 == int(r["tile_id"]) for r in rows)
    ra = np.array([float(r["ra"]) for r in rows])
    dec = np.array([float(r["dec"]) for r in rows])
    assert ((ra >= 0) & (ra < 360)).all() and ((dec > -2) & (dec < 61)).all()
    stripe = np.abs(dec) < 1.5
    assert (ra[stripe] > 340).any() and (ra[stripe] < 20).any()  # crosses RA 0
    class_star = [r["class_star"] for r in rows]
    assert "" in class_star
    assert all(0 <= float(c) <= 1 for c in class_star if c)
    assert {int(r["flags"]) for r in rows} >= {0, 1, 2}


# --- Data products: CALIFA-like cubes, J-PLUS-like images, JCMT-like cubes -----

CUBES_GENERATOR = ROOT / "inputs" / "califa" / "generate_cubes.py"
IMAGES_GENERATOR = ROOT / "inputs" / "jplus" / "generate_images.py"
JCMT_GENERATOR = ROOT / "inputs" / "jcmt" / "generate.py"
SPEED_OF_LIGHT = 299792.458  # km/s


def checksums(folder: Path) -> dict[str, str]:
    """sha256 of every file below folder, by relative path."""
    import hashlib

    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def vacuum(air: float) -> float:
    """Vacuum wavelength (Angstrom) of an air wavelength (Morton 2000), computed
    here independently of the generator."""
    s2 = (1e4 / air) ** 2
    return air * (1 + 8.34254e-5 + 2.406147e-2 / (130 - s2) + 1.5998e-4 / (38.9 - s2))


def world_of_middle(wcs) -> tuple[float, float]:
    """RA and Dec (deg) of the middle of an image's or cube's pixel grid."""
    from astropy.wcs.utils import pixel_to_skycoord

    celestial = wcs.celestial
    nx, ny = celestial.pixel_shape
    sky = pixel_to_skycoord((nx - 1) / 2, (ny - 1) / 2, celestial)
    return sky.icrs.ra.deg, sky.icrs.dec.deg


def footprint_holds(wcs, ra: float, dec: float) -> bool:
    """Whether (ra, dec) falls inside the pixel grid of the celestial axes."""
    celestial = wcs.celestial
    x, y = celestial.all_world2pix([[ra, dec]], 0)[0]
    nx, ny = celestial.pixel_shape
    return -0.5 <= x <= nx - 0.5 and -0.5 <= y <= ny - 0.5


@pytest.fixture(scope="module")
def cube_runs(califa, tmp_path_factory) -> tuple[Path, Path]:
    """The cube generator's output for the CALIFA sample, and a second run's."""
    out, again = califa / "products", tmp_path_factory.mktemp("cubes_again")
    sample = str(califa / "califa_sample.fits")
    run_together((CUBES_GENERATOR, ("--sample", sample, "--out", str(out)), califa),
                 (CUBES_GENERATOR, ("--sample", sample, "--out", str(again)), again))
    return out, again


@pytest.fixture(scope="module")
def cubes(cube_runs) -> Path:
    return cube_runs[0]


@pytest.fixture(scope="module")
def galaxies(sample) -> dict[int, dict]:
    return {int(r["califaid"]): r for r in sample[2]}


def test_califa_cubes_are_deterministic(cube_runs):
    cubes, again = cube_runs
    assert checksums(again) == checksums(cubes)


def test_califa_cubes_are_few_and_small(cubes):
    files = checksums(cubes)
    v500 = [n for n in files if n.endswith(".V500.rscube.fits.gz")]
    v1200 = [n for n in files if n.endswith(".V1200.rscube.fits.gz")]
    assert len(v500) == 24 and 5 <= len(v1200) < 24
    assert {n.split("/")[1].split(".")[0] for n in v1200} <= \
        {n.split("/")[1].split(".")[0] for n in v500}
    assert len([n for n in files if n.startswith("ancillary/")]) == 2 * 24
    sizes = [p.stat().st_size for p in cubes.rglob("*") if p.is_file()]
    assert sum(sizes) < 14e6 and max(sizes) < 500e3


def test_cubes_are_at_their_galaxies_with_califa_set_ups(cubes, galaxies):
    from astropy.wcs import WCS

    for path in sorted((cubes / "cubes").iterdir()):
        with fits.open(path) as hdus:
            header = hdus[0].header
            assert hdus[0].data.shape == (header["NAXIS3"], header["NAXIS2"],
                                          header["NAXIS1"])
            assert hdus["BADPIX"].data.shape == hdus[0].data.shape
        wcs = WCS(header)
        assert [wcs.wcs.ctype[i] for i in range(3)] == ["RA---TAN", "DEC--TAN", "WAVE"]
        gal = galaxies[header["CALIFAID"]]
        assert header["OBJECT"] == gal["name"]
        assert header["REDSHIFT"] == pytest.approx(float(gal["redshift"]))
        ra, dec = world_of_middle(wcs)
        assert separation_arcsec(ra, dec, float(gal["ra"]), float(gal["dec"])) < 0.1
        assert footprint_holds(wcs, float(gal["ra"]), float(gal["dec"]))
        edges = wcs.spectral.pixel_to_world([-0.5, header["NAXIS3"] - 0.5]).to_value("AA")
        if header["PIPE_SET"] == "V500":
            assert edges[0] == pytest.approx(3743) and edges[1] == pytest.approx(7503)
        else:
            assert header["PIPE_SET"] == "V1200"
            assert 3640 < edges[0] < 3660 and 4830 < edges[1] < 4850
            assert header["CDELT3"] < 2


def spectrum_peak(path: Path, rest_air: float, window: float, half: int = 2) -> tuple:
    """(expected, found) wavelength of a line: the galaxy's redshift applied to
    its vacuum rest wavelength, and the brightest pixel near it in the sum of the
    central (2 half + 1)^2 spaxels."""
    with fits.open(path) as hdus:
        header, data = hdus[0].header, hdus[0].data
    cy, cx = header["NAXIS2"] // 2, header["NAXIS1"] // 2
    spectrum = data[:, cy - half:cy + half + 1, cx - half:cx + half + 1].sum(axis=(1, 2))
    wave = header["CRVAL3"] + header["CDELT3"] * (np.arange(header["NAXIS3"])
                                                  + 1 - header["CRPIX3"])
    expected = vacuum(rest_air) * (1 + header["REDSHIFT"])
    near = np.abs(wave - expected) < window
    return expected, wave[near][np.argmax(spectrum[near])], header["CDELT3"]


def test_emission_lines_sit_at_each_disc_galaxys_redshift(cubes, galaxies):
    checked = 0
    for path in sorted((cubes / "cubes").glob("*.V500.rscube.fits.gz")):
        califaid = fits.getheader(path)["CALIFAID"]
        if not re.match(r"S[AB]*[abcdm]", galaxies[califaid]["hubtype"]):
            continue
        for rest in (6562.80, 6583.45):  # Halpha, [NII]
            expected, found, step = spectrum_peak(path, rest, 12.0)
            assert abs(found - expected) <= step, (path.name, rest)
        checked += 1
    assert checked >= 8
    # The [OII] doublet, blended, in the blue V1200 set-up.
    expected, found, step = spectrum_peak(
        cubes / "cubes" / "NGC5947.V1200.rscube.fits.gz", 3727.4, 6.0)
    assert abs(found - expected) <= 2 * step


def test_ancillary_files_belong_to_their_galaxies(cubes, galaxies):
    from astropy.wcs import WCS

    names = sorted(p.name.split(".")[0] for p in (cubes / "cubes").glob("*.V500.*"))
    for name in names:
        cube = cubes / "cubes" / f"{name}.V500.rscube.fits.gz"
        stamp = cubes / "ancillary" / f"{name}.sdss_r.fits.gz"
        spectrum = cubes / "ancillary" / f"{name}.intspec.fits"
        califaid = fits.getheader(cube)["CALIFAID"]
        gal = galaxies[califaid]
        for path, fileset in ((stamp, "sdss_r"), (spectrum, "intspec")):
            header = fits.getheader(path)
            assert (header["CALIFAID"], header["FILESET"]) == (califaid, fileset)
        wcs = WCS(fits.getheader(stamp))
        assert footprint_holds(wcs, float(gal["ra"]), float(gal["dec"]))
        assert separation_arcsec(*world_of_middle(wcs), float(gal["ra"]),
                                 float(gal["dec"])) < 0.2
    # The integrated spectrum is the V500 cube summed over its spaxels.
    cube = cubes / "cubes" / "NGC5947.V500.rscube.fits.gz"
    quantum = fits.getheader(cube)["BSCALE"]  # reading the data drops it
    summed = fits.getdata(cube).sum(axis=(1, 2))
    with fits.open(cubes / "ancillary" / "NGC5947.intspec.fits") as hdus:
        assert hdus[0].header["CTYPE1"] == "WAVE"
        assert np.allclose(hdus[0].data, summed, atol=quantum * 30)


@pytest.fixture(scope="module")
def jplus_image_runs(tmp_path_factory) -> tuple[Path, Path]:
    """The J-PLUS catalogue with the image generator's output beside it, and a second
    run's images (in ``images`` of the second folder)."""
    out = tmp_path_factory.mktemp("jplus_images")
    again = tmp_path_factory.mktemp("jplus_images_again")
    run(JPLUS_GENERATOR, "--out", str(out), cwd=out)
    catalogue = str(out / "jplus.csv")
    run_together((IMAGES_GENERATOR, ("--catalogue", catalogue, "--out", str(out)), out),
                 (IMAGES_GENERATOR, ("--catalogue", catalogue, "--out", str(again)), again))
    return out, again


@pytest.fixture(scope="module")
def jplus_images(jplus_image_runs) -> Path:
    return jplus_image_runs[0]


@pytest.fixture(scope="module")
def jplus_catalogue(jplus_images) -> dict[int, dict]:
    with open(jplus_images / "jplus.csv", newline="") as f:
        return {int(r["id"]): r for r in csv.DictReader(f)}


def test_jplus_images_are_deterministic_and_small(jplus_image_runs):
    jplus_images, again = jplus_image_runs
    assert checksums(again / "images") == checksums(jplus_images / "images")
    images = sorted((jplus_images / "images").iterdir())
    assert len(images) == 3 * 12
    assert sum(p.stat().st_size for p in images) < 5e6


def test_jplus_images_come_in_the_12_filters_with_their_wavelengths(jplus_images):
    jplus_gen = load_module(JPLUS_GENERATOR, "jplus_generate_for_test")
    by_tile: dict[int, list[str]] = {}
    for path in sorted((jplus_images / "images").iterdir()):
        header = fits.getheader(path)
        by_tile.setdefault(header["TILE_ID"], []).append(header["FILTER"])
        band = jplus_gen.FILTERS.index(header["FILTER"])
        assert header["WAVELENG"] == jplus_gen.PIVOT[band]
        assert header["WAVEMIN"] < header["WAVELENG"] < header["WAVEMAX"]
        assert path.name == f"{header['TILE_ID']}-{header['FILTER']}.fits.gz"
    assert len(by_tile) == 3
    assert all(sorted(f) == sorted(jplus_gen.FILTERS) for f in by_tile.values())


def test_jplus_image_sources_are_catalogue_objects_at_their_positions(
        jplus_images, jplus_catalogue):
    from astropy.wcs import WCS

    crossing_ra0 = 0
    for path in sorted((jplus_images / "images").glob("*-rSDSS.fits.gz")):
        with fits.open(path) as hdus:
            header, data = hdus[0].header, hdus[0].data
        wcs = WCS(header)
        corners = wcs.calc_footprint()[:, 0]
        crossing_ra0 += bool((corners < 1).any() and (corners > 359).any())
        tile = header["TILE_ID"]
        inside = [r for r in jplus_catalogue.values() if int(r["tile_id"]) == tile
                  and footprint_holds(wcs, float(r["ra"]), float(r["dec"]))]
        assert len(inside) >= 3
        brightest = max(inside, key=lambda r: float(r["flux"][1:-1].split(",")[7]))
        flux = float(brightest["flux"][1:-1].split(",")[7])  # rSDSS, uJy
        x, y = wcs.all_world2pix([[float(brightest["ra"]), float(brightest["dec"])]], 0)[0]
        col, row = int(round(x)), int(round(y))
        box = data[row - 3:row + 4, col - 3:col + 4]
        peak_row, peak_col = np.unravel_index(np.argmax(box), box.shape)
        assert abs(peak_row - 3) <= 1 and abs(peak_col - 3) <= 1, path.name
        yy, xx = np.mgrid[0:data.shape[0], 0:data.shape[1]]
        aperture = data[(xx - x) ** 2 + (yy - y) ** 2 < 10 ** 2].sum()
        measured = aperture * 10 ** (-0.4 * (header["PHOTZP"] - 23.9))
        noise = 4.0 * math.sqrt(math.pi * 100) * 10 ** (-0.4 * (header["PHOTZP"] - 23.9))
        assert abs(measured - flux) < 0.1 * flux + 3 * noise, path.name
    assert crossing_ra0 == 1


def jcmt_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*.fits"))


@pytest.fixture(scope="module")
def jcmt_three_nights(tmp_path_factory) -> Path:
    """The JCMT generator's cubes of three nights."""
    folder = tmp_path_factory.mktemp("jcmt")
    run(JCMT_GENERATOR, "--nights", "3", "--out", str(folder / "three"), cwd=folder)
    return folder / "three"


def test_jcmt_nights_are_deterministic_and_a_new_night_only_adds(jcmt_three_nights,
                                                                  tmp_path):
    run(JCMT_GENERATOR, "--nights", "2", "--out", str(tmp_path / "a"), cwd=tmp_path)
    before = checksums(tmp_path / "a")
    mtimes = {p: p.stat().st_mtime_ns for p in (tmp_path / "a").rglob("*.fits")}
    assert len(before) == 4 and len({n.split("/")[0] for n in before}) == 2
    run(JCMT_GENERATOR, "--add-night", "--out", str(tmp_path / "a"), cwd=tmp_path)
    after = checksums(tmp_path / "a")
    assert {n: s for n, s in after.items() if n in before} == before
    assert {p: p.stat().st_mtime_ns for p in mtimes} == mtimes
    new = sorted(set(after) - set(before))
    assert len(new) == 2 and len({n.split("/")[0] for n in new}) == 1
    assert checksums(jcmt_three_nights) == after
    assert sum(p.stat().st_size for p in jcmt_three_nights.rglob("*.fits")) < 4e6


def test_jcmt_cubes_have_co32_at_the_source_velocity(jcmt_three_nights):
    from astropy import units as u
    from astropy.wcs import WCS

    jcmt = load_module(JCMT_GENERATOR, "jcmt_generate_for_test")
    fields = {f.name: f for f in jcmt.FIELDS}
    for path in sorted(jcmt_three_nights.rglob("*.fits")):
        with fits.open(path) as hdus:
            header, data = hdus[0].header, hdus[0].data
        wcs = WCS(header)
        assert wcs.wcs.ctype[2] == "FREQ" and header["SPECSYS"] == "LSRK"
        assert header["RESTFRQ"] == pytest.approx(345.7959899e9)
        assert abs(header["VELOSYS"]) < 60e3  # m/s: Earth's orbit plus the Sun's motion
        field = fields[header["OBJECT"]]
        assert footprint_holds(wcs, field.ra, field.dec)
        assert np.isnan(data).any() and np.isfinite(data).mean() > 0.8
        channel = int(np.nanargmax(np.nanmean(data, axis=(1, 2))))
        velocity = wcs.spectral.pixel_to_world(channel).to_value(
            u.km / u.s, doppler_convention="radio", doppler_rest=header["RESTFRQ"] * u.Hz)
        assert abs(velocity - field.vlsr) < 3 * field.width, path.name
        assert header["ZSOURCE"] * SPEED_OF_LIGHT == pytest.approx(field.vlsr, abs=1e-3)
