"""The DataLink 1.1 links document: rows of links and the service descriptors they
name, as a VOTable 1.4 (TABLEDATA; a links document is small).

Plain data in (:class:`Link`, and service descriptors of
:mod:`engine.formats.servicedesc`), bytes out; the
columns are DataLink 1.1's, in its order, with its UCDs.  Text the caller
cannot vouch for (IDs from the request, error messages) is scrubbed of what
XML cannot hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from engine.formats.servicedesc import ServiceDescriptor, descriptor_xml
from engine.formats.xmltext import scrub, text

MIME = "application/x-votable+xml;content=datalink"
SODA_SYNC = "ivo://ivoa.net/std/SODA#sync-1.0"    # standardIDs of SODA's descriptors
SODA_ASYNC = "ivo://ivoa.net/std/SODA#async-1.0"
VOTABLE_NS = "http://www.ivoa.net/xml/VOTable/v1.3"


@dataclass(frozen=True)
class Link:
    """One row of a links document (DataLink 1.1 §3.2)."""

    id: str
    access_url: str | None = None
    service_def: str | None = None
    error_message: str | None = None
    semantics: str = "#this"
    description: str | None = None
    content_type: str | None = None
    content_length: int | None = None
    content_qualifier: str | None = None
    local_semantics: str | None = None
    link_auth: str | None = None
    link_authorized: bool | None = None


# name, datatype, arraysize, ucd, unit, description
COLUMNS = (
    ("ID", "char", "*", "meta.id;meta.main", None, "The identifier the link is for"),
    ("access_url", "char", "*", "meta.ref.url", None, "URL of the linked resource"),
    ("service_def", "char", "*", "meta.ref", None,
     "The service descriptor (in this document) to call for the link"),
    ("error_message", "char", "*", "meta.code.error", None,
     "Why there is no link for the ID"),
    ("semantics", "char", "*", "meta.code", None,
     "What the link is, a term of http://www.ivoa.net/rdf/datalink/core"),
    ("description", "unicodeChar", "*", "meta.note", None, "What the link gives"),
    ("content_type", "char", "*", "meta.code.mime", None, "Media type of the resource"),
    ("content_length", "long", None, "phys.size;meta.file", "byte",
     "Size of the resource"),
    ("content_qualifier", "char", "*", "meta.code.class", None,
     "What kind of data the resource holds (product-type vocabulary)"),
    ("local_semantics", "char", "*", "meta.code", None,
     "What the link is, in this service's own words"),
    ("link_auth", "char", "*", "meta.code", None,
     "Whether the link needs authentication: false, optional or true"),
    ("link_authorized", "boolean", None, "meta.code", None,
     "Whether the caller may use the link"),
)


def _cell(value: object) -> str:
    if value is None:
        return "<TD/>"
    if isinstance(value, bool):
        return f"<TD>{'T' if value else 'F'}</TD>"
    return f"<TD>{text(scrub(str(value)))}</TD>"


def _row(link: Link) -> str:
    values = (link.id, link.access_url, link.service_def, link.error_message,
              link.semantics, link.description, link.content_type, link.content_length,
              link.content_qualifier, link.local_semantics, link.link_auth,
              link.link_authorized)
    return "<TR>" + "".join(_cell(v) for v in values) + "</TR>"


def links_document(links: Iterable[Link], descriptors: Sequence[ServiceDescriptor] = (),
                   *, overflow: bool = False) -> bytes:
    """The whole links document; ``overflow``: IDs were left out (DALI's OVERFLOW)."""
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           f'<VOTABLE version="1.4" xmlns="{VOTABLE_NS}">',
           '<RESOURCE type="results">',
           '<INFO name="standardID" value="ivo://ivoa.net/std/DataLink#links-1.1"/>',
           '<TABLE name="links">']
    for name, datatype, arraysize, ucd, unit, description in COLUMNS:
        size = f' arraysize="{arraysize}"' if arraysize else ""
        unit_attr = f' unit="{unit}"' if unit else ""
        out.append(f'<FIELD name="{name}" datatype="{datatype}"{size} ucd="{ucd}"'
                   f'{unit_attr}><DESCRIPTION>{text(description)}</DESCRIPTION></FIELD>')
    out.append("<DATA><TABLEDATA>")
    out += [_row(link) for link in links]
    out.append("</TABLEDATA></DATA>")
    out.append("</TABLE>")
    out.append(f'<INFO name="QUERY_STATUS" value="{"OVERFLOW" if overflow else "OK"}"/>')
    out.append("</RESOURCE>")
    out += [descriptor_xml(sd) for sd in descriptors]
    out.append("</VOTABLE>")
    return ("\n".join(out) + "\n").encode("utf-8")
