"""Simple Cone Search 1.03 and the api renderer, through real clients (pyvo, STILTS)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest
import pyvo
from astropy.io.votable import parse_single_table

SCS = "/califa/q/cone/scs.xml"


def test_pyvo_cone_search_finds_the_galaxies_around_ngc_5947(server):
    service = pyvo.dal.SCSService(server.url + SCS)
    result = service.search(pos=(232.6525, 42.7171), radius=0.5)
    assert len(result) >= 1
    names = list(result["name"])
    assert "NGC 5947" in names
    # pyvo finds the positions and ids through the SCS 1.03 UCD1 words.
    assert result.fieldname_with_ucd("POS_EQ_RA_MAIN") == "ra"
    assert result.fieldname_with_ucd("ID_MAIN") == "califaid"
    distances = list(result["_r"])
    assert distances == sorted(distances) and distances[-1] <= 0.5


def test_verb_chooses_how_many_columns_come_back(server):
    widths = []
    for verb in (1, 2, 3):
        status, _, body = server.get(f"{SCS}?RA=232.65&DEC=42.72&SR=0.3&VERB={verb}")
        assert status == 200
        table = parse_single_table(io.BytesIO(body))
        widths.append(len(table.fields))
        names = [f.name for f in table.fields]
        assert {"califaid", "ra", "dec"} <= set(names)
    assert widths[0] < widths[1] < widths[2]


@pytest.mark.parametrize("query, message", [
    ("RA=232&DEC=42", "SR is missing"),
    ("RA=232&DEC=95&SR=1", "DEC must be at most 90"),
    ("RA=abc&DEC=42&SR=1", "RA must be a number, not 'abc'"),
    ("", "RA, DEC and SR are required"),
    ("RA=1&DEC=1&SR=1&VERB=7", "VERB must be 1, 2 or 3"),
])
def test_bad_cone_parameters_give_a_400_votable_with_an_error_info(server, query, message):
    status, headers, body = server.get(f"{SCS}?{query}")
    assert status == 400
    assert "votable" in headers["Content-Type"]
    text = body.decode()
    assert '<INFO name="Error" value=' in text and message in text


def test_pyvo_reports_the_servers_error_message(server):
    service = pyvo.dal.SCSService(server.url + SCS)
    with pytest.raises(pyvo.dal.DALQueryError) as info:
        service.search(pos=(232.6, 42.0), radius=0.5, verbosity=7)
    assert "VERB must be 1, 2 or 3" in str(info.value)


def test_maxrec_cuts_rows_and_says_overflow(server):
    status, _, body = server.get("/jplus/q/cone/api?RA=0.5&DEC=0.5&SR=3&MAXREC=7")
    assert status == 200
    table = parse_single_table(io.BytesIO(body))
    assert len(table.array) == 7
    text = body.decode("utf-8", "replace")
    assert text.rindex('name="QUERY_STATUS" value="OVERFLOW"') > text.index("</TABLE>")


def test_exactly_maxrec_rows_is_not_an_overflow(server):
    status, _, body = server.get("/califa/q/cone/api?RA=232.65&DEC=42.72&SR=0.5")
    n = len(parse_single_table(io.BytesIO(body)).array)
    status, _, body = server.get(f"/califa/q/cone/api?RA=232.65&DEC=42.72&SR=0.5&MAXREC={n}")
    assert b'value="OVERFLOW"' not in body and len(
        parse_single_table(io.BytesIO(body)).array) == n


def test_maxrec_zero_gives_the_fields_and_the_overflow_marker(server):
    status, _, body = server.get("/califa/q/cone/api?RA=232.65&DEC=42.72&SR=0.5&MAXREC=0")
    assert status == 200
    table = parse_single_table(io.BytesIO(body))
    assert len(table.array) == 0 and table.fields
    assert b'value="OVERFLOW"' in body


@pytest.mark.parametrize("fmt", ["csv", "json", "votable/td", "fits", "tsv"])
def test_the_api_speaks_every_response_format(server, fmt):
    status, headers, body = server.get(
        f"/jplus/q/cone/api?RA=0.5&DEC=0.5&SR=0.2&MAXREC=20&RESPONSEFORMAT={fmt}")
    assert status == 200, body[:300]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(body.decode())))
        assert rows[0][:2] == ["id", "tile_id"] and 1 < len(rows) <= 21
    elif fmt == "json":
        doc = json.loads(body)
        assert doc["columns"][0]["name"] == "id" and len(doc["data"]) <= 20
        flux = next(i for i, c in enumerate(doc["columns"]) if c["name"] == "flux")
        assert len(doc["data"][0][flux]) == 12
    elif fmt == "fits":
        from astropy.io import fits

        with fits.open(io.BytesIO(body)) as hdus:
            assert hdus[1].data["flux"].shape[1] == 12
    elif fmt == "tsv":
        assert body.split(b"\n")[0].split(b"\t")[:2] == [b"id", b"tile_id"]
    else:
        assert b"<TABLEDATA>" in body


def test_an_unknown_response_format_is_a_dali_error(server):
    status, _, body = server.get("/califa/q/cone/api?RA=1&DEC=1&SR=1&RESPONSEFORMAT=xls")
    assert status == 400
    assert b'<INFO name="QUERY_STATUS" value="ERROR">' in body and b"xls" in body


def test_form_results_come_as_votable_csv_and_json_too(server):
    status, headers, body = server.get(
        "/califa/q/cone/form?hscs_pos=NGC+5947&hscs_sr=30&RESPONSEFORMAT=votable")
    assert status == 200 and "votable" in headers["Content-Type"]
    assert "NGC 5947" in list(parse_single_table(io.BytesIO(body)).array["name"])


@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
def test_votlint_finds_no_errors_in_cone_results(server, tmp_path):
    for fmt in ("votable", "votable/td"):
        status, _, body = server.get(
            f"/jplus/q/cone/scs.xml?RA=0.5&DEC=0.5&SR=0.3&VERB=3&RESPONSEFORMAT={fmt}")
        assert status == 200
        path = tmp_path / "result.vot"
        path.write_bytes(body)
        result = subprocess.run(["stilts", "votlint", f"votable={path}"],
                                capture_output=True, text=True, timeout=120)
        errors = [line for line in (result.stdout + result.stderr).splitlines()
                  if "ERROR" in line.upper()]
        assert not errors, errors
