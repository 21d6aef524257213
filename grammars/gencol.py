"""RD ``<column>`` elements from what a source declares: the text of ``dr gencol FILE``."""

from __future__ import annotations

from xml.sax.saxutils import escape

from grammars.base import ColumnDescription, SourceHeader

# Besides &, < and >: the quote delimiting the values, and the whitespace an
# XML parser would otherwise normalise to blanks inside attributes.
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def _attribute(name: str, value: str) -> str:
    return f'{name}="{escape(value, _ATTRIBUTE_ENTITIES)}"'


def column_element(column: ColumnDescription) -> str:
    """One ``<column .../>``; unit, ucd and description only when the source gives them."""
    attributes = [_attribute("name", column.name), _attribute("type", column.type)]
    attributes += [_attribute(key, value)
                   for key, value in (("unit", column.unit), ("ucd", column.ucd),
                                      ("description", column.description)) if value]
    return f"<column {' '.join(attributes)}/>"


def column_elements(header: SourceHeader) -> str:
    """The RD ``<column>`` elements for ``header``'s columns, one per line, ready to paste."""
    return "".join(column_element(column) + "\n" for column in header.columns)
