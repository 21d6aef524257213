"""Output formats, each one :class:`Format` record holding every fact about it.

:func:`lookup` takes a RESPONSEFORMAT value as TAP/DALI clients send it — a
short name (``votable``, ``csv``…) or a MIME type with parameters
(``application/x-votable+xml;serialization=binary2``), compared without case,
blanks or a ``charset=utf-8`` parameter — and returns a :class:`Format`; an
unknown value raises a ValueError whose message lists what is accepted (the
caller answers 400 with a DALI error).  TAP's capabilities
(:func:`advertised`) and the downloads under form results
(:func:`form_formats`) are derived from the same records.
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
TAPREGEXT = "ivo://ivoa.net/std/TAPRegExt"


def _normalise(value: str) -> str:
    """Lower case, no blanks, no charset parameter (all text DR writes is UTF-8, and
    clients may send back the Content-Type they were given)."""
    parts = "".join(value.split()).lower().split(";")
    return ";".join(p for p in parts if p not in ("charset=utf-8", "charset=utf8"))


@dataclass(frozen=True)
class Format:
    """An output format.

    ``name`` is its short name (the RESPONSEFORMAT value DR advertises) and
    ``content_type`` the Content-Type it is sent with; :func:`lookup` accepts
    both and the other spellings in ``aliases``.  ``ivo_id`` is its TAPRegExt
    identifier where there is one; ``advertised`` formats are listed in TAP's
    capabilities; ``form_label`` offers it as a download under form results.

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
    aliases: tuple[str, ...] = ()
    ivo_id: str | None = None
    advertised: bool = True
    form_label: str | None = None

    @property
    def is_votable(self) -> bool:
        return getattr(self.factory, "func", self.factory) is VOTableWriter

    def spellings(self) -> list[str]:
        """Every RESPONSEFORMAT value naming this format, normalised."""
        return list(dict.fromkeys(_normalise(s) for s in
                                  (self.name, self.content_type, *self.aliases)))

    def writer(self, columns: Sequence[ColumnLike], **options: Any) -> Any:
        """A writer (or spool) for a result with these columns."""
        known = {k: v for k, v in options.items() if k in self.options}
        return self.factory(columns, **known)


_VOTABLE_OPTIONS = ("infos", "params", "description", "table_name", "query_status",
                    "site_url")
BINARY2 = Format("votable", VOTABLE_MIME, "vot",
                 partial(VOTableWriter, serialization="binary2"), _VOTABLE_OPTIONS,
                 ivo_id=f"{TAPREGEXT}#output-votable-binary2", form_label="VOTable")
FORMATS = {f.name: f for f in (
    BINARY2,
    Format("votable/td", f"{VOTABLE_MIME};serialization=tabledata", "vot",
           partial(VOTableWriter, serialization="tabledata"), _VOTABLE_OPTIONS,
           aliases=("votable/tabledata", f"{VOTABLE_MIME};serialization=td"),
           ivo_id=f"{TAPREGEXT}#output-votable-td"),
    Format("votable/b2", f"{VOTABLE_MIME};serialization=binary2", "vot",
           partial(VOTableWriter, serialization="binary2"), _VOTABLE_OPTIONS,
           aliases=("votable/binary2",)),
    # What browsers and old clients ask for; not a format of its own.
    Format("text/xml", "text/xml", "xml",
           partial(VOTableWriter, serialization="binary2"), _VOTABLE_OPTIONS,
           advertised=False),
    Format("csv", "text/csv;charset=utf-8;header=present", "csv", DelimitedWriter,
           aliases=("text/csv",), form_label="CSV"),
    Format("tsv", "text/tab-separated-values;charset=utf-8", "tsv",
           partial(DelimitedWriter, delimiter="\t")),
    Format("json", "application/json;charset=utf-8", "json", JSONWriter,
           form_label="JSON"),
    Format("fits", "application/fits", "fits", FitsSpool, ("directory", "spool_limit"),
           spooled=True),
    Format("html", "text/html;charset=utf-8", "html", HTMLTableWriter,
           HTMLTableWriter.OPTIONS),
)}

# Every accepted spelling (normalised) and the format it names.
ALIASES: dict[str, str] = {spelling: f.name for f in FORMATS.values()
                           for spelling in f.spellings()}


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


def advertised() -> list[Format]:
    """The formats TAP's capabilities list, in this order."""
    return [f for f in FORMATS.values() if f.advertised]


def form_formats() -> list[Format]:
    """The formats offered as downloads under form results."""
    return [f for f in FORMATS.values() if f.form_label]
