"""SAMP from the pages (templates/static/samp.js) in headless Chromium: astropy's
SAMP hub with the Web Profile (on a free loopback port, every page accepted)
and a standard-profile client listening, as TOPCAT would; the results of a
form, the ticked files and an ADQL console query reach it as URLs that load."""

from __future__ import annotations

import io
import queue
import threading
import time
import urllib.parse

import pytest
import requests
from astropy.io.votable import parse_single_table

from tests.servers import free_port
from tests.web.test_browser import CHROMIUM, FLAGS

FORM = "/jplus/images/web/form?_run=1&MAXREC=5"


class AcceptEveryPage:
    """The hub's Web Profile consent dialog, answering yes (a test has no user)."""

    def __init__(self) -> None:
        self.queue_request: queue.Queue | None = None
        self.queue_result: queue.Queue | None = None
        self.stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop.is_set():
            if self.queue_request is None:
                time.sleep(0.05)
                continue
            try:
                self.queue_request.get(timeout=0.1)
            except queue.Empty:
                continue
            self.queue_result.put(True)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    from astropy.samp import SAMPHubServer, SAMPIntegratedClient

    dialog = AcceptEveryPage()
    port = free_port()
    server = SAMPHubServer(web_profile=True, web_port=port, web_profile_dialog=dialog,
                           lockfile=str(tmp_path_factory.mktemp("samp") / "lock"),
                           addr="127.0.0.1")
    server.start(wait=False)
    received: queue.Queue = queue.Queue()
    client = SAMPIntegratedClient(name="listener")
    client.connect(hub=server)

    def remember(private_key, sender_id, mtype, params, extra):
        received.put((mtype, params))

    for mtype in ("table.load.votable", "image.load.fits"):
        client.bind_receive_notification(mtype, remember)
    yield f"http://localhost:{port}/", received
    client.disconnect()
    server.stop()
    dialog.stop.set()


@pytest.fixture
def page(server, hub):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        page.add_init_script(f"window.DR_SAMP_HUB = {hub[0]!r};")
        yield page
        browser.close()


def messages(hub, count: int) -> list[tuple[str, dict]]:
    return [hub[1].get(timeout=30) for _ in range(count)]


def test_the_results_of_a_form_reach_the_hub_as_a_votable_url(server, hub, page):
    page.goto(server.url + FORM)
    page.click("#samp-table")
    ((mtype, params),) = messages(hub, 1)
    assert mtype == "table.load.votable"
    assert params["url"].startswith(server.url + "/jplus/images/web/form?")
    assert "RESPONSEFORMAT=votable" in params["url"]
    table = parse_single_table(io.BytesIO(requests.get(params["url"], timeout=60).content))
    shown = page.locator("#results table.results tbody tr").count()
    assert len(table.array) >= shown == 5
    page.wait_for_selector("text=Sent to your SAMP tools.")


def test_the_ticked_files_reach_the_hub_as_images(server, hub, page):
    page.goto(server.url + FORM)
    boxes = page.locator("input.dr-pick")
    boxes.nth(1).check()
    boxes.nth(3).check()
    wanted = {boxes.nth(n).get_attribute("value") for n in (1, 3)}
    page.click("#samp-ticked")
    got = messages(hub, 2)
    assert {m for m, _ in got} == {"image.load.fits"}
    urls = {p["url"] for _, p in got}
    assert {urllib.parse.unquote(u.split("/getproduct/")[1]) for u in urls} == wanted
    for url in urls:
        assert requests.get(url, timeout=60).status_code == 200


def test_a_console_query_reaches_the_hub_as_its_sync_url(server, hub, page):
    page.goto(server.url + "/tap/console")
    page.fill("#adql", "SELECT TOP 4 califaid, name FROM califa.main")
    page.click("#samp-query")
    ((mtype, params),) = messages(hub, 1)
    assert mtype == "table.load.votable"
    table = parse_single_table(io.BytesIO(requests.get(params["url"], timeout=60).content))
    assert len(table.array) == 4 and "name" in table.array.dtype.names


def test_without_a_hub_the_page_says_so(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        page.add_init_script(f"window.DR_SAMP_HUB = 'http://localhost:{free_port()}/';")
        page.goto(server.url + FORM)
        page.click("#samp-table")
        page.wait_for_selector("text=No SAMP hub answered")
        browser.close()


def test_the_ticked_rows_reach_the_hub_as_a_votable(server, hub, page):
    page.goto(server.url + FORM)
    boxes = page.locator("input.dr-pick")
    boxes.nth(0).check()
    boxes.nth(4).check()
    wanted = {boxes.nth(n).get_attribute("value") for n in (0, 4)}
    page.click("#samp-rows")
    ((mtype, params),) = messages(hub, 1)
    assert mtype == "table.load.votable"
    table = parse_single_table(io.BytesIO(requests.get(params["url"], timeout=60).content))
    assert set(table.array["accref"]) == wanted
