"""Results as an HTML ``<table>`` fragment: RESPONSEFORMAT=html and the form pages.

This is DR's one HTML table writer; the form renderer embeds its fragment in
the results page.  A header cell carries the column's label (its name unless
the form gives a ``tablehead``), its unit in brackets and the description as
a tooltip, and the column's name, UCD, unit and whether it is a number as
``data-`` attributes with its xtype (for the page's plots; a hinted value's cell keeps the
number in ``data-v``); the form adds a sort link and marker (``headers``).  Values are
spelled as in :mod:`engine.formats.cells` and HTML-escaped, except that a
float column's display hint (``sf=3``, ``type=hms``, ``type=dms``; option
``hints``) decides its spelling.  A text column hinted ``type=product``
(an accref) becomes a link to the product, with a thumbnail of its preview
for the accrefs in the option ``previews`` (the form renderer finds which
have one) and a "links" link to the URL the option ``links`` gives an accref
(its DataLink document).  With the option ``pick_form`` (the id of a form
elsewhere on the page), each row with a product starts with a tick box
belonging to that form, named ``_ACCREF`` and valued with the row's first
product.  The status follows the table as a paragraph of class
``dr-overflow`` or ``dr-error``.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from engine.formats.batch import Batch, ColumnLike, layout
from engine.formats.cells import text_cells
from engine.formats.writer import Status
from rd.accrefs import makeProductLink


@dataclass(frozen=True)
class Header:
    """How a form shows a column's header: its label, a link (to sort by it), a marker."""

    label: str
    url: str | None = None
    marker: str = ""


_NUMBERS = frozenset({"short", "int", "long", "float", "double", "unsignedByte"})


def _header(column: ColumnLike, header: Header | None) -> str:
    title = f' title="{html.escape(column.description)}"' if column.description else ""
    facts = {"name": column.name, "ucd": column.ucd, "unit": column.unit,
             "xtype": column.xtype}
    if layout(column) == "scalar" and column.datatype in _NUMBERS:
        facts["numeric"] = "1"
    title += "".join(f' data-{key}="{html.escape(value)}"'
                     for key, value in facts.items() if value)
    label = html.escape(header.label if header else column.name)
    if header and header.url:
        label = f'<a href="{html.escape(header.url)}">{label}</a>'
    if header and header.marker:
        label += f" {html.escape(header.marker)}"
    unit = f" [{html.escape(column.unit)}]" if column.unit else ""
    return f"<th{title}>{label}{unit}</th>"


def _hint(text: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in text.split(",") if "=" in item)


def sexagesimal(value: float, hours: bool, places: int) -> str:
    """Degrees as ``hh mm ss.s`` (``hours``) or ``±dd mm ss.s``."""
    sign = "-" if value < 0 else ("+" if not hours else "")
    value = abs(value) / 15 if hours else abs(value)
    whole = int(value)
    minutes = int((value - whole) * 60)
    seconds = ((value - whole) * 60 - minutes) * 60
    if round(seconds, places) >= 60:
        seconds, minutes = 0.0, minutes + 1
    if minutes >= 60:
        minutes, whole = 0, whole + 1
    width = places + 3 if places else 2
    return f"{sign}{whole:02d} {minutes:02d} {seconds:0{width}.{places}f}"


def _hinted(values: np.ma.MaskedArray, hint: dict[str, str]) -> list[str] | None:
    """A float column's cells as its display hint asks, or None (no such hint)."""
    kind = hint.get("type")
    if kind in ("hms", "dms"):
        places = int(hint.get("sf", "2" if kind == "hms" else "1"))
        spell = lambda v: sexagesimal(v, kind == "hms", places)  # noqa: E731
    elif "sf" in hint:
        spell = f"{{:.{int(hint['sf'])}f}}".format
    else:
        return None
    data = np.ma.getdata(values).tolist()
    bad = (np.ma.getmaskarray(values) | ~np.isfinite(np.ma.getdata(values))).tolist()
    # the value itself rides along for scripts (the plots of the results page)
    return ["" if b else f'<span data-v="{v!r}">{html.escape(spell(v))}</span>'
            for v, b in zip(data, bad)]


def _product_cell(accref: str, previews: Collection[str],
                  links: Mapping[str, str]) -> str:
    """An accref as a link to its product, with its preview's thumbnail if it has one
    and a link to its DataLink links if it has a datalink service."""
    if not accref:
        return ""
    url = makeProductLink(accref, withHost=False)
    cell = f'<a class="dr-product" href="{html.escape(url)}">{html.escape(accref)}</a>'
    if accref in links:
        cell += (f' <a class="dr-links" href="{html.escape(links[accref])}" '
                 f'title="DataLink: the files and services of this dataset">links</a>')
    if accref in previews:
        thumb = html.escape(url + "?preview=True")
        cell += (f' <a class="dr-preview" href="{thumb}"><img src="{thumb}" '
                 f'alt="preview of {html.escape(accref)}" loading="lazy"></a>')
    return cell


def _pick_cell(accref: str, form: str) -> str:
    if not accref:
        return ""
    value = html.escape(accref)
    return (f'<input type="checkbox" class="dr-pick" name="_ACCREF" value="{value}" '
            f'form="{html.escape(form)}" aria-label="tick {value}">')


class HTMLTableWriter:
    """One result as an HTML table fragment."""

    in_band_status: ClassVar[bool] = True
    OPTIONS: ClassVar[tuple[str, ...]] = ("css_class", "headers", "hints", "previews",
                                          "links", "pick_form")

    def __init__(self, columns: Sequence[ColumnLike], *, css_class: str = "dr-results",
                 headers: Sequence[Header] | None = None,
                 hints: Sequence[str] = (), previews: Collection[str] = (),
                 links: Mapping[str, str] | None = None,
                 pick_form: str | None = None) -> None:
        self.columns = list(columns)
        self._css_class = css_class
        self._headers = list(headers or [None] * len(self.columns))
        self._hints = [_hint(h) for h in hints] + [{}] * (len(self.columns) - len(hints))
        self._previews = previews
        self._links = links or {}
        products = [n for n, (c, h) in enumerate(zip(self.columns, self._hints))
                    if layout(c) == "text" and h.get("type") == "product"]
        self._pick = (pick_form, products[0]) if pick_form and products else None

    def head(self) -> bytes:
        headers = "".join(_header(c, h) for c, h in zip(self.columns, self._headers))
        if self._pick:
            headers = '<th class="dr-pick"><span class="dr-hidden">Tick</span></th>' + headers
        return (f'<table class="{html.escape(self._css_class)}">\n'
                f"<thead><tr>{headers}</tr></thead>\n<tbody>\n").encode()

    def batch(self, batch: Batch) -> bytes:
        if not batch.length:
            return b""
        columns = []
        picks = None
        for number, (values, column, hint) in enumerate(
                zip(batch.columns, self.columns, self._hints)):
            kind = layout(column)
            cells = None
            if hint and kind == "scalar" and column.datatype in ("float", "double"):
                cells = _hinted(values, hint)
            if cells is None:
                cells, _ = text_cells(values, column)
            if self._pick and number == self._pick[1]:
                picks = [_pick_cell(c, self._pick[0]) for c in cells]
            if kind == "text" and hint.get("type") == "product":
                cells = [_product_cell(c, self._previews, self._links) for c in cells]
            elif kind in ("text", "timestamp"):
                cells = [html.escape(c, quote=False) for c in cells]
            columns.append(cells)
        if picks is not None:
            columns.insert(0, picks)
        rows = "</td></tr>\n<tr><td>".join(map("</td><td>".join, zip(*columns)))
        return f"<tr><td>{rows}</td></tr>\n".encode()

    def tail(self, status: Status) -> bytes:
        end = "</tbody>\n</table>\n"
        if status.value == "OVERFLOW":
            end += ('<p class="dr-overflow">The result was cut at the row limit; '
                    "more rows match.</p>\n")
        elif status.value == "ERROR":
            end += f'<p class="dr-error">{html.escape(status.message)}</p>\n'
        return end.encode("utf-8")
