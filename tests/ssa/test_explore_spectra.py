"""A galaxy's explore page plots its integrated spectrum (templates/static/explore.js)
from the CSV the SDM DataLink service delivers, in headless Chromium."""

from __future__ import annotations

import psycopg2
import requests

from tests.web.test_browser import CHROMIUM, FLAGS


def test_the_explore_page_plots_the_galaxys_spectrum(site, tmp_path):
    from playwright.sync_api import sync_playwright

    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT califaid, ssa_length FROM califa_spectra.spectra "
                    "ORDER BY califaid LIMIT 1")
        ident, length = cur.fetchone()
    url = f"{site.url}/califa/q/galaxy/qp/{ident}"
    page_html = requests.get(url, timeout=60).text
    assert 'class="spectrum"' in page_html and "FORMAT=text%2Fcsv" in page_html
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("figure.spectrum canvas[data-points]")
        points = page.get_attribute("figure.spectrum canvas", "data-points")
        page.screenshot(path=str(tmp_path / "spectrum.png"), full_page=True)
        browser.close()
    assert int(points) == length
