"""Browser pages: the root page, table pages, the form; errors as pages, never tracebacks."""

from __future__ import annotations

import json
import re


def test_the_root_page_lists_services_with_their_descriptions(server):
    status, headers, body = server.get("/")
    text = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "CALIFA-like galaxies: search by position, name and properties" in text
    assert "Find galaxies of the sample around a position" in text
    assert 'href="/califa/q/cone/form"' in text and 'href="/califa/q/cone/scs.xml"' in text
    assert 'href="/tableinfo/califa.main"' in text and "2,981 rows" in text


def test_a_table_page_shows_columns_units_ucds_and_provenance(server):
    status, _, body = server.get("/tableinfo/califa.main")
    text = body.decode()
    assert status == 200
    assert "redshift" in text and "src.redshift" in text and "Heliocentric redshift" in text
    assert "<td>arcmin</td>" in text
    assert "Provenance of the data" in text
    assert "Approved for the collaboration by" in text and "Version" in text


def test_unknown_paths_and_tables_are_404_pages(server):
    for path in ("/nothing/here/form", "/tableinfo/califa.nope", "/califa/q/cone/ssap.xml"):
        status, headers, body = server.get(path)
        assert status == 404, path
        assert headers["Content-Type"].startswith("text/html")
        assert b"Traceback" not in body


def test_the_bare_service_url_redirects_to_its_form(server):
    status, _, body = server.get("/califa/q/cone")
    assert status == 200 and b'<form class="query"' in body


def test_the_form_finds_a_galaxy_by_name_resolved_locally(server):
    status, _, body = server.get("/califa/q/cone/form?hscs_pos=NGC+5947&hscs_sr=2")
    text = body.decode()
    assert status == 200, text
    assert "NGC 5947" in text
    assert re.search(r"Rows 1–\d+", text)
    # The nearest galaxy comes first, at distance 0.
    first_row = text.split("<tbody>")[1].split("</tr>")[0]
    assert "NGC 5947" in first_row


def test_the_form_explains_bad_input_with_a_400(server):
    status, _, body = server.get("/califa/q/cone/form?redshift=fast")
    text = body.decode()
    assert status == 400
    assert "redshift: &#39;fast&#39; is not a number" in text
    status, _, body = server.get("/califa/q/cone/form?hscs_pos=Andromeda+Strain")
    assert status == 400 and b"nor an object name this service knows" in body


def test_form_results_page_and_sort(server):
    status, _, body = server.get(
        "/califa/q/cone/form?redshift=0.01+..+0.011&MAXREC=5&_SORT=redshift&_DIR=desc")
    text = body.decode()
    assert status == 200
    assert 'rel="next"' in text and "Rows 1–5" in text
    assert "RESPONSEFORMAT=votable" in text and "RESPONSEFORMAT=csv" in text


def test_every_request_is_logged_as_json(server):
    server.get("/?probe=log")
    lines = (server.state / "log" / "access.log").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert any(e["uri"] == "/?probe=log" and e["status"] == 200 for e in entries)


def test_a_fixed_query_service_answers_in_a_form_and_as_json(server):
    status, _, body = server.get("/califa/q/types/form?_run=1")
    text = body.decode()
    assert status == 200 and "Galaxies of this type" in text and "mean_z" in text
    status, _, body = server.get("/califa/q/types/api?RESPONSEFORMAT=json")
    doc = json.loads(body)
    assert [c["name"] for c in doc["columns"]] == ["hubtype", "n", "mean_z"]
    assert sum(row[1] for row in doc["data"]) == 2981
