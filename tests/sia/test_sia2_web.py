"""SIA 2.0 through a real dr serve: DaCHS's site-wide service over ivoa.obscore,
searched with pyvo, its errors, its VOSI capability, its form, votlint."""

from __future__ import annotations

import shutil
import urllib.parse

import pytest
import pyvo
from astropy.time import Time
from pyvo.dal import DALQueryError
from pyvo.dal.sia2 import SIA2Service

from tests.support import votlint

SERVICE = "/__system__/siap2/sitewide"
IMAGES = [f"ocimg/data/img{i:05d}.fits" for i in range(1, 11)]  # footprints near (150, 2)
SPECTRA = [f"ocspec/data/spec{i:05d}.fits" for i in range(1, 6)]  # points near (151, 2)
BOTH = (150.5, 2.0, 0.6)  # a circle holding those images and spectra, nothing else


@pytest.fixture(scope="module")
def sia2_server(obscore_server):
    """ivoa.obscore filled by ocimg and ocspec, and mysia's own SIA 2 service over it
    (tests/conftest.py)."""
    return obscore_server


@pytest.fixture(scope="module")
def sia2_service(sia2_server):
    return SIA2Service(sia2_server.url + SERVICE)


def found(results) -> list[str]:
    return sorted(str(v) for v in results.to_table()["obs_id"])


def test_a_circle_finds_footprints_and_positions_and_nothing_else(sia2_service,
                                                                   sia2_server):
    results = sia2_service.search(pos=BOTH)
    assert found(results) == IMAGES + SPECTRA
    table = results.to_table()
    assert table["access_url"][0].startswith(sia2_server.url + "/getproduct/")
    assert table["s_ra"].unit == "deg" and table["em_min"].unit == "m"
    assert found(sia2_service.search(pos=(150.05, 2.0, 0.1))) == IMAGES
    assert found(sia2_service.search(pos=(10.0, 80.0, 0.01))) == []


def test_a_range_and_a_polygon(sia2_service):
    assert found(sia2_service.search(pos=(151.0, 151.035, 1.9, 2.1))) == SPECTRA[:3]
    # The triangle holds spectra 1-3 (at 151.01 ... 151.03, dec 2).
    assert found(sia2_service.search(
        pos=(151.0, 1.98, 151.04, 1.98, 151.02, 2.03))) == SPECTRA[:3]
    assert found(sia2_service.search(pos=(151.035, 151.1, 1.9, 2.1))) == SPECTRA[3:]


def test_repeated_pos_values_are_ored(sia2_service):
    assert found(sia2_service.search(pos=[(150.05, 2.0, 0.1), (151.035, 151.1, 1.9, 2.1)])
                 ) == IMAGES + SPECTRA[3:]


def test_band_in_metres_with_open_intervals(sia2_service):
    # Images cover 400-500 nm, spectra 370-750 nm.
    assert found(sia2_service.search(pos=BOTH, band=(6e-7, float("inf")))) == SPECTRA
    assert found(sia2_service.search(pos=BOTH, band=(float("-inf"), 3.9e-7))) == SPECTRA
    assert found(sia2_service.search(pos=BOTH, band=4.5e-7)) == IMAGES + SPECTRA
    assert found(sia2_service.search(pos=BOTH, band=(8e-7, 9e-7))) == []


def test_time_in_mjd(sia2_service, sia2_server):
    # Image i is exposed from MJD 59000 + i for 600 s; spectrum i around 59500 + i.
    assert found(sia2_service.search(
        time=(Time(59002.5, format="mjd"), Time(59004, format="mjd")))) == [
        "ocimg/data/img00003.fits", "ocimg/data/img00004.fits"]
    status, _, body = sia2_server.get(SERVICE + "/siap2.xml?" + urllib.parse.urlencode(
        [("POS", "CIRCLE 150.5 2 0.6"), ("TIME", "59500.5 +Inf"),
         ("RESPONSEFORMAT", "votable/td")]))
    assert status == 200
    assert all(s.encode() in body for s in SPECTRA) and IMAGES[0].encode() not in body


def test_collection_dptype_calib_and_or_within_one_parameter(sia2_service):
    assert found(sia2_service.search(pos=BOTH, collection="OC spectra")) == SPECTRA
    assert found(sia2_service.search(pos=BOTH, collection=["OC images", "OC spectra"])
                 ) == IMAGES + SPECTRA
    assert found(sia2_service.search(pos=BOTH, data_type="image")) == IMAGES
    assert found(sia2_service.search(pos=BOTH, calib_level=1)) == SPECTRA
    assert found(sia2_service.search(pos=BOTH, calib_level=[1, 2])) == IMAGES + SPECTRA
    assert found(sia2_service.search(pos=BOTH, calib_level=3)) == []
    # Different parameters are ANDed.
    assert found(sia2_service.search(pos=BOTH, collection="OC images", calib_level=1)
                 ) == []


def test_maxrec_cuts_and_zero_gives_the_columns_only(sia2_service):
    three = sia2_service.search(pos=BOTH, maxrec=3)
    assert len(three) == 3 and three.status[0] == "OVERFLOW"
    assert sia2_service.search(pos=BOTH, maxrec=20).status[0] == "OK"
    none = sia2_service.search(pos=BOTH, maxrec=0)
    assert len(none) == 0 and none.status[0] == "OVERFLOW"
    assert "obs_publisher_did" in none.to_table().colnames


def test_bad_values_are_dali_errors_naming_the_parameter(sia2_service, sia2_server):
    for query, word in ((("POS", "CIRCLE 1 2"), "POS"), (("BAND", "abc"), "BAND"),
                        (("TIME", "59010 59000"), "TIME"), (("POS", "BOX 1 2 3 4"), "POS"),
                        (("CALIB", "two"), "CALIB"), (("POL", "Z"), "POL")):
        status, headers, body = sia2_server.get(
            SERVICE + "/siap2.xml?" + urllib.parse.urlencode([query]))
        assert status == 400, body
        assert headers["Content-Type"].startswith("application/x-votable+xml")
        assert b'<INFO name="QUERY_STATUS" value="ERROR">' + word.encode() in body, body
    # pg_sphere refuses this polygon (its edges cross): still a 400, and DALI's.
    status, _, body = sia2_server.get(SERVICE + "/siap2.xml?" + urllib.parse.urlencode(
        [("POS", "POLYGON 10 0 11 1 11 0 10 1")]))
    assert status == 400 and b'<INFO name="QUERY_STATUS" value="ERROR">' in body, body
    assert b"polygon" in body, body
    with pytest.raises(DALQueryError, match="TIME"):
        sia2_service.search(TIME="59010 59000")


def test_the_capability_declares_sia2(sia2_server, sia2_service):
    status, _, body = sia2_server.get(SERVICE + "/capabilities")
    assert status == 200
    assert b'standardID="ivo://ivoa.net/std/SIA#query-2.0"' in body
    assert sia2_service.query_ep == sia2_server.url + SERVICE + "/siap2.xml"


def test_the_root_page_lists_the_service(sia2_server):
    status, _, body = sia2_server.get("/")
    assert status == 200
    assert b"Site-wide image and cube search (SIA 2.0)" in body
    assert SERVICE.encode() + b"/siap2.xml" in body


def test_the_form_finds_the_same_products(sia2_server):
    status, _, body = sia2_server.get(SERVICE + "/form")
    assert status == 200 and b'name="POS"' in body and b'name="BAND"' in body
    assert b"CIRCLE 150 2 0.5" in body  # an example for people
    status, _, body = sia2_server.get(SERVICE + "/form?" + urllib.parse.urlencode(
        [("POS", "CIRCLE 150.5 2 0.6"), ("COLLECTION", "OC spectra")]))
    assert status == 200
    text = body.decode()
    assert all(s in text for s in SPECTRA) and not any(i in text for i in IMAGES)


@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
def test_votlint_finds_nothing_wrong(sia2_server, tmp_path):
    # TABLEDATA: STILTS 3.4.7's votlint misreads BINARY2 polygons (tests/stiltsbugs.py),
    # and calls the empty TD of a NULL polygon a bad double: images only, which all
    # have footprints.
    for name, query in (("result", "POS=CIRCLE+150.05+2+0.1&RESPONSEFORMAT=votable/td"),
                        ("empty", "MAXREC=0"), ("error", "POS=CIRCLE+1")):
        _, _, body = sia2_server.get(f"{SERVICE}/siap2.xml?{query}")
        result = votlint(body, tmp_path / f"{name}.vot")
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip() == "", (name, result.stdout)


def test_pyvo_finds_the_service_through_the_registry_style_capabilities(sia2_server):
    # What pyvo's generic search function does with a query URL.
    results = pyvo.dal.sia2.search(sia2_server.url + SERVICE + "/siap2.xml", pos=BOTH,
                                   collection="OC images")
    assert found(results) == IMAGES


def test_an_rd_declares_its_own_sia2_service_as_in_dachs(sia2_server):
    results = SIA2Service(sia2_server.url + "/mysia/q/s2").search(pos=BOTH,
                                                                data_type="spectrum")
    assert found(results) == SPECTRA
