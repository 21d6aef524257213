"""The demo's file collections as a user meets them: the root page, the forms with
their product links and previews, the files themselves, ObsCore through TAP, and
a galaxy's ancillary files."""

from __future__ import annotations

import gzip
import io
import re
import urllib.parse

import pytest
import pyvo
from astropy.io import fits

NGC5947 = (232.6525, 42.7171)
NGC5947_ID = 2246
PNG = b"\x89PNG\r\n\x1a\n"


def _links(body: bytes, kind: str) -> list[str]:
    """The hrefs of the links of class ``kind`` in an HTML page."""
    return [urllib.parse.unquote(h) for h in
            re.findall(rf'<a class="{kind}" href="([^"]+)"', body.decode())]


def test_the_root_page_lists_the_file_collections(server):
    status, _, body = server.get("/")
    page = body.decode()
    assert status == 200
    for title in ("CALIFA-like datacubes", "/califa/cubes/web/form",
                  "/jplus/images/web/form", "/jcmt/q/web/form",
                  "califa_cubes.cubes"):
        assert title in page, title
    assert re.search(r"califa_cubes\.cubes</a>\s*<span class=\"nrows\">31 files", page)


def test_a_cone_on_the_cubes_form_links_each_cube_and_shows_its_preview(server):
    status, _, body = server.get("/califa/cubes/web/form?" + urllib.parse.urlencode(
        {"hscs_pos": f"{NGC5947[0]} {NGC5947[1]}", "hscs_sr": "1", "_run": "1"}))
    assert status == 200, body[:400]
    products = _links(body, "dr-product")
    previews = _links(body, "dr-preview")
    assert products and all(p.startswith("/getproduct/") for p in products)
    assert any("V500" in p for p in products)
    assert previews == [p + "?preview=True" for p in products]
    assert body.count(b'<img src="/getproduct/') == len(products)


def test_a_cube_downloads_whole_and_opens_in_astropy(server):
    _, _, body = server.get(f"/califa/cubes/web/form?califaid={NGC5947_ID}&setup=V500")
    (url,) = _links(body, "dr-product")
    status, headers, data = server.get(urllib.parse.quote(url))
    assert status == 200 and headers["Content-Length"] == str(len(data))
    if url.endswith(".gz"):
        assert headers["Content-Type"] == "application/gzip"
        data = gzip.decompress(data)
    with fits.open(io.BytesIO(data)) as hdus:
        header = hdus[0].header
        assert header["NAXIS"] == 3 and header["CTYPE3"].startswith("WAVE")
        assert abs(header["CRVAL1"] - NGC5947[0]) < 0.01


def test_the_preview_of_a_cube_is_a_png(server):
    _, _, body = server.get(f"/califa/cubes/web/form?califaid={NGC5947_ID}&setup=V500")
    (url,) = _links(body, "dr-preview")
    status, headers, data = server.get(urllib.parse.quote(url, safe="/?="))
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert data.startswith(PNG)


def test_obscore_finds_the_cubes_and_images_of_a_position_through_tap(server):
    tap = pyvo.dal.TAPService(server.url + "/tap")
    ra, dec = NGC5947
    result = tap.run_sync(
        "SELECT obs_collection, dataproduct_type, access_url, access_format, em_min "
        f"FROM ivoa.obscore WHERE 1 = CONTAINS(POINT('ICRS', {ra}, {dec}), s_region)"
    ).to_table()
    cubes = result[result["obs_collection"] == "CALIFA-like"]
    assert len(cubes) >= 1 and set(cubes["dataproduct_type"]) == {"cube"}
    for url in cubes["access_url"]:
        assert url.startswith(server.url + "/getproduct/")
        status, _, _ = server.get(url[len(server.url):])
        assert status == 200
    assert all(3.6e-7 < v < 3.8e-7 for v in cubes["em_min"])


def test_a_galaxys_ancillary_files_are_listed_and_served(server):
    status, _, body = server.get(f"/califa/cubes/files/form?califaid={NGC5947_ID}")
    assert status == 200
    files = _links(body, "dr-product")
    assert len(files) == 2, files
    for url in files:
        status, _, data = server.get(urllib.parse.quote(url))
        assert status == 200 and data.startswith((b"SIMPLE", b"\x1f\x8b"))


def test_the_catalogue_page_names_the_tables_holding_its_rows_files(server):
    status, _, body = server.get("/tableinfo/califa.main")
    assert status == 200
    page = body.decode()
    assert "Files of its rows" in page
    assert "califa_cubes.cubes" in page and "califa_cubes.ancillary" in page
    _, _, body = server.get("/tableinfo/califa_cubes.cubes")
    assert b"each row is a published file" in body


@pytest.mark.parametrize("path", ["/jplus/images/web/form", "/jcmt/q/web/form"])
def test_the_image_and_jcmt_forms_list_products_with_previews(server, path):
    status, _, body = server.get(path + "?_run=1&MAXREC=5")
    assert status == 200, body[:400]
    products = _links(body, "dr-product")
    assert len(products) == 5
    status, headers, data = server.get(
        urllib.parse.quote(_links(body, "dr-preview")[0], safe="/?="))
    assert status == 200 and data.startswith(PNG)


JPLUS_STRIPE82 = (0.0, -0.6361)  # the J-PLUS-like field across RA 0
JPLUS_FILTERS = {"uJAVA", "J0378", "J0395", "J0410", "J0430", "gSDSS", "J0515", "rSDSS",
                 "J0660", "iSDSS", "J0861", "zSDSS"}


def test_the_jplus_images_answer_sia_1_with_images_that_download(server):
    sia = pyvo.dal.sia.SIAService(server.url + "/jplus/images/web/siap.xml")
    results = sia.search(pos=JPLUS_STRIPE82, size=0.05, intersect="COVERS")
    assert {r.bandpass_id for r in results} == JPLUS_FILTERS and len(results) == 12
    record = next(r for r in results if r.bandpass_id == "rSDSS")
    assert record.title == "JPLUS-20014 rSDSS" and record.instr == "T80Cam"
    status, headers, data = server.get(record.acref[len(server.url):])
    assert status == 200 and headers["Content-Type"] == "application/gzip"
    with fits.open(io.BytesIO(gzip.decompress(data))) as hdus:
        assert hdus[0].header["FILTER"] == "rSDSS"
    assert len(sia.search(pos=JPLUS_STRIPE82, size=0.5, intersect="ENCLOSED")) == 12
    assert len(sia.search(pos=JPLUS_STRIPE82, size=0.05, format="GRAPHIC")) == 0


def test_the_jplus_image_form_searches_a_position_and_size(server):
    status, _, body = server.get("/jplus/images/web/form?" + urllib.parse.urlencode(
        {"hPOS": "0.0, -0.6361", "hSIZE": "0.05", "filter": "rSDSS"}))
    assert status == 200, body[:400]
    assert _links(body, "dr-product") == ["/getproduct/jplus/data/images/20014-rSDSS.fits.gz"]
