"""dlmeta: the DataLink 1.1 links document of datasets, read with pyvo as users do."""

from __future__ import annotations

import shutil
import subprocess
import urllib.parse

import numpy as np
import pytest
from astropy.io.votable import parse_single_table
from pyvo.dal.adhoc import DatalinkResults

from rd.errors import DRError

AUTH = "dr.example.org"


def pubdid(accref: str) -> str:
    return f"ivo://{AUTH}/~?{accref}"


def links_url(site, *ids: str, service: str = "dl") -> str:
    query = urllib.parse.urlencode([("ID", i) for i in ids])
    return f"{site.url}/dlt/q/{service}/dlmeta?{query}"


def links(site, *ids: str, service: str = "dl") -> DatalinkResults:
    return DatalinkResults.from_result_url(links_url(site, *ids, service=service))


def by_semantics(results, semantics: str) -> list:
    return [row for row in results if row.semantics == semantics]


def test_this_links_the_file_with_its_type_and_size(site):
    ident = pubdid("dlt/data/cubes/one.fits")
    results = links(site, ident)
    this, = by_semantics(results, "#this")
    assert this.id == ident
    assert this.access_url == f"{site.url}/getproduct/dlt/data/cubes/one.fits"
    assert this.content_type == "image/fits"
    size = (site.inputs / "dlt/data/cubes/one.fits").stat().st_size
    assert this.content_length == size
    status, headers, body = site.get("/getproduct/dlt/data/cubes/one.fits")
    assert status == 200 and len(body) == size
    assert not this.error_message


def test_preview_links_a_png_dr_makes(site):
    preview, = by_semantics(links(site, pubdid("dlt/data/cubes/one.fits")), "#preview")
    assert preview.access_url.endswith("/getproduct/dlt/data/cubes/one.fits?preview=True")
    assert preview.content_type == "image/png"
    status, headers, body = site.get(preview.access_url[len(site.url):])
    assert status == 200 and body.startswith(b"\x89PNG")


def test_auxiliary_links_the_files_of_the_same_object(site):
    results = links(site, pubdid("dlt/data/cubes/one.fits"))
    aux = by_semantics(results, "#auxiliary")
    urls = sorted(row.access_url for row in aux)
    assert urls == [f"{site.url}/getproduct/dlt/data/files/1/spectrum.fits",
                    f"{site.url}/getproduct/dlt/data/files/1/stamp.fits"]
    # Object 2 has no files; the embargoed cube of object 1 is no file set of it.
    assert by_semantics(links(site, pubdid("dlt/data/cubes/two.fits")),
                        "#auxiliary") == []
    assert all("secret" not in row.access_url for row in aux)


def test_cutout_names_a_soda_descriptor_with_the_datasets_ranges(site):
    ident = pubdid("dlt/data/cubes/one.fits")
    results = links(site, ident)
    cutout, = by_semantics(results, "#cutout")
    assert not cutout.access_url.startswith(site.url + "/getproduct")
    service = results.get_adhocservice_by_id(cutout.service_def)
    params = {p.name: p for p in service.params}
    assert params["standardID"].value == "ivo://ivoa.net/std/SODA#sync-1.0"
    assert params["accessURL"].value == f"{site.url}/dlt/q/dl/dlget"
    group, = [g for g in service.groups if g.name == "inputParams"]
    inputs = {p.name: p for p in group.entries}
    assert inputs["ID"].value == ident
    assert set(inputs) >= {"POS", "CIRCLE", "POLYGON", "BAND", "PIXEL_1", "PIXEL_2",
                           "PIXEL_3"}
    assert inputs["CIRCLE"].xtype == "circle" and str(inputs["CIRCLE"].unit) == "deg"
    ra, dec, radius = inputs["CIRCLE"].values.max
    assert (ra, dec) == pytest.approx((150.0, 2.0)) and 0.01 < radius < 0.02
    band = inputs["BAND"]
    assert band.xtype == "interval" and str(band.unit) == "m"
    assert list(np.ravel(band.values.min)) == pytest.approx([4.995e-7])
    assert list(np.ravel(band.values.max)) == pytest.approx([5.295e-7])
    assert list(np.ravel(inputs["PIXEL_3"].values.max)) == [30]
    # The async flavour is offered beside it.
    results.get_adhocservice_by_ivoid("ivo://ivoa.net/std/SODA#async-1.0")


def test_several_ids_get_their_links_in_order(site):
    one, two = pubdid("dlt/data/cubes/one.fits"), pubdid("dlt/data/cubes/two.fits")
    results = links(site, one, two, one)
    this = by_semantics(results, "#this")
    assert [row.id for row in this] == [one, two, one]
    assert len(by_semantics(results, "#cutout")) == 3


@pytest.mark.parametrize("ident", [
    pubdid("dlt/data/cubes/none.fits"),           # no such product
    "ivo://elsewhere.org/~?dlt/data/cubes/one.fits",  # another authority
    pubdid("dlt/data/files/1/stamp.fits"),        # not served by this service
    "dlt/data/cubes/\x01nonsense",
])
def test_unknown_ids_are_not_found_fault_rows(site, ident):
    row, = links(site, ident)
    assert row.error_message.startswith("NotFoundFault")
    assert row.semantics == "#this" and not row["access_url"]


def test_an_embargoed_dataset_reads_as_unknown_revealing_nothing(site):
    ident = pubdid("dlt/data/cubes/secret.fits")
    unknown = pubdid("dlt/data/cubes/none.fits")
    results = links(site, ident)
    row, = results
    other, = links(site, unknown)
    assert row.error_message == other.error_message.replace(unknown, ident)
    assert row.error_message.startswith("NotFoundFault")
    assert not row["access_url"] and not row["content_type"]
    assert "secret.fits" not in row.error_message.replace(ident, "")
    assert results.votable.resources[1:] == []  # no service descriptor either


def test_the_id_parameter_is_required(site):
    status, headers, body = site.get("/dlt/q/dl/dlmeta")
    assert status == 400 and b"QUERY_STATUS" in body and b"ID" in body


def test_a_service_without_soda_functions_has_no_cutout(site):
    results = links(site, pubdid("dlt/data/cubes/one.fits"), service="links")
    assert {row.semantics for row in results} == {"#this", "#preview", "#auxiliary",
                                                  "#progenitor"}  # DR's PROV document


def test_the_document_is_a_datalink_votable(site):
    status, headers, body = site.get(
        "/dlt/q/dl/dlmeta?ID=" + urllib.parse.quote(pubdid("dlt/data/cubes/one.fits")))
    assert status == 200
    assert headers["Content-Type"] == "application/x-votable+xml;content=datalink"
    table = parse_single_table(__import__("io").BytesIO(body))
    assert [f.name for f in table.fields][:8] == [
        "ID", "access_url", "service_def", "error_message", "semantics", "description",
        "content_type", "content_length"]


@pytest.mark.skipif(shutil.which("stilts") is None, reason="STILTS is not installed")
def test_votlint_and_datalinklint_find_no_errors(site, tmp_path):
    status, headers, body = site.get(
        "/dlt/q/dl/dlmeta?ID=" + urllib.parse.quote(pubdid("dlt/data/cubes/one.fits"))
        + "&ID=" + urllib.parse.quote(pubdid("dlt/data/cubes/none.fits")))
    saved = tmp_path / "links.xml"
    saved.write_bytes(body)
    votlint = subprocess.run(["stilts", "votlint", f"location={saved}"],
                             capture_output=True, text=True, timeout=120)
    assert "ERROR" not in votlint.stdout + votlint.stderr, votlint.stdout
    lint = subprocess.run(["stilts", "datalinklint", str(saved)], capture_output=True,
                          text=True, timeout=120)
    assert ": service soda-0 invocation" in lint.stdout
    assert "Totals: Errors: 0; Warnings: 0" in lint.stdout, lint.stdout


def test_vosi_capabilities_declare_datalink_and_soda(site):
    status, headers, body = site.get("/dlt/q/dl/capabilities")
    assert status == 200
    for standard in (b"ivo://ivoa.net/std/DataLink#links-1.1",
                     b"ivo://ivoa.net/std/SODA#sync-1.0",
                     b"ivo://ivoa.net/std/SODA#async-1.0"):
        assert standard in body


def test_deciding_datalink_code_of_its_own_makes_the_service_unavailable(tmp_path):
    from rd.loader import load_rd_file

    rd_file = tmp_path / "own" / "q.rd"
    rd_file.parent.mkdir()
    rd_file.write_text("""<resource schema="own">
      <service id="links" allowed="dlmeta"><datalinkCore>
        <descriptorGenerator procDef="//soda#fits_genDesc"/>
        <metaMaker semantics="#flat"><code>yield None</code></metaMaker>
      </datalinkCore></service>
      <datalinkCore id="owncore">
        <descriptorGenerator><code>return None</code></descriptorGenerator>
      </datalinkCore>
      <service id="gen" allowed="dlmeta" core="owncore"/>
      <service id="data" allowed="dlget"><datalinkCore>
        <descriptorGenerator procDef="//soda#fits_genDesc"/>
        <dataFunction><code>pass</code></dataFunction>
      </datalinkCore></service></resource>""")
    rd = load_rd_file(rd_file, "own/q")
    links, gen, data = rd.services
    # a metaMaker of its own only adds links: DR runs it (test_metamakers.py)
    assert links.unavailable is None
    assert not any("metaMaker" in str(w) for w in rd.warnings)
    # code deciding what an ID reaches or what a client gets: withheld
    assert data.unavailable == "DR does not run a <dataFunction> of the RD's own code"
    with pytest.raises(DRError):
        gen.resolve_core()
    assert gen.unavailable == \
        "DR does not run a <descriptorGenerator> of the RD's own code"


def test_the_soda_procedures_an_rd_applies_choose_the_parameters(tmp_path):
    from engine.datalink.recipe import recipe_of
    from rd.loader import load_rd_file

    rd_file = tmp_path / "sel" / "q.rd"
    rd_file.parent.mkdir()
    rd_file.write_text("""<resource schema="sel">
      <service id="circ" allowed="dlmeta,dlget"><datalinkCore>
        <descriptorGenerator procDef="//soda#fromStandardPubDID"/>
        <metaMaker procDef="//soda#fits_makeCIRCLEMeta"/>
        <dataFunction procDef="//soda#fits_makeCIRCLESlice"/>
      </datalinkCore></service>
      <service id="std" allowed="dlmeta,dlget"><datalinkCore>
        <descriptorGenerator procDef="//soda#fits_genDesc">
          <bind key="accrefPrefix">"sel/"</bind>
        </descriptorGenerator>
        <FEED source="//soda#fits_standardDLFuncs"/>
      </datalinkCore></service></resource>""")
    rd = load_rd_file(rd_file, "sel/q")
    assert rd.warnings == []
    circ, std = (recipe_of(s.resolve_core()) for s in rd.services)
    assert (circ.spatial, circ.band, circ.pixels, circ.cutouts) == (True, False, False,
                                                                    True)
    assert circ.accref_prefix is None and circ.serves("anything")
    # No spectralAxis given: no BAND, as in DaCHS.
    assert (std.spatial, std.band, std.pixels, std.cutouts) == (True, False, True, True)
    assert std.serves("sel/a.fits") and not std.serves("other/a.fits")
