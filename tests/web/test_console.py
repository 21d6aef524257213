"""The ADQL console (/tap/console) in headless Chromium: an example from the menu
runs and shows its rows, completion offers the caller's tables and columns, an
error is marked at its line and column, an async job runs to completion in the
job list with a result that pyvo-independent clients read, and is deleted;
a restricted table is neither completed nor listed for those outside it."""

from __future__ import annotations

import io

import pytest
import requests
from astropy.io.votable import parse_single_table

from tests.web.test_browser import CHROMIUM, FLAGS

CONSOLE = "/tap/console"


@pytest.fixture(scope="module")
def page(server, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        page.goto(server.url + CONSOLE)
        yield page
        browser.close()


def type_query(page, text: str) -> None:
    page.fill("#adql", "")
    page.type("#adql", text)


def test_an_example_from_the_menu_runs_and_shows_its_rows(server, page, tmp_path):
    assert "ADQL console" in page.title()
    page.select_option("#examples", label="Galaxies near NGC 5947")
    assert "califa.main" in page.input_value("#adql")
    page.click("#run-sync")
    page.wait_for_selector("#result-summary")
    rows = page.locator("#result table tbody tr")
    assert rows.count() > 1
    assert "NGC 5947" in page.inner_text("#result table")
    # the result can be plotted (templates/static/plot.js)
    page.click("#plot-details summary")
    page.select_option("#plot-x", label="ra [deg]")
    page.select_option("#plot-y", label="dist [deg]")
    assert page.locator("#plot canvas").is_visible()
    # the editor highlights what it knows
    assert page.locator("#highlight .keyword", has_text="SELECT").count() == 1
    assert page.locator("#highlight .table", has_text="califa.main").count() == 1
    page.screenshot(path=str(tmp_path / "console.png"), full_page=True)


def test_completion_offers_tables_and_the_columns_of_an_alias(page):
    type_query(page, "SELECT * FROM califa.ma")
    page.keyboard.press("Control+Space")
    page.wait_for_selector("#completions li")
    assert "califa.main" in page.inner_text("#completions")
    page.keyboard.press("Enter")
    assert page.input_value("#adql") == "SELECT * FROM califa.main"
    type_query(page, "SELECT m.reds FROM califa.main AS m")
    page.evaluate("() => { const e = document.getElementById('adql'); "
                  "e.setSelectionRange(13, 13); }")
    page.keyboard.press("Control+Space")
    page.wait_for_selector("#completions li")
    assert page.locator("#completions li").first.get_attribute("data-text") == \
        "m.redshift"
    page.keyboard.press("Tab")
    assert page.input_value("#adql").startswith("SELECT m.redshift FROM")


def test_an_error_is_marked_at_its_line_and_column(page):
    type_query(page, "SELECT name\nFROM califa.main\nWHERE nosuchcolumn > 1")
    page.click("#run-sync")
    page.wait_for_selector("#query-error:not([hidden])")
    message = page.inner_text("#query-error")
    assert "nosuchcolumn" in message and "line 3" in message
    assert page.locator("#highlight .error").inner_text() == "nosuchcolumn"
    selected = page.evaluate("() => { const e = document.getElementById('adql'); "
                             "return e.value.slice(e.selectionStart, e.selectionEnd); }")
    assert selected == "nosuchcolumn"


def test_an_async_job_runs_to_completion_in_the_job_list(server, page, tmp_path):
    type_query(page, "SELECT TOP 3 califaid FROM califa.main ORDER BY califaid")
    page.click("#run-async")
    row = page.locator("#jobs tr.job").first
    page.wait_for_function("() => document.querySelector('#jobs tr.job .phase')"
                           "?.textContent === 'COMPLETED'", timeout=60000)
    href = row.locator("a.job-result").get_attribute("href")
    table = parse_single_table(io.BytesIO(requests.get(href, timeout=60).content))
    assert len(table.array) == 3
    assert row.locator("td").nth(2).inner_text().endswith(" s")
    page.screenshot(path=str(tmp_path / "console-jobs.png"), full_page=True)
    job_url = row.get_attribute("data-url")
    # the list survives a reload (this browser remembers it)
    page.reload()
    page.wait_for_selector("#jobs tr.job")
    page.locator("#jobs tr.job button.job-delete").first.click()
    page.wait_for_function("() => !document.querySelector('#jobs tr.job')")
    assert requests.get(job_url, timeout=60).status_code in (404, 410)


def test_restricted_tables_are_not_offered_to_outsiders(server):
    body = requests.get(server.url + CONSOLE, timeout=60).text
    assert '"califa.main"' in body
    assert "califa_collab" not in body
