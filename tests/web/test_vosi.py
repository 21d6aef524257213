"""VOSI endpoints of a service validate against the IVOA schemas."""

from __future__ import annotations

from tests.web.schemata import assert_valid


def test_availability_says_available(server, shared):
    status, headers, body = server.get("/califa/q/cone/availability")
    assert status == 200 and "xml" in headers["Content-Type"]
    tree = assert_valid(body, "VOSIAvailability.xsd")
    assert tree[0].text == "true"


def test_capabilities_declare_cone_search_form_and_vosi(server, shared):
    status, _, body = server.get("/califa/q/cone/capabilities")
    assert status == 200
    tree = assert_valid(body, "VOSICapabilities.xsd", "VODataService.xsd",
                        "ConeSearch.xsd")
    ids = [c.get("standardID") for c in tree.findall("capability")]
    assert "ivo://ivoa.net/std/ConeSearch" in ids
    assert "ivo://ivoa.net/std/VOSI#availability" in ids
    cone = next(c for c in tree.findall("capability")
                if c.get("standardID") == "ivo://ivoa.net/std/ConeSearch")
    assert cone.find("interface/accessURL").text.endswith("/califa/q/cone/scs.xml?")
    assert cone.find("testQuery/ra").text == "232.6525"
    assert [p.findtext("name") for p in cone.findall("interface/param")] == \
        ["RA", "DEC", "SR"]


def test_tables_describe_the_queried_table(server, shared):
    status, _, body = server.get("/califa/q/cone/tables")
    assert status == 200
    tree = assert_valid(body, "VOSITables.xsd", "VODataService.xsd")
    names = [c.findtext("name") for c in tree.iter("column")]
    assert names[:3] == ["califaid", "name", "ongcname"]
    ra = next(c for c in tree.iter("column") if c.findtext("name") == "ra")
    assert ra.findtext("unit") == "deg" and "indexed" in [f.text for f in ra.findall("flag")]
