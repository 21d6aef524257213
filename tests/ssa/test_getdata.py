"""SSA 1.1 getData through a real dr serve (engine/datalink/getdata.py): a spectrum
named by the PUBDID queryData gives is delivered as the SDM datalink service
of its RD delivers it — the same samples and metadata, cut to a BAND, in
FITS or CSV, normalised, or the file itself — for the demo's CALIFA-like
spectra (Angstrom) and JCMT-like spectra (Hz); the embargoed DR21 spectrum
is its project's only; an unknown PUBDID and bad parameters are SSA error
VOTables with status 200 that votlint accepts."""

from __future__ import annotations

import io
import shutil

import numpy as np
import psycopg2
import pytest
import pyvo
import requests
from astropy import units as u
from astropy.io import fits
from astropy.io.votable import parse_single_table
from astropy.table import Table
from lxml import etree

from tests.ssa.conftest import JCMT_PI as PI
from tests.support import votlint

SSA = "/califa/spectra/ssa/ssap.xml"
DLGET = "/califa/spectra/sdl/dlget"
NGC5947 = (232.6525, 42.71713889)
JCMT_SSA = "/jcmt/spectra/ssa/ssap.xml"
JCMT_DLGET = "/jcmt/spectra/sdl/dlget"


@pytest.fixture(scope="module")
def jcmt(jcmt_site):
    """jcmt/spectra alone, its spectra made from a copy of the demo's cubes, served
    with the account of the DR21 project (conftest.py's, shared with
    test_jcmt_spectra.py)."""
    return jcmt_site


def pubdid(site, table: str, target: str) -> str:
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT ssa_pubdid FROM {table} WHERE ssa_targname = %s "
                    "ORDER BY ssa_dateobs LIMIT 1", (target,))
        return cur.fetchone()[0]


def get_data(site, path: str = SSA, auth=None, **params) -> requests.Response:
    return requests.get(site.url + path, params={"REQUEST": "getData", **params},
                        auth=auth, timeout=60)


def error_of(response: requests.Response) -> str:
    """The message of an SSA error VOTable (status 200, QUERY_STATUS ERROR)."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-votable+xml")
    info = etree.fromstring(response.content).find(".//{*}INFO[@name='QUERY_STATUS']")
    assert info is not None and info.get("value") == "ERROR", response.text
    return info.text


@pytest.fixture(scope="module")
def ngc5947(site) -> str:
    """NGC 5947's PUBDID, as queryData (VERB=3) gives it to pyvo."""
    found = pyvo.dal.SSAService(site.url + SSA).search(pos=NGC5947, diameter=0.1,
                                                       VERB=3)
    assert len(found) == 1
    return str(found[0]["ssa_pubdid"])


@pytest.fixture(scope="module")
def original(site, ngc5947):
    """The spectrum's file at /getproduct: wavelengths (Angstrom) and flux."""
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT accref FROM califa_spectra.spectra WHERE ssa_pubdid = %s",
                    (ngc5947,))
        (accref,), = cur.fetchall()
    response = requests.get(f"{site.url}/getproduct/{accref}", timeout=60)
    assert response.status_code == 200
    with fits.open(io.BytesIO(response.content)) as hdus:
        header, flux = hdus[0].header, hdus[0].data.astype(float)
    wave = header["CRVAL1"] + (np.arange(flux.size) + 1 - header["CRPIX1"]) * header["CDELT1"]
    return wave, flux


def test_the_pubdid_queryData_gives_is_found(ngc5947, site):
    assert ngc5947 == pubdid(site, "califa_spectra.spectra", "NGC 5947")


def test_getdata_delivers_what_the_datalink_service_delivers(site, ngc5947, original):
    response = get_data(site, PUBDID=ngc5947)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-votable+xml"
    table = parse_single_table(io.BytesIO(response.content))
    assert table.utype == "spec:Spectrum"
    np.testing.assert_allclose(table.array["spectral"], original[0])
    np.testing.assert_allclose(table.array["flux"], original[1], rtol=1e-6)
    assert table.fields[0].unit == u.AA
    assert table.fields[1].utype == "spec:Spectrum.Data.FluxAxis.Value"
    dlget = parse_single_table(io.BytesIO(requests.get(
        site.url + DLGET, params={"ID": ngc5947}, timeout=60).content))
    assert [(f.name, f.unit, f.ucd, f.utype) for f in table.fields] == \
        [(f.name, f.unit, f.ucd, f.utype) for f in dlget.fields]
    for name in ("spectral", "flux"):
        np.testing.assert_array_equal(table.array[name], dlget.array[name])
    params = {p.name: p.value for p in table.params}
    assert {n: str(v) for n, v in params.items()} == {p.name: str(p.value)
                                                      for p in dlget.params}
    assert params["ssa_targname"] == "NGC 5947" and params["ssa_pubdid"] == ngc5947
    assert params["accref"].startswith(site.url + "/getproduct/califa/data/spectra/")


def test_a_band_keeps_exactly_the_samples_inside(site, ngc5947, original):
    table = parse_single_table(io.BytesIO(
        get_data(site, PUBDID=ngc5947, BAND="5e-7/5.5e-7").content))
    inside = (original[0] >= 5000) & (original[0] <= 5500)
    assert 0 < inside.sum() < len(original[0])
    np.testing.assert_allclose(table.array["spectral"], original[0][inside])
    np.testing.assert_allclose(table.array["flux"], original[1][inside], rtol=1e-6)
    params = {p.name: p.value for p in table.params}
    assert params["ssa_length"] == inside.sum()
    # SODA's way of writing the interval cuts the same, and so does dlget.
    soda = parse_single_table(io.BytesIO(
        get_data(site, PUBDID=ngc5947, BAND="5e-7 5.5e-7").content))
    dlget = parse_single_table(io.BytesIO(requests.get(site.url + DLGET, timeout=60,
                                                       params={"ID": ngc5947,
                                                               "BAND": "5e-7 5.5e-7"}
                                                       ).content))
    np.testing.assert_array_equal(soda.array["spectral"], table.array["spectral"])
    np.testing.assert_array_equal(dlget.array["spectral"], table.array["spectral"])
    # An open end, and a range in another unit of wavelength.
    red = parse_single_table(io.BytesIO(get_data(site, PUBDID=ngc5947,
                                                 BAND="7e-7/").content))
    np.testing.assert_allclose(red.array["spectral"], original[0][original[0] >= 7000])
    nm = parse_single_table(io.BytesIO(get_data(site, PUBDID=ngc5947,
                                                BAND="500nm/550nm").content))
    np.testing.assert_array_equal(nm.array["spectral"], table.array["spectral"])


def test_fits_and_csv_and_a_relative_calibration(site, ngc5947, original):
    response = get_data(site, PUBDID=ngc5947, FORMAT="application/fits",
                        BAND="6e-7/7e-7")
    assert response.headers["content-type"] == "application/fits"
    with fits.open(io.BytesIO(response.content)) as hdus:
        hdu = hdus[1]
        assert isinstance(hdu, fits.BinTableHDU) and hdu.header["EXTNAME"] == "SPECTRUM"
        assert hdu.header["VOCLASS"] == "Spectrum-1.0"
        assert hdu.header["OBJECT"] == "NGC 5947"
        assert hdu.header["TUTYP1"] == "spec:Spectrum.Data.SpectralAxis.Value"
        inside = (original[0] >= 6000) & (original[0] <= 7000)
        np.testing.assert_allclose(hdu.data["spectral"], original[0][inside])
        np.testing.assert_allclose(hdu.data["flux"], original[1][inside], rtol=1e-6)
    response = get_data(site, PUBDID=ngc5947, FORMAT="csv", FLUXCALIB="RELATIVE")
    assert response.headers["content-type"].startswith("text/csv")
    table = Table.read(response.text, format="ascii.csv")
    assert table.colnames == ["spectral", "flux"]
    np.testing.assert_allclose(table["flux"], original[1] / np.abs(original[1]).max(),
                               rtol=1e-6)


def test_format_native_is_the_file_itself(site, ngc5947):
    response = get_data(site, PUBDID=ngc5947, FORMAT="native")
    assert response.status_code == 200
    assert response.history and response.history[0].status_code in (301, 302, 303)
    assert response.url.startswith(site.url + "/getproduct/califa/data/spectra/")
    with fits.open(io.BytesIO(response.content)) as hdus:
        assert hdus[0].header["OBJECT"].strip() == "NGC 5947"


def test_an_unknown_pubdid_is_an_error_votable(site):
    message = error_of(get_data(site, PUBDID="ivo://nowhere/~?califa/none.fits"))
    assert "PUBDID" in message and "ivo://nowhere/~?califa/none.fits" in message
    assert "PUBDID" in error_of(get_data(site))  # none at all
    assert "PUBDID" in error_of(get_data(site, PUBDID="a\x00b"))


@pytest.mark.parametrize("params, words", [
    ({"BAND": "7e-7/5e-7"}, "BAND: the range '7e-7/5e-7' ends before it starts"),
    ({"BAND": "optical"}, "BAND: getData cuts to a range lo/hi"),
    ({"BAND": "5e-7/6e-7,7e-7/"}, "BAND: getData cuts to one range"),
    ({"BAND": "1e-6/2e-6"}, "BAND selects no sample"),
    ({"BAND": "5e-7/5Jy"}, "BAND: 'Jy' is no unit of wavelength"),
    ({"FORMAT": "image/png"}, "FORMAT: 'image/png' is not offered"),
    ({"FORMAT": "METADATA"}, "FORMAT: 'METADATA' is not offered"),
    ({"FLUXCALIB": "NORMALIZED"}, "cannot be made NORMALIZED; only RELATIVE"),
])
def test_bad_parameters_are_errors_naming_them(site, ngc5947, params, words):
    assert words in error_of(get_data(site, PUBDID=ngc5947, **params))


def test_the_metadata_answer_says_getdata_is_offered(site):
    tree = etree.fromstring(requests.get(site.url + SSA, params={
        "FORMAT": "METADATA"}, timeout=60).content)
    request = next(p for p in tree.iter("{*}PARAM") if p.get("name") == "INPUT:REQUEST")
    assert "getData" in request.findtext("{*}DESCRIPTION")


def test_a_restricted_service_asks_for_credentials_first(site, ngc5947):
    response = get_data(site, "/califa/spectra/staff/ssap.xml", PUBDID=ngc5947)
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers
    assert 'name="QUERY_STATUS" value="ERROR"' in response.text


@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
def test_votlint_accepts_the_spectrum_and_the_errors(site, ngc5947, tmp_path):
    for name, params in (
            ("binary2", {"PUBDID": ngc5947}),
            ("tabledata", {"PUBDID": ngc5947, "BAND": "5e-7/5.1e-7",
                           "FORMAT": "application/x-votable+xml;serialization=tabledata"}),
            ("unknown", {"PUBDID": "ivo://nowhere/~?none"}),
            ("band", {"PUBDID": ngc5947, "BAND": "nowhere"})):
        result = votlint(get_data(site, **params).content, tmp_path / f"{name}.vot")
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip() == "", (name, result.stdout)


def test_a_band_in_ghz_cuts_a_frequency_axis(jcmt):
    ident = pubdid(jcmt, "jcmt_spectra.spectra", "OphA")
    table = parse_single_table(io.BytesIO(
        get_data(jcmt, JCMT_SSA, PUBDID=ident, BAND="345.78GHz/345.80GHz").content))
    spectral = table.array["spectral"]
    assert table.fields[0].unit == u.Hz and table.fields[1].unit == u.K
    assert spectral.min() >= 345.78e9 and spectral.max() <= 345.80e9
    assert len(spectral) == pytest.approx(0.02e9 / 0.5e6, abs=1)  # 0.5 MHz channels
    whole = parse_single_table(io.BytesIO(get_data(jcmt, JCMT_SSA, PUBDID=ident).content))
    inside = (whole.array["spectral"] >= 345.78e9) & (whole.array["spectral"] <= 345.80e9)
    np.testing.assert_array_equal(spectral, whole.array["spectral"][inside])


def test_the_embargoed_dr21_spectrum_is_its_projects_only(jcmt):
    ident = pubdid(jcmt, "jcmt_spectra.spectra", "DR21")
    unknown = "ivo://nowhere/~?jcmt/none.fits"
    # Anonymous callers learn nothing: the message of a PUBDID that is nowhere.
    hidden = error_of(get_data(jcmt, JCMT_SSA, PUBDID=ident))
    assert hidden == error_of(get_data(jcmt, JCMT_SSA, PUBDID=unknown)).replace(
        unknown, ident)
    assert "DR21" not in hidden.replace(ident, "")
    response = get_data(jcmt, JCMT_SSA, auth=PI, PUBDID=ident)
    assert response.status_code == 200
    table = parse_single_table(io.BytesIO(response.content))
    assert {p.name: p.value for p in table.params}["ssa_targname"] == "DR21"
    dlget = parse_single_table(io.BytesIO(requests.get(
        jcmt.url + JCMT_DLGET, params={"ID": ident}, auth=PI, timeout=60).content))
    np.testing.assert_array_equal(table.array["flux"], dlget.array["flux"])
    native = get_data(jcmt, JCMT_SSA, auth=PI, PUBDID=ident, FORMAT="native")
    assert native.status_code == 200
    assert fits.getheader(io.BytesIO(native.content))["OBJECT"] == "DR21"
    wrong = get_data(jcmt, JCMT_SSA, auth=("pi", "wrong"), PUBDID=ident)
    assert wrong.status_code == 401
