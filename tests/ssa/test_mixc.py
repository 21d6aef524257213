"""//ssap#mixc, //ssap#setMixcMeta, //ssap#plainlocation, //ssap#simpleCoverage and
//ssap#fill-plainlocation through dr imp and dr serve (tests/ssa/mixc_inputs):
per-spectrum metadata in columns, found through SSA (COLLECTION compares the
column), delivered as SDM spectra with the row's metadata and units, published
into ivoa.obscore, measured by dr limits; the same SSA machinery over a table
whose SSA metadata are all columns, as //ssap#view will make them."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import psycopg2
import pytest
import pyvo
import requests
from astropy import units as u
from astropy.io import fits
from astropy.io.votable import parse, parse_single_table

from rd.loader import load_rd
from tests.servers import start_server, stop_server
from tests.support import run_dr, votlint

HERE = Path(__file__).parent / "mixc_inputs"
SSA = "/mixcspec/q/ssa/ssap.xml"
ALL_SSA = "/mixcspec/q/allssa/ssap.xml"
DLGET = "/mixcspec/q/sdl/dlget"
ALL_DLGET = "/mixcspec/q/alldl/dlget"
FLUX = "erg/(s.cm**2.Angstrom)"

# The //ssap#mixc spectra: what differs between them is in their headers.
MIXC = {
    "s1.fits": dict(OBJECT="HD 1", RA=10.0, DEC=20.0, APERTURE=0.002, EXPTIME=100.0,
                    DATE_OBS="2020-01-01T00:00:00", COLLECT="Survey A",
                    INSTRUME="Echelle One", FLUXCAL="ABSOLUTE", SPECRES=1e-10,
                    BUNIT=FLUX),
    "s2.fits": dict(OBJECT="HD 2", RA=10.01, DEC=20.0, APERTURE=0.004, EXPTIME=50.0,
                    DATE_OBS="2021-06-01T12:00:00", COLLECT="Survey B",
                    INSTRUME="Grism Two", FLUXCAL="RELATIVE"),
    "s3.fits": dict(OBJECT="NGC 3", RA=150.0, DEC=-30.0, APERTURE=0.003, EXPTIME=10.0,
                    DATE_OBS="2022-03-01T00:00:00", COLLECT="Survey A",
                    INSTRUME="Echelle One", FLUXCAL="UNCALIBRATED", BUNIT=FLUX),
}
# The spectra of the table with all SSA metadata in columns: units differ, too.
ALL = {
    "a1.fits": dict(OBJECT="Star A", RA=30.0, DEC=5.0, DATE_OBS="2020-05-05T00:00:00",
                    COLLECT="All A", FLUXCAL="ABSOLUTE", SPECUNIT="nm", BUNIT="Jy",
                    FLUXUCD="phot.flux.density;em.freq"),
    "a2.fits": dict(OBJECT="Star B", RA=31.0, DEC=5.0, DATE_OBS="2020-05-06T00:00:00",
                    COLLECT="All B", FLUXCAL="ABSOLUTE", SPECUNIT="Angstrom",
                    BUNIT=FLUX, FLUXUCD="phot.flux.density;em.wl"),
}
POSITIONS = "label,ra,dec,aperture\nfull,40.0,-10.0,0.01\nnoap,41.0,-11.0,\nnopos,,,0.01\n"
SAMPLES, START, STEP = 200, 4000.0, 2.0  # Angstrom
WAVELENGTHS = START + STEP * np.arange(SAMPLES)
FLUXES = np.linspace(1, 2, SAMPLES)


def write_spectrum(path: Path, cards: dict) -> None:
    """A 1-D FITS image with a linear wavelength axis in Angstrom."""
    hdu = fits.PrimaryHDU(FLUXES.astype(">f4"))
    header = hdu.header
    header.update(CTYPE1="WAVE", CUNIT1="Angstrom", CRPIX1=1.0, CRVAL1=START,
                  CDELT1=STEP)
    for key, value in cards.items():
        header[key.replace("_", "-")] = value
    hdu.writeto(path)


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory):
    home = tmp_path_factory.mktemp("mixc")
    inputs = home / "inputs"
    shutil.copytree(HERE, inputs)
    data = inputs / "mixcspec" / "data"
    for folder, spectra in (("mixc", MIXC), ("all", ALL)):
        (data / folder).mkdir(parents=True)
        for name, cards in spectra.items():
            write_spectrum(data / folder / name, cards)
    (data / "positions.csv").write_text(POSITIONS)
    server = start_server(pg_cluster.dsn, home, "ssa_mixc", inputs=inputs,
                          imports=("mixcspec/q",))
    yield server
    stop_server(server, pg_cluster.dsn, "ssa_mixc")


def query(site, sql: str, params=None) -> list[tuple]:
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def pubdid(site, target: str, table: str = "spectra") -> str:
    return query(site, f"SELECT ssa_pubdid FROM mixcspec.{table} WHERE ssa_targname = %s",
                 (target,))[0][0]


def ssa_table(site, path: str = SSA, **params):
    response = requests.get(site.url + path, timeout=60,
                            params={"REQUEST": "queryData", **params})
    assert response.status_code == 200, response.text
    return parse_single_table(io.BytesIO(response.content)), response.content


def resource_params(body: bytes) -> list:
    """The PARAMs of the results RESOURCE (SSA's metadata of the whole table)."""
    return parse(io.BytesIO(body)).resources[0].params


# --- the table ----------------------------------------------------------------

def test_mixc_keeps_per_spectrum_metadata_in_columns(site):
    rows = query(site, "SELECT ssa_targname, ssa_collection, ssa_instrument, ssa_fluxcalib,"
                       " ssa_dstype, ssa_datasource, ssa_publisher, ssa_creator,"
                       " ssa_reference, ssa_binsize, ssa_specres FROM mixcspec.spectra"
                       " ORDER BY ssa_targname")
    assert [r[:4] for r in rows] == [
        ("HD 1", "Survey A", "Echelle One", "ABSOLUTE"),
        ("HD 2", "Survey B", "Grism Two", "RELATIVE"),
        ("NGC 3", "Survey A", "Echelle One", "UNCALIBRATED")]
    # what setMixcMeta takes from the RD's meta when not bound
    assert {r[4:9] for r in rows} == {("spectrum", "pointed", "The DR Test Publisher",
                                       "Doe, J.; Roe, R.", "2024DRT.....1....1D")}
    assert [r[9] for r in rows] == [pytest.approx(2e-10)] * 3
    # specres defaults to the bin size
    assert [r[10] for r in rows] == [pytest.approx(1e-10), pytest.approx(2e-10),
                                     pytest.approx(2e-10)]


def test_mixc_columns_carry_what_hcd_says_of_its_params(site):
    """The metadata //ssap#hcd has as params are //ssap#mixc's columns, described
    alike; the axes' units and UCDs stay params."""
    rd = load_rd("mixcspec/q", site.config.parent / "inputs")
    assert not rd.warnings, rd.warnings
    mixc, hcd = rd.table("spectra"), rd.table("hcdtwin")
    hcd_params = {p.name: p for p in hcd.params}
    moved = [c for c in mixc.columns if c.name in hcd_params]
    assert len(moved) == 16
    for column in moved:
        param = hcd_params[column.name]
        assert (column.utype, column.ucd, column.unit, column.type) == \
            (param.utype, param.ucd, param.unit, param.type), column.name
    assert {p.name for p in mixc.params} == {
        "ssa_model", "ssa_csysName", "ssa_timeSI", "ssa_spectralSI", "ssa_spectralucd",
        "ssa_spectralunit", "ssa_fluxSI", "ssa_fluxucd", "ssa_fluxunit"}
    assert {p.name for p in mixc.params} | {c.name for c in moved} | {
        "ssa_spaceError", "ssa_spaceCalib", "ssa_spaceRes"} == set(hcd_params)


def test_the_positions_and_footprints_are_indexed(site):
    indexes = query(site, "SELECT tablename, indexdef FROM pg_indexes"
                          " WHERE schemaname = 'mixcspec'")
    for table in ("spectra", "positions"):
        mine = [d for t, d in indexes if t == table]
        assert any("USING gist (ssa_location)" in d for d in mine), mine
        assert any("USING gist (ssa_region)" in d for d in mine), mine


def test_the_footprint_is_a_hexagon_inscribed_in_the_aperture(site):
    """fill-plainlocation (and setMeta for the mixc table): six corners on the
    circle whose diameter is the aperture; no aperture, no footprint."""
    rows = query(site, "SELECT label, degrees(long(ssa_location)),"
                       " degrees(lat(ssa_location)), npoints(ssa_region),"
                       " ssa_location <@ ssa_region, area(ssa_region)"
                       " FROM mixcspec.positions ORDER BY label")
    full, noap, nopos = rows
    assert full[1:5] == (pytest.approx(40.0), pytest.approx(-10.0), 6, True)
    radius = np.radians(0.01 / 2)
    assert full[5] == pytest.approx(3 * np.sqrt(3) / 2 * radius**2, rel=1e-3)
    assert noap[1:4] == (pytest.approx(41.0), pytest.approx(-11.0), None)
    assert nopos[1:] == (None,) * 5
    # setMeta's, for an aperture of 0.004 degrees: corners on the circle of 0.002
    assert query(site, "SELECT npoints(ssa_region), area(ssa_region),"
                       " ssa_region @ scircle(ssa_location, radians(0.002 * 1.000001)),"
                       " ssa_region @ scircle(ssa_location, radians(0.002 * 0.999))"
                       " FROM mixcspec.spectra WHERE ssa_targname = 'HD 2'") == [
        (6, pytest.approx(3 * np.sqrt(3) / 2 * np.radians(0.002)**2, rel=1e-3), True,
         False)]


# --- SSA ------------------------------------------------------------------------

def test_ssa_finds_mixc_spectra_with_their_own_metadata(site):
    found = pyvo.dal.SSAService(site.url + SSA).search(pos=(10.005, 20.0), diameter=0.1)
    assert sorted(r["ssa_targname"] for r in found) == ["HD 1", "HD 2"]
    by_name = {r["ssa_targname"]: r for r in found}
    assert by_name["HD 2"]["ssa_collection"] == "Survey B"
    assert by_name["HD 2"]["ssa_fluxcalib"] == "RELATIVE"
    assert by_name["HD 1"]["ssa_instrument"] == "Echelle One"
    assert by_name["HD 1"].getdataurl().startswith(site.url + "/getproduct/mixcspec/")
    table, body = ssa_table(site, POS="10.005,20.0", SIZE="0.1")
    params = {p.name: p.value for p in resource_params(body)}
    assert params["ssa_fluxunit"] == FLUX and params["ssa_spectralunit"] == "Angstrom"
    assert "ssa_collection" not in params and "ssa_fluxcalib" not in params
    field = next(f for f in table.fields if f.name == "ssa_fluxcalib")
    assert field.utype.lower() == "ssa:char.fluxaxis.calibration"


@pytest.mark.parametrize("collection, expected", [
    ("Survey A", {"HD 1", "NGC 3"}), ("survey b", {"HD 2"}),
    ("Survey A,Survey B", {"HD 1", "HD 2", "NGC 3"}), ("other", set()),
    ("ANY", {"HD 1", "HD 2", "NGC 3"})])
def test_collection_selects_spectra_by_their_column(site, collection, expected):
    table, _ = ssa_table(site, COLLECTION=collection)
    assert set(table.array["ssa_targname"]) == expected


def test_collection_of_a_table_with_all_metadata_in_columns(site):
    table, body = ssa_table(site, ALL_SSA, COLLECTION="All B")
    assert list(table.array["ssa_targname"]) == ["Star B"]
    assert not [p for p in resource_params(body) if p.name.startswith("ssa_")]
    assert table.array["ssa_fluxunit"][0] == FLUX


@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
@pytest.mark.parametrize("path", [SSA, ALL_SSA])
def test_votlint_accepts_the_ssa_results(site, tmp_path, path):
    for params in ({"VERB": "3"}, {"FORMAT": "METADATA"}):
        _, body = ssa_table(site, path, **params)
        result = votlint(body, tmp_path / "ssa.vot")
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout


# --- SDM delivery -------------------------------------------------------------

def sdm(site, ident: str, path: str = DLGET, **params):
    response = requests.get(site.url + path, timeout=60, params={"ID": ident, **params})
    assert response.status_code == 200, response.text
    return response


def test_a_mixc_spectrum_comes_with_its_row_metadata_and_the_table_units(site):
    table = parse_single_table(io.BytesIO(sdm(site, pubdid(site, "HD 2")).content))
    params = {p.utype: p.value for p in table.params if p.utype}
    assert params["spec:Spectrum.DataID.Collection"] == "Survey B"
    assert params["spec:Spectrum.DataID.Instrument"] == "Grism Two"
    assert params["spec:Spectrum.Char.FluxAxis.Calibration"] == "RELATIVE"
    assert params["spec:Spectrum.Char.SpectralAxis.Unit"] == "Angstrom"
    assert table.fields[0].unit == u.AA
    assert u.Unit(table.fields[1].unit) == u.Unit(FLUX.replace("**", ""))
    np.testing.assert_allclose(table.array["spectral"], WAVELENGTHS)
    header = fits.getheader(io.BytesIO(sdm(site, pubdid(site, "HD 2"),
                                           FORMAT="application/fits").content), 1)
    assert (header["COLLECT1"], header["INSTRUME"], header["FLUX_CAL"]) == \
        ("Survey B", "Grism Two", "RELATIVE")


def test_flux_calibration_is_the_rows(site):
    """The #proc descriptor offers the row's own calibration; a RELATIVE spectrum
    asked to be RELATIVE stays as it is."""
    for target, options in (("HD 1", {"ABSOLUTE", "RELATIVE"}), ("HD 2", {"RELATIVE"})):
        links = pyvo.dal.adhoc.DatalinkResults.from_result_url(
            site.url + f"/mixcspec/q/sdl/dlmeta?ID={pubdid(site, target)}")
        descriptor = links.get_first_proc()._get_soda_resource()
        params = {p.name: p for group in descriptor.groups
                  if group.name == "inputParams" for p in group.entries}
        assert {o[1] for o in params["FLUXCALIB"].values.options} == options
    body = sdm(site, pubdid(site, "HD 2"), FLUXCALIB="RELATIVE").content
    flux = parse_single_table(io.BytesIO(body)).array["flux"]
    np.testing.assert_allclose(flux, FLUXES, rtol=1e-6)

@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
def test_votlint_accepts_a_mixc_sdm_spectrum(site, tmp_path):
    body = sdm(site, pubdid(site, "HD 1"),
               FORMAT="application/x-votable+xml;serialization=tabledata").content
    result = votlint(body, tmp_path / "sdm.vot")
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def test_units_in_columns_are_each_rows(site):
    """With the units in the row (as //ssap#view gives them), each spectrum comes in
    its own: Star A in nm and Jy, Star B in Angstrom."""
    a = parse_single_table(io.BytesIO(sdm(site, pubdid(site, "Star A", "allcols"),
                                          ALL_DLGET).content))
    assert a.fields[0].unit == u.nm and a.fields[1].unit == u.Jy
    assert a.fields[1].ucd == "phot.flux.density;em.freq"
    np.testing.assert_allclose(a.array["spectral"], WAVELENGTHS / 10)
    b = parse_single_table(io.BytesIO(sdm(site, pubdid(site, "Star B", "allcols"),
                                          ALL_DLGET).content))
    assert b.fields[0].unit == u.AA
    np.testing.assert_allclose(b.array["spectral"], WAVELENGTHS)
    params = {p.utype: p.value for p in b.params if p.utype}
    assert params["spec:Spectrum.DataID.Collection"] == "All B"


# --- ObsCore and dr limits -------------------------------------------------------

def obscore_rows(site, table: str) -> list[tuple]:
    return query(site, "SELECT target_name, obs_collection, instrument_name,"
                       " dataproduct_type, em_ucd, o_ucd, facility_name, calib_level,"
                       " s_region IS NOT NULL, em_res_power FROM ivoa.obscore"
                       " WHERE source_table = %s ORDER BY target_name", (table,))


def test_obscore_carries_the_mixc_rows(site):
    """The collection and instrument of each row; the UCDs from the table's params;
    s_region from //ssap#simpleCoverage's ssa_region."""
    rows = obscore_rows(site, "mixcspec.spectra")
    assert [r[:3] for r in rows] == [("HD 1", "Survey A", "Echelle One"),
                                     ("HD 2", "Survey B", "Grism Two"),
                                     ("NGC 3", "Survey A", "Echelle One")]
    assert {r[3:9] for r in rows} == {("spectrum", "em.wl", "phot.flux.density;em.wl",
                                       "Test Observatory", 1, True)}
    assert rows[0][9] == pytest.approx(4000e-10 / 1e-10)


def test_obscore_takes_the_ucds_from_columns_where_they_are_columns(site):
    rows = obscore_rows(site, "mixcspec.allcols")
    assert [(r[0], r[1], r[4], r[5]) for r in rows] == [
        ("Star A", "All A", "em.wl", "phot.flux.density;em.freq"),
        ("Star B", "All B", "em.wl", "phot.flux.density;em.wl")]


def test_dr_limits_measures_a_mixc_table(site):
    """Positions from ssa_location, times from ssa_dateObs, wavelengths from
    ssa_specstart/ssa_specend — not from the columns mixc adds (ssa_binSize is a
    wavelength, too)."""
    from engine.limits import store

    result = run_dr("limits", "mixcspec/q", config=site.config)
    assert result.returncode == 0, result.stderr
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        limits = store.load_all(cur)["mixcspec.spectra"]
    assert limits.moc is not None
    assert limits.time == pytest.approx((58849.0, 59639.0))
    h_c = 6.62607015e-34 * 299792458
    longest = (START + (SAMPLES - 1) * STEP) * 1e-10
    assert limits.energy == pytest.approx((h_c / longest, h_c / (START * 1e-10)),
                                          rel=1e-6)
