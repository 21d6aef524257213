"""SSA 1.1 and ObsCore through a real dr serve for the demo's JCMT-like CO(3-2)
spectra (inputs/jcmt/spectra.rd, files by inputs/jcmt/generate_spectra.py):
spectra whose own axis is a frequency (Hz, LSRK) in antenna temperature (K),
whose SSA and ObsCore coordinates are wavelengths in metres.  pyvo finds
them by position and by BAND around 0.867 mm, ivoa.obscore has them, the
downloaded file's WCS gives frequencies around 345.8 GHz, the DataLink
service cuts a spectrum by a band given in frequency (sent in metres) and
delivers it in Hz and K, and the spectrum of the proprietary DR21 cube stays
its project's."""

from __future__ import annotations

import io

import numpy as np
import psycopg2
import pytest
import pyvo
import requests
from astropy import units as u
from astropy.io import fits
from astropy.io.votable import parse_single_table
from astropy.wcs import WCS
from lxml import etree

from tests.servers import INPUTS
from tests.ssa.conftest import JCMT_PI as PI

SERVICE = "/jcmt/spectra/ssa"
OPHA = (246.6146, -24.3989)  # observed on nights 1, 2 and 3
C = 299792458.0  # m/s
CO32 = 345.7959899e9  # Hz
COLLECTION = "JCMT-like CO(3-2) spectra"


@pytest.fixture(scope="module")
def site(jcmt_site):
    """jcmt/spectra alone, with the DR21 project's account (see conftest.py)."""
    return jcmt_site


def headers(site) -> dict[str, fits.Header]:
    """The spectra's headers by OBSID."""
    found = {}
    for path in site.spectra:
        header = fits.getheader(path)
        found[header["OBSID"]] = header
    return found


def wavelengths(header: fits.Header) -> tuple[float, float]:
    """The shortest and longest wavelength (m) of a spectrum: the outer edges of
    its channels."""
    freqs = WCS(header).pixel_to_world_values(np.array([-0.5, header["NAXIS1"] - 0.5]))
    return C / max(freqs), C / min(freqs)


def ssa(site) -> pyvo.dal.SSAService:
    return pyvo.dal.SSAService(site.url + SERVICE + "/ssap.xml")


def public(site) -> set[str]:
    return {o for o, h in headers(site).items() if h["OBJECT"] != "DR21"}


def test_there_is_a_spectrum_per_cube_and_one_is_proprietary(site):
    cubes = list((INPUTS / "jcmt" / "data").glob("*/*_reduced.fits"))
    assert len(site.spectra) == len(cubes) >= 6
    assert {h["OBJECT"] for h in headers(site).values()} >= {"OphA", "DR21"}


def test_pyvo_finds_a_fields_spectra_by_position(site):
    found = ssa(site).search(pos=OPHA, diameter=0.1)
    expected = {o for o, h in headers(site).items() if h["OBJECT"] == "OphA"}
    assert len(expected) == 3
    assert {r["obsid"] for r in found} == expected
    assert {r["ssa_targname"] for r in found} == {"OphA"}
    record = found[0]
    header = headers(site)[record["obsid"]]
    start, end = wavelengths(header)
    assert record["ssa_specstart"] == pytest.approx(start, rel=2e-7)
    assert record["ssa_specend"] == pytest.approx(end, rel=2e-7)
    assert record["ssa_specstart"] < C / CO32 < record["ssa_specend"]
    assert record["ssa_length"] == 240
    assert record["restfrq"] == pytest.approx(CO32)
    assert record["specsys"] == "LSRK"
    assert record["vlsr"] == pytest.approx(3.5, abs=1e-3)


def test_band_in_metres_around_co32_finds_them_and_far_away_not(site):
    service = ssa(site)
    near = service.search(band=(8.66e-4, 8.68e-4))
    assert {r["obsid"] for r in near} == public(site)
    assert len(service.search(band=(1.0e-3, 1.3e-3))) == 0  # CO(2-1), 1.3 mm
    assert len(service.search(band=(5e-7, 6e-7))) == 0  # optical

    def band(value: str) -> int:
        response = requests.get(site.url + SERVICE + "/ssap.xml", timeout=60, params={
            "REQUEST": "queryData", "BAND": value})
        return len(parse_single_table(io.BytesIO(response.content)).array)

    assert band(f"{C / CO32:.6e}") == len(public(site))  # the rest wavelength
    assert band("millimeter") == len(public(site))  # the band name
    assert band("8.7e-4/") == 0
    # DR's addition: numbers with units of frequency or energy, low to high.
    assert band("345.78GHz/345.80GHz") == len(public(site))
    assert band("230.5GHz") == 0  # CO(2-1)
    assert band("346.5GHz/") == 0 and band("/346.5GHz") == len(public(site))
    assert band("1keV/2keV") == 0
    response = requests.get(site.url + SERVICE + "/ssap.xml", timeout=60, params={
        "REQUEST": "queryData", "BAND": "345GHz/5Jy"})
    assert response.status_code == 200 and "is no unit of wavelength" in response.text


def test_the_response_says_hz_and_kelvin(site):
    response = requests.get(site.url + SERVICE + "/ssap.xml", timeout=60,
                            params={"REQUEST": "queryData", "POS": "{},{}".format(*OPHA)})
    tree = etree.fromstring(response.content)
    params = {p.get("name"): p.get("value") for p in tree.iter("{*}PARAM")}
    assert params["ssa_spectralunit"] == "Hz"
    assert params["ssa_spectralucd"] == "em.freq"
    assert params["ssa_fluxunit"] == "K"
    assert params["ssa_fluxucd"] == "phot.antennaTemp"
    assert params["ssa_collection"] == COLLECTION
    ucds = {p.get("name").lower(): p.get("ucd") for p in tree.iter("{*}PARAM")}
    assert ucds["ssa_fluxstaterror"] == "stat.error;phot.antennaTemp"  # not a flux
    fields = {f.get("name"): f for f in tree.iter("{*}FIELD")}
    assert fields["ssa_specstart"].get("unit") == "m"
    assert fields["restfrq"].get("unit") == "Hz"


def test_the_spectra_are_in_obscore_in_metres(site):
    rows = pyvo.dal.TAPService(site.url + "/tap").run_sync(
        "SELECT obs_id, dataproduct_type, em_min, em_max, em_ucd, o_ucd, em_xel, "
        "t_min, t_max, access_url FROM ivoa.obscore "
        f"WHERE obs_collection = '{COLLECTION}'").to_table()
    assert set(rows["obs_id"]) == public(site)
    for row in rows:
        assert row["dataproduct_type"] == "spectrum"
        start, end = wavelengths(headers(site)[row["obs_id"]])
        assert row["em_min"] == pytest.approx(start, rel=2e-7)
        assert row["em_max"] == pytest.approx(end, rel=2e-7)
        assert 8.6e-4 < row["em_min"] < C / CO32 * 1.0002 and row["em_max"] < 8.7e-4
        assert (row["em_ucd"], row["o_ucd"], row["em_xel"]) == (
            "em.freq", "phot.antennaTemp", 240)
        header = headers(site)[row["obs_id"]]
        assert (row["t_min"], row["t_max"]) == pytest.approx(
            (header["MJD-OBS"], header["MJD-END"]), abs=1e-5)
        assert row["access_url"].startswith(site.url + "/getproduct/jcmt/data/spectra/")


def test_the_downloaded_spectrum_has_a_frequency_axis_in_hz(site):
    record = ssa(site).search(pos=OPHA, diameter=0.1)[0]
    response = requests.get(record.getdataurl(), timeout=60)
    assert response.status_code == 200
    hdu = fits.open(io.BytesIO(response.content))[0]
    assert hdu.header["NAXIS"] == 1 and hdu.data.shape == (240,)
    assert hdu.header["BUNIT"] == "K" and hdu.header["SPECSYS"] == "LSRK"
    assert hdu.header["RESTFRQ"] == pytest.approx(CO32)
    freqs = WCS(hdu.header).spectral.pixel_to_world(np.arange(240))
    assert freqs.unit == u.Hz
    assert np.all(np.abs(freqs.to_value(u.GHz) - 345.8) < 0.1)
    assert abs(float(np.mean(freqs.to_value(u.GHz))) - 345.79) < 0.01  # OphA, 3.5 km/s
    peak = int(np.argmax(hdu.data))
    velocity = (1 - freqs[peak].to_value(u.Hz) / CO32) * C / 1000
    assert velocity == pytest.approx(3.5, abs=2.0)  # the line at the source velocity


def test_the_dr21_spectrum_is_its_projects(site):
    dr21 = (309.7542, 42.3286)
    assert len(ssa(site).search(pos=dr21, diameter=0.1)) == 0
    session = requests.Session()
    session.auth = PI
    found = pyvo.dal.SSAService(site.url + SERVICE + "/ssap.xml", session=session).search(
        pos=dr21, diameter=0.1)
    assert [r["ssa_targname"] for r in found] == ["DR21"]
    query = ("SELECT obs_id, access_url FROM ivoa.obscore "
             "WHERE target_name = 'DR21' AND dataproduct_type = 'spectrum'")
    anonymous = pyvo.dal.TAPService(site.url + "/tap").run_sync(query).to_table()
    assert len(anonymous) == 0
    session = requests.Session()
    session.auth = PI
    rows = pyvo.dal.TAPService(site.url + "/tap", session=session).run_sync(
        query).to_table()
    assert len(rows) == 1
    url = rows["access_url"][0]
    assert requests.head(url, timeout=60).status_code == 401  # log in first
    assert requests.head(url, auth=PI, timeout=60).status_code == 200



def test_a_band_in_ghz_cuts_the_frequency_axis(site, tmp_path):
    record = ssa(site).search(pos=OPHA, diameter=0.1)[0]
    proc = next(ssa(site).search(pos=OPHA, diameter=0.1).iter_datalinks()).get_first_proc()
    # SODA's BAND is metres; pyvo's descriptor parameters convert without the
    # spectral equivalencies, so the client says the band in metres.
    band = np.sort(([345.78, 345.80] * u.GHz).to(u.m, u.spectral()))
    table = parse_single_table(io.BytesIO(proc.processed(band=band).read()))
    spectral = table.array["spectral"]
    assert table.fields[0].unit == u.Hz and table.fields[0].ucd == "em.freq"
    assert table.fields[1].unit == u.K and table.fields[1].ucd == "phot.antennaTemp"
    assert 0 < len(spectral) < record["ssa_length"]
    assert spectral.min() >= 345.78e9 and spectral.max() <= 345.80e9
    # 0.5 MHz channels: every channel inside the band is there.
    assert len(spectral) == pytest.approx(0.02e9 / 0.5e6, abs=1)
    specutils = pytest.importorskip("specutils")
    path = tmp_path / "cut.fits"
    path.write_bytes(proc.processed(band=band, FORMAT="application/fits").read())
    # specutils finds a flux column by a flux density unit; K needs naming.
    spectrum = specutils.Spectrum.read(path, format="tabular-fits", column_mapping={
        "spectral": ("spectral_axis", None), "flux": ("flux", None)})
    assert spectrum.spectral_axis.unit == u.Hz and spectrum.flux.unit == u.K
    np.testing.assert_allclose(spectrum.spectral_axis.value, spectral)


def test_the_dr21_spectrum_is_delivered_to_its_project_only(site):
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT ssa_pubdid FROM jcmt_spectra.spectra "
                    "WHERE ssa_targname = 'DR21'")
        (pubdid,), = cur.fetchall()
    dlget = site.url + "/jcmt/spectra/sdl/dlget"
    assert requests.get(dlget, params={"ID": pubdid}, timeout=60).status_code == 401
    response = requests.get(dlget, params={"ID": pubdid, "FORMAT": "text/csv"}, auth=PI,
                            timeout=60)
    assert response.status_code == 200 and response.text.startswith("spectral,flux")
    links = requests.get(site.url + "/jcmt/spectra/sdl/dlmeta", params={"ID": pubdid},
                         timeout=60)
    assert b"NotFoundFault" in links.content and b"#proc" not in links.content
