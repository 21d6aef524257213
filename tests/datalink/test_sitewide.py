"""Links from any result: the site-wide /datalink/dlmeta endpoint, the service
descriptor result VOTables carry for it (TAP on ivoa.obscore, sync and async;
SIA 2; SCS on a product table), pyvo's iter_datalinks() over them, and the
"links" link in form results."""

from __future__ import annotations

import io
import shutil
import subprocess
import urllib.parse
import urllib.request

import pytest
import pyvo
from astropy.io.votable import parse
from lxml import etree
from pyvo.dal.adhoc import DatalinkResults
from pyvo.dal.scs import SCSResults
from pyvo.dal.sia2 import SIA2Results

from tests.web.schemata import assert_valid

AUTH = "dr.example.org"
ONE, TWO = "dlt/data/cubes/one.fits", "dlt/data/cubes/two.fits"
SECRET, STAMP = "dlt/data/cubes/secret.fits", "dlt/data/files/1/stamp.fits"
LINKS = "ivo://ivoa.net/std/DataLink#links-1.1"
VO = "{http://www.ivoa.net/xml/VOTable/v1.3}"
OBSCORE = "SELECT obs_publisher_did, access_url FROM ivoa.obscore ORDER BY obs_id"
SIA2 = "/__system__/siap2/sitewide/siap2.xml?POS=CIRCLE%20150%202%201"
CONE = "/dlt/q/cone/scs.xml?RA=150&DEC=2&SR=1"


def pubdid(accref: str) -> str:
    return f"ivo://{AUTH}/~?{accref}"


def site_links(site, *ids: str) -> DatalinkResults:
    query = urllib.parse.urlencode([("ID", i) for i in ids])
    return DatalinkResults.from_result_url(f"{site.url}/datalink/dlmeta?{query}")


def this_url(results: DatalinkResults) -> str | None:
    found = [row for row in results if row.semantics == "#this"]
    return found[0].access_url if found and not found[0].error_message else None


def descriptor_refers_to_a_field(site, body: bytes) -> str:
    """The name of the FIELD the links descriptor's ID refers to, after checking the
    document is a valid VOTable whose descriptor names the site-wide endpoint."""
    tree = assert_valid(body, "VOTable.xsd")
    service, = tree.iterfind(f"{VO}RESOURCE[@utype='adhoc:service']")
    params = {p.get("name"): p for p in service.iterfind(f"{VO}PARAM")}
    assert params["standardID"].get("value") == LINKS
    assert params["accessURL"].get("value") == site.url + "/datalink/dlmeta"
    ident, = service.iterfind(f"{VO}GROUP[@name='inputParams']/{VO}PARAM[@name='ID']")
    field, = tree.iterfind(f".//{VO}FIELD[@ID='{ident.get('ref')}']")
    # astropy reads it (SCS 1.03 results carry UCD1 words astropy would warn about)
    assert parse(io.BytesIO(body), verify="ignore").get_first_table().array is not None
    return field.get("name")


def links_by_row(results, column: str) -> dict[str, str | None]:
    """Each row's value in ``column`` and the #this URL iter_datalinks() gives it."""
    found = {}
    for links in results.iter_datalinks():
        found[links.original_row[column]] = this_url(links)
    return found


EXPECTED_DIDS = {pubdid(ONE): f"/getproduct/{ONE}", pubdid(TWO): f"/getproduct/{TWO}",
                 pubdid(SECRET): None}  # embargoed: a NotFoundFault row


def as_paths(site, found: dict[str, str | None]) -> dict[str, str | None]:
    return {k: v and v.removeprefix(site.url) for k, v in found.items()}


def test_tap_sync_on_obscore_links_each_row_through_iter_datalinks(site):
    results = pyvo.dal.TAPService(site.url + "/tap").run_sync(OBSCORE)
    assert as_paths(site, links_by_row(results, "obs_publisher_did")) == EXPECTED_DIDS


def test_async_tap_on_obscore_links_each_row_through_iter_datalinks(site):
    results = pyvo.dal.TAPService(site.url + "/tap").run_async(OBSCORE)
    assert as_paths(site, links_by_row(results, "obs_publisher_did")) == EXPECTED_DIDS


def test_sia2_results_link_each_image_through_iter_datalinks(site):
    results = SIA2Results.from_result_url(site.url + SIA2)
    assert as_paths(site, links_by_row(results, "obs_publisher_did")) == EXPECTED_DIDS


def test_a_cone_search_on_a_product_table_links_each_accref(site):
    results = SCSResults.from_result_url(site.url + CONE)
    found = as_paths(site, links_by_row(results, "accref"))
    assert found == {ONE: f"/getproduct/{ONE}", TWO: f"/getproduct/{TWO}", SECRET: None}


def test_cone_links_carry_the_soda_descriptor_of_the_cubes_service(site):
    results = SCSResults.from_result_url(site.url + CONE)
    cutouts = [row for links in results.iter_datalinks() for row in links
               if row.semantics == "#cutout"]
    assert len(cutouts) == 2  # one and two; the embargoed cube has none
    for links in results.iter_datalinks():
        for row in links.bysemantics("#cutout", include_narrower=False):
            service = links.get_adhocservice_by_id(row.service_def)
            ident = [p for g in service.groups for p in g.entries if p.name == "ID"]
            assert ident[0].value == pubdid(links.original_row["accref"])


@pytest.mark.parametrize("path, column", [
    ("/tap/sync?LANG=ADQL&QUERY=" + urllib.parse.quote(OBSCORE), "obs_publisher_did"),
    ("/tap/sync?LANG=ADQL&RESPONSEFORMAT=votable/td&QUERY="
     + urllib.parse.quote(OBSCORE), "obs_publisher_did"),
    ("/tap/sync?LANG=ADQL&QUERY=" + urllib.parse.quote(
        "SELECT accref, obj_id FROM dlt.cubes"), "accref"),
    (SIA2, "obs_publisher_did"),
    (SIA2 + "&RESPONSEFORMAT=votable/td", "obs_publisher_did"),
    (CONE, "accref"),
    ("/dlt/q/cone/form?RA=150&DEC=2&SR=1&RESPONSEFORMAT=votable/td", "accref"),
])
def test_results_with_dataset_columns_are_valid_votables_with_a_descriptor(
        site, shared, path, column):
    status, headers, body = site.get(path)
    assert status == 200, body[:500]
    assert descriptor_refers_to_a_field(site, body) == column


def test_an_async_obscore_result_is_a_valid_votable_with_a_descriptor(site, shared):
    job = pyvo.dal.TAPService(site.url + "/tap").submit_job(OBSCORE)
    job.run().wait(timeout=60)
    status, _, body = site.get(job.result_uri.removeprefix(site.url))
    assert status == 200
    assert descriptor_refers_to_a_field(site, body) == "obs_publisher_did"


def test_results_without_dataset_columns_have_no_descriptor(site):
    status, _, body = site.get("/tap/sync?LANG=ADQL&QUERY="
                               + urllib.parse.quote("SELECT obj_id FROM dlt.main"))
    assert status == 200 and b"adhoc:service" not in body


@pytest.mark.parametrize("ident", [pubdid(ONE), ONE, f"/getproduct/{ONE}"])
def test_the_site_wide_endpoint_takes_pubdids_accrefs_and_product_urls(site, ident):
    if ident.startswith("/"):
        ident = site.url + ident
    results = site_links(site, ident)
    assert {row.id for row in results} == {ident}
    assert this_url(results) == f"{site.url}/getproduct/{ONE}"
    assert {"#this", "#preview", "#auxiliary", "#cutout"} <= {r.semantics for r in results}


def test_a_product_without_a_datalink_service_gets_the_basic_links(site):
    results = site_links(site, pubdid(STAMP))
    assert this_url(results) == f"{site.url}/getproduct/{STAMP}"
    # no preview; #progenitor is DR's PROV document of the file
    assert {row.semantics for row in results} == {"#this", "#auxiliary", "#progenitor"}
    assert results.votable.resources[1:] == []  # and no SODA descriptor


@pytest.mark.parametrize("ident", [
    pubdid("dlt/data/cubes/none.fits"), "ivo://elsewhere.org/~?" + ONE,
    "dlt/data/nothing", f"http://elsewhere.org/getproduct/{ONE}"])
def test_unknown_ids_are_not_found_fault_rows(site, ident):
    row, = site_links(site, ident)
    assert row.id == ident and row.error_message.startswith("NotFoundFault")
    assert not row["access_url"]


def test_an_embargoed_id_reads_as_unknown_revealing_nothing(site):
    results = site_links(site, SECRET)
    row, = results
    assert row.id == SECRET and row.error_message.startswith("NotFoundFault")
    assert not row["access_url"] and not row["content_type"]
    assert results.votable.resources[1:] == []


def test_descriptors_of_several_ids_are_numbered_across_the_document(site):
    results = site_links(site, pubdid(ONE), TWO, pubdid(STAMP), pubdid(ONE))
    cutouts = [row.service_def for row in results if row.semantics == "#cutout"]
    assert len(cutouts) == len(set(cutouts)) == 3
    for name in cutouts:
        assert results.get_adhocservice_by_id(name) is not None


def test_the_site_wide_endpoint_needs_an_id(site):
    status, _, body = site.get("/datalink/dlmeta")
    assert status == 400 and b"QUERY_STATUS" in body


def test_form_results_link_each_products_datalink_document(site):
    status, _, body = site.get("/dlt/q/cone/form?hscs_pos=150,2&hscs_sr=60&_run=1")
    assert status == 200
    page = etree.HTML(body)
    hrefs = [a.get("href") for a in page.iterfind(".//a[@class='dr-links']")]
    expected = {f"/dlt/q/dl/dlmeta?ID={urllib.parse.quote_plus(pubdid(a))}"
                for a in (ONE, TWO)}  # not the embargoed cube
    assert set(hrefs) == expected
    for href in hrefs:
        assert this_url(DatalinkResults.from_result_url(site.url + href))


@pytest.mark.skipif(shutil.which("stilts") is None, reason="STILTS is not installed")
def test_datalinklint_finds_no_errors_in_a_site_wide_document(site, tmp_path):
    query = urllib.parse.urlencode([("ID", pubdid(ONE)), ("ID", STAMP), ("ID", SECRET),
                                    ("ID", "dlt/none"), ("ID", site.url + "/getproduct/"
                                                         + TWO)])
    status, _, body = site.get(f"/datalink/dlmeta?{query}")
    saved = tmp_path / "links.xml"
    saved.write_bytes(body)
    lint = subprocess.run(["stilts", "datalinklint", str(saved)], capture_output=True,
                          text=True, timeout=120)
    assert "Totals: Errors: 0; Warnings: 0" in lint.stdout, lint.stdout


def test_more_ids_than_one_request_takes_answer_the_first_with_overflow(site):
    ids = [pubdid(ONE)] + [f"dlt/none/{n}" for n in range(120)]
    query = urllib.parse.urlencode([("ID", i) for i in ids]).encode()  # POST, as pyvo
    request = urllib.request.Request(site.url + "/datalink/dlmeta", data=query)
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
    votable = parse(io.BytesIO(body))
    table = votable.get_first_table()
    assert list(dict.fromkeys(table.array["ID"])) == ids[:100]
    status, = [i for i in votable.resources[0].infos if i.name == "QUERY_STATUS"]
    assert status.value == "OVERFLOW"
