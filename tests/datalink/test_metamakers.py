"""metaMakers of an RD's own code: the #progenitor and #derivation links they yield,
the faults they yield or raise, and what a failing one does — through pyvo, as
users read links documents, from a real server on a real database."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits
from pyvo.dal.adhoc import DatalinkResults

from rd.errors import RDError
from rd.loader import load_rd_file
from tests.datalink.dldata import write_cube
from tests.servers import start_server, stop_server

AUTH = "dr.example.org"
RAW = "http://archive.example.org/raw/"

MM_RD = """
<resource schema="dlmm">
  <table id="cubes" onDisk="True" mixin="//products#table" primary="accref">
    <column name="obj_id" type="integer"/>
  </table>
  <table id="spectra" onDisk="True" mixin="//products#table" primary="accref">
    <column name="obj_id" type="integer"/>
  </table>
  <data id="import_cubes">
    <sources pattern="data/cubes/*.fits"/>
    <embeddedGrammar>
      <iterator><code>
        from astropy.io import fits
        header = fits.getheader(self.sourceToken)
        yield {"obj_id": header["OBJID"], "embargo": header.get("EMBARGO")}
      </code></iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.cubes"</bind>
        <bind key="embargo">@embargo</bind>
        <bind key="datalink">"\\rdId#dl"</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="cubes"><rowmaker idmaps="obj_id"/></make>
  </data>
  <data id="import_spectra">
    <sources pattern="data/spec/*.fits"/>
    <embeddedGrammar>
      <iterator><code>
        yield {"obj_id": 1}
      </code></iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.spectra"</bind>
        <bind key="preview">None</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="spectra"><rowmaker idmaps="obj_id"/></make>
  </data>
  <procDef type="metaMaker" id="fromRaw">
    <setup><par key="rawBase">None</par></setup>
    <code>
      name = descriptor.accref.split("/")[-1]
      yield descriptor.makeLink(rawBase + name, contentType="application/fits",
        description="The raw frame of " + descriptor.hdr["OBJECT"],
        contentLength=2880 * 4)
    </code>
  </procDef>
  <service id="dl" allowed="dlmeta,dlget">
    <meta name="title">metaMaker test service</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#fits_genDesc">
        <bind key="accrefPrefix">"dlmm/data/cubes/"</bind>
      </descriptorGenerator>
      <metaMaker semantics="#progenitor" procDef="fromRaw">
        <bind key="rawBase">"http://archive.example.org/raw/"</bind>
      </metaMaker>
      <metaMaker semantics="#derivation">
        <code>
          stem = descriptor.accref.split("/")[-1][:-len(".fits")]
          if stem == "broken":
            raise ValueError("the pipeline log is unreadable")
          if stem == "lonely":
            raise DatalinkFault.NotFoundFault(descriptor.pubDID,
              "No spectrum was extracted from this cube")
          yield descriptor.makeLinkFromFile("data/spec/%s.spec.fits" % stem,
            description="The spectrum extracted from the cube")
        </code>
      </metaMaker>
    </datalinkCore>
  </service>
</resource>
"""

CUBES = "dlmm/data/cubes/"
ONE, LONELY, BROKEN, SECRET = (CUBES + n for n in ("one.fits", "lonely.fits",
                                                    "broken.fits", "secret.fits"))


def write_inputs(inputs: Path) -> Path:
    base = inputs / "dlmm"
    for seed, name, cards in ((1, "one", {}), (2, "lonely", {}), (3, "broken", {}),
                              (4, "secret", {"EMBARGO": "2200-01-01"})):
        write_cube(base / "data" / "cubes" / f"{name}.fits", seed, OBJID=1,
                   OBJECT=f"galaxy {name}", **cards)
    (base / "data" / "spec").mkdir(parents=True)
    fits.PrimaryHDU(np.arange(30, dtype=">f4")).writeto(
        base / "data" / "spec" / "one.spec.fits")
    (base / "q.rd").write_text(textwrap.dedent(MM_RD).lstrip())
    return base


@pytest.fixture(scope="module")
def mm(pg_cluster, tmp_path_factory):
    home = tmp_path_factory.mktemp("metamakers")
    inputs = home / "inputs"
    write_inputs(inputs)
    server = start_server(pg_cluster.dsn, home, "datalink_mm", inputs=inputs,
                          imports=("dlmm",))
    server.home = home
    yield server
    stop_server(server, pg_cluster.dsn, "datalink_mm")


def pubdid(accref: str) -> str:
    return f"ivo://{AUTH}/~?{accref}"


def links(server, *ids: str, path: str = "/dlmm/q/dl/dlmeta") -> DatalinkResults:
    query = urllib.parse.urlencode([("ID", i) for i in ids])
    return DatalinkResults.from_result_url(f"{server.url}{path}?{query}")


def by_semantics(results, semantics: str) -> list:
    return [row for row in results if row.semantics == semantics]


def metamaker_line(text: str, marker: str) -> int:
    """The line of the RD on which ``marker`` begins (the RD as written)."""
    lines = textwrap.dedent(text).lstrip().splitlines()
    return next(n for n, line in enumerate(lines, 1) if marker in line)


def test_metamakers_add_progenitor_and_derivation_links(mm):
    results = links(mm, pubdid(ONE))
    assert len(by_semantics(results, "#this")) == 1
    raw, = by_semantics(results, "#progenitor")
    assert raw.id == pubdid(ONE)
    assert raw.access_url == RAW + "one.fits"
    assert raw.content_type == "application/fits"
    assert raw.content_length == 2880 * 4
    assert raw.description == "The raw frame of galaxy one"  # descriptor.hdr
    spectrum, = by_semantics(results, "#derivation")
    assert spectrum.access_url == f"{mm.url}/getproduct/dlmm/data/spec/one.spec.fits"
    assert spectrum.content_type == "image/fits"
    assert not spectrum.error_message
    with urllib.request.urlopen(spectrum.access_url, timeout=30) as response:
        assert response.read(6) == b"SIMPLE"


def test_a_datalink_fault_a_metamaker_raises_is_its_error_row(mm):
    results = links(mm, pubdid(LONELY))
    fault, = by_semantics(results, "#derivation")
    assert not fault["access_url"]
    assert fault.error_message == \
        "NotFoundFault: No spectrum was extracted from this cube"
    assert by_semantics(results, "#progenitor")  # the other metaMaker still runs


def test_a_failing_metamaker_is_a_fatal_fault_row_naming_its_rd_line(mm):
    results = links(mm, pubdid(BROKEN), pubdid(ONE))
    fault, = [r for r in by_semantics(results, "#derivation") if r.id == pubdid(BROKEN)]
    line = metamaker_line(MM_RD, '<metaMaker semantics="#derivation">')
    assert fault.error_message == (f"FatalFault: the metaMaker at dlmm/q.rd, line {line} "
                                   "failed; the server log has the details")
    assert "unreadable" not in fault.error_message  # nothing of the exception itself
    # the other ID of the request is answered as ever
    assert [r.access_url for r in by_semantics(results, "#derivation")
            if r.id == pubdid(ONE)] == [f"{mm.url}/getproduct/dlmm/data/spec/one.spec.fits"]
    log = (mm.home / "serve.stderr").read_text()
    assert "Traceback" in log
    assert "ValueError: the pipeline log is unreadable" in log


def test_metamakers_add_nothing_to_a_dataset_the_caller_may_not_see(mm):
    results = links(mm, pubdid(SECRET))
    row, = results
    assert row.error_message.startswith("NotFoundFault: ")
    assert not row["access_url"]


def test_the_site_wide_endpoint_runs_the_products_own_metamakers(mm):
    results = links(mm, ONE, pubdid(SECRET), path="/datalink/dlmeta")
    raw, = by_semantics(results, "#progenitor")
    assert (raw.id, raw.access_url) == (ONE, RAW + "one.fits")
    derived, = by_semantics(results, "#derivation")
    assert derived.id == ONE
    secret, = [r for r in results if r.id == pubdid(SECRET)]
    assert secret.error_message.startswith("NotFoundFault: ")


@pytest.mark.skipif(shutil.which("stilts") is None, reason="STILTS is not installed")
def test_datalinklint_finds_no_errors_in_links_of_metamakers(mm, tmp_path):
    query = urllib.parse.urlencode([("ID", pubdid(i)) for i in (ONE, LONELY, BROKEN)])
    with urllib.request.urlopen(f"{mm.url}/dlmm/q/dl/dlmeta?{query}",
                                timeout=60) as response:
        body = response.read()
    saved = tmp_path / "links.xml"
    saved.write_bytes(body)
    lint = subprocess.run(["stilts", "datalinklint", str(saved)], capture_output=True,
                          text=True, timeout=120)
    assert "Totals: Errors: 0; Warnings: 0" in lint.stdout, lint.stdout


def test_an_rd_with_metamakers_yielding_links_loads_without_warnings(tmp_path):
    base = write_inputs(tmp_path / "inputs")
    rd = load_rd_file(base / "q.rd", "dlmm/q")
    assert rd.warnings == []
    service, = rd.services
    assert service.unavailable is None


def test_a_metamaker_yielding_service_parameters_warns_that_they_are_left_out(tmp_path):
    rd_file = tmp_path / "ik" / "q.rd"
    rd_file.parent.mkdir()
    rd_file.write_text("""<resource schema="ik">
      <service id="dl" allowed="dlmeta"><datalinkCore>
        <metaMaker><code>
          yield MS(InputKey, name="FORMAT", type="text",
            values=MS(Values, options=[MS(Option, content_="text/plain")]))
        </code></metaMaker>
      </datalinkCore></service></resource>""")
    rd = load_rd_file(rd_file, "ik/q")
    warning, = rd.warnings
    assert "q.rd:3" in warning and "InputKeys it yields are left out" in warning


def test_a_syntax_error_in_a_metamaker_names_its_line(tmp_path):
    rd_file = tmp_path / "bad" / "q.rd"
    rd_file.parent.mkdir()
    rd_file.write_text("""<resource schema="bad">
      <service id="dl" allowed="dlmeta"><datalinkCore>
        <metaMaker semantics="#progenitor"><code>
          link = LinkDef(descriptor.pubDID, "http://x.example.org/")
          yield link if link else = None
        </code></metaMaker>
      </datalinkCore></service></resource>""")
    with pytest.raises(RDError) as caught:
        load_rd_file(rd_file, "bad/q")
    assert "q.rd:5:" in str(caught.value) and "syntax error" in str(caught.value)
