"""/getproduct/<accref> on a real dr serve: files as they are on disk, ranges, validators,
restricted and vanished products, and paths that never leave the inputs directory."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import os
import socket
from pathlib import Path

import numpy as np
import psycopg2
import pytest
import requests
from astropy.io import fits
from astropy.utils.data import download_file

from tests.products.productdata import (
    PNG,
    image,
    write_fits,
    write_galaxies,
    write_hidden,
    write_images,
)
from tests.servers import start_server, stop_server
from tests.support import wait_until

SECRET = b"the operator's secret\n"


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory):
    home = tmp_path_factory.mktemp("getproduct")
    inputs = home / "inputs"
    write_images(inputs)
    write_galaxies(inputs)
    write_hidden(inputs)
    (home / "secret.txt").write_bytes(SECRET)
    server = start_server(pg_cluster.dsn, home, "products_web", inputs=inputs,
                          imports=("prods", "gals", "hidden"))
    write_fits(home / "outside.fits", 99)
    os.symlink(home / "outside.fits", inputs / "prods" / "data" / "link.fits")
    server.inputs, server.home = inputs, home
    yield server
    stop_server(server, pg_cluster.dsn, "products_web")


def url(site, accref: str) -> str:
    return f"{site.url}/getproduct/{accref}"


def raw_get(site, path: str, method: str = "GET") -> tuple[int, bytes]:
    """A request with ``path`` sent exactly as written (no client normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_a_product_is_the_file_on_disk_with_its_headers(site):
    path = site.inputs / "prods" / "data" / "plain.fits"
    response = requests.get(url(site, "prods/data/plain.fits"), timeout=30)
    assert response.status_code == 200
    assert response.content == path.read_bytes()
    headers = response.headers
    assert headers["content-type"] == "image/fits"
    assert headers["content-length"] == str(path.stat().st_size)
    assert headers["accept-ranges"] == "bytes"
    assert headers["etag"].startswith('"') and headers["etag"].endswith('"')
    assert headers["last-modified"].endswith("GMT")
    assert headers["content-disposition"].startswith('inline; filename="plain.fits"')
    assert "content-encoding" not in headers
    assert np.array_equal(fits.getdata(path), image(1))


def test_a_file_of_several_chunks_streams_whole(site):
    path = site.inputs / "prods" / "data" / "big.fits"
    response = requests.get(url(site, "prods/data/big.fits"), timeout=60, stream=True)
    digest, size = hashlib.sha256(), 0
    for block in response.iter_content(1 << 16):
        digest.update(block)
        size += len(block)
    assert size == path.stat().st_size > 4 * (1 << 20)
    assert digest.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()


def test_head_says_what_get_would_send_without_a_body(site):
    get = requests.get(url(site, "prods/data/plain.fits"), timeout=30)
    head = requests.head(url(site, "prods/data/plain.fits"), timeout=30)
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-length", "etag", "last-modified",
                 "accept-ranges"):
        assert head.headers[name] == get.headers[name]


@pytest.mark.parametrize("spec, first, last", [
    ("bytes=0-2879", 0, 2879), ("bytes=2880-", 2880, None), ("bytes=-100", -100, None),
    ("bytes=100-99999999", 100, None)])
def test_a_byte_range_is_answered_206_with_exactly_those_bytes(site, spec, first, last):
    data = (site.inputs / "prods" / "data" / "big.fits").read_bytes()
    response = requests.get(url(site, "prods/data/big.fits"), headers={"Range": spec},
                            timeout=30)
    assert response.status_code == 206
    expected = data[first:last + 1] if last is not None else data[first:]
    assert response.content == expected
    start = first if first >= 0 else len(data) + first
    assert response.headers["content-range"] == (
        f"bytes {start}-{start + len(expected) - 1}/{len(data)}")
    assert response.headers["content-length"] == str(len(expected))


def test_astropy_reads_a_section_of_a_cube_through_ranged_requests(site):
    with fits.open(url(site, "prods/data/big.fits"), use_fsspec=True,
                   fsspec_kwargs={"block_size": 64 * 1024}) as hdul:
        cut = hdul[0].section[3, 100:110, 200:205]
        header = hdul[0].header
    assert header["OBJECT"] == "field 2"
    assert np.array_equal(cut, image(2, (6, 400, 500))[3, 100:110, 200:205])
    # astropy (through fsspec) fetched parts of the file, not all of it.
    log = [json.loads(line) for line in
           (site.state / "log" / "access.log").read_text().splitlines()]
    fetched = [e for e in log if "aiohttp" in e["agent"] and e["method"] == "GET"
               and e["uri"] == "/getproduct/prods/data/big.fits"]
    assert fetched and {e["status"] for e in fetched} == {206}
    assert sum(e["bytes"] for e in fetched) < 1 << 20
    # The header alone is a range of the file that astropy parses.
    first = requests.get(url(site, "prods/data/big.fits"),
                         headers={"Range": "bytes=0-2879"}, timeout=30).content
    assert fits.Header.fromstring(first)["NAXIS3"] == 6


def test_ranges_dr_does_not_honour_get_the_whole_file_and_bad_ones_416(site):
    size = (site.inputs / "prods" / "data" / "plain.fits").stat().st_size
    several = requests.get(url(site, "prods/data/plain.fits"),
                           headers={"Range": "bytes=0-1,5-9"}, timeout=30)
    assert several.status_code == 200 and len(several.content) == size
    beyond = requests.get(url(site, "prods/data/plain.fits"),
                          headers={"Range": f"bytes={size}-"}, timeout=30)
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{size}"
    stale = requests.get(url(site, "prods/data/plain.fits"),
                         headers={"Range": "bytes=0-9", "If-Range": '"not-this-one"'},
                         timeout=30)
    assert stale.status_code == 200 and len(stale.content) == size


def test_validators_give_304_and_a_changed_file_a_new_etag(site):
    first = requests.get(url(site, "prods/data/past.fits"), timeout=30)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = requests.get(url(site, "prods/data/past.fits"),
                         headers={"If-None-Match": etag}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    since = requests.get(url(site, "prods/data/past.fits"),
                         headers={"If-Modified-Since": modified}, timeout=30)
    assert since.status_code == 304
    other = requests.get(url(site, "prods/data/past.fits"),
                         headers={"If-None-Match": '"something-else"'}, timeout=30)
    assert other.status_code == 200
    path = site.inputs / "prods" / "data" / "past.fits"
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    changed = requests.get(url(site, "prods/data/past.fits"),
                           headers={"If-None-Match": etag}, timeout=30)
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_gzipped_fits_is_served_as_it_is_and_astropy_reads_it(site):
    path = site.inputs / "prods" / "data" / "packed.fits.gz"
    response = requests.get(url(site, "prods/data/packed.fits.gz"), timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in response.headers
    assert response.content == path.read_bytes()
    assert gzip.decompress(response.content)[:6] == b"SIMPLE"
    local = download_file(url(site, "prods/data/packed.fits.gz"), cache=False)
    try:
        assert np.array_equal(fits.getdata(local), image(3))
    finally:
        os.unlink(local)


def test_an_embargoed_product_is_withheld_from_anonymous_callers(site):
    for method in ("GET", "HEAD"):
        response = requests.request(method, url(site, "prods/data/secret.fits"),
                                    timeout=30)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith('Basic realm="DR"')
    body = requests.get(url(site, "prods/data/secret.fits"), timeout=30).text
    assert "embargoed until 2200-01-01 for the group staff" in body
    assert "authenticate (HTTP Basic or a bearer token)" in body
    assert b"SIMPLE" not in requests.get(url(site, "prods/data/secret.fits?preview=True"),
                                         timeout=30).content
    assert requests.get(url(site, "prods/data/secret.fits?preview=True"),
                        timeout=30).status_code == 401
    # An embargo that has ended is no restriction.
    assert requests.get(url(site, "prods/data/past.fits"), timeout=30).status_code == 200


def test_the_products_of_a_restricted_table_are_withheld(site):
    response = requests.get(url(site, "hidden/data/frame.fits"), timeout=30)
    assert response.status_code == 401
    assert "hidden.frames has readGroups staff" in response.text
    assert b"SIMPLE" not in response.content


def test_an_unknown_accref_is_404(site):
    response = requests.get(url(site, "prods/data/nothing.fits"), timeout=30)
    assert response.status_code == 404
    assert "No product with the accref prods/data/nothing.fits is published" in response.text


def test_a_product_whose_file_vanished_is_404_saying_so(site):
    doomed = site.inputs / "prods" / "data" / "doomed.fits"
    assert requests.get(url(site, "prods/data/doomed.fits"), timeout=30).status_code == 200
    doomed.unlink()
    response = requests.get(url(site, "prods/data/doomed.fits"), timeout=30)
    assert response.status_code == 404
    assert "is gone from the server" in response.text
    assert "prods/data/doomed.fits does not exist any more" in response.text
    assert site.alive()


@pytest.mark.parametrize("path", [
    "/getproduct/../secret.txt",
    "/getproduct/%2e%2e/secret.txt",
    "/getproduct/..%2fsecret.txt",
    "/getproduct/prods/../../secret.txt",
    "/getproduct/prods%2F..%2F..%2Fsecret.txt",
    "/getproduct//etc/passwd",
    "/getproduct/%2Fetc%2Fpasswd",
    "/getproduct/prods/data/plain.fits%00",
    "/getproduct/prods/data/%00/../plain.fits",
    "/getproduct/%c0%ae%c0%ae/secret.txt",
])
def test_accrefs_never_reach_a_file_outside_the_inputs_directory(site, path):
    status, body = raw_get(site, path)
    assert status in (400, 404), (path, status)
    assert SECRET not in body and b"root:" not in body
    absolute = "/getproduct/" + str(site.home / "secret.txt")
    status, body = raw_get(site, absolute)
    assert status == 404 and SECRET not in body


def test_an_encoded_slash_names_the_same_accref(site):
    status, body = raw_get(site, "/getproduct/prods%2Fdata%2Fplain.fits")
    assert status == 200
    assert body == (site.inputs / "prods" / "data" / "plain.fits").read_bytes()


def test_a_stored_path_leading_out_of_the_inputs_directory_is_refused(site):
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO dc.products (accref, access_path, source_table, mime) "
                    "VALUES ('tampered', '../secret.txt', 'prods.images', 'text/plain'), "
                    "('absolute', %s, 'prods.images', 'text/plain'), "
                    "('linked', 'prods/data/link.fits', 'prods.images', 'image/fits')",
                    (str(site.home / "secret.txt"),))
    for accref in ("tampered", "absolute", "linked"):
        response = requests.get(url(site, accref), timeout=30)
        assert response.status_code == 403, accref
        assert "leads out of the inputs directory" in response.text
        assert SECRET not in response.content and b"field 99" not in response.content


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_the_preview_the_rd_names_is_served(site):
    response = requests.get(url(site, "prods/data/pictured.fits?preview=True"), timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.content == PNG


@pytest.mark.parametrize("accref, size", [("prods/data/plain.fits", (30, 40)),
                                          ("prods/data/packed.fits.gz", (30, 40)),
                                          ("prods/data/big.fits", (500, 400))])
def test_automatic_previews_are_pngs_made_once_and_cached(site, accref, size):
    first = requests.get(url(site, accref + "?preview=True"), timeout=60)
    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "image/png"
    assert png_size(first.content) == size
    again = requests.get(url(site, accref + "?preview=True"), timeout=30,
                         headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert list((site.state / "previews").glob("*.png"))


def test_products_without_a_preview_say_so(site):
    for accref in ("gals/ancillary/1/notes.txt", "prods/data/elsewhere.fits"):
        response = requests.get(url(site, accref + "?preview=True"), timeout=30,
                                allow_redirects=False)
        assert response.status_code == 404 and "no preview" in response.text, accref


def test_a_remote_product_is_a_redirect(site):
    response = requests.get(url(site, "prods/data/elsewhere.fits"), timeout=30,
                            allow_redirects=False)
    assert response.status_code in (301, 302, 303, 307)
    assert response.headers["location"] == "https://example.org/far/away.fits"


def test_the_files_of_a_galaxy_are_served_with_their_types(site):
    text = requests.get(url(site, "gals/ancillary/2/notes.txt"), timeout=30)
    assert text.headers["content-type"] == "text/plain"
    assert text.text == "Notes on galaxy 2.\n"
    png = requests.get(url(site, "gals/ancillary/2/image.png"), timeout=30)
    assert png.headers["content-type"] == "image/png" and png.content == PNG


def test_only_get_and_head_are_answered(site):
    response = requests.post(url(site, "prods/data/plain.fits"), timeout=30)
    assert response.status_code == 405
    assert "GET" in response.headers["allow"]


def open_files(site) -> set[str]:
    """What the server has open; a descriptor closed while we look is left out."""
    found = set()
    for fd in Path(f"/proc/{site.process.pid}/fd").iterdir():
        try:
            found.add(os.readlink(fd))
        except FileNotFoundError:
            continue
    return found


def test_a_client_that_leaves_mid_download_frees_the_file(site):
    big = str(site.inputs / "prods" / "data" / "big.fits")
    for _ in range(3):
        sock = socket.create_connection(("127.0.0.1", site.port), timeout=30)
        sock.sendall(b"GET /getproduct/prods/data/big.fits HTTP/1.1\r\nHost: x\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        sock.close()
    assert wait_until(lambda: big not in open_files(site))
    assert site.alive()
