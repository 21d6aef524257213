"""The plots of a form's results page in headless Chromium (templates/static/plot.js):
a scatter plot of two numeric columns and a histogram of one, where dragging
a rectangle brushes exactly the rows inside it — marked in the table and
ticked for the downloads."""

from __future__ import annotations

import pytest

from tests.web.test_browser import CHROMIUM, FLAGS

FORM = "/jplus/images/web/form?_run=1&MAXREC=36"


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server.url + FORM)
        page.click("#plot-details summary")
        page.wait_for_selector("#plot canvas")
        yield page
        browser.close()


def column(page, name: str) -> list[float]:
    """The values of column ``name`` on the page, as the table shows them."""
    return page.evaluate("""name => {
        const table = document.querySelector('#results table.results');
        const th = Array.from(table.tHead.rows[0].cells)
            .find(c => c.dataset.name === name);
        return Array.from(table.tBodies[0].rows).map(r => {
            const cell = r.cells[th.cellIndex];
            const raw = cell.querySelector('[data-v]');
            return Number(raw ? raw.dataset.v : cell.textContent.trim());
        });
    }""", name)


def between(values: list[float], low: float, high: float) -> tuple[float, float]:
    """Bounds just inside ``low``..``high`` that lie midway between values."""
    ordered = sorted(set(values))
    inside = [v for v in ordered if low <= v <= high]
    first, last = ordered.index(inside[0]), ordered.index(inside[-1])
    lo = (ordered[first - 1] + inside[0]) / 2 if first else inside[0] - 1e-6
    hi = (ordered[last + 1] + inside[-1]) / 2 if last + 1 < len(ordered) else inside[-1] + 1e-6
    return lo, hi


def drag(page, start: tuple[float, float], end: tuple[float, float]) -> None:
    page.locator("#plot canvas").scroll_into_view_if_needed()
    a = page.evaluate("([x, y]) => window.drPlot.current.toPixel(x, y)", list(start))
    b = page.evaluate("([x, y]) => window.drPlot.current.toPixel(x, y)", list(end))
    page.mouse.move(*a)
    page.mouse.down()
    page.mouse.move((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    page.mouse.move(*b)
    page.mouse.up()


def brushed(page) -> list[int]:
    return page.evaluate("() => Array.from(document.querySelectorAll("
                         "'#results table.results tbody tr')).flatMap("
                         "(r, n) => r.classList.contains('dr-brushed') ? [n] : [])")


def test_a_rectangle_on_a_scatter_plot_brushes_and_ticks_the_rows_inside(page, tmp_path):
    page.select_option("#plot-x", label="seeing [arcsec]")
    page.select_option("#plot-y", label="photzp [mag]")
    seeing, zp = column(page, "seeing"), column(page, "photzp")
    ordered = sorted(seeing)
    x = between(seeing, ordered[len(ordered) // 4], ordered[3 * len(ordered) // 4])
    y = between(zp, min(zp), sorted(zp)[len(zp) * 2 // 3])
    drag(page, (x[0], y[1]), (x[1], y[0]))
    done = page.evaluate("() => window.drPlot.current.lastBrush()")
    # the brush is where the mouse went, to a pixel (whose size in data units the
    # values' spread gives)
    assert done["x"] == pytest.approx(x, abs=0.02 * (max(seeing) - min(seeing)))
    assert done["y"] == pytest.approx(y, abs=0.02 * (max(zp) - min(zp)))
    x, y = done["x"], done["y"]
    expected = [n for n, (s, z) in enumerate(zip(seeing, zp))
                if x[0] <= s <= x[1] and y[0] <= z <= y[1]]
    assert expected and len(expected) < len(seeing)
    assert brushed(page) == expected
    assert page.inner_text("#plot-status") == f"{len(expected)} rows brushed"
    ticked = page.evaluate("() => Array.from(document.querySelectorAll("
                           "'input.dr-pick')).flatMap((b, n) => b.checked ? [n] : [])")
    assert ticked == expected
    assert page.inner_text("#ticked-count") == f"{len(expected)} rows ticked"
    page.screenshot(path=str(tmp_path / "plot.png"), full_page=True)
    page.click("#plot-clear")
    assert brushed(page) == []
    assert page.inner_text("#ticked-count") == "0 rows ticked"


def test_a_range_on_a_histogram_brushes_the_rows_in_it(page):
    page.select_option("#plot-x", label="t_exptime [s]")
    page.select_option("#plot-y", label="histogram of x (count)")
    exposure = column(page, "t_exptime")
    low, high = between(exposure, min(exposure), sorted(exposure)[len(exposure) // 2])
    drag(page, (low, 0.5), (high, 0.5))
    done = page.evaluate("() => window.drPlot.current.lastBrush()")
    assert done is not None, page.inner_text("#plot-status")
    assert done["x"] == pytest.approx([low, high],
                                      abs=0.02 * (max(exposure) - min(exposure)))
    low, high = done["x"]
    wanted = [n for n, e in enumerate(exposure) if low <= e <= high]
    assert wanted and len(wanted) < len(exposure)
    assert brushed(page) == wanted


def test_the_sky_view_shows_positions_and_footprints_and_brushes(page):
    page.select_option("#plot-x", label="sky: RA and Dec, footprints")
    footprints = page.get_attribute("#plot canvas", "data-footprints")
    rows = page.locator("#results table.results tbody tr").count()
    assert int(footprints) == rows
    names = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#results table.results thead th')).filter(th => (th.dataset.ucd || '')
        .startsWith('pos.eq.')).map(th => [th.dataset.name, th.dataset.ucd])""")
    ra_name = next(n for n, u in names if u.startswith("pos.eq.ra"))
    dec_name = next(n for n, u in names if u.startswith("pos.eq.dec"))
    ras, decs = column(page, ra_name), column(page, dec_name)
    field = (ras[0], decs[0])  # the first row's field: its images share the centre
    drag(page, (field[0] + 5, field[1] + 5), (field[0] - 5, field[1] - 5))
    done = page.evaluate("() => window.drPlot.current.lastBrush()")
    low, high = done["x"]
    south, north = done["y"]
    wanted = [n for n, (r, d) in enumerate(zip(ras, decs))
              if low <= r <= high and south <= d <= north]
    assert 0 < len(wanted) < rows
    assert brushed(page) == wanted
