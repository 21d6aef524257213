"""SSA 1.1 through a real dr serve: the demo's CALIFA-like integrated spectra
(inputs/califa/spectra.rd) searched with pyvo's SSAService by position,
band, time and name, the spectra downloaded and read with astropy, the
metadata answer, errors with status 200, the typed registry capability,
votlint, and a restricted SSA service asking for credentials."""

from __future__ import annotations

import io
import shutil

import psycopg2
import pytest
import pyvo
import requests
from astropy.io import fits
from astropy.io.votable import parse_single_table
from lxml import etree

from tests.support import votlint
from tests.web.schemata import assert_valid

SERVICE = "/califa/spectra/ssa"
NGC5947 = (232.6525, 42.71713889)


def ssa(site) -> pyvo.dal.SSAService:
    return pyvo.dal.SSAService(site.url + SERVICE + "/ssap.xml")


def rows(site, where: str = "true") -> set[str]:
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT ssa_targname FROM califa_spectra.spectra WHERE {where}")
        return {r[0] for r in cur.fetchall()}


def test_pyvo_finds_a_galaxy_by_position_and_reads_its_spectrum(site):
    found = ssa(site).search(pos=NGC5947, diameter=0.1)
    assert [r["ssa_targname"] for r in found] == ["NGC 5947"]
    record = found[0]
    url = record.getdataurl()
    assert url.startswith(site.url + "/getproduct/califa/data/spectra/")
    spectrum = fits.open(io.BytesIO(requests.get(url, timeout=60).content))
    assert spectrum[0].header["OBJECT"].strip() == "NGC 5947"
    assert spectrum[0].data.shape == (record["ssa_length"],) == (940,)
    assert record["ssa_specstart"] == pytest.approx(3745e-10, rel=1e-6)
    assert record["ssa_specend"] == pytest.approx(7501e-10, rel=1e-6)


def test_band_time_and_name_select_what_the_database_says(site):
    service = ssa(site)
    everything = rows(site)
    assert {r["ssa_targname"] for r in service.search(band=(6e-7, 6.1e-7))} == everything
    assert len(service.search(band=(8e-7, 9e-7))) == 0

    def band(value: str) -> set[str]:
        response = requests.get(site.url + SERVICE + "/ssap.xml", timeout=60, params={
            "REQUEST": "queryData", "BAND": value})
        table = parse_single_table(io.BytesIO(response.content)).to_table()
        return set(table["ssa_targname"])

    assert band("3.7e-7") == set()  # below 3745 Angstrom
    assert band("4e-7;source") == everything
    assert band("/3.8e-7") == everything and band("7.6e-7/") == set()
    assert band("optical") == everything  # a band name
    night = rows(site, "ssa_dateobs BETWEEN 56540 AND 56541")
    assert night
    found = service.search(time=("2013-09-05T00:00:00", "2013-09-05T23:59:59"))
    assert {r["ssa_targname"] for r in found} == night
    response = requests.get(site.url + SERVICE + "/ssap.xml", timeout=60, params={
        "REQUEST": "queryData", "TARGETNAME": "ngc5947"})
    table = parse_single_table(io.BytesIO(response.content)).to_table()
    assert list(table["ssa_targname"]) == ["NGC 5947"]
    for collection, expected in (("CALIFA-like integrated spectra", 24), ("other", 0)):
        response = requests.get(site.url + SERVICE + "/ssap.xml", timeout=60, params={
            "REQUEST": "queryData", "COLLECTION": collection})
        assert len(parse_single_table(io.BytesIO(response.content)).array) == expected


def test_the_spectra_are_in_obscore_too(site):
    rows = pyvo.dal.TAPService(site.url + "/tap").run_sync(
        "SELECT obs_publisher_did, obs_collection, em_min, em_max, access_url "
        "FROM ivoa.obscore WHERE dataproduct_type = 'spectrum' AND "
        "target_name = 'NGC 5947'").to_table()
    assert len(rows) == 1
    assert rows["obs_collection"][0] == "CALIFA-like integrated spectra"
    assert rows["em_min"][0] == pytest.approx(3745e-10, rel=1e-6)
    assert rows["access_url"][0].startswith(site.url + "/getproduct/")


def test_the_response_carries_the_ssa_utypes_and_the_collection_metadata(site):
    response = requests.get(site.url + SERVICE + "/ssap.xml", timeout=60, params={
        "REQUEST": "queryData", "MAXREC": "3"})
    tree = etree.fromstring(response.content)
    ns = {"v": tree.nsmap[None]}
    utypes = {f.get("utype") for f in tree.iterfind(".//v:FIELD", ns)}
    assert {"ssa:Access.Reference", "ssa:Access.Format", "ssa:DataID.Title",
            "ssa:Char.SpatialAxis.Coverage.Location.Value",
            "ssa:Char.SpectralAxis.Coverage.Bounds.Start"} <= utypes
    params = {p.get("name"): p.get("value") for p in tree.iterfind(".//v:PARAM", ns)}
    assert params["ssa_fluxcalib"] == "ABSOLUTE"
    assert params["ssa_collection"] == "CALIFA-like integrated spectra"
    statuses = {i.get("name"): i.get("value") for i in tree.iterfind(".//v:INFO", ns)}
    assert statuses["QUERY_STATUS"] == "OVERFLOW"  # 24 spectra, MAXREC 3
    assert len(tree.findall(".//v:TR", ns)) == 3


def test_format_metadata_lists_the_parameters(site):
    response = requests.get(site.url + SERVICE + "/ssap.xml?FORMAT=METADATA", timeout=60)
    assert response.status_code == 200
    tree = etree.fromstring(response.content)
    names = {p.get("name") for p in tree.iter("{*}PARAM")}
    assert {"INPUT:POS", "INPUT:SIZE", "INPUT:BAND", "INPUT:TIME", "INPUT:FORMAT",
            "INPUT:REQUEST", "INPUT:MAXREC"} <= names
    assert not tree.findall(".//{*}TR")


@pytest.mark.parametrize("query, words", [
    ("POS=232.6,42.7", "REQUEST must be queryData or getData (it is missing)"),
    ("REQUEST=getSpectrum", "REQUEST must be queryData or getData, not 'getSpectrum'"),
    ("REQUEST=queryData&POS=nowhere", "POS must be RA,DEC"),
    ("REQUEST=queryData&SIZE=1", "SIZE needs POS"),
    ("REQUEST=queryData&BAND=5/4", "ends before it starts"),
    ("REQUEST=queryData&TIME=yesterday", "is not an ISO 8601 time"),
    ("REQUEST=queryData&MAXREC=-1", "MAXREC"),
    ("REQUEST=queryData&VERB=7", "VERB must be 1, 2 or 3"),
])
def test_errors_are_votables_with_status_200(site, query, words):
    response = requests.get(f"{site.url}{SERVICE}/ssap.xml?{query}", timeout=60)
    assert response.status_code == 200
    info = etree.fromstring(response.content).find(".//{*}INFO[@name='QUERY_STATUS']")
    assert info.get("value") == "ERROR"
    assert words in info.text


def test_pyvo_raises_the_services_error(site):
    query = ssa(site).create_query(pos=NGC5947, diameter=0.1)
    query["BAND"] = "5e-7/4e-7"
    with pytest.raises(pyvo.dal.DALQueryError, match="ends before it starts"):
        query.execute()


def test_the_capability_is_typed_and_validates(site, shared):
    response = requests.get(site.url + SERVICE + "/capabilities", timeout=60)
    tree = assert_valid(response.content, "VOSICapabilities.xsd", "VODataService.xsd",
                        "SSA.xsd")
    cap = next(c for c in tree.iter("capability")
               if c.get("standardID") == "ivo://ivoa.net/std/SSA")
    assert cap.get("{http://www.w3.org/2001/XMLSchema-instance}type") == \
        "ssa:SimpleSpectralAccess"
    assert cap.findtext("dataSource") == "pointed"
    assert cap.findtext("creationType") == "spectralExtraction"
    assert "REQUEST=queryData" in cap.findtext("testQuery/queryDataCmd")


def test_a_restricted_ssa_service_asks_for_credentials(site):
    """SSA honours accounts (tests/security/test_access_matrix.py has the whole
    matrix): an anonymous caller of a limitTo service gets a 401 VOTable."""
    response = requests.get(site.url + "/califa/spectra/staff/ssap.xml?REQUEST=queryData",
                            timeout=60)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers
    assert 'name="QUERY_STATUS" value="ERROR"' in response.text
    assert "NGC" not in response.text


@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
def test_votlint_finds_nothing_wrong(site, tmp_path):
    for name, query in (("result", "REQUEST=queryData&VERB=3"),
                        ("metadata", "FORMAT=METADATA"), ("error", "POS=1")):
        body = requests.get(f"{site.url}{SERVICE}/ssap.xml?{query}", timeout=60).content
        result = votlint(body, tmp_path / f"{name}.vot")
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip() == "", (name, result.stdout)
