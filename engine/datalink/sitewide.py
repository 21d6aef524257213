"""The site-wide links endpoint's answer: each ID's links as its product's own
datalink service makes them (worker thread: database and files).

An ID may be a standard publisher DID (``ivo://<authority>/~?<accref>``), an
accref, or a ``/getproduct`` URL of this site: those are what the columns of
result VOTables hold that the links descriptor refers to
(engine/formats/servicedesc.py), and the rows of the document carry the ID
as given, so pyvo can match them to its rows.  The caller says for each
product which service answers for it (:class:`Handler`): its datalink service
(``dc.products.datalink``), whose metaMakers of the RD's own code run too,
or, for products without one, the basic links
(#this, #preview, #auxiliary) that a service without SODA gives.  Descriptors
are numbered across the whole document.  An ID naming nothing, a file the
caller may not have, or one whose datalink service they may not use are all
one NotFoundFault row, word for word (:func:`engine.datalink.links.not_found`):
the document never tells which.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine.datalink.document import Link
from engine.datalink.links import Fault, Where, links_for, not_found, pubdid
from engine.datalink.recipe import Recipe
from engine.formats.servicedesc import ServiceDescriptor
from engine.products.store import Product, lookup
from rd.accrefs import NotFoundError, getAccrefFromStandardPubDID


@dataclass(frozen=True)
class Handler:
    """How the links of one product are made: the recipe and facts of a service."""

    recipe: Recipe
    where: Where


def accref_of(ident: str, authority: str, server_url: str) -> str | None:
    """The accref an ID names: from a standard pubDID, a /getproduct URL of this
    site, or the ID itself; None for what cannot be an accref."""
    try:
        accref = getAccrefFromStandardPubDID(ident, f"ivo://{authority}/~?")
    except NotFoundError:
        accref = ident
        product_base = server_url.rstrip("/") + "/getproduct/"
        if ident.startswith(product_base):
            accref = urllib.parse.unquote(ident[len(product_base):])
    if not accref or "\x00" in accref:
        return None
    return accref


def site_links(cur, ids: Sequence[str], authority: str, server_url: str,
               handler_for: Callable[[Product], Handler | Fault]
               ) -> tuple[list[Link], list[ServiceDescriptor]]:
    """The rows and descriptors of the links document for ``ids``, in their order."""
    links: list[Link] = []
    descriptors: list[ServiceDescriptor] = []
    for number, ident in enumerate(ids):
        accref = accref_of(ident, authority, server_url)
        product = lookup(cur, accref) if accref else None
        handler = handler_for(product) if product is not None else None
        if handler is None or isinstance(handler, Fault):
            # Its service's own Fault would name the service: the unknown ID's.
            links.append(Link(ident, error_message=str(not_found(ident))))
            continue
        did = pubdid(product.accref, authority)
        found, described = links_for(cur, [did], handler.recipe, handler.where,
                                     first=number)
        links += [dataclasses.replace(link, id=ident) for link in found]
        descriptors += described
    return links, descriptors
