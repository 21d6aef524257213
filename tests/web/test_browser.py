"""The generated form in a real browser: headless Chromium, driven by Playwright."""

from __future__ import annotations

from tests.support import CHROMIUM, FLAGS

__all__ = ["CHROMIUM", "FLAGS"]  # the other browser tests take them from here


def test_a_user_searches_by_galaxy_name_and_pages_through(server, browser):
    page = browser.new_page()
    page.goto(server.url + "/califa/q/cone/form")
    assert "CALIFA-like galaxies" in page.title()
    page.fill("#f_hscs_pos", "ugc9877")
    page.fill("#f_hscs_sr", "600")
    page.fill("#f_MAXREC", "10")
    page.click("#submit")
    page.wait_for_selector("#results table.results tbody tr")
    rows = page.locator("#results table.results tbody tr")
    assert rows.count() == 10
    assert "UGC 9877" in page.content() or "NGC" in rows.first.inner_text()
    page.click("a[rel=next]")
    page.wait_for_selector("text=Rows 11–")
    page.close()


def test_a_user_sees_a_readable_error_for_a_bad_range(server, browser):
    page = browser.new_page()
    page.goto(server.url + "/califa/q/cone/form")
    page.fill("#f_redshift", "0.03 .. 0.01")
    page.click("#submit")
    error = page.wait_for_selector("#error")
    assert "runs backwards" in error.inner_text()
    page.close()
