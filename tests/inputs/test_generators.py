"""The demo data generators write what their RDs expect: real galaxies, right formats."""

from __future__ import annotations

import csv
import importlib.util
import math
import re
import subprocess
import sys
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
def califa(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("califa")
    run(CALIFA_GENERATOR, "--out", str(out), cwd=tmp_path_factory.getbasetemp())
    return out


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


def test_califa_generator_is_deterministic(califa, tmp_path):
    run(CALIFA_GENERATOR, "--out", str(tmp_path), cwd=tmp_path)
    for name in ("califa_sample.csv", "califa_sample.fits", "califa_ids.csv",
                 "califa_sample.txt"):
        assert (tmp_path / name).read_bytes() == (califa / name).read_bytes(), name


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
    run(JPLUS_GENERATOR, "--rows", "3000", "--out", str(tmp_path / "a"), cwd=tmp_path)
    run(JPLUS_GENERATOR, "--rows", "1000", "--out", str(tmp_path / "b"), cwd=tmp_path)
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
