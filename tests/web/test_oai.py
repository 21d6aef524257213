"""The publishing registry at /oai.xml: OAI-PMH 2.0 with VOResource records, harvested
by Sickle (a harvester from PyPI), validated against the OAI-PMH and VOResource
schemas, with ``dr pub`` and ``dr pub -u`` deciding what is registered.

The server serves the demo's RDs that register something (califa, califa/cubes,
califa/spectra, jplus, jplus/images, as the demo does); pages hold two records,
so every list needs resumption tokens.
"""

from __future__ import annotations

import datetime
import time
import urllib.parse
from collections.abc import Iterator

import pytest
import requests
from lxml import etree

from tests.servers import Server, start_server, stop_server
from tests.support import run_dr, wait_until
from tests.web.schemata import assert_valid

OAI = "http://www.openarchives.org/OAI/2.0/"
NS = {"oai": OAI, "ri": "http://www.ivoa.net/xml/RegistryInterface/v1.0",
      "dc": "http://purl.org/dc/elements/1.1/"}
SCHEMATA = ("OAI-PMH.xsd", "RegistryInterface.xsd", "VORegistry.xsd",
            "VODataService.xsd", "ConeSearch.xsd", "TAPRegExt.xsd", "SIA.xsd",
            "SSA.xsd", "oai_dc.xsd")
AUTHORITY = "org.example.drtest"
CONE_IDS = {f"ivo://{AUTHORITY}/califa/q/cone", f"ivo://{AUTHORITY}/jplus/q/cone"}
TABLE_ID = f"ivo://{AUTHORITY}/califa/q/main"
COLLECTION_ID = f"ivo://{AUTHORITY}/califa/cubes/import"
SIA_ID = f"ivo://{AUTHORITY}/jplus/images/web"
SITE_IDS = {f"ivo://{AUTHORITY}", f"ivo://{AUTHORITY}/registry", f"ivo://{AUTHORITY}/tap"}


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory) -> Iterator[Server]:
    server = start_server(pg_cluster.dsn, tmp_path_factory.mktemp("oai"), "web_oai",
                          more=f"[ivoa]\nauthority = {AUTHORITY}\noaiPageSize = 2\n"
                               "publisher = DR test site\n"
                               "contactEmail = registry@example.org\n",
                          imports=("califa", "jplus", "califa/cubes", "jplus/images",
                                   "califa/spectra"))
    result = run_dr("pub", "califa/q", "jplus/q", "califa/cubes", "jplus/images",
                    "califa/spectra", config=server.config)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("published ivo://") == 7  # 2 + 1 + 2 + 1 + 1
    yield server
    stop_server(server, pg_cluster.dsn, "web_oai")


def oai(site: Server, **args: str) -> etree._Element:
    response = requests.get(site.url + "/oai.xml", params=args, timeout=60)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    return assert_valid(response.content, *SCHEMATA)


def error_code(tree: etree._Element) -> str | None:
    error = tree.find("oai:error", NS)
    return None if error is None else error.get("code")


def test_identify_names_the_repository(site, shared):
    tree = oai(site, verb="Identify")
    identify = tree.find("oai:Identify", NS)
    assert identify.findtext("oai:baseURL", namespaces=NS) == site.url + "/oai.xml"
    assert identify.findtext("oai:adminEmail", namespaces=NS) == "registry@example.org"
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "persistent"
    assert identify.findtext("oai:protocolVersion", namespaces=NS) == "2.0"


def test_sickle_harvests_every_record_across_resumption_tokens(site, shared):
    from sickle import Sickle

    harvester = Sickle(site.url + "/oai.xml")
    found = {}
    for record in harvester.ListRecords(metadataPrefix="ivo_vor", set="ivo_managed"):
        resource = record.xml.find(".//ri:Resource", NS)
        found[record.header.identifier] = resource
    assert set(found) >= CONE_IDS | SITE_IDS | {TABLE_ID}
    types = {ivoid: r.get("{http://www.w3.org/2001/XMLSchema-instance}type")
             for ivoid, r in found.items()}
    assert types[f"ivo://{AUTHORITY}/registry"] == "vg:Registry"
    assert types[f"ivo://{AUTHORITY}"] == "vg:Authority"
    sia = found[SIA_ID].find("capability[@standardID='ivo://ivoa.net/std/SIA']")
    assert sia.get("{http://www.w3.org/2001/XMLSchema-instance}type") == \
        "sia:SimpleImageAccess"
    assert sia.findtext("testQuery/pos/long") == "0.05"  # from testQuery.pos.ra
    spectra = found[f"ivo://{AUTHORITY}/califa/spectra/ssa"]
    assert spectra.find("capability[@standardID='ivo://ivoa.net/std/SSA']").get(
        "{http://www.w3.org/2001/XMLSchema-instance}type") == "ssa:SimpleSpectralAccess"
    cone = found[f"ivo://{AUTHORITY}/califa/q/cone"]
    assert cone.findtext("curation/publisher") == "DR test site"
    standards = {c.get("standardID") for c in cone.findall("capability")}
    assert "ivo://ivoa.net/std/ConeSearch" in standards
    urls = {u.text for u in cone.iter("accessURL")}
    assert site.url + "/califa/q/cone/scs.xml?" in urls
    tap = found[f"ivo://{AUTHORITY}/tap"]
    assert "ivo://ivoa.net/std/TAP" in {c.get("standardID") for c in tap.findall(
        "capability")}
    table = found[TABLE_ID]
    assert types[TABLE_ID] == "vs:CatalogResource"
    assert table.findtext("tableset/schema/table/name") == "califa.main"
    assert "califaid" in {c.text for c in table.iterfind("tableset/schema/table/column/name")}
    relations = {(r.findtext("relationshipType"), r.find("relatedResource").get("ivo-id"))
                 for r in table.iterfind("content/relationship")}
    assert relations == {("IsServedBy", f"ivo://{AUTHORITY}/califa/q/cone"),
                         ("IsServedBy", f"ivo://{AUTHORITY}/tap")}
    assert ("IsServiceFor", TABLE_ID) in {
        (r.findtext("relationshipType"), r.find("relatedResource").get("ivo-id"))
        for r in cone.iterfind("content/relationship")}
    identifiers = [h.identifier for h in harvester.ListIdentifiers(metadataPrefix="oai_dc")]
    assert set(identifiers) == set(found) and len(identifiers) == len(set(identifiers))


def test_every_page_validates_and_dublin_core_too(site, shared):
    tree = oai(site, verb="ListRecords", metadataPrefix="oai_dc")
    pages = 1
    while True:
        token = tree.findtext(".//oai:resumptionToken", namespaces=NS)
        if not token:
            break
        tree = oai(site, verb="ListRecords", resumptionToken=token)
        pages += 1
    assert pages >= 3
    record = oai(site, verb="GetRecord", metadataPrefix="oai_dc",
                 identifier=f"ivo://{AUTHORITY}/califa/q/cone")
    assert record.findtext(".//dc:publisher", namespaces=NS) == "DR test site"


@pytest.mark.parametrize("args, code", [
    ({}, "badVerb"),
    ({"verb": "Harvest"}, "badVerb"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "Identify", "set": "x"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "ivo_vor", "from": "yesterday"},
     "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "ivo_vor", "from": "2020-01-01",
      "until": "2020-01-02T00:00:00Z"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "ivo_vor", "from": "2021-01-01",
      "until": "2020-01-01"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "ivo_vor", "identifier": "ivo://x/y"},
     "idDoesNotExist"),
    ({"verb": "ListMetadataFormats", "identifier": "ivo://x/y"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "resumptionToken": "forged.token"}, "badResumptionToken"),
    ({"verb": "ListRecords", "metadataPrefix": "ivo_vor", "set": "nosuch"},
     "noRecordsMatch"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "ivo_vor", "from": "2999-01-01"},
     "noRecordsMatch"),
])
def test_bad_requests_get_the_protocols_error_codes(site, shared, args, code):
    tree = oai(site, **args)
    assert error_code(tree) == code
    if code in ("badVerb", "badArgument"):
        assert not tree.find("oai:request", NS).attrib  # echoes no arguments then


def test_a_repeated_argument_and_a_tampered_token_are_refused(site, shared):
    response = requests.get(site.url + "/oai.xml?verb=Identify&verb=Identify", timeout=60)
    assert error_code(etree.fromstring(response.content)) == "badArgument"
    first = oai(site, verb="ListIdentifiers", metadataPrefix="ivo_vor")
    token = first.findtext(".//oai:resumptionToken", namespaces=NS)
    body, _, mac = token.partition(".")
    tampered = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + mac
    assert error_code(oai(site, verb="ListIdentifiers", resumptionToken=tampered)) == \
        "badResumptionToken"
    assert error_code(oai(site, verb="ListRecords", resumptionToken=token)) == \
        "badResumptionToken"  # a ListIdentifiers token
    assert error_code(oai(site, verb="ListIdentifiers", resumptionToken=token)) is None


def datestamps(site: Server) -> dict[str, tuple[str, str | None]]:
    """identifier -> (datestamp, status) of every header, all pages."""
    out = {}
    args = {"verb": "ListIdentifiers", "metadataPrefix": "ivo_vor"}
    while True:
        tree = oai(site, **args)
        for header in tree.iter(f"{{{OAI}}}header"):
            out[header.findtext("oai:identifier", namespaces=NS)] = (
                header.findtext("oai:datestamp", namespaces=NS), header.get("status"))
        token = tree.findtext(".//oai:resumptionToken", namespaces=NS)
        if not token:
            return out
        args = {"verb": "ListIdentifiers", "resumptionToken": token}


def wait_for_the_next_second() -> None:
    """Sleep until the clock has passed a whole second: datestamps have seconds, so
    whatever is stamped after this is stamped later than anything before."""
    time.sleep(1.01 - time.time() % 1)


def test_a_reload_keeps_datestamps_and_withdrawal_is_harvested_as_deleted(site, shared):
    before = datestamps(site)
    log = site.state / "log" / "error.log"
    loads = log.read_text().count("loaded ")
    assert run_dr("serve", "reload", config=site.config).returncode == 0
    assert wait_until(lambda: log.read_text().count("loaded ") > loads)
    assert datestamps(site) == before  # nothing changed: nothing new to harvest
    wait_for_the_next_second()
    since = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    ivoid = f"ivo://{AUTHORITY}/jplus/q/cone"
    try:
        result = run_dr("pub", "-u", "jplus/q", config=site.config)
        assert result.returncode == 0 and f"withdrew {ivoid}" in result.stdout
        tree = oai(site, verb="ListIdentifiers", metadataPrefix="ivo_vor", **{"from": since})
        headers = tree.findall(".//oai:header", NS)
        assert [h.findtext("oai:identifier", namespaces=NS) for h in headers] == [ivoid]
        assert headers[0].get("status") == "deleted"
        record = oai(site, verb="GetRecord", metadataPrefix="ivo_vor", identifier=ivoid)
        assert record.find(".//oai:metadata", NS) is None
        page = requests.get(site.url + "/registry", params={"ivoid": ivoid}, timeout=60)
        assert page.status_code == 410 and "withdrawn" in page.text
    finally:
        assert run_dr("pub", "jplus/q", config=site.config).returncode == 0
    assert datestamps(site)[ivoid][1] is None  # active again


def test_the_root_page_links_registered_resources_to_their_records(site, shared):
    log = site.state / "log" / "error.log"
    loads = log.read_text().count("loaded ")
    assert run_dr("serve", "reload", config=site.config).returncode == 0
    assert wait_until(lambda: log.read_text().count("loaded ") > loads)
    page = requests.get(site.url + "/", timeout=60).text
    tree = etree.HTML(page)
    links = {a.text: a.get("href") for a in tree.iterfind(".//a[@class='registry']")}
    assert set(links) >= {f"ivo://{AUTHORITY}/califa/q/cone", TABLE_ID}
    page = etree.HTML(requests.get(site.url + links[TABLE_ID], timeout=60).text)
    assert page.findtext(".//p[@class='ivoid']/code") == TABLE_ID
    assert "califa.main" in [a.text for a in page.iterfind(".//ul[@class='tables']//a")]
    xml_link = page.find(".//a[@class='record-xml']").get("href")
    record = oai(site, **dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(xml_link).query)))
    assert record.findtext(".//oai:identifier", namespaces=NS) == TABLE_ID
    index = etree.HTML(requests.get(site.url + "/registry", timeout=60).text)
    listed = {a.text for a in index.iterfind(".//table[@class='records']//a")}
    assert listed >= SITE_IDS | CONE_IDS | {TABLE_ID}
    for ivoid in sorted(listed):  # every page renders
        response = requests.get(site.url + "/registry", params={"ivoid": ivoid},
                                timeout=60)
        assert response.status_code == 200, (ivoid, response.text[:300])
    for ivoid, status in ((f"ivo://{AUTHORITY}/nosuch", 404), ("not an ivoid", 404)):
        assert requests.get(site.url + "/registry", params={"ivoid": ivoid},
                            timeout=60).status_code == status


def test_a_record_that_cannot_be_written_leaves_the_others_harvestable(site, shared):
    """As when an RD broke after dr pub: its record is missing from lists, and
    GetRecord says it cannot be written; everything else is harvested."""
    import psycopg2

    from engine.registry import oai as protocol
    from engine.registry.records import Site

    broken = f"ivo://{AUTHORITY}/califa/q/cone"
    site_info = Site(AUTHORITY, site.url, "DR test site", "DR test site",
                     "registry@example.org", 1000)

    def record_of(entry):
        if entry.ivoid == broken:
            return None
        return etree.fromstring(requests.get(
            site.url + "/oai.xml", params={"verb": "GetRecord", "metadataPrefix": "ivo_vor",
                                           "identifier": entry.ivoid},
            timeout=60).content).find(".//ri:Resource", NS)

    conn = psycopg2.connect(site.dsn)
    try:
        with conn.cursor() as cur:
            repository = protocol.Repository(cur, site_info, record_of, b"k" * 32)
            listed = etree.fromstring(protocol.answer(
                repository, [("verb", "ListRecords"), ("metadataPrefix", "ivo_vor")]))
            single = etree.fromstring(protocol.answer(
                repository, [("verb", "GetRecord"), ("metadataPrefix", "ivo_vor"),
                             ("identifier", broken)]))
    finally:
        conn.close()
    identifiers = {h.findtext("oai:identifier", namespaces=NS)
                   for h in listed.iter(f"{{{OAI}}}header")}
    assert broken not in identifiers and TABLE_ID in identifiers
    assert error_code(single) == "idDoesNotExist"


def test_a_page_of_unwritable_records_moves_on_to_the_next(site, shared):
    """Pages of one record: the first few cannot be written, so the first answer
    skips ahead to one that can (an empty list would be invalid); when none can,
    the answer is noRecordsMatch."""
    import psycopg2

    from engine.registry import oai as protocol
    from engine.registry.records import Site

    one_per_page = Site(AUTHORITY, site.url, "DR test site", "DR test site",
                        "registry@example.org", 1)

    def answer(record_of) -> etree._Element:
        conn = psycopg2.connect(site.dsn)
        try:
            with conn.cursor() as cur:
                repository = protocol.Repository(cur, one_per_page, record_of, b"k" * 32)
                return assert_valid(protocol.answer(repository, [
                    ("verb", "ListRecords"), ("metadataPrefix", "ivo_vor")]), *SCHEMATA)
        finally:
            conn.close()

    stamps = datestamps(site)
    live = sorted((i for i in stamps if stamps[i][1] is None), key=lambda i: (stamps[i][0], i))
    wanted = live[3]
    real = oai(site, verb="GetRecord", metadataPrefix="ivo_vor",
               identifier=wanted).find(".//ri:Resource", NS)
    tree = answer(lambda entry: real if entry.ivoid == wanted else None)
    first = [h.findtext("oai:identifier", namespaces=NS)
             for h in tree.iter(f"{{{OAI}}}header") if h.get("status") != "deleted"]
    assert first == [wanted]
    assert error_code(answer(lambda entry: None)) == "noRecordsMatch"



def reload(site: Server) -> None:
    log = site.state / "log" / "error.log"
    loads = log.read_text().count("loaded ")
    assert run_dr("serve", "reload", config=site.config).returncode == 0
    assert wait_until(lambda: log.read_text().count("loaded ") > loads)


def test_dr_limits_gives_the_records_their_coverage_and_the_form_its_hints(site, shared):
    """The coverage is measured from the rows: mocpy (from PyPI) reads the MOC and
    finds every galaxy in it; only the records it changes get a new datestamp."""
    import psycopg2
    from astropy import units as u
    from mocpy import MOC

    reload(site)  # the digests of what dr pub registered are noted at a load
    before = datestamps(site)
    wait_for_the_next_second()
    result = run_dr("limits", "califa/q", config=site.config)
    assert result.returncode == 0, result.stderr
    assert "califa.main: 2,981 rows, MOC of order 6" in result.stdout
    reload(site)
    after = datestamps(site)
    changed = {ivoid for ivoid in after if after[ivoid] != before.get(ivoid)}
    assert changed == {TABLE_ID, f"ivo://{AUTHORITY}/califa/q/cone"}
    for ivoid in (TABLE_ID, f"ivo://{AUTHORITY}/califa/q/cone"):
        record = oai(site, verb="GetRecord", metadataPrefix="ivo_vor", identifier=ivoid)
        coverage = record.find(".//ri:Resource/coverage", NS)
        assert [w.text for w in coverage.iterfind("waveband")] == ["Optical", "Infrared"]
        moc = MOC.from_str(coverage.findtext("spatial"))
        assert moc.max_order == 6
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT ra, dec FROM califa.main")
        ra, dec = zip(*cur.fetchall(), strict=True)
        cur.execute("SELECT DISTINCT hubtype FROM califa.main WHERE hubtype IS NOT NULL")
        types = sorted(r[0] for r in cur.fetchall())
    assert moc.contains_lonlat(ra * u.deg, dec * u.deg).all()
    assert moc.sky_fraction < 0.1
    page = etree.HTML(requests.get(site.url + "/registry", params={"ivoid": TABLE_ID},
                                   timeout=60).text)
    facts = dict(zip((dt.text for dt in page.iterfind(".//dl[@class='coverage']/dt")),
                     (dd.text for dd in page.iterfind(".//dl[@class='coverage']/dd")),
                     strict=True))
    assert facts["Messengers"] == "Optical, Infrared"
    assert facts["Sky"].endswith("of the sky (a MOC of order 6)")
    form = etree.HTML(requests.get(site.url + "/califa/q/cone/form", timeout=60).text)
    hints = [" ".join(h.itertext()) for h in form.iterfind(".//span[@class='hint']")]
    assert any(h.startswith("in the data: ") and "most between" in h for h in hints)
    offered = [o.get("value") or o.text
               for o in form.iterfind(".//select[@name='hubtype']/option")]
    assert offered == types  # the types dr limits found
    for value, expected in (("S0", {"S0"}), ("SBb*", {"SBb", "SBbc"})):
        rows = requests.get(site.url + "/califa/q/cone/api", timeout=60, params={
            "RA": "0", "DEC": "0", "SR": "180", "hubtype": value,
            "RESPONSEFORMAT": "json", "MAXREC": "5000"}).json()
        column = [c["name"] for c in rows["columns"]].index("hubtype")
        assert {r[column] for r in rows["data"]} == expected  # offered, not enforced


@pytest.mark.filterwarnings("ignore:.*Unknown element")  # pyvo skips param details
def test_records_say_what_vosi_says_and_pyvo_reads_them(site, shared):
    """A service record's capabilities are those its VOSI endpoint lists (the same
    XML), and pyvo's VOSI parsers read a record's capabilities and tableset."""
    import io

    from pyvo.io.vosi import parse_capabilities, parse_tables

    vosi_ns = {"vosi": "http://www.ivoa.net/xml/VOSICapabilities/v1.0",
               "vtm": "http://www.ivoa.net/xml/VOSITables/v1.0"}

    def canonical(el: etree._Element) -> str:
        return etree.tostring(etree.fromstring(etree.tostring(el)), method="c14n2",
                              strip_text=True).decode()

    cone = oai(site, verb="GetRecord", metadataPrefix="ivo_vor",
               identifier=f"ivo://{AUTHORITY}/califa/q/cone").find(".//ri:Resource", NS)
    vosi = etree.fromstring(requests.get(site.url + "/califa/q/cone/capabilities",
                                         timeout=60).content)
    served = {canonical(c) for c in vosi.iterfind("capability")}
    recorded = cone.findall("capability")
    assert recorded and {canonical(c) for c in recorded} <= served
    wrapper = etree.Element(f"{{{vosi_ns['vosi']}}}capabilities", nsmap={
        "vosi": vosi_ns["vosi"], **{k: v for k, v in cone.nsmap.items() if k}})
    wrapper.extend(recorded)
    capabilities = parse_capabilities(io.BytesIO(etree.tostring(wrapper)))
    assert "ivo://ivoa.net/std/conesearch" in {
        (c.standardid or "").lower() for c in capabilities}

    table = oai(site, verb="GetRecord", metadataPrefix="ivo_vor",
                identifier=TABLE_ID).find(".//ri:Resource", NS)
    tableset = etree.Element(f"{{{vosi_ns['vtm']}}}tableset", nsmap={
        "vtm": vosi_ns["vtm"], **{k: v for k, v in table.nsmap.items() if k}})
    tableset.extend(table.find("tableset"))
    parsed = parse_tables(io.BytesIO(etree.tostring(tableset)))
    main = parsed.get_table_by_name("califa.main")
    assert "califaid" in {c.name for c in main.columns}


def test_a_data_element_is_registered_as_one_collection(site, shared):
    """califa/cubes publishes its cube import: one vs:CatalogResource with the
    tableset of what it makes, served by the (registered) form and TAP, with the
    time and spectral coverage dr limits measured."""
    result = run_dr("limits", "califa/cubes", config=site.config)
    assert result.returncode == 0, result.stderr
    reload(site)
    record = oai(site, verb="GetRecord", metadataPrefix="ivo_vor",
                 identifier=COLLECTION_ID).find(".//ri:Resource", NS)
    assert record.get("{http://www.w3.org/2001/XMLSchema-instance}type") == \
        "vs:CatalogResource"
    assert record.findtext("title") == "CALIFA-like datacube collection (synthetic)"
    assert [t.text for t in record.iterfind("tableset/schema/table/name")] == \
        ["califa_cubes.cubes"]
    related = {(r.findtext("relationshipType"), r.find("relatedResource").get("ivo-id"))
               for r in record.iterfind("content/relationship")}
    assert related == {("IsServedBy", f"ivo://{AUTHORITY}/califa/cubes/web"),
                       ("IsServedBy", f"ivo://{AUTHORITY}/tap"),
                       ("IsDerivedFrom", TABLE_ID)}  # DaCHS's relationship meta
    temporal = [float(x) for x in record.findtext("coverage/temporal").split()]
    spectral = [float(x) for x in record.findtext("coverage/spectral").split()]
    assert 55000 < temporal[0] < temporal[1] < 58000  # MJDs of the synthetic nights
    wavelengths = sorted(6.62607015e-34 * 299792458 / e for e in spectral)
    assert wavelengths == pytest.approx([3.65e-7, 7.5e-7], rel=0.01)  # V1200, V500
    web = oai(site, verb="GetRecord", metadataPrefix="ivo_vor",
              identifier=f"ivo://{AUTHORITY}/califa/cubes/web")
    assert ("IsServiceFor", COLLECTION_ID) in {
        (r.findtext("relationshipType"), r.find("relatedResource").get("ivo-id"))
        for r in web.iterfind(".//content/relationship")}
    page = etree.HTML(requests.get(site.url + "/registry", params={"ivoid": COLLECTION_ID},
                                   timeout=60).text)
    assert "Data collection" in "".join(page.find(".//p[@class='ivoid']").itertext())


OAI_ARGUMENTS = ["verb", "metadataPrefix", "identifier", "set", "from", "until",
                 "resumptionToken", "Verb", "x"]
OAI_VALUES = ["Identify", "ListRecords", "ListIdentifiers", "GetRecord", "ListSets",
              "ListMetadataFormats", "ivo_vor", "oai_dc", "ivo_managed", "local",
              TABLE_ID, "ivo://x/y", "2020-01-01", "2020-01-01T00:00:00Z", "9999-12-31",
              "", "é", "%00", "0" * 300]


def test_any_arguments_get_a_valid_oai_pmh_answer(site, shared):
    """Whatever the (UTF-8) arguments, the answer is a 200 with a schema-valid
    OAI-PMH document (an error in the protocol's words at worst), never a server
    error.  Arguments that are not UTF-8 are no OAI-PMH request: a 400."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
    arguments = st.lists(st.tuples(st.sampled_from(OAI_ARGUMENTS), st.one_of(
        st.sampled_from(OAI_VALUES), text)), max_size=5)

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(arguments, st.booleans())
    def check(pairs, post):
        body = urllib.parse.urlencode(pairs)
        if post:
            response = requests.post(site.url + "/oai.xml", data=body, timeout=60, headers={
                "Content-Type": "application/x-www-form-urlencoded"})
        else:
            response = requests.get(f"{site.url}/oai.xml?{body}", timeout=60)
        assert response.status_code == 200, response.text[:300]
        assert_valid(response.content, *SCHEMATA)

    check()
    response = requests.get(site.url + "/oai.xml?verb=%FF", timeout=60)
    assert response.status_code == 400 and "UTF-8" in response.text


@pytest.mark.parametrize("query", [
    "%1F=&%1F=", "verb=%1F", "verb=GetRecord&metadataPrefix=ivo_vor&identifier=ivo://x/%1F"])
def test_control_characters_in_arguments_get_an_oai_error_not_a_500(site, query):
    response = requests.get(f"{site.url}/oai.xml?{query}", timeout=60)
    assert response.status_code == 200, response.text[:300]
    assert "<oai:error" in response.text
    assert "U+001F" in response.text or "\\x1f" in response.text
    assert_valid(response.content, *SCHEMATA)
