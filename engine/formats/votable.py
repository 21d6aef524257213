"""VOTable 1.4 results, streamed: BINARY2 (the default) or TABLEDATA serialization.

The document is one ``RESOURCE type="results"`` holding the caller's
DESCRIPTION, INFOs and PARAMs, ``INFO name="QUERY_STATUS" value="OK"`` before
the TABLE (TAP 1.1 §2.9), the FIELDs and the rows.  The final status goes after
the TABLE, where DALI 1.1 puts the OVERFLOW marker and an error found while
writing: ``<INFO name="QUERY_STATUS" value="ERROR">message</INFO>``; clients
such as pyvo take the last QUERY_STATUS.  The namespace is VOTable 1.3's, as
VOTable 1.4 prescribes.  Given the site's URL (``site_url``), a result with a
column of dataset identifiers (publisher DIDs, accrefs, product URLs) ends with
the service descriptor of the site-wide links endpoint
(:mod:`engine.formats.servicedesc`), after the results RESOURCE.

Text: char columns hold ASCII and unicodeChar columns anything, as the
column metadata promise; a char column that meets non-ASCII in BINARY2 is
written as UTF-8, logged, and named in an ``INFO name="warning"`` after the
TABLE (:mod:`engine.formats.binary2`).  In TABLEDATA every value is XML text,
which every reader reads back exactly whatever the datatype.

NULLs: BINARY2 sets the row's null flag (floats also hold NaN); TABLEDATA
writes NaN for floats (NaNs for fixed-size float arrays) and an empty TD for
everything else, which VOTable 1.3 and later read as NULL, so no ``VALUES
null`` is declared.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any, ClassVar

from engine.formats import servicedesc, xmltext
from engine.formats.batch import Batch, ColumnLike, canonical
from engine.formats.binary2 import Base64Lines, encode_rows, non_ascii_char_columns
from engine.formats.cells import text_cells
from engine.formats.writer import Status
from rd.tablemeta import ResultColumn

log = logging.getLogger("dr.formats")
NAMESPACE = "http://www.ivoa.net/xml/VOTable/v1.3"
SCHEMA = "http://www.ivoa.net/xml/VOTable/VOTable-1.4.xsd"
SERIALIZATIONS = ("binary2", "tabledata")
_FIELD_ATTRIBUTES = ("datatype", "arraysize", "unit", "ucd", "utype", "xtype")

Info = tuple[str, str] | tuple[str, str, str]  # name, value[, content]
Param = tuple[ColumnLike, Any]  # the PARAM's metadata and its value


def field_attributes(column: ColumnLike, id_: str | None = None) -> str:
    """The attributes of a FIELD or PARAM element for ``column``."""
    parts = [f'name="{xmltext.attr(column.name, "column name")}"']
    if id_:
        parts.append(f'ID="{id_}"')
    for key in _FIELD_ATTRIBUTES:
        value = getattr(column, key)
        if value:
            parts.append(f'{key}="{xmltext.attr(value, f"{key} of {column.name}")}"')
    return " ".join(parts)


def _element(tag: str, attributes: str, column: ColumnLike) -> str:
    """A FIELD or PARAM, with the column's DESCRIPTION as its child if it has one."""
    if not column.description:
        return f"<{tag} {attributes}/>"
    description = xmltext.text(column.description, f"description of {column.name}")
    return f"<{tag} {attributes}><DESCRIPTION>{description}</DESCRIPTION></{tag}>"


@functools.lru_cache(maxsize=4096)
def _cached_field(column: ColumnLike, id_: str) -> str:
    return _element("FIELD", field_attributes(column, id_), column)


def _field(column: ColumnLike, id_: str) -> str:
    """The FIELD element of ``column``: the same columns come in request after request,
    so a (frozen, compared by value) ResultColumn's is made once."""
    if type(column) is ResultColumn:
        return _cached_field(column, id_)
    return _element("FIELD", field_attributes(column, id_), column)


def _info(name: str, value: str, content: str = "") -> str:
    head = f'<INFO name="{xmltext.attr(name)}" value="{xmltext.attr(value)}"'
    return f"{head}>{xmltext.text(content)}</INFO>" if content else head + "/>"


def _param(column: ColumnLike, value: Any) -> str:
    """A PARAM element: a service's are the same request after request (SSA's table
    metadata, say), so one of a ResultColumn with a hashable value is made once."""
    if type(column) is ResultColumn:
        try:
            return _cached_param(column, type(value), value)
        except TypeError:  # an unhashable value (a list, an array)
            pass
    return _make_param(column, value)


@functools.lru_cache(maxsize=4096)
def _cached_param(column: ColumnLike, _type: type, value: Any) -> str:
    # The type is part of the key: 1 and True are equal, but not as text.
    return _make_param(column, value)


def _make_param(column: ColumnLike, value: Any) -> str:
    cells, _ = text_cells(canonical([value], column), column)
    attributes = field_attributes(column)
    if not column.arraysize and column.datatype in ("char", "unicodeChar"):
        # Without an arraysize, a char PARAM would hold a single character.
        attributes += ' arraysize="*"'
    attributes += f' value="{xmltext.attr(cells[0], f"value of {column.name}")}"'
    return _element("PARAM", attributes, column)


class VOTableWriter:
    """One result as a VOTable; ``serialization`` is ``binary2`` or ``tabledata``."""

    in_band_status: ClassVar[bool] = True

    def __init__(self, columns: Sequence[ColumnLike], *, serialization: str = "binary2",
                 infos: Sequence[Info] = (), params: Sequence[Param] = (),
                 description: str = "", table_name: str = "",
                 query_status: bool = True, site_url: str = "",
                 table_utype: str = "", table_params: Sequence[Param] = ()) -> None:
        if serialization not in SERIALIZATIONS:
            raise ValueError(f"serialization must be one of {', '.join(SERIALIZATIONS)}")
        self.columns = list(columns)
        self.serialization = serialization
        self._base64 = Base64Lines()
        self._non_ascii: list[str] = []  # char columns that met non-ASCII in BINARY2
        self._ids = xmltext.unique_ids(c.name for c in self.columns)  # the FIELDs' IDs
        self._head = self._make_head(infos, params, description, table_name, query_status,
                                     table_utype, table_params)
        self._links = ""
        id_column = servicedesc.id_column(self.columns)
        if site_url and id_column is not None:
            self._links = servicedesc.links_descriptor(self._ids[id_column], site_url) + "\n"

    def _make_head(self, infos: Sequence[Info], params: Sequence[Param], description: str,
                   table_name: str, query_status: bool, table_utype: str,
                   table_params: Sequence[Param]) -> str:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 f'<VOTABLE version="1.4" xmlns="{NAMESPACE}" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                 f'xsi:schemaLocation="{NAMESPACE} {SCHEMA}">',
                 '<RESOURCE type="results">']
        if description:
            lines.append(f"<DESCRIPTION>{xmltext.text(description)}</DESCRIPTION>")
        if query_status:
            lines.append(_info("QUERY_STATUS", "OK"))
        lines.extend(_info(*info) for info in infos)
        lines.extend(_param(column, value) for column, value in params)
        table = "<TABLE"
        if table_name:
            table += f' name="{xmltext.attr(table_name)}"'
        if table_utype:  # a data model's, such as SDM's spec:Spectrum
            table += f' utype="{xmltext.attr(table_utype)}"'
        lines.append(table + ">")
        lines.extend(_param(column, value) for column, value in table_params)
        lines.extend(_field(column, id_) for column, id_ in zip(self.columns, self._ids))
        lines.append('<DATA><BINARY2><STREAM encoding="base64">'
                     if self.serialization == "binary2" else "<DATA><TABLEDATA>")
        return "\n".join(lines) + "\n"

    def head(self) -> bytes:
        return self._head.encode("utf-8")

    def batch(self, batch: Batch) -> bytes:
        if self.serialization == "binary2":
            self._check_ascii(batch)
            return self._base64.feed(encode_rows(batch, self.columns))
        return self._tabledata(batch).encode("utf-8")

    def _check_ascii(self, batch: Batch) -> None:
        for name in non_ascii_char_columns(batch, self.columns):
            if name not in self._non_ascii:
                self._non_ascii.append(name)
                log.warning("result column %r is declared char but holds non-ASCII "
                            "text; written as UTF-8, which not every client reads", name)

    def tail(self, status: Status) -> bytes:
        if self.serialization == "binary2":
            end = self._base64.flush().decode("ascii") + "</STREAM></BINARY2></DATA></TABLE>\n"
        else:
            end = "</TABLEDATA></DATA></TABLE>\n"
        if self._non_ascii:
            end += _info("warning", "non-ASCII in char columns", xmltext.scrub(
                f"Column(s) {', '.join(self._non_ascii)} hold non-ASCII text although "
                "declared char; their values are UTF-8, which not every client reads. "
                "RESPONSEFORMAT=votable/td gives them exactly.")) + "\n"
        if status.value != "OK":
            end += _info("QUERY_STATUS", status.value, xmltext.scrub(status.message)) + "\n"
        return (end + "</RESOURCE>\n" + self._links + "</VOTABLE>\n").encode("utf-8")

    def _tabledata(self, batch: Batch) -> str:
        if not batch.length:
            return ""
        columns = []
        for values, column in zip(batch.columns, self.columns):
            cells, _ = text_cells(values, column, float_null="NaN")
            if column.datatype in ("char", "unicodeChar"):
                cells = xmltext.escape_cells(cells, f"a value of column {column.name}")
            columns.append(cells)
        rows = map("</TD><TD>".join, zip(*columns))
        return "<TR><TD>" + "</TD></TR>\n<TR><TD>".join(rows) + "</TD></TR>\n"
