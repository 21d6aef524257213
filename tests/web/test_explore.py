"""Explore pages (the qp renderer, engine/web/renderers/qp.py) on the demo's
CALIFA-like galaxies: a galaxy's page has its catalogue values and, from every
table referring to it, its identifiers, cubes and files (with previews,
DataLink links and tick boxes for the download scripts); the collaboration's
measurements only for its members; every galaxy listed on one page."""

from __future__ import annotations

import re
import urllib.parse

import psycopg2
import pytest
import requests

from tests.servers import INPUTS
from tests.web.test_browser import CHROMIUM, FLAGS
from tests.web.test_demo_access import as_user, site  # noqa: F401  (the accounts)

GALAXY = "/califa/q/galaxy/qp/"


def galaxy(server, name: str) -> int:
    with psycopg2.connect(server.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT califaid FROM califa.main WHERE name = %s", (name,))
        return cur.fetchone()[0]


def files_of(server, califaid: int) -> set[str]:
    with psycopg2.connect(server.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT accref FROM califa_cubes.cubes WHERE califaid = %s "
                    "UNION SELECT accref FROM califa_cubes.ancillary WHERE califaid = %s",
                    (califaid, califaid))
        return {row[0] for row in cur.fetchall()}


def test_a_galaxys_page_has_its_values_identifiers_and_files(site):  # noqa: F811
    ident = galaxy(site, "NGC 5947")
    response = requests.get(site.url + GALAXY + str(ident), timeout=60)
    assert response.status_code == 200, response.text[:500]
    page = response.text
    assert "<h1>NGC 5947</h1>" in page
    assert "Catalogue values" in page and "redshift" in page
    assert "califa.ids" in page  # its identifiers
    links = set(re.findall(r'class="dr-product" href="/getproduct/([^"]+)"', page))
    wanted = files_of(site, ident)
    assert wanted and {urllib.parse.unquote(a) for a in links} == wanted
    assert 'class="dr-links"' in page and 'class="dr-preview"' in page
    ticks = set(re.findall(r'name="_ACCREF" value="([^"]+)"', page))
    assert ticks == wanted
    # the collaboration's colours are not even named to outsiders
    assert "califa_collab" not in page


def test_the_collaboration_sees_its_measurements_on_the_page(site):  # noqa: F811
    ident = galaxy(site, "NGC 5947")
    page = requests.get(site.url + GALAXY + str(ident), auth=as_user("collab"),
                        timeout=60).text
    assert "califa_collab.colours" in page


def test_the_ticked_files_of_a_page_come_as_a_script(site):  # noqa: F811
    ident = galaxy(site, "NGC 5947")
    wanted = sorted(files_of(site, ident))[:2]
    response = requests.post(site.url + GALAXY + str(ident), timeout=60, data=[
        ("_SELECTION", "wget"), *[("_ACCREF", a) for a in wanted]])
    assert response.status_code == 200, response.text
    lines = [line for line in response.text.splitlines() if line.startswith("wget ")]
    assert len(lines) == 2 and all(any(a in line for a in wanted) for line in lines)


def test_every_galaxy_is_listed_with_a_link_to_its_page(site):  # noqa: F811
    page = requests.get(site.url + GALAXY, timeout=60).text
    links = re.findall(r'class="object" href="([^"]+)"', page)
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM califa.main")
        count = cur.fetchone()[0]
    assert len(links) == min(count, 1000)
    assert requests.get(site.url + links[0], timeout=60).status_code == 200


@pytest.mark.parametrize("path, status", [
    ("999999999", 404), ("not-a-number", 404), ("%00", 404), ("1%002", 404)])
def test_an_unknown_object_is_a_404_page(site, path, status):  # noqa: F811
    response = requests.get(site.url + GALAXY + path, timeout=60)
    assert response.status_code == status and "Traceback" not in response.text


def test_the_page_in_a_browser(site, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    ident = galaxy(site, "NGC 5947")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        page.goto(site.url + GALAXY + str(ident))
        page.click("nav.explore-menu >> text=Catalogue values")
        page.click("#tick-page")
        count = page.locator("input.dr-pick").count()
        assert page.inner_text("#ticked-count") == f"{count} rows ticked"
        page.screenshot(path=str(tmp_path / "explore.png"), full_page=True)
        browser.close()


def _cube(site) -> tuple[str, int]:  # noqa: F811
    """A public CALIFA-like cube and its number of channels (from the file)."""
    from astropy.io import fits

    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT p.accref, p.access_path FROM califa_cubes.cubes c JOIN "
                    "dc.products p USING (accref) ORDER BY accref LIMIT 1")
        accref, path = cur.fetchone()
    inputs = site.config.parent / "inputs"
    root = inputs if inputs.exists() else INPUTS
    with fits.open(root / path) as hdus:
        cube = next(h for h in hdus if h.data is not None and h.data.ndim == 3)
        return accref, cube.data.shape[0]


def test_a_cube_channel_is_a_png_with_the_channel_count(site):  # noqa: F811
    accref, count = _cube(site)
    url = site.url + "/getproduct/" + urllib.parse.quote(accref)
    response = requests.get(url, params={"preview": "True", "channel": "3"}, timeout=60)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert int(response.headers["x-dr-channels"]) == count
    other = requests.get(url, params={"preview": "True", "channel": "4"}, timeout=60)
    assert other.content != response.content
    for bad in (str(count), "-1", "x"):
        answer = requests.get(url, params={"preview": "True", "channel": bad}, timeout=60)
        assert answer.status_code == 400, bad


def test_the_cube_viewer_slides_through_channels(site, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    accref, count = _cube(site)
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT califaid FROM califa_cubes.cubes WHERE accref = %s", (accref,))
        ident = cur.fetchone()[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        page.goto(site.url + GALAXY + str(ident))
        page.click(f"button.cube-open[aria-label='view the channels of {accref}']")
        page.wait_for_selector("figure.cube-viewer figcaption:has-text('channel 0')")
        slider = page.locator("figure.cube-viewer input[type=range]")
        assert slider.get_attribute("max") == str(count - 1)
        slider.fill("7")
        page.wait_for_selector(f"text=channel 7 of {count}")
        assert page.locator("figure.cube-viewer img").get_attribute("data-channel") == "7"
        page.screenshot(path=str(tmp_path / "cube.png"), full_page=True)
        browser.close()
