"""SIA 1.0 (siap.xml) on a real dr serve over a //siap#pgs table: each INTERSECT mode
finds exactly its images (footprints made so that the four modes differ), FORMAT,
the metadata answer, errors, votlint, the form, the GiST index, and what
//siap#computePGS, #setMeta and #getBandFromFilter put into the table."""

from __future__ import annotations

import io
import re
import shutil
import urllib.parse
from pathlib import Path

import numpy as np
import psycopg2
import pytest
import pyvo
from astropy.io import fits
from astropy.io.votable import parse
from astropy.wcs import WCS

from engine.services import siap
from tests.servers import start_server, stop_server
from tests.support import votlint

SERVICE = "/siat/q/im"
RD = """<resource schema="siat">
  <meta name="title">SIA 1 test images</meta>
  <meta name="instrument">TestCam</meta>
  <table id="images" onDisk="True" adql="True" primary="accref" mixin="//siap#pgs">
    <column name="label" type="text" ucd="meta.id" verbLevel="1"
      description="Which test image this is"/>
  </table>
  <data id="import">
    <sources pattern="data/*.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.images"</bind>
        <bind key="mime">vars.get("MIMETYP") or "image/fits"</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="images">
      <rowmaker>
        <apply procDef="//siap#computePGS"/>
        <apply procDef="//siap#setMeta">
          <bind key="title">@OBJECT</bind>
          <bind key="dateObs">@dr_t_min</bind>
          <bind key="bandpassId">@FILTER</bind>
        </apply>
        <apply procDef="//siap#getBandFromFilter"/>
        <map key="label">@OBJECT</map>
      </rowmaker>
    </make>
  </data>
  <service id="im" allowed="form,siap.xml">
    <meta name="title">SIA 1 test service</meta>
    <dbCore queriedTable="images">
      <condDesc original="//siap#protoInput"/>
      <condDesc original="//siap#humanInput"/>
      <condDesc buildFrom="label"/>
    </dbCore>
  </service>
</resource>
"""

# (name, centre RA, centre Dec, width on the sky in degrees, MIME type).  Against the
# ROI 9.9..10.1 x 9.9..10.1 (POS=10,10 SIZE=0.2): "big" covers it, "inner" lies
# inside it, off its centre, "edge" straddles its eastern edge, "middle" is inside
# it around its centre, "far" is elsewhere; "zero" lies across RA 0.
IMAGES = (("big", 10.0, 10.0, 0.5, None), ("inner", 10.05, 10.05, 0.05, None),
          ("edge", 10.12, 10.0, 0.1, None), ("middle", 10.0, 10.0, 0.05, "image/jpeg"),
          ("far", 11.0, 10.0, 0.1, None), ("zero", 0.0, 10.0, 0.1, None))
ROI = {"pos": (10.0, 10.0), "size": 0.2}
EXPECTED = {"OVERLAPS": {"big", "inner", "edge", "middle"}, "COVERS": {"big"},
            "ENCLOSED": {"inner", "middle"}, "CENTER": {"big", "middle"}}
REQUIRED_UCDS = ("VOX:Image_Title", "POS_EQ_RA_MAIN", "POS_EQ_DEC_MAIN", "VOX:Image_Naxes",
                 "VOX:Image_Naxis", "VOX:Image_Scale", "VOX:Image_Format",
                 "VOX:Image_AccessReference")


def write_image(path: Path, name: str, ra: float, dec: float, width: float,
                mime: str | None) -> None:
    pixels = 50
    wcs = WCS(naxis=2)
    wcs.wcs.ctype = ["RA---TAN", "DEC--TAN"]
    wcs.wcs.crval = [ra, dec]
    wcs.wcs.crpix = [(pixels + 1) / 2] * 2
    wcs.wcs.cdelt = [-width / pixels, width / pixels]
    header = wcs.to_header()
    header["OBJECT"] = name
    header["DATE-OBS"] = "2020-01-02T12:00:00"
    header["FILTER"] = "V"
    header["EQUINOX"] = 2000.0
    if mime:
        header["MIMETYP"] = mime
    fits.PrimaryHDU(np.zeros((pixels, pixels), dtype=">f4"), header).writeto(path)


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory):
    home = tmp_path_factory.mktemp("sia1")
    data = home / "inputs" / "siat" / "data"
    data.mkdir(parents=True)
    (data.parent / "q.rd").write_text(RD)
    for image in IMAGES:
        write_image(data / f"{image[0]}.fits", *image)
    server = start_server(pg_cluster.dsn, home, "sia1_web", inputs=home / "inputs",
                          imports=("siat/q",))
    yield server
    stop_server(server, pg_cluster.dsn, "sia1_web")


def sia(site) -> pyvo.dal.sia.SIAService:
    return pyvo.dal.sia.SIAService(site.url + SERVICE + "/siap.xml")


def titles(results) -> set[str]:
    return {r.title for r in results}


@pytest.mark.parametrize("intersect", sorted(EXPECTED))
def test_each_intersect_mode_finds_exactly_its_images(site, intersect):
    found = sia(site).search(**ROI, intersect=intersect)
    assert titles(found) == EXPECTED[intersect]


def test_overlaps_is_the_default(site):
    assert titles(sia(site).search(**ROI)) == EXPECTED["OVERLAPS"]


def test_a_box_across_ra_0_finds_the_image_there(site):
    assert titles(sia(site).search(pos=(359.99, 10.0), size=(0.03, 0.01))) == {"zero"}
    assert titles(sia(site).search(pos=(0.1, 10.0), size=0.2)) == {"zero"}
    assert titles(sia(site).search(pos=(0.1, 10.0), size=0.05)) == set()


def test_size_zero_finds_the_images_holding_the_position(site):
    assert titles(sia(site).search(pos=(10.05, 10.05), size=0)) == {"big", "inner"}


def test_two_sizes_make_a_box_of_that_width_and_height(site):
    # 0.2 wide in RA reaches "edge" (from RA 10.07), 0.02 high misses "inner" (10.025..)
    assert titles(sia(site).search(pos=(10.0, 10.0), size=(0.2, 0.02))) == {
        "big", "edge", "middle"}


@pytest.mark.parametrize(("fmt", "expected"), [
    ("GRAPHIC", {"middle"}), ("image/fits", {"big", "inner", "edge"}),
    ("ALL", EXPECTED["OVERLAPS"]), ("image/fits,GRAPHIC", EXPECTED["OVERLAPS"])])
def test_format_selects_images_by_media_type(site, fmt, expected):
    assert titles(sia(site).search(**ROI, format=fmt)) == expected


def test_results_carry_the_sia_ucds_and_absolute_product_urls(site):
    status, headers, body = site.get(SERVICE + "/siap.xml?POS=10,10&SIZE=0.2&VERB=0")
    assert status == 200 and "votable" in headers["Content-Type"]
    table = parse(io.BytesIO(body)).get_first_table()
    ucds = [f.ucd for f in table.fields]
    assert all(ucds.count(u) == 1 for u in REQUIRED_UCDS), ucds
    assert len(table.fields) == len(REQUIRED_UCDS)  # VERB=0: the required ones only
    rows = {r["imagetitle"]: r for r in table.array}
    big = rows["big"]
    assert big["naxes"] == 2 and list(big["pixelsize"]) == [50, 50]
    assert list(big["pixelscale"]) == pytest.approx([0.01, 0.01], rel=1e-5)
    assert (big["centeralpha"], big["centerdelta"]) == pytest.approx((10.0, 10.0))
    url = big["accref"]
    assert url == f"{site.url}/getproduct/siat/data/big.fits"
    status, _, data = site.get(url[len(site.url):])
    assert status == 200 and data.startswith(b"SIMPLE")


def test_verb_3_gives_every_column_with_sia_names(site):
    found = sia(site).search(**ROI, verbosity=3)
    ucds = {f.ucd for f in found.fielddescs}
    assert {"VOX:WCS_CDMatrix", "VOX:BandPass_RefValue", "VOX:STC_CoordRefFrame",
            "VOX:Image_MJDateObs", "INST_ID", "VOX:Image_FileSize"} <= ucds
    row = next(r for r in found if r.title == "big")
    assert row.instr == "TestCam"
    assert row.dateobs.mjd == pytest.approx(58850.5)
    refvalue = row.bandpass_refvalue
    assert row.bandpass_id == "V"
    assert float(getattr(refvalue, "value", refvalue)) == pytest.approx(551e-9)


def test_format_metadata_lists_the_parameters_and_the_columns(site):
    status, _, body = site.get(SERVICE + "/siap.xml?FORMAT=METADATA")
    assert status == 200
    votable = parse(io.BytesIO(body))
    resource = votable.resources[0]
    assert resource.type == "results"
    assert [i.value for i in resource.infos if i.name == "QUERY_STATUS"] == ["OK"]
    params = {p.name: p for p in resource.params}
    assert {"INPUT:POS", "INPUT:SIZE", "INPUT:INTERSECT", "INPUT:FORMAT",
            "INPUT:label", "INPUT:VERB"} <= set(params)
    assert params["INPUT:INTERSECT"].value == "OVERLAPS"
    table = resource.tables[0]
    assert len(table.array) == 0
    assert set(REQUIRED_UCDS) <= {f.ucd for f in table.fields}


@pytest.mark.parametrize(("query", "message"), [
    ("SIZE=0.2", "POS and SIZE are required"),
    ("POS=10,10", "POS and SIZE are required"),
    ("POS=ten,10&SIZE=0.2", "POS must be decimal degrees"),
    ("POS=10&SIZE=0.2", "POS must be RA,DEC"),
    ("POS=10,95&SIZE=0.2", "the Dec of POS must be between -90 and 90"),
    ("POS=10,10&SIZE=-1", "SIZE must not be negative"),
    ("POS=10,10&SIZE=1,2,3", "SIZE must be one size in degrees or two"),
    ("POS=10,10&SIZE=0.2&INTERSECT=NEAR", "INTERSECT must be one of"),
    ("POS=10,10&SIZE=0.2&FORMAT=fits", "FORMAT must be MIME types"),
    ("POS=10,10&SIZE=0.2&VERB=7", "VERB must be 0, 1, 2 or 3"),
])
def test_errors_are_votables_with_query_status_error_and_status_200(site, query,
                                                                   message):
    status, _, body = site.get(SERVICE + "/siap.xml?" + query)
    assert status == 200
    resource = parse(io.BytesIO(body)).resources[0]
    (info,) = [i for i in resource.infos if i.name == "QUERY_STATUS"]
    assert info.value == "ERROR" and message in info.content


def test_pyvo_raises_the_services_error(site):
    with pytest.raises(pyvo.dal.DALQueryError, match="INTERSECT must be one of"):
        sia(site).search(**ROI, intersect="NEAR")


@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
def test_votlint_finds_nothing_wrong(site, tmp_path):
    for name, query in (("result", "POS=10,10&SIZE=0.2&VERB=3"),
                        ("metadata", "FORMAT=METADATA"), ("error", "POS=1")):
        _, _, body = site.get(f"{SERVICE}/siap.xml?{query}")
        result = votlint(body, tmp_path / f"{name}.vot")
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip() == "", (name, result.stdout)


def test_the_form_answers_a_position_with_size_and_intersection(site):
    query = {"hPOS": "0 40 0 +10 0 0", "hSIZE": "0.2", "hINTERSECT": "ENCLOSED"}
    status, _, body = site.get(SERVICE + "/form?" + urllib.parse.urlencode(query))
    assert status == 200
    page = body.decode()
    links = {urllib.parse.unquote(h) for h in
             re.findall(r'<a class="dr-product" href="([^"]+)"', page)}
    assert links == {"/getproduct/siat/data/inner.fits", "/getproduct/siat/data/middle.fits"}
    status, _, body = site.get(SERVICE + "/form?hPOS=nowhere+known&hSIZE=0.2")
    assert "neither a position" in body.decode()


def test_the_capabilities_name_sia_with_its_parameters(site):
    status, _, body = site.get(SERVICE + "/capabilities")
    text = body.decode()
    assert status == 200 and 'standardID="ivo://ivoa.net/std/SIA"' in text
    assert f"{site.url}{SERVICE}/siap.xml?" in text and "<name>INTERSECT</name>" in text


def test_the_sia_capability_is_typed_and_validates(site, shared):
    from tests.web.schemata import assert_valid

    _, _, body = site.get(SERVICE + "/capabilities")
    tree = assert_valid(body, "VOSICapabilities.xsd", "VODataService.xsd", "SIA.xsd")
    xsi = "{http://www.w3.org/2001/XMLSchema-instance}type"
    sia = next(c for c in tree.iter("capability")
               if c.get("standardID") == "ivo://ivoa.net/std/SIA")
    assert sia.get(xsi) == "sia:SimpleImageAccess"
    assert sia.findtext("imageServiceType") in ("Pointed", "Cutout", "Mosaic", "Atlas")
    assert int(sia.findtext("maxRecords")) > 0


@pytest.mark.parametrize("intersect", sorted(EXPECTED))
def test_the_footprint_conditions_use_the_gist_index(site, intersect):
    found = siap.footprint_condition('"coverage"', 10.0, 10.0, 0.2, 0.2, intersect)
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        cur.execute(f"EXPLAIN SELECT accref FROM siat.images WHERE {found.sql}",
                    found.values)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "images_pgspos" in plan, plan


def test_compute_pgs_and_set_meta_fill_the_sia_columns(site):
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT nAxes, pixelSize, wcs_projection, wcs_refPixel, "
                    "wcs_refValues, wcs_cdmatrix, wcs_equinox, refFrame, instId, "
                    "bandpassLo, bandpassHi, bandpassUnit, mime, "
                    "spoint(radians(11), radians(10)) @ coverage "
                    "FROM siat.images WHERE label = 'far'")
        row = cur.fetchone()
    assert row[:3] == (2, [50, 50], "TAN")
    assert row[3] == pytest.approx([25.5, 25.5])
    assert row[4] == pytest.approx([11.0, 10.0])
    assert row[5] == pytest.approx([-0.002, 0.0, 0.0, 0.002], abs=1e-9)
    assert row[6:9] == (2000.0, "ICRS", "TestCam")
    assert row[9] < 551e-9 < row[10] and row[11:] == ("m", "image/fits", True)


def test_a_roi_past_a_pole_folds_over_it():
    boxes = siap.roi_boxes(30.0, 89.0, 10.0, 4.0)
    assert boxes == [siap.Box(25.0, 87.0, 35.0, 90.0), siap.Box(205.0, 89.0, 215.0, 90.0)]
    (whole,) = siap.roi_boxes(30.0, 0.0, 400.0, 2.0)
    assert (whole.ra_min, whole.ra_max) == (0.0, 360.0)


HAS_CHROMIUM = shutil.which("chromium") is not None or Path("/usr/bin/chromium").exists()


@pytest.mark.skipif(not HAS_CHROMIUM, reason="needs Chromium")
def test_a_user_picks_an_intersection_in_the_form_and_sees_the_images(site):
    from playwright.sync_api import sync_playwright

    from tests.web.test_browser import CHROMIUM, FLAGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page()
            page.goto(site.url + SERVICE + "/form")
            page.fill("#f_hPOS", "10, 10")
            page.fill("#f_hSIZE", "0.2")
            page.select_option("#f_hINTERSECT", "COVERS")
            page.click("#submit")
            page.wait_for_selector("#results table.results tbody tr")
            links = page.locator("#results a.dr-product")
            assert links.count() == 1
            assert links.first.get_attribute("href") == "/getproduct/siat/data/big.fits"
        finally:
            browser.close()


def test_results_carry_a_links_descriptor_iter_datalinks_follows(site):
    status, _, body = site.get(SERVICE + "/siap.xml?POS=10,10&SIZE=0.2")
    votable = parse(io.BytesIO(body))
    service, = [r for r in votable.resources if r.utype == "adhoc:service"]
    ident, = [p for g in service.groups for p in g.entries if p.name == "ID"]
    field = votable.get_first_table().get_field_by_id(ident.ref)
    assert field.ucd == "VOX:Image_AccessReference"  # the absolute product URLs
    results = sia(site).search(pos=(10, 10), size=0.2)
    found = {}
    for links in results.iter_datalinks():
        this, = [r for r in links if r.semantics == "#this"]
        found[links.original_row["accref"]] = this.access_url
    assert found and all(url == this for url, this in found.items())
