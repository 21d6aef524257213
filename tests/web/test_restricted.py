"""What an RD restricts is served to anonymous callers by nobody: a 401 (with
the challenges) in each protocol's error format, left off the root page, logged
once when the server starts; TAP acts as if restricted tables did not exist.
Public neighbours work, and a service DR cannot serve says why.  Users and
groups: tests/security/test_access_matrix.py.

The RDs are in tests/web/restricted_inputs (not the public demo).
"""

from __future__ import annotations

import pytest
import requests

VOTABLE = "application/x-votable+xml"
CONE = "RA=150&DEC=2&SR=1"


@pytest.fixture(scope="module")
def restricted(restricted_site):
    """The site of tests/web/restricted_inputs (see conftest.py)."""
    return restricted_site


@pytest.mark.parametrize("path, content_type, words", [
    ("/secret/q/cone/form", "text/html", "is restricted"),
    ("/secret/q/cone/form?hscs_pos=150+2&hscs_sr=60", "text/html", "readGroups staff"),
    (f"/secret/q/cone/scs.xml?{CONE}", VOTABLE, '<INFO name="Error" value="The service'),
    ("/secret/q/cone/api?RESPONSEFORMAT=json", VOTABLE, 'value="ERROR">The service'),
    ("/secret/q/cone/capabilities", "text/html", "secret.objects has readGroups staff"),
    ("/secret/q/cone/availability", "text/html", "restricted"),
    ("/secret/q/cone/tables", "text/html", "restricted"),
    ("/secret/q/cone", "text/html", "restricted"),
    ("/secret/q/counts/api?RESPONSEFORMAT=json", VOTABLE, "secret.objects"),
    ("/secret/q/counts/form?_run=1", "text/html", "secret.objects"),
    ("/archive/open/q/staffonly/scs.xml?RA=10&DEC=20&SR=1", VOTABLE, "limitTo=staff"),
    ("/archive/open/q/staffonly/form?_run=1", "text/html", "limitTo=staff"),
])
def test_every_renderer_of_a_restricted_service_answers_401_in_its_format(
        restricted, path, content_type, words):
    for method in ("GET", "POST"):
        response = requests.request(method, restricted.url + path, timeout=30,
                                    allow_redirects=False)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["content-type"].startswith(content_type)
        assert response.headers["www-authenticate"].startswith('Basic realm="DR"')
        text = response.text.replace("&#39;", "'")
        assert words in text, text
        assert "authenticate (HTTP Basic or a bearer token)" in text
        assert "Hidden" not in text and "Open Alpha" not in text


def test_the_public_neighbours_are_served_at_rd_ids_with_slashes(restricted):
    status, headers, body = restricted.get("/archive/open/q/cone/scs.xml?RA=10&DEC=20&SR=1"
                                           "&RESPONSEFORMAT=votable/td")
    assert status == 200 and headers["Content-Type"].startswith(VOTABLE)
    assert b"Open Alpha" in body and b"Open Beta" in body and b"Open Gamma" not in body
    status, _, body = restricted.get("/archive/open/q/cone/form?hscs_pos=Open+Alpha"
                                     "&hscs_sr=60")
    assert status == 200 and b"Open Beta" in body


def test_names_in_a_restricted_table_resolve_nowhere(restricted):
    status, _, body = restricted.get("/archive/open/q/cone/form?hscs_pos=Hidden+Quasar"
                                     "&hscs_sr=60")
    assert status == 400 and b"nor an object name this service knows" in body


def test_a_restricted_table_page_is_401_and_a_public_one_is_served(restricted):
    status, headers, body = restricted.get("/tableinfo/secret.objects")
    assert status == 401 and headers["Content-Type"].startswith("text/html")
    assert b"SECRET-TABLE-DESCRIPTION" not in body and b"readGroups staff" in body
    status, _, body = restricted.get("/tableinfo/openstars.main")
    assert status == 200 and b"Public stars." in body


def test_the_root_page_lists_only_what_anyone_may_use(restricted):
    status, _, body = restricted.get("/")
    text = body.decode()
    assert status == 200
    assert 'href="/archive/open/q/cone/form"' in text and "openstars.main" in text
    for hidden in ("staffonly", "STAFF-ONLY", "SECRET", "secret.objects", "/secret/q"):
        assert hidden not in text, hidden
    # A service DR cannot serve is listed as such, with the reason.
    unavailable = text.split("Unavailable services", 1)[1].split("</ul>", 1)[0]
    assert "Open images" in unavailable and "slap.xml" in unavailable


def test_tap_acts_as_if_the_restricted_table_did_not_exist(restricted):
    status, _, body = restricted.get("/tap/tables")
    assert status == 200 and b"openstars.main" in body and b"secret" not in body
    assert restricted.get("/tap/tables/secret.objects")[0] == 404
    status, _, body = restricted.get(
        "/tap/sync?LANG=ADQL&QUERY=SELECT+name+FROM+secret.objects")
    # A 401 asking for credentials, as for a table that is not there at all.
    missing = restricted.get("/tap/sync?LANG=ADQL&QUERY=SELECT+name+FROM+secret.nosuch")
    assert status == missing[0] == 401 and b"Hidden" not in body
    assert body == missing[2].replace(b"nosuch", b"objects")
    status, _, body = restricted.get("/tap")
    assert b"openstars.main" in body and b"secret" not in body


def test_dr_serve_logs_once_what_it_withholds(restricted):
    log = (restricted.state / "log" / "error.log").read_text()
    [line] = [line for line in log.splitlines() if "restricting" in line]
    assert "withheld from everyone elsewhere" in line
    for item in ("service archive/open/q/staffonly (limitTo=staff)",
                 "service secret/q/cone (table secret.objects has readGroups staff)",
                 "service secret/q/counts", "table secret.objects"):
        assert item in line, item
    assert "archive/open/q/cone" not in line


def test_a_service_dr_cannot_serve_says_why_in_its_availability(restricted):
    status, _, body = restricted.get("/archive/open/q/images/availability")
    assert status == 200
    assert b"<avail:available>false</avail:available>" in body and b"slap.xml" in body
    for path in ("/archive/open/q/images", "/archive/open/q/images/slap.xml",
                 "/archive/open/q/images/form"):
        status, headers, body = restricted.get(path)
        assert status == 503 and b"slap.xml" in body, path
    status, headers, body = restricted.get("/archive/open/q/images/scs.xml")
    assert status == 503 and headers["Content-Type"].startswith(VOTABLE)
