"""One routing scheme: 405 with Allow, HEAD, 404s below any path, trailing slashes,
each in the error format of the resource asked; form results and RESPONSEFORMAT=html
come from the same HTML table writer."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
import requests

VOTABLE = "application/x-votable+xml"


def call(server, method: str, path: str) -> requests.Response:
    return requests.request(method, server.url + path, timeout=60, allow_redirects=False)


@pytest.mark.parametrize("method, path, allow, content_type", [
    ("POST", "/", "GET", "text/html"),
    ("PATCH", "/static/dr.css", "GET", "text/html"),
    ("DELETE", "/tableinfo/califa.main", "GET", "text/html"),
    ("DELETE", "/califa/q/cone/form", "GET, POST", "text/html"),
    ("PUT", "/califa/q/cone/scs.xml", "GET, POST", VOTABLE),
    ("PUT", "/tap/sync", "GET, POST", VOTABLE),
    ("DELETE", "/tap/capabilities", "GET, POST", "text/html"),
    ("DELETE", "/tap/async", "GET, POST", "text/plain"),
    ("BREW", "/tap", "GET", "text/html"),
])
def test_other_methods_get_405_with_allow_in_the_resources_error_format(
        server, method, path, allow, content_type):
    response = call(server, method, path)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allow
    assert response.headers["content-type"].startswith(content_type)
    assert method in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("path, content_type", [
    ("/", "text/html"),
    ("/static/dr.css", "text/css"),
    ("/califa/q/cone/scs.xml?RA=232.65&DEC=42.72&SR=0.5", VOTABLE),
    ("/califa/q/cone/api?RA=232.65&DEC=42.72&SR=0.5&RESPONSEFORMAT=csv", "text/csv"),
    ("/tap/capabilities", "text/xml"),
    ("/tap/availability", "text/xml"),
])
def test_head_answers_like_get_without_a_body(server, path, content_type):
    response = call(server, "HEAD", path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(content_type)
    assert response.content == b""
    assert server.alive()


@pytest.mark.parametrize("path, content_type", [
    ("/tap/sync/more", VOTABLE),
    ("/califa/q/cone/scs.xml/more", VOTABLE),
    ("/califa/q/cone/form/more", "text/html"),
    ("/tap/nothing", "text/html"),
    ("/tap/tables/califa.nope", "text/html"),
    ("/tap/async/nosuchjob/phase/more", "text/plain"),
    ("/static", "text/html"),
    ("/static/../templates/base.html", "text/html"),
    ("/static/..%2Ftemplates%2Fbase.html", "text/html"),
    ("/califa/q/nosuchservice/form", "text/html"),
])
def test_nothing_below_a_path_is_a_404_in_that_paths_error_format(server, path,
                                                                   content_type):
    response = call(server, "GET", path)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith(content_type)


def test_trailing_and_doubled_slashes_name_the_same_resource(server):
    assert b"TAP service" in call(server, "GET", "/tap/").content
    response = call(server, "GET", "//califa//q/cone/form/")
    assert response.status_code == 200 and b'<form class="query"' in response.content


class _Rows(HTMLParser):
    """The cells of a page's result table body."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: str | None = None
        self.body = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.body = True
        elif tag == "tr" and self.body:
            self.rows.append([])
        elif tag == "td" and self.body:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None
        elif tag == "tbody":
            self.body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def rows(body: bytes) -> list[list[str]]:
    parser = _Rows()
    parser.feed(body.decode())
    return sorted(parser.rows)


def test_form_results_and_responseformat_html_are_one_table_writer(server):
    query = "redshift=0.01+..+0.03&MAXREC=20"
    form = call(server, "GET", f"/califa/q/cone/form?{query}&hscs_pos=232.65+42.72"
                "&hscs_sr=300")
    html = call(server, "GET", f"/califa/q/cone/api?{query}&RA=232.65&DEC=42.72&SR=5"
                "&RESPONSEFORMAT=html")
    assert form.status_code == html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    table = rows(form.content)
    assert 0 < len(table) < 20 and table == rows(html.content)
    # The display hints apply to both: RA as hours, minutes and seconds.
    assert all(len(row[3].split()) == 3 for row in table), table[0]
