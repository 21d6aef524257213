"""The search page of a resource (/search/<rd>, engine/web/renderers/search.py) on the
demo's CALIFA-like sample: a real galaxy name lands on its explore page, a
position with many galaxies on the result list, an unknown name back on the
page saying so; a list of 20 names — typed, as CSV of positions, as a
VOTable — finds 20 galaxies and reports the lines that match nothing; the tabs
work with the keyboard."""

from __future__ import annotations

import io
import re

import psycopg2
import pytest
import requests
from astropy.table import Table

SEARCH = "/search/califa/q"


def sample(server, count: int = 20) -> list[tuple[str, float, float]]:
    with psycopg2.connect(server.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT name, ra, dec FROM califa.main ORDER BY califaid "
                    "LIMIT %s", (count,))
        return cur.fetchall()


def test_a_galaxy_name_lands_on_its_explore_page(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(server.url + SEARCH)
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    page.fill("#f_find", "ngc5947")
    page.click("#find")
    page.wait_for_selector("h1")
    assert "/califa/q/galaxy/qp/" in page.url
    assert page.inner_text("h1") == "NGC 5947"
    page.close()


def test_many_galaxies_around_a_position_are_listed(server):
    response = requests.get(server.url + SEARCH, timeout=60,
                            params={"_FIND": "232.65 42.72", "_RADIUS": "3600"})
    assert response.status_code == 200
    assert "/califa/q/cone/form" in response.url
    assert "NGC 5947" in response.text and "Rows 1–" in response.text


def test_an_unknown_name_comes_back_saying_so(server):
    response = requests.get(server.url + SEARCH, timeout=60,
                            params={"_FIND": "no such galaxy"})
    assert response.status_code == 404
    assert "neither a position nor a name this site knows" in response.text.replace(
        "&#39;", "'")


def _matched_names(body: str) -> list[str]:
    return re.findall(r'class="object" href="[^"]+">([^<]+)</a>', body)


def test_a_typed_list_of_20_names_finds_20_galaxies(server, browser):
    names = [name for name, _, _ in sample(server)]
    page = browser.new_page()
    page.goto(server.url + SEARCH)
    page.click("#tab-list")
    page.fill("#f_list", "\n".join(names + ["Nothing Known 1"]))
    page.click("#match")
    page.wait_for_selector("table.matches")
    assert "20 of 21 lines matched" in page.title()
    body = page.content()
    page.close()
    assert "line 21" in body and "Nothing Known 1" in body
    rows = re.findall(r'<tr class="match"><td>(\d+)</td>', body)
    assert sorted({int(n) for n in rows}) == list(range(1, 21))


def test_an_uploaded_csv_of_positions_and_a_votable_of_names(server):
    galaxies = sample(server)
    csv_text = "ra,dec\n" + "".join(f"{ra},{dec}\n" for _, ra, dec in galaxies)
    response = requests.post(server.url + SEARCH, timeout=60, data={"_RADIUS": "2"},
                             files={"_LISTFILE": ("list.csv", csv_text, "text/csv")})
    assert response.status_code == 200, response.text[:300]
    assert "20 of 20 lines matched" in response.text
    votable = io.BytesIO()
    Table({"name": [name for name, _, _ in galaxies]}).write(votable, format="votable")
    response = requests.post(server.url + SEARCH, timeout=60, files={
        "_LISTFILE": ("list.xml", votable.getvalue(), "application/x-votable+xml")})
    assert "20 of 20 lines matched" in response.text
    assert len(_matched_names(response.text)) >= 20
    for name, _, _ in galaxies:
        assert f"<td>{name}</td>" in response.text


@pytest.mark.parametrize("data, message", [
    ({"_LIST": ""}, "Give names or positions"),
    ({"_LIST": "NGC 5947", "_RADIUS": "-3"}, "_RADIUS"),
    ({"_LIST": "<VOTABLE>broken"}, "not a VOTable"),
])
def test_a_bad_list_is_a_400_in_words(server, data, message):
    response = requests.post(server.url + SEARCH, data=data, timeout=60)
    assert response.status_code == 400
    assert message in response.text and "Traceback" not in response.text


def test_the_tabs_work_with_the_keyboard_and_the_root_page_links_here(server, browser):
    page = browser.new_page()
    page.goto(server.url + "/")
    page.click(f"a.search[href='{SEARCH}']")
    page.wait_for_selector("#panel-list", state="hidden")  # once tabs.js has run
    assert page.is_visible("#panel-name") and not page.is_visible("#panel-list")
    page.focus("#tab-name")
    page.keyboard.press("ArrowRight")
    assert page.is_visible("#panel-list") and not page.is_visible("#panel-name")
    page.keyboard.press("ArrowRight")
    assert page.is_visible("#panel-params")
    page.keyboard.press("ArrowRight")
    assert "/tap/console?QUERY=" in page.get_attribute("#to-console", "href")
    page.close()


def test_a_nul_in_a_name_is_a_400_and_in_a_list_ignored(server):
    response = requests.get(server.url + SEARCH, params={"_FIND": "NGC\x005947"},
                            timeout=60)
    assert response.status_code == 400 and "NUL" in response.text
    response = requests.post(server.url + SEARCH, data={"_LIST": "NGC 59\x0047"},
                             timeout=60)
    assert response.status_code == 200 and "1 of 1 lines matched" in response.text


def test_unknown_resources_are_404(server):
    assert requests.get(server.url + "/search/no/such", timeout=60).status_code == 404


def test_every_search_page_on_the_root_page_answers(server):
    root = requests.get(server.url + "/", timeout=60).text
    pages = re.findall(r'class="search" href="([^"]+)"', root)
    assert SEARCH in pages and len(pages) > 1
    for path in pages:
        assert requests.get(server.url + path, timeout=60).status_code == 200, path
        found = requests.get(server.url + path, params={"_FIND": "10 20", "_RADIUS": "60"},
                             timeout=60)
        assert found.status_code in (200, 404), (path, found.text[:300])
        listed = requests.post(server.url + path, data={"_LIST": "10 20\nM 1"}, timeout=60)
        assert listed.status_code == 200, (path, listed.text[:300])


def test_an_uploaded_file_of_20_names_finds_20_galaxies_in_a_browser(server, browser,
                                                                        tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("\n".join(name for name, _, _ in sample(server)) + "\n")
    page = browser.new_page()
    page.goto(server.url + SEARCH + "#tab-list")
    page.set_input_files("#f_listfile", str(names))
    page.click("#match")
    page.wait_for_selector("table.matches")
    assert "20 of 20 lines matched" in page.title()
    page.screenshot(path=str(tmp_path / "matches.png"), full_page=True)
    page.close()
