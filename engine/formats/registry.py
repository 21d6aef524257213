"""RESPONSEFORMAT values → output formats: which writer, which Content-Type.

:func:`lookup` takes the value as TAP/DALI clients send it — a short name
(``votable``, ``csv``…) or a MIME type with parameters
(``application/x-votable+xml;serialization=binary2``), compared without case,
blanks or a ``charset=utf-8`` parameter — and returns a :class:`Format`; an
unknown value raises a ValueError whose message lists what is accepted (the
caller answers 400 with a DALI error).  :func:`accepted` lists the values,
e.g. for capabilities.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from engine.formats.batch import ColumnLike
from engine.formats.delimited import DelimitedWriter
from engine.formats.fits import FitsSpool
from engine.formats.htmltable import HTMLTableWriter
from engine.formats.jsonformat import JSONWriter
from engine.formats.votable import VOTableWriter

VOTABLE_MIME = "application/x-votable+xml"


@dataclass(frozen=True)
class Format:
    """An output format: its name, the Content-Type to send, and how to make its writer.

    ``spooled`` formats (FITS) are :class:`engine.formats.fits.FitsSpool`s:
    ``add(batch)`` each batch, then send ``finish(status)``; all others are
    streaming writers (:class:`engine.formats.writer.Writer`).  Writer options
    that a format does not know (``infos`` for CSV, say) are dropped, so one
    call serves all formats.
    """

    name: str
    content_type: str
    extension: str
    factory: Callable[..., Any] = field(repr=False)
    options: tuple[str, ...] = ()
    spooled: bool = False

    @property
    def is_votable(self) -> bool:
        return getattr(self.factory, "func", self.factory) is VOTableWriter

    def writer(self, columns: Sequence[ColumnLike], **options: Any) -> Any:
        """A writer (or spool) for a result with these columns."""
        known = {k: v for k, v in options.items() if k in self.options}
        return self.factory(columns, **known)


_VOTABLE_OPTIONS = ("infos", "params", "description", "table_name", "query_status")
BINARY2 = Format("votable", VOTABLE_MIME, "vot",
                 partial(VOTableWriter, serialization="binary2"), _VOTABLE_OPTIONS)
FORMATS = {f.name: f for f in (
    BINARY2,
    Format("votable/td", f"{VOTABLE_MIME};serialization=tabledata", "vot",
           partial(VOTableWriter, serialization="tabledata"), _VOTABLE_OPTIONS),
    Format("votable/b2", f"{VOTABLE_MIME};serialization=binary2", "vot",
           partial(VOTableWriter, serialization="binary2"), _VOTABLE_OPTIONS),
    Format("text/xml", "text/xml", "xml",
           partial(VOTableWriter, serialization="binary2"), _VOTABLE_OPTIONS),
    Format("csv", "text/csv;charset=utf-8;header=present", "csv", DelimitedWriter),
    Format("tsv", "text/tab-separated-values;charset=utf-8", "tsv",
           partial(DelimitedWriter, delimiter="\t")),
    Format("json", "application/json;charset=utf-8", "json", JSONWriter),
    Format("fits", "application/fits", "fits", FitsSpool, ("directory", "spool_limit"),
           spooled=True),
    Format("html", "text/html;charset=utf-8", "html", HTMLTableWriter),
)}

# Every accepted spelling (lower case, no blanks) and the format it names.
ALIASES: dict[str, str] = {
    "votable": "votable",
    VOTABLE_MIME: "votable",
    "text/xml": "text/xml",
    "votable/b2": "votable/b2",
    "votable/binary2": "votable/b2",
    f"{VOTABLE_MIME};serialization=binary2": "votable/b2",
    "votable/td": "votable/td",
    "votable/tabledata": "votable/td",
    f"{VOTABLE_MIME};serialization=tabledata": "votable/td",
    f"{VOTABLE_MIME};serialization=td": "votable/td",
    "csv": "csv",
    "text/csv": "csv",
    "text/csv;header=present": "csv",
    "tsv": "tsv",
    "text/tab-separated-values": "tsv",
    "json": "json",
    "application/json": "json",
    "fits": "fits",
    "application/fits": "fits",
    "html": "html",
    "text/html": "html",
}


def _normalise(value: str) -> str:
    """Lower case, no blanks, no charset parameter (all text DR writes is UTF-8, and
    clients may send back the Content-Type they were given)."""
    parts = "".join(value.split()).lower().split(";")
    return ";".join(p for p in parts if p not in ("charset=utf-8", "charset=utf8"))


def lookup(responseformat: str | None) -> Format:
    """The format a RESPONSEFORMAT value names; VOTable (BINARY2) when it is empty."""
    if not responseformat or not responseformat.strip():
        return BINARY2
    name = ALIASES.get(_normalise(responseformat))
    if name is None:
        raise ValueError(f"unknown RESPONSEFORMAT {responseformat!r}; accepted are: "
                         + ", ".join(accepted()))
    return FORMATS[name]


def accepted() -> list[str]:
    """Every RESPONSEFORMAT value :func:`lookup` accepts."""
    return list(ALIASES)
