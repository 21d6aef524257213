"""Non-ASCII text comes back exactly, in every format and to every client (issue 9, item 1).

VOTable's ``char`` is ASCII: astropy (and so pyvo) refuses UTF-8 in a BINARY2
char column and STIL garbles it.  DR declares ``unicodeChar`` where text may
not be ASCII, so astropy, pyvo and STILTS read BINARY2, TABLEDATA, FITS (astropy),
CSV, TSV and JSON back exactly — characters beyond the BMP included.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import urllib.parse

import pytest
import pyvo
from astropy.io.votable import parse_single_table
from astropy.table import Table

TEXTS = {"a": "café", "b": "Ångström", "c": "東京", "d": "𝄞", "e": "plain"}
QUERY = ("SELECT TOP 1 " + ", ".join(f"'{text}' AS {name}" for name, text in TEXTS.items())
         + " FROM tap_schema.schemas")


def sync(server, responseformat: str = "") -> tuple[dict, bytes]:
    """The sync result of QUERY, asked for by GET (headers, body)."""
    params = {"LANG": "ADQL", "QUERY": QUERY}
    if responseformat:
        params["RESPONSEFORMAT"] = responseformat
    status, headers, body = server.get("/tap/sync?" + urllib.parse.urlencode(params))
    assert status == 200, body[:500]
    return {k.lower(): v for k, v in headers.items()}, body


def stilts_rows(tmp_path, body: bytes, suffix: str) -> list[dict[str, str]]:
    path = tmp_path / f"result.{suffix}"
    path.write_bytes(body)
    out = subprocess.run(["stilts", "tpipe", f"in={path}", "ofmt=csv"], capture_output=True,
                         timeout=120, check=True).stdout.decode("utf-8")
    return list(csv.DictReader(io.StringIO(out)))


@pytest.mark.parametrize("responseformat", ["", "votable/td"], ids=["binary2", "tabledata"])
def test_votables_declare_unicode_char_and_astropy_reads_them_back(server, responseformat):
    _, body = sync(server, responseformat)
    table = parse_single_table(io.BytesIO(body))
    datatypes = {f.name: f.datatype for f in table.fields}
    assert datatypes == {"a": "unicodeChar", "b": "unicodeChar", "c": "unicodeChar",
                         "d": "unicodeChar", "e": "char"}
    row = table.to_table()[0]
    assert {name: str(row[name]) for name in TEXTS} == TEXTS


@pytest.mark.parametrize("responseformat", ["", "votable/td"], ids=["binary2", "tabledata"])
def test_stilts_reads_the_votables_back_exactly(server, tmp_path, responseformat):
    _, body = sync(server, responseformat)
    assert stilts_rows(tmp_path, body, "vot") == [TEXTS]


def test_fits_keeps_utf8_which_astropy_reads_back_exactly(server):
    headers, body = sync(server, "fits")
    assert headers["content-type"] == "application/fits"
    table = Table.read(io.BytesIO(body), format="fits")
    assert {name: str(table[name][0]) for name in TEXTS} == TEXTS


@pytest.mark.parametrize("responseformat, delimiter", [("csv", ","), ("tsv", "\t")])
def test_csv_and_tsv_are_utf8_and_say_so(server, responseformat, delimiter):
    headers, body = sync(server, responseformat)
    assert "charset=utf-8" in headers["content-type"]
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline=""),
                               delimiter=delimiter))
    assert rows == [TEXTS]


def test_json_is_utf8_and_says_so(server):
    headers, body = sync(server, "json")
    assert headers["content-type"] == "application/json;charset=utf-8"
    document = json.loads(body.decode("utf-8"))
    names = [c["name"] for c in document["columns"]]
    assert dict(zip(names, document["data"][0])) == TEXTS
    assert {c["name"]: c["datatype"] for c in document["columns"]}["d"] == "unicodeChar"


def test_tap_schema_declares_free_text_unicode_and_names_char(server):
    query = ("SELECT column_name, datatype FROM tap_schema.columns WHERE table_name = "
             "'tap_schema.columns' AND column_name IN ('description', 'unit', 'column_name')")
    status, _, body = server.get("/tap/sync?" + urllib.parse.urlencode(
        {"LANG": "ADQL", "QUERY": query, "RESPONSEFORMAT": "csv"}))
    assert status == 200
    rows = dict(list(csv.reader(io.StringIO(body.decode("utf-8"))))[1:])
    assert rows == {"column_name": "char", "description": "unicodeChar",
                    "unit": "unicodeChar"}


def test_ascii_columns_of_the_demo_stay_char(server):
    status, _, body = server.get("/tap/tables")
    assert status == 200
    tables = body.decode("utf-8")
    califa = tables[tables.index("<name>califa.main</name>"):]
    name = califa[califa.index("<name>name</name>"):]
    assert name[:name.index("</dataType>")].endswith(">char")


def test_pyvo_run_sync_posts_non_ascii_and_reads_it_back(server):
    # pyvo posts the query urlencoded; this needs the server to decode such
    # bodies as UTF-8 (issue 9, item 1, first half).
    result = pyvo.dal.TAPService(server.url + "/tap").run_sync(QUERY)
    assert {name: str(result[name][0]) for name in TEXTS} == TEXTS
