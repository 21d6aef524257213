"""The pages at 200 % zoom and with the keyboard alone, in headless Chromium: at the
width a 1280-pixel window has at 200 % (640 CSS pixels) no page scrolls
sideways (wide tables scroll in their own box); a search by name, made with
keys only, opens the galaxy's page."""

from __future__ import annotations

import pytest

PAGES = ["/", "/search/califa/q", "/tap/console", "/califa/q/galaxy/qp/2246",
         "/califa/q/galaxy/qp/", "/califa/q/cone/form?_run=1&MAXREC=20",
         "/jplus/images/web/form?_run=1&MAXREC=5"]


@pytest.mark.parametrize("path", PAGES)
def test_at_200_percent_no_page_scrolls_sideways(server, browser, path, tmp_path):
    page = browser.new_page(viewport={"width": 640, "height": 900}, device_scale_factor=2)
    page.goto(server.url + path)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - "
                             "document.documentElement.clientWidth")
    page.screenshot(path=str(tmp_path / "zoomed.png"), full_page=True)
    page.close()
    assert overflow <= 1, f"{path} is {overflow} px too wide"


def test_a_search_with_the_keyboard_alone_opens_the_galaxy(server, browser):
    page = browser.new_page()
    page.goto(server.url + "/search/califa/q")
    for _ in range(20):  # Tab until the name field has the focus
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "f_find":
            break
    assert page.evaluate("() => document.activeElement.id") == "f_find"
    page.keyboard.type("NGC 5947")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('NGC 5947')")
    assert "/califa/q/galaxy/qp/" in page.url
    page.close()
