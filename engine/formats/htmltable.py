"""Results as an HTML ``<table>`` fragment, for the browser form pages.

The page template embeds the fragment; it is not a document of its own.  The
header cells carry the column name, its unit in brackets and the description
as a tooltip; values are spelled as in :mod:`engine.formats.cells` and
HTML-escaped.  The status follows the table as a paragraph of class
``dr-overflow`` or ``dr-error``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import ClassVar

from engine.formats.batch import Batch, ColumnLike, layout
from engine.formats.cells import text_cells
from engine.formats.writer import Status


def _header(column: ColumnLike) -> str:
    title = f' title="{html.escape(column.description)}"' if column.description else ""
    unit = f" [{html.escape(column.unit)}]" if column.unit else ""
    return f"<th{title}>{html.escape(column.name)}{unit}</th>"


class HTMLTableWriter:
    """One result as an HTML table fragment."""

    in_band_status: ClassVar[bool] = True

    def __init__(self, columns: Sequence[ColumnLike], *,
                 css_class: str = "dr-results") -> None:
        self.columns = list(columns)
        self._css_class = css_class

    def head(self) -> bytes:
        headers = "".join(_header(c) for c in self.columns)
        return (f'<table class="{html.escape(self._css_class)}">\n'
                f"<thead><tr>{headers}</tr></thead>\n<tbody>\n").encode()

    def batch(self, batch: Batch) -> bytes:
        if not batch.length:
            return b""
        columns = []
        for values, column in zip(batch.columns, self.columns):
            cells, _ = text_cells(values, column)
            if layout(column) in ("text", "timestamp"):
                cells = [html.escape(c, quote=False) for c in cells]
            columns.append(cells)
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
