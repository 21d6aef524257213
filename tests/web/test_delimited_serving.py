"""Delimited column names (DaCHS's ``quoted/B-V``) through a real ``dr serve``: TAP
finds them as ADQL delimited identifiers and every output format names them
exactly; TAP_SCHEMA and VOSI spell them as ADQL must write them; a form and a
cone search query and return them.

The RD is tests/ingest/delimited_rd.py, in a test-only inputs directory.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse

import pytest
import pyvo
from astropy.io import fits
from astropy.io.votable import parse_single_table

from tests.ingest.delimited_rd import write_delimited
from tests.servers import start_server, stop_server

NAMES = ["Star ID", "B-V", "Mixed Case", "select"]
QUERY = 'SELECT "Star ID", "B-V", "Mixed Case", "select" FROM colours.stars ' \
        'ORDER BY "Star ID"'


@pytest.fixture(scope="module")
def server(pg_cluster, tmp_path_factory):
    home = tmp_path_factory.mktemp("delimited")
    write_delimited(home / "inputs")
    srv = start_server(pg_cluster.dsn, home, "web_delimited", imports=("colours",),
                       inputs=home / "inputs")
    yield srv
    stop_server(srv, pg_cluster.dsn, "web_delimited")


def _sync(server, query: str, fmt: str) -> bytes:
    status, _, body = server.get("/tap/sync?" + urllib.parse.urlencode(
        {"LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": fmt}))
    assert status == 200, body
    return body


def test_tap_returns_delimited_columns_under_their_names(server):
    result = pyvo.dal.TAPService(server.url + "/tap").run_sync(QUERY).to_table()
    assert result.colnames == NAMES
    assert [list(result[name]) for name in NAMES] == [
        [1, 2, 3], pytest.approx([0.65, -0.2, 1.5]), ["Sun Like", "Hot One", "Åsa"],
        [10, 20, 30]]
    star = pyvo.dal.TAPService(server.url + "/tap").run_sync(
        'SELECT * FROM colours.stars WHERE "Mixed Case" = \'Hot One\'').to_table()
    assert star.colnames == ["Star ID", "ra", "dec", "B-V", "Mixed Case", "select",
                             "vmag"]


def test_wrong_case_of_a_delimited_name_is_an_unknown_column(server):
    status, _, body = server.get("/tap/sync?" + urllib.parse.urlencode(
        {"LANG": "ADQL", "QUERY": 'SELECT "b-v" FROM colours.stars'}))
    assert status == 400 and b"unknown column" in body


@pytest.mark.parametrize("fmt", ["votable", "votable/td", "votable/b2"])
def test_votables_name_the_fields_exactly(server, fmt):
    table = parse_single_table(io.BytesIO(_sync(server, QUERY, fmt)))
    assert [f.name for f in table.fields] == NAMES
    assert list(table.array["Mixed Case"]) == ["Sun Like", "Hot One", "Åsa"]


def test_csv_and_tsv_headers_name_the_columns(server):
    csv = _sync(server, QUERY, "csv").decode()
    assert csv.splitlines()[:2] == ["Star ID,B-V,Mixed Case,select",
                                    "1,0.65,Sun Like,10"]
    tsv = _sync(server, QUERY, "tsv").decode()
    assert tsv.splitlines()[0] == "Star ID\tB-V\tMixed Case\tselect"


def test_json_names_the_columns(server):
    doc = json.loads(_sync(server, QUERY, "json"))
    assert [c["name"] for c in doc["columns"]] == NAMES
    assert doc["data"][1] == [2, pytest.approx(-0.2), "Hot One", 20]


def test_fits_ttypes_name_the_columns(server):
    with fits.open(io.BytesIO(_sync(server, QUERY, "fits"))) as hdus:
        assert hdus[1].columns.names == NAMES
        assert list(hdus[1].data["select"]) == [10, 20, 30]


def test_html_heads_name_the_columns(server):
    html = _sync(server, QUERY, "html").decode()
    heads = re.findall(r"<th(?: [^>]*)?>(.*?)</th>", html)
    assert heads == ["Star ID", "B-V [mag]", "Mixed Case", "select"]


def test_tap_schema_column_names_are_what_adql_must_write(server):
    tap = pyvo.dal.TAPService(server.url + "/tap")
    written = list(tap.run_sync(
        "SELECT column_name FROM tap_schema.columns WHERE table_name = 'colours.stars' "
        "ORDER BY column_index").to_table()["column_name"])
    assert written == ['"Star ID"', "ra", "dec", '"B-V"', '"Mixed Case"', '"select"',
                       "vmag"]
    for name in written:  # each one, as written, selects its column
        result = tap.run_sync(f"SELECT {name} FROM colours.stars").to_table()
        assert result.colnames == [name.strip('"')]


def test_vosi_tables_spell_delimited_names_for_adql(server):
    status, _, body = server.get("/tap/tables")
    assert status == 200
    text = body.decode()
    for name in ('"Star ID"', '"B-V"', '"Mixed Case"', '"select"'):
        assert f"<name>{name}</name>" in text
    assert "<fromColumn>\"Star ID\"</fromColumn>" in text
    status, _, body = server.get("/colours/q/cone/tables")
    assert status == 200 and "<name>\"B-V\"</name>" in body.decode()


def test_a_form_queries_delimited_columns(server):
    status, _, body = server.get("/colours/q/cone/form")
    page = body.decode()
    assert status == 200
    assert 'id="f_B-V" name="B-V"' in page
    assert 'id="f_Mixed_20_Case" name="Mixed Case"' in page
    status, _, body = server.get("/colours/q/cone/form?B-V=%3E1&_run=1")
    page = body.decode()
    assert status == 200, page
    assert "Åsa" in page and "Sun Like" not in page
    assert "B-V colour" in page  # the column's tablehead heads its column
    status, _, body = server.get("/colours/q/cone/form?Mixed+Case=Hot+One&_run=1"
                                 "&RESPONSEFORMAT=csv")
    assert status == 200
    lines = body.decode().splitlines()
    assert lines[0].split(",")[:4] == ["Star ID", "ra", "dec", "B-V"]
    assert "Mixed Case" in lines[0] and lines[1].startswith("2,")


def test_a_form_with_output_fields_naming_delimited_columns(server):
    status, _, body = server.get("/colours/q/picked/form?select=30&_run=1"
                                 "&RESPONSEFORMAT=csv")
    assert status == 200, body
    assert body.decode().splitlines() == ["Star ID,B-V,Mixed Case,select",
                                          "3,1.5,Åsa,30"]
    status, _, body = server.get("/colours/q/picked/form?select=30&_run=1")
    assert ">Colour" in body.decode() and ">Sel<" in body.decode()


def test_a_cone_search_returns_and_filters_delimited_columns(server):
    status, _, body = server.get("/colours/q/cone/scs.xml?RA=10&DEC=20&SR=1")
    assert status == 200
    table = parse_single_table(io.BytesIO(body))
    names = [f.name for f in table.fields]
    assert names[:7] == ["Star ID", "ra", "dec", "B-V", "Mixed Case", "select", "vmag"]
    assert sorted(table.array["Star ID"]) == [1, 2]
    status, _, body = server.get("/colours/q/cone/scs.xml?RA=10&DEC=20&SR=1&B-V=%3C0")
    assert status == 200
    assert list(parse_single_table(io.BytesIO(body)).array["Star ID"]) == [2]
