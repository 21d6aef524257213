"""Getting the files of ticked result rows from a form (engine/web/selection.py):
wget and curl scripts that, run for real against the server, fetch exactly the
ticked files; a streamed tar of them; every matching row instead of the
ticked ones; restricted files asked for with credentials or left out; and the
whole thing in headless Chromium, with ticks kept across pages."""

from __future__ import annotations

import io
import subprocess
import tarfile
import urllib.parse

import psycopg2
import pytest
import requests
from astropy.io.votable import parse_single_table

from engine import accounts
from tests.web.test_browser import CHROMIUM, FLAGS

IMAGES = "/jplus/images/web/form"
JCMT = "/jcmt/q/web/form"
OTHER = ("selector", "selector-pw")  # an account in no project


@pytest.fixture(scope="module")
def site(server):
    conn = psycopg2.connect(server.dsn)
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM dc.users WHERE name = %s", (OTHER[0],))
        if cur.fetchone() is None:
            accounts.add_user(cur, OTHER[0], OTHER[1])
    conn.commit()
    conn.close()
    return server


def accrefs_of(site, path: str, **query) -> list[str]:
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        table = "jplus_images.images" if path == IMAGES else "jcmt.cubes"
        where = " AND ".join(f"{k} = %({k})s" for k in query) or "true"
        cur.execute(f"SELECT accref FROM {table} WHERE {where} ORDER BY accref", query)
        return [row[0] for row in cur.fetchall()]


def ask(site, path: str, kind: str, accrefs=(), auth=None, **more) -> requests.Response:
    data = [("_SELECTION", kind)] + [("_ACCREF", a) for a in accrefs]
    data += list(more.items())
    return requests.post(site.url + path, data=data, auth=auth, timeout=60)


def product(site, accref: str, auth=None) -> bytes:
    response = requests.get(site.url + "/getproduct/" + urllib.parse.quote(accref),
                            auth=auth, timeout=60)
    assert response.status_code == 200
    return response.content


def run_script(script: bytes, where, env=None) -> None:
    path = where / "get.sh"
    path.write_bytes(script)
    result = subprocess.run(["sh", str(path)], cwd=where, capture_output=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr


def fetched(where) -> dict[str, bytes]:
    return {str(p.relative_to(where)): p.read_bytes() for p in where.rglob("*")
            if p.is_file() and p.name != "get.sh"}


@pytest.mark.parametrize("kind", ["wget", "curl"])
def test_a_script_fetches_exactly_the_ticked_files(site, kind, tmp_path):
    chosen = accrefs_of(site, IMAGES)[1:4]
    response = ask(site, IMAGES, kind, chosen)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/x-sh")
    assert "attachment" in response.headers["content-disposition"]
    assert "DR_USER" not in response.text  # nothing restricted
    run_script(response.content, tmp_path)
    assert fetched(tmp_path) == {a: product(site, a) for a in chosen}


def test_the_tar_holds_the_ticked_files_under_their_accrefs(site):
    chosen = accrefs_of(site, IMAGES, filter="rSDSS")
    response = ask(site, IMAGES, "tar", chosen + ["jplus/no/such.fits"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-tar"
    assert response.headers["x-dr-files-left-out"] == "1"
    assert int(response.headers["content-length"]) == len(response.content)
    with tarfile.open(fileobj=io.BytesIO(response.content)) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    assert members == {a: product(site, a) for a in chosen}


def test_every_matching_row_instead_of_the_ticked_ones(site):
    response = ask(site, IMAGES, "wget", ["ignored/when/all.fits"], _ALLROWS="1",
                   filter="J0660")
    assert response.status_code == 200, response.text
    urls = [line.split()[-1].strip("'") for line in response.text.splitlines()
            if line.startswith("wget ")]
    wanted = accrefs_of(site, IMAGES, filter="J0660")
    assert len(urls) == len(wanted) == 3
    assert sorted(urllib.parse.unquote(u.split("/getproduct/")[1]) for u in urls) \
        == wanted


def test_restricted_files_ask_for_a_password_or_are_left_out(site):
    dr21 = accrefs_of(site, JCMT, object="DR21")
    public = accrefs_of(site, JCMT, object="NGC1333")[:1]
    assert dr21 and public
    anonymous = ask(site, JCMT, "wget", dr21 + public).text
    lines = [line for line in anonymous.splitlines() if line.startswith("wget ")]
    assert len(lines) == 2
    assert ': "${DR_USER:?' in anonymous
    for line in lines:
        restricted = urllib.parse.quote(dr21[0]) in line or dr21[0] in line
        assert ("--ask-password" in line) == restricted, line
    curl = ask(site, JCMT, "curl", dr21).text
    assert '-u "$DR_USER"' in curl
    # Logged in but not in the project: the file is not theirs to get at all.
    other = ask(site, JCMT, "curl", dr21 + public, auth=OTHER)
    assert other.status_code == 200
    assert "1 of the files asked for are not included" in other.text
    assert dr21[0] not in other.text and "DR_USER" not in other.text
    assert ask(site, JCMT, "tar", dr21, auth=OTHER).status_code == 404


@pytest.mark.parametrize("data, message", [
    ([("_SELECTION", "wget")], "No rows are ticked"),
    ([("_SELECTION", "wget"), ("_ACCREF", "a\x00b")], "No rows are ticked"),
    ([("_TICKED", "1"), ("RESPONSEFORMAT", "csv"), ("_ACCREF", "\x00")],
     "No rows are ticked"),
    ([("_SELECTION", "zip"), ("_ACCREF", "x")], "_SELECTION must be one of"),
])
def test_a_bad_selection_is_a_400_in_words(site, data, message):
    response = requests.post(site.url + IMAGES, data=data, timeout=60)
    assert response.status_code == 400
    assert message in response.text and "Traceback" not in response.text


def test_ticks_survive_paging_and_make_the_script_in_a_browser(site, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(site.url + IMAGES + "?_run=1&MAXREC=5")
            boxes = page.locator("input.dr-pick")
            assert boxes.count() == 5
            boxes.nth(0).check()
            boxes.nth(2).check()
            first = [boxes.nth(0).get_attribute("value"),
                     boxes.nth(2).get_attribute("value")]
            page.click("a[rel=next]")
            page.wait_for_selector("text=Rows 6–")
            assert page.inner_text("#ticked-count") == "2 rows ticked"
            page.locator("input.dr-pick").nth(1).check()
            third = page.locator("input.dr-pick").nth(1).get_attribute("value")
            page.screenshot(path=str(tmp_path / "selection.png"), full_page=True)
            with page.expect_download() as download:
                page.click("#get-wget")
            script = tmp_path / "script"
            download.value.save_as(script)
            page.click("#tick-none")
            assert page.inner_text("#ticked-count") == "0 rows ticked"
        finally:
            browser.close()
    out = tmp_path / "out"
    out.mkdir()
    run_script(script.read_bytes(), out)
    assert fetched(out) == {a: product(site, a) for a in [*first, third]}


def test_the_ticked_rows_themselves_as_csv_votable_or_json(site):
    chosen = accrefs_of(site, IMAGES)[2:5]
    data = [("_TICKED", "1"), ("RESPONSEFORMAT", "csv"), ("filter", "")] + [
        ("_ACCREF", a) for a in chosen]
    response = requests.post(site.url + IMAGES, data=data, timeout=60)
    assert response.status_code == 200, response.text[:300]
    lines = response.text.strip().splitlines()
    assert len(lines) == 1 + len(chosen)
    assert all(any(a in line for line in lines[1:]) for a in chosen)
    table = parse_single_table(io.BytesIO(requests.post(
        site.url + IMAGES, timeout=60, data=[("_TICKED", "1"),
                                             ("RESPONSEFORMAT", "votable")]
        + [("_ACCREF", a) for a in chosen]).content))
    assert sorted(table.array["accref"]) == sorted(chosen)
    everything = requests.post(site.url + IMAGES, timeout=60, data=[
        ("_TICKED", "1"), ("_ALLROWS", "1"), ("RESPONSEFORMAT", "csv")])
    assert len(everything.text.strip().splitlines()) - 1 == len(accrefs_of(site, IMAGES))
    none = requests.post(site.url + IMAGES, timeout=60, data=[
        ("_TICKED", "1"), ("RESPONSEFORMAT", "csv")])
    assert none.status_code == 400 and "No rows are ticked" in none.text
