"""TAP uploads probed as an attacker and a careless client would: through HTTP, on loopback.

Upload URLs name only the loopback ``hostile`` host (or loopback addresses
nothing listens on); ``strict_server`` refuses them all before connecting,
``server`` (fetchPrivateHosts) fetches them and must keep to its caps.
"""

from __future__ import annotations

import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from xml.sax.saxutils import unescape

import pytest
import pyvo
import requests
from astropy.io.votable import parse_single_table

from tests.security.conftest import UPLOAD_LIMIT
from tests.servers import free_port

FETCH_TIMEOUT = 3  # uploadFetchTimeout of both servers
FAILED = "upload 't': the upload URL could not be fetched"
QUERY = "SELECT * FROM TAP_UPLOAD.t"


def sync(server, data: dict, files: dict | None = None, timeout: float = 60):
    """POST to /tap/sync; (status, the DALI error message or None, body)."""
    response = requests.post(server.url + "/tap/sync",
                             data={"LANG": "ADQL", "QUERY": QUERY, **data},
                             files=files, timeout=timeout)
    match = re.search(rb'<INFO name="QUERY_STATUS" value="ERROR">(.*?)</INFO>',
                      response.content, re.S)
    message = unescape(match.group(1).decode()) if match else None
    return response.status_code, message, response.content


def result(body: bytes):
    return parse_single_table(io.BytesIO(body))


def upload_url(server, url: str, timeout: float = 60):
    return sync(server, {"UPLOAD": f"t,{url}"}, timeout=timeout)


def votable(fields: str, rows: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<VOTABLE version="1.4" '
            f'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>{fields}'
            f'<DATA><TABLEDATA>{rows}</TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>'
            ).encode()


def upload_part(server, data: bytes, query: str = QUERY):
    return sync(server, {"UPLOAD": "t,param:t", "QUERY": query},
                files={"t": ("t.vot", data, "application/x-votable+xml")})


# -- the address policy, end to end: nothing on loopback is ever contacted -----------

LOOPBACK_SPELLINGS = ["127.0.0.1", "localhost", "2130706433", "0x7f000001", "0177.0.0.1",
                      "127.1", "127.0.0.2", "[::1]", "[::ffff:127.0.0.1]",
                      "[::ffff:7f00:1]", "LOCALHOST", "localhost."]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_loopback_upload_urls_are_refused_without_contacting_the_host(
        strict_server, hostile, host):
    hits = len(hostile.hits)
    status, message, _ = upload_url(strict_server, hostile.url("/votable", host=host))
    assert (status, message) == (400, FAILED)
    assert hostile.hits[hits:] == []


def test_a_redirect_is_judged_before_anything_is_fetched(strict_server, hostile):
    hits = len(hostile.hits)
    for target in (hostile.url("/votable"), "ftp://127.0.0.1/x", "file:///etc/passwd"):
        status, message, _ = upload_url(strict_server,
                                        hostile.url("/redirect?" + target, host="localhost"))
        assert (status, message) == (400, FAILED)
    assert hostile.hits[hits:] == []


def test_a_url_upload_on_strict_server_is_refused_but_a_part_upload_works(strict_server):
    status, _, body = upload_part(strict_server, votable(
        '<FIELD name="x" datatype="int"/>', "<TR><TD>42</TD></TR>"))
    assert status == 200 and list(result(body).array["x"]) == [42]


# -- caps on what an allowed host can do --------------------------------------------

def test_a_good_upload_url_works_through_pyvo(server, hostile):
    service = pyvo.dal.TAPService(server.url + "/tap")
    result = service.run_sync("SELECT ra, name FROM TAP_UPLOAD.t",
                              uploads={"t": hostile.url("/votable")})
    assert list(result["ra"]) == [10.5] and list(result["name"]) == ["a"]


def test_redirects_to_http_are_followed(server, hostile):
    status, message, body = upload_url(
        server, hostile.url("/redirect?" + hostile.url("/votable", host="localhost")))
    assert status == 200, message
    assert list(result(body).array["ra"]) == [10.5]


def test_a_redirect_to_ftp_is_not_followed(server, hostile):
    hits = len(hostile.hits)
    target = f"ftp://127.0.0.1:{hostile.port}/votable"
    status, message, _ = upload_url(server, hostile.url("/redirect?" + target))
    assert (status, message) == (400, FAILED)
    assert hostile.hits[hits:] == ["/redirect?" + target]


def test_a_redirect_loop_stops_after_a_few_hops(server, hostile):
    hits = len(hostile.hits)
    status, message, _ = upload_url(server, hostile.url("/loop"))
    assert (status, message) == (400, FAILED)
    assert 1 < len(hostile.hits[hits:]) <= 6


def test_an_endless_body_stops_at_the_upload_limit(server, hostile):
    before = server.rss_kib()
    started = time.monotonic()
    status, message, _ = upload_url(server, hostile.url("/huge"))
    assert status == 413
    assert message == (f"the uploads are larger than this service's limit of "
                       f"{UPLOAD_LIMIT:,} bytes")
    assert time.monotonic() - started < FETCH_TIMEOUT
    assert server.rss_kib() - before < 50_000
    assert server.rss_kib() < 300_000


@pytest.mark.parametrize("path", ["/slow", "/slowhead"])
def test_a_drip_ends_within_the_total_fetch_time(server, hostile, path):
    started = time.monotonic()
    status, message, _ = upload_url(server, hostile.url(path), timeout=FETCH_TIMEOUT + 20)
    assert (status, message) == (400, FAILED)
    assert time.monotonic() - started < FETCH_TIMEOUT + 2


def test_every_failure_reads_the_same(server, hostile):
    closed = f"http://127.0.0.1:{free_port()}/votable"  # nothing listens: refused
    urls = [closed, hostile.url("/drop"), hostile.url("/nothing-here"),
            hostile.url("/loop"), hostile.url("/redirect?gopher://127.0.0.1/"),
            hostile.url("/redirect?" + closed), f"http://127.0.0.1:{hostile.port}:1/",
            "http:///nohost", hostile.url("/slow")]
    answers = {upload_url(server, url)[:2] for url in urls}
    assert answers == {(400, FAILED)}


def test_slow_uploads_hold_no_database_connection(server, hostile):
    """Eight uploads dripping from a slow host (more than the 4 connections the
    server has) while a cone search and a TAP query must still answer promptly."""
    with ThreadPoolExecutor(8) as pool:
        slow = [pool.submit(upload_url, server, hostile.url("/slow"))
                for _ in range(8)]
        time.sleep(0.5)
        started = time.monotonic()
        status, _, body = server.get("/califa/q/cone/scs.xml?RA=0&DEC=0&SR=1")
        assert status == 200 and b"<VOTABLE" in body
        status, _, body = server.get(
            "/tap/sync?LANG=ADQL&QUERY=SELECT+TOP+1+califaid+FROM+califa.main")
        assert status == 200 and len(result(body).array) == 1
        assert time.monotonic() - started < 1.5
        assert not any(f.done() for f in slow)
        assert {f.result()[:2] for f in slow} == {(400, FAILED)}


def test_an_async_job_fetches_a_good_upload_url(server, hostile):
    service = pyvo.dal.TAPService(server.url + "/tap")
    job = service.submit_job("SELECT name FROM TAP_UPLOAD.t",
                             uploads={"t": hostile.url("/votable")})
    job.run()
    job.wait(phases=["COMPLETED", "ERROR", "ABORTED"], timeout=60)
    assert job.phase == "COMPLETED"
    assert list(job.fetch_result().to_table()["name"]) == ["a"]
    job.delete()


def test_an_async_job_fetches_with_the_same_fetcher(strict_server, hostile):
    hits = len(hostile.hits)
    service = pyvo.dal.TAPService(strict_server.url + "/tap")
    job = service.submit_job(QUERY, uploads={"t": hostile.url("/votable")})
    job.run()
    job.wait(phases=["COMPLETED", "ERROR", "ABORTED"], timeout=60)
    assert job.phase == "ERROR"
    assert FAILED in job.job.errorsummary.message.content
    assert hostile.hits[hits:] == []
    job.delete()


# -- upload tables a client got wrong: 400 with a plain message ---------------------

BAD_TABLES = {
    "duplicate": (votable('<FIELD name="a" datatype="int"/><FIELD name="a" datatype="int"/>'),
                  "upload 't' has two columns named 'a' (names ignore case)"),
    "duplicate in another case": (
        votable('<FIELD name="ra" datatype="int"/><FIELD name="RA" datatype="int"/>',
                "<TR><TD>1</TD><TD>2</TD></TR>"),
        "upload 't' has two columns named 'ra' (names ignore case)"),
    "ctid": (votable('<FIELD name="ctid" datatype="int"/>'),
             "upload column name 'ctid' is reserved by the database; rename the column"),
    "oid": (votable('<FIELD name="OID" datatype="int"/>'),
            "upload column name 'OID' is reserved by the database; rename the column"),
    "xmin": (votable('<FIELD name="xmin" datatype="double"/>'),
             "upload column name 'xmin' is reserved by the database; rename the column"),
    "long name": (votable(f'<FIELD name="{"c" * 100}" datatype="int"/>'),
                  f"upload column name {'c' * 20!r}… is longer than 63 characters"),
    "empty": (b"", "upload 't' is not a readable VOTable: 1:0: no element found"),
    "no table": (b'<VOTABLE version="1.4"><RESOURCE/></VOTABLE>',
                 "upload 't' is not a readable VOTable: No table found in VOTABLE file."),
    "not a votable": (b"<html/>", None),
    "complex": (votable('<FIELD name="z" datatype="floatComplex"/>'),
                "upload column 'z' has the VOTable type floatComplex, which DR cannot "
                "store"),
    "strings array": (votable('<FIELD name="s" datatype="char" arraysize="3x*"/>'), None),
    "2d array": (votable('<FIELD name="m" datatype="double" arraysize="2x2"/>',
                         "<TR><TD>1 2 3 4</TD></TR>"),
                 "upload column 'm' is a multidimensional array (2x2), which DR cannot "
                 "store"),
    "no columns": (votable(""), "upload 't' has no columns"),
    "bad name": (votable('<FIELD name="a b" datatype="int"/>'),
                 "upload column name 'a b' must be a plain name (letters, digits, "
                 "underscores)"),
}


@pytest.mark.parametrize("case", list(BAD_TABLES))
def test_bad_upload_tables_are_client_errors(server, case):
    data, expected = BAD_TABLES[case]
    status, message, _ = upload_part(server, data)
    assert status == 400, message
    if expected is None:
        assert message.startswith("upload 't' is not a readable VOTable: ")
    else:
        assert message == expected


def test_a_long_upload_table_name_is_a_client_error(server):
    name = "t" * 60
    status, message, _ = sync(server, {"UPLOAD": f"{name},param:t",
                                       "QUERY": f"SELECT * FROM TAP_UPLOAD.{name}"},
                              files={"t": ("t.vot", votable(
                                  '<FIELD name="x" datatype="int"/>'), "text/xml")})
    assert (status, message) == (400, f"upload table name {'t' * 20!r}… is longer than "
                                      "52 characters")


@pytest.mark.parametrize("count", [21, 5000])
def test_too_many_uploads_are_a_client_error(server, count):
    upload = [f"t{i},param:t" for i in range(count)]
    status, message, _ = sync(server, {"UPLOAD": upload},
                              files={"t": ("t.vot", votable(
                                  '<FIELD name="x" datatype="int"/>'), "text/xml")})
    assert (status, message) == (400, "a request may upload at most 20 tables")


def test_twenty_uploads_are_fine(server):
    upload = ";".join(f"t{i},param:t" for i in range(20))
    status, message, body = sync(
        server, {"UPLOAD": upload, "QUERY": "SELECT t19.x FROM TAP_UPLOAD.t19 AS t19"},
        files={"t": ("t.vot", votable('<FIELD name="x" datatype="int"/>',
                                      "<TR><TD>7</TD></TR>"), "text/xml")})
    assert status == 200, message
    assert list(result(body).array["x"]) == [7]


# -- text columns: unicodeChar exactly where the text is not ASCII -------------------

def test_upload_text_columns_keep_their_non_ascii_and_say_so(server):
    data = votable('<FIELD name="plain" datatype="char" arraysize="*"/>'
                   '<FIELD name="accented" datatype="char" arraysize="*"/>'
                   '<FIELD name="declared" datatype="unicodeChar" arraysize="*"/>',
                   "<TR><TD>abc</TD><TD>café</TD><TD>xyz</TD></TR>"
                   "<TR><TD>def</TD><TD>東京</TD><TD>uvw</TD></TR>")
    status, message, body = upload_part(
        server, data, "SELECT plain, accented, declared FROM TAP_UPLOAD.t ORDER BY plain")
    assert status == 200, message
    table = result(body)
    assert {f.name: f.datatype for f in table.fields} == {
        "plain": "char", "accented": "unicodeChar", "declared": "unicodeChar"}
    assert list(table.array["accented"]) == ["café", "東京"]
