"""Writes the CALIFA-like demo sample of real galaxies, selected from OpenNGC.

The sample follows CALIFA's selection in spirit: galaxies (OpenNGC type ``G``)
with redshift 0.005 <= z <= 0.03 and apparent major axis 0.75' <= D <= 1.33'.
The data come from the OpenNGC database by Mattia Verga (CC-BY-SA-4.0), read
from the ``ongc.db`` sqlite file that the ``pyongc`` package ships; that file
stores ra/dec in radians and axes in arcmin.

Output (in the CALIFA table format of the DR1 design note, appendix A):

* ``califa_sample.csv`` -- the galaxies, annotated CSV, ``califaid`` 1..N by RA;
* ``califa_sample.fits`` -- the same table as a FITS binary table
  (integer NULLs through TNULLn, float NULLs as NaN, string NULLs empty);
* ``califa_ids.csv`` -- one row per (califaid, identifier) for name look-up;
* ``califa_colours.csv`` -- B-V and J-H of each galaxy, a collaboration-internal
  table: its header names who approved it for the collaboration (COLAPRV) but
  nobody for the public (PUBAPRV), so ``califa/collab`` serves it to the group
  califa only;
* ``califa_sample.txt`` -- the associated file (appendix A.6): how the table
  was made.

Identifier normalisation (column ``form`` says which spelling a row holds):

* numbered catalogues (NGC, IC, M, UGC, UGCA, PGC, LEDA) become
  ``"<catalogue> <number without leading zeros><suffix>"``: NGC0001 -> NGC 1,
  NGC0085B -> NGC 85B, IC1008 NED02 -> IC 1008 NED02, PGC 000564 -> PGC 564,
  UGC 00057 -> UGC 57, messier 051 -> M 51;
* designations glued to their prefix get the customary blank:
  MCG+06-30-050 -> MCG +06-30-050, SDSSJ1206... -> SDSS J1206...;
* everything else (MCG, 2MASX, 2MASS, SDSS, IRAS, ESO, ESO-LV, TYC) is already
  in its catalogue's usual spelling and stays; common names stay as written;
* the normalised spelling has ``form="norm"``; where OpenNGC spells it
  differently, that spelling is a second row with ``form="raw"``.

The output depends only on the OpenNGC database shipped by the installed
pyongc: DATE in the headers is that database's date, not today.

Run as ``python inputs/califa/generate.py [--out DIR]``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import math
import re
import sqlite3
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
import pyongc
from astropy.io import fits

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"

Z_RANGE = (0.005, 0.03)
MAJAX_RANGE = (0.75, 1.33)  # arcmin

# Header values stay free of colons and short enough for one FITS card.
CREDIT = "OpenNGC (Mattia Verga; CC-BY-SA-4.0) via pyongc"
CREDIT_URL = "https://github.com/mattiaverga/OpenNGC"

# FITS TNULLn for integer columns, far outside the real values; key columns
# are never NULL and get none.
KEYS = {"CALIFAID"}
TNULL = {"short": -32768, "int": -2147483648, "long": -9223372036854775808}
FITS_INT_FORMAT = {"short": "I", "int": "J", "long": "K"}
FITS_FLOAT_FORMAT = {"float": "E", "double": "D"}
NUMPY_TYPE = {"short": np.int16, "int": np.int32, "long": np.int64,
              "float": np.float32, "double": np.float64}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a CALIFA ASCII type: short, int, long, float, double, string
    unit: str
    description: str


SAMPLE_COLUMNS = [
    Column("CALIFAID", "int", "", "the ID of the galaxy in this sample (by RA)"),
    Column("NAME", "string", "", "normalised NGC or IC designation (e.g. NGC 1)"),
    Column("ONGCNAME", "string", "", "name as spelt in OpenNGC (e.g. NGC0001)"),
    Column("RA", "double", "deg", "right ascension J2000.0"),
    Column("DEC", "double", "deg", "declination J2000.0"),
    Column("CONSTEL", "string", "", "constellation (IAU abbreviation)"),
    Column("HUBTYPE", "string", "", "morphological (Hubble) type"),
    Column("MAJAX", "float", "arcmin", "major axis of the 25 mag/arcsec2 isophote"),
    Column("MINAX", "float", "arcmin", "minor axis of the 25 mag/arcsec2 isophote"),
    Column("PA", "short", "deg", "position angle of the major axis (north to east)"),
    Column("BMAG", "float", "mag", "apparent total B magnitude"),
    Column("VMAG", "float", "mag", "apparent total V magnitude"),
    Column("JMAG", "float", "mag", "2MASS J magnitude"),
    Column("HMAG", "float", "mag", "2MASS H magnitude"),
    Column("KMAG", "float", "mag", "2MASS Ks magnitude"),
    Column("SBRIGHT", "float", "mag/arcsec**2",
           "mean B surface brightness within the 25 mag isophote"),
    Column("RADVEL", "int", "km/s", "heliocentric radial velocity"),
    Column("REDSHIFT", "double", "", "heliocentric redshift"),
    Column("PGC", "int", "", "PGC (LEDA) number"),
    Column("NEDNOTES", "string", "", "notes from NED"),
    Column("ONGCNOTES", "string", "", "notes from the OpenNGC maintainers"),
]

COLOUR_COLUMNS = [
    Column("CALIFAID", "int", "", "the ID of the galaxy in the sample"),
    Column("NAME", "string", "", "normalised NGC or IC designation"),
    Column("RA", "double", "deg", "right ascension J2000.0"),
    Column("DEC", "double", "deg", "declination J2000.0"),
    Column("B_V", "float", "mag", "B-V colour from the total magnitudes"),
    Column("J_H", "float", "mag", "J-H colour from the 2MASS magnitudes"),
]
# Who approved the colours for the collaboration (and nobody for the public yet).
COLLABORATION_APPROVAL = "DR demo team"

ID_COLUMNS = [
    Column("CALIFAID", "int", "", "the ID of the galaxy in the sample"),
    Column("IDENT", "string", "", "an identifier of the galaxy"),
    Column("CATNAME", "string", "", "catalogue of the identifier (NAME: a common name)"),
    Column("FORM", "string", "", "norm: normalised spelling; raw: as spelt in OpenNGC"),
]

SELECT = """SELECT name, ra, dec, const, majax, minax, pa, bmag, vmag, jmag, hmag, kmag,
  sbrightn, hubble, radvel, redshift, messier, ngc, ic, identifiers, commonnames,
  nednotes, ongcnotes
FROM objects
WHERE type = 'G' AND redshift BETWEEN ? AND ? AND majax BETWEEN ? AND ?"""

_NUMBERED_RE = re.compile(r"^(NGC|IC|M|UGCA|UGC|PGC|LEDA) ?0*(\d+)(.*)$")
_GLUED_RE = re.compile(r"^(2MASX|2MASS|SDSS|MCG)([J+-].*)$")
_CATNAME_RE = re.compile(r"^([A-Za-z0-9]+(?:-[A-Z]+)?) ")


def ongc_db_path() -> Path:
    """The ongc.db shipped inside the installed pyongc package."""
    return Path(str(files("pyongc") / "ongc.db"))


def normalise_identifier(raw: str) -> str:
    """The spelling DR uses for look-ups (see the module docstring)."""
    raw = " ".join(raw.split())
    match = _NUMBERED_RE.match(raw)
    if match:
        cat, number, suffix = match.groups()
        return f"{cat} {int(number)}{suffix}"
    match = _GLUED_RE.match(raw)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    return raw


def catalogue_of(ident: str) -> str:
    match = _CATNAME_RE.match(ident)
    return match.group(1) if match else "NAME"


def ascii_text(text: str) -> str:
    """FITS strings are ASCII; OpenNGC's notes use a few typographic quotes."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return text.encode("ascii", "replace").decode("ascii")


def read_sample(db: Path) -> list[dict]:
    """The selected galaxies as dicts keyed by lower-cased column name, by RA."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(SELECT, Z_RANGE + MAJAX_RANGE).fetchall()
    finally:
        conn.close()
    rows.sort(key=lambda r: (r["ra"], r["name"]))
    sample = []
    for califaid, r in enumerate(rows, start=1):
        pgc = re.search(r"\bPGC ?(\d+)\b", r["identifiers"] or "")
        sample.append({
            "califaid": califaid,
            "name": normalise_identifier(r["name"]),
            "ongcname": r["name"],
            "ra": round(math.degrees(r["ra"]), 8),
            "dec": round(math.degrees(r["dec"]), 8),
            "constel": r["const"] or None,
            "hubtype": r["hubble"] or None,
            "majax": r["majax"], "minax": r["minax"], "pa": r["pa"],
            "bmag": r["bmag"], "vmag": r["vmag"], "jmag": r["jmag"],
            "hmag": r["hmag"], "kmag": r["kmag"], "sbright": r["sbrightn"],
            "radvel": r["radvel"], "redshift": r["redshift"],
            "pgc": int(pgc.group(1)) if pgc else None,
            "nednotes": ascii_text(r["nednotes"]) or None,
            "ongcnotes": ascii_text(r["ongcnotes"]) or None,
            "_ids": raw_identifiers(r),
        })
    return sample


def raw_identifiers(r: sqlite3.Row) -> list[tuple[str, bool]]:
    """All names OpenNGC gives a galaxy, in OpenNGC's spelling, with a flag
    telling common names from catalogue designations."""
    names = [r["name"]]
    if r["messier"]:
        names.append(f"M{r['messier']}")
    for field, prefix in (("ngc", "NGC"), ("ic", "IC")):
        names.extend(prefix + n.strip() for n in (r[field] or "").split(",") if n.strip())
    names.extend(n.strip() for n in (r["identifiers"] or "").split(","))
    # A designation without a number is broken (OpenNGC has one "HD ").
    result = [(n, False) for n in names if any(c.isdigit() for c in n)]
    result.extend((n.strip(), True) for n in (r["commonnames"] or "").split(",") if n.strip())
    return result


def identifier_rows(sample: list[dict]) -> list[dict]:
    rows = []
    for gal in sample:
        seen = set()
        for raw, common in gal["_ids"]:
            norm = raw if common else normalise_identifier(raw)
            cat = "NAME" if common else catalogue_of(norm)
            for ident, form in ((norm, "norm"), (raw, "raw")):
                if ident not in seen:
                    seen.add(ident)
                    rows.append({"califaid": gal["califaid"], "ident": ident,
                                 "catname": cat, "form": form})
    return rows


def csv_field(value, ctype: str) -> str:
    if value is None:
        return ""
    if ctype == "string":
        if any(c in value for c in ',:"') or value != value.strip():
            return '"' + value.replace('"', '""') + '"'
        return value
    if ctype in ("float", "double"):
        return repr(float(value))
    return str(int(value))


def write_annotated_csv(path: Path, columns: list[Column], rows: list[dict],
                        header: dict[str, str]) -> None:
    lines = [f"# {key}: {value}" for key, value in header.items()]
    for n, col in enumerate(columns, start=1):
        lines.append(f"# COLUMN{n}: {col.name}, {col.type}, {col.unit}, {col.description}")
    for row in rows:
        lines.append(",".join(csv_field(row[c.name.lower()], c.type) for c in columns))
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def fits_column(col: Column, values: list) -> fits.Column:
    if col.type == "string":
        strings = [v or "" for v in values]
        width = max(1, max(len(s) for s in strings))
        return fits.Column(name=col.name, format=f"{width}A", unit=col.unit or None,
                           array=np.array(strings, dtype=f"S{width}"))
    if col.type in FITS_FLOAT_FORMAT:
        array = np.array([np.nan if v is None else v for v in values],
                         dtype=NUMPY_TYPE[col.type])
        return fits.Column(name=col.name, format=FITS_FLOAT_FORMAT[col.type],
                           unit=col.unit or None, array=array)
    null = TNULL[col.type]
    array = np.array([null if v is None else v for v in values], dtype=NUMPY_TYPE[col.type])
    return fits.Column(name=col.name, format=FITS_INT_FORMAT[col.type],
                       unit=col.unit or None, null=None if col.name in KEYS else null,
                       array=array)


def colour_rows(sample: list[dict]) -> list[dict]:
    """B-V and J-H of each galaxy (None where a magnitude is missing)."""
    def colour(a, b):
        return None if a is None or b is None else round(float(a) - float(b), 3)
    return [{"califaid": r["califaid"], "name": r["name"], "ra": r["ra"], "dec": r["dec"],
             "b_v": colour(r["bmag"], r["vmag"]), "j_h": colour(r["jmag"], r["hmag"])}
            for r in sample]


def write_fits(path: Path, columns: list[Column], rows: list[dict],
               header: dict[str, str]) -> None:
    table = fits.BinTableHDU.from_columns(
        [fits_column(c, [r[c.name.lower()] for r in rows]) for c in columns])
    table.name = "CALIFA"
    for key, value in header.items():
        table.header[key] = value
    for n, col in enumerate(columns, start=1):
        # astropy moves non-standard column keywords after the standard ones.
        table.header[f"TCOMM{n}"] = col.description
    fits.HDUList([fits.PrimaryHDU(), table]).writeto(path, overwrite=True)


def write_associated(path: Path, header: dict[str, str], count: int) -> None:
    select = SELECT.replace("?", "{}").format(*(Z_RANGE + MAJAX_RANGE))
    path.write_text(
        f"# AUTHOR: {header['AUTHOR']}\n# Date: {header['DATE']}\n"
        f"# Version: {header['VERSION']}\n\n"
        f"Source: {CREDIT} {header['_pyongc']}; OpenNGC is at {CREDIT_URL}.\n"
        f"Database file: ongc.db of pyongc, OpenNGC data of {header['DATE']}.\n\n"
        "ra/dec are stored in radians in ongc.db and written here in degrees "
        "(rounded to 1e-8 deg);\naxes are in arcmin as stored. Rows are sorted by "
        "RA and numbered from 1 (califaid).\n\nSelection:\n"
        f"{select}\n\n{count} galaxies selected.\n"
        "PGC is taken from the identifiers field; identifiers are normalised as\n"
        "described in generate.py. Typographic quotes in the notes are replaced by\n"
        "ASCII ones, because FITS strings are ASCII.\n",
        encoding="ascii")


def headers(db_date: str, version: str) -> dict[str, str]:
    return {
        "AUTHOR": "DR demo generator (inputs/califa/generate.py)",
        "SOURCE": f"{CREDIT} {version}",
        "DATE": db_date,
        "VERSION": "1.0",
        "COLAPRV": "None",
        "PUBAPRV": "None",
    }


def generate(out: Path) -> dict[str, int]:
    """Writes the five files into out; returns the row counts."""
    db = ongc_db_path()
    version = importlib.metadata.version("pyongc")
    date = str(pyongc.DBDATE)
    header = headers(f"{date[:4]}-{date[4:6]}-{date[6:]}", version)
    out.mkdir(parents=True, exist_ok=True)
    sample = read_sample(db)
    ids = identifier_rows(sample)
    write_annotated_csv(out / "califa_sample.csv", SAMPLE_COLUMNS, sample, header)
    write_fits(out / "califa_sample.fits", SAMPLE_COLUMNS, sample, header)
    write_annotated_csv(out / "califa_ids.csv", ID_COLUMNS, ids, header)
    write_annotated_csv(out / "califa_colours.csv", COLOUR_COLUMNS, colour_rows(sample),
                        {**header, "COLAPRV": COLLABORATION_APPROVAL})
    write_associated(out / "califa_sample.txt", {**header, "_pyongc": version},
                     len(sample))
    return {"sample": len(sample), "identifiers": len(ids)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help=f"output directory (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    counts = generate(args.out)
    print(f"{counts['sample']} galaxies, {counts['identifiers']} identifiers "
          f"-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
