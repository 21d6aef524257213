"""The links of datasets: from the IDs of a dlmeta request to the rows and service
descriptors of its links document (worker thread: database and files).

Each ID is a publisher DID; the standard ones (``ivo://<authority>/~?<accref>``)
name a row of dc.products.  A dataset gets ``#this`` (its file at
/getproduct), ``#preview`` when it has one, ``#progenitor`` to the W3C PROV
document of its file (/provenance; unless the RD's metaMakers name
progenitors of their own), ``#auxiliary`` for every file of
the ancillary file sets of its parent row (engine/products/ancillary.py: the
tables with a foreign key to the same catalogue row as the dataset's table),
and, when the service offers SODA parameters, ``#cutout`` naming a service
descriptor with the dataset's own parameter ranges; then the links the
metaMakers of the RD's own code add (engine/datalink/metamakers.py).  An ID
that names nothing here, or a dataset the service does not serve, is a NotFoundFault
row; so is a restricted (embargoed) one, with the very same message, so
the document says nothing of whether such a file exists (DataLink 1.1
names no fault for it, and STILTS datalinklint accepts only its own
names); :class:`Restricted` carries the product, so that dlget can answer
"not authorized" for it as /getproduct does.

Every row of a dataset says who may follow it (DataLink 1.1 ``link_auth``,
``link_authorized``): ``"true"`` where the link asks for a group — the file's
(its table's readGroups, a running embargo) for #this and #preview; the
file's or the service's (``limitTo``) for #cutout and the metaMakers' links
to this site — and ``"false"`` where it does not; an #auxiliary link says what
its own file asks, a link elsewhere nothing (DR cannot know).  Since
a caller only ever gets the links they may follow, ``link_authorized`` is
true on every row with a link.
"""

from __future__ import annotations

import dataclasses
import logging
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine.datalink import spectra
from engine.datalink.document import SODA_ASYNC, SODA_SYNC, Link
from engine.datalink.metamakers import extra_links
from engine.datalink.recipe import Recipe
from engine.db.identifiers import q, qualified
from engine.formats.servicedesc import InputParam, ServiceDescriptor
from engine.products import ancillary, local
from engine.products.mimes import can_preview
from engine.products.store import AUTO_PREVIEW, Product, lookup
from rd.accrefs import NotFoundError, getAccrefFromStandardPubDID
from rd.elements.table import Table

log = logging.getLogger("dr.datalink")


@dataclass(frozen=True)
class Where:
    """What building links needs to know of the site and the request."""

    server_url: str
    authority: str
    inputs_dir: Path
    dlget_url: str                      # absolute URL of the service's dlget
    dlasync_url: str | None             # and of its dlasync, if it offers one
    tables: Mapping[str, Table]         # the imported tables, by qualified name
    may_see: Callable[[Product], bool]  # the caller may have the product's file
    describe: Callable[[Path], Sequence[InputParam] | None]  # SODA params of a file
    # Whether the product's file asks for a group (for link_auth), and whether the
    # service does (its limitTo: for the links to its dlget and dlasync).
    restricted: Callable[[Product], bool] = lambda product: True
    service_restricted: bool = False

    def product_url(self, accref: str) -> str:
        return f"{self.server_url}/getproduct/{urllib.parse.quote(accref)}"


class Fault(Exception):
    """Why an ID has no links: a DataLink fault name and a message."""

    def __init__(self, fault: str, message: str) -> None:
        super().__init__(f"{fault}: {message}")
        self.fault, self.message = fault, message


def not_found(ident: str) -> Fault:
    """The fault of an ID that names nothing here (or nothing the caller may have)."""
    return Fault("NotFoundFault", f"{ident} is not a dataset published by this service")


class Restricted(Fault):
    """An ID the caller may not have: in links documents (and SODA jobs), the
    NotFoundFault an unknown ID gets (word for word); dlget refuses ``product``
    as unauthorized, as /getproduct does."""

    def __init__(self, ident: str, product: Product | None = None) -> None:
        fault = not_found(ident)
        super().__init__(fault.fault, fault.message)
        self.product = product


def pubdid(accref: str, authority: str) -> str:
    """The standard publisher DID of ``accref`` (rd.importing's form)."""
    return f"ivo://{authority}/~?{accref}"


def resolve(cur, ident: str, recipe: Recipe, where: Where) -> Product:
    """The product ``ident`` names, for this service and caller; raises Fault."""
    if recipe.sdm is not None and not recipe.sdm.use_accref:
        accref = spectra.accref_of_pubdid(cur, recipe.sdm.table, ident)
    else:
        try:
            accref = getAccrefFromStandardPubDID(ident, f"ivo://{where.authority}/~?")
        except NotFoundError:
            raise not_found(ident) from None
    if not accref or "\x00" in accref or not recipe.serves(accref):
        raise not_found(ident)
    product = lookup(cur, accref)
    if (product is None or product.source_table not in where.tables
            or not recipe.serves_table(product.source_table)):
        raise not_found(ident)
    if not where.may_see(product):
        raise Restricted(ident, product=product)
    return product


def _this(ident: str, product: Product, where: Where) -> Link:
    if product.remote:
        return Link(ident, product.access_path, semantics="#this",
                    description="The dataset (elsewhere)", content_type=product.mime)
    mime, size = local.served_as(product.access_path, product.mime, product.accsize,
                                 where.inputs_dir)
    return Link(ident, where.product_url(product.accref), semantics="#this",
                description="The dataset itself", content_type=mime,
                content_length=size)


def _preview(ident: str, product: Product, where: Where) -> Link | None:
    if product.preview is None:
        return None
    if product.preview == AUTO_PREVIEW:
        if product.remote or not can_preview(product.mime):
            return None
        mime = "image/png"
    else:
        mime = product.preview_mime
    url = (product.preview if local.is_url(product.preview)
           else where.product_url(product.accref) + "?preview=True")
    return Link(ident, url, semantics="#preview", description="A preview of the dataset",
                content_type=mime)


def _provenance(ident: str, product: Product, where: Where) -> Link | None:
    """The W3C PROV document of the dataset's file (engine/web/renderers/
    provenance.py): the import that read it and the table made from it."""
    if product.remote:
        return None
    url = (f"{where.server_url}/provenance?ID="
           + urllib.parse.quote(pubdid(product.accref, where.authority), safe=""))
    return Link(ident, url, semantics="#progenitor",
                description="The provenance of the dataset (W3C PROV-JSON): the "
                            "import that read its file, who ran it, the table made",
                content_type="application/json")


def _auxiliary(cur, ident: str, product: Product, where: Where) -> list[Link]:
    """The files of the ancillary file sets of the dataset's parent rows."""
    table = where.tables[product.source_table]
    links = []
    for fk in table.foreign_keys:
        parent = table.rd.resolve_table(fk.in_table, fk)
        sources = table.sql_names(fk.source)
        cur.execute(f"SELECT {', '.join(q(c) for c in sources)} FROM "
                    f"{qualified(table.schema, table.id)} WHERE {q('accref')} = %s",
                    (product.accref,))
        row = cur.fetchone()
        if row is None or any(v is None for v in row):
            continue
        key = dict(zip(parent.sql_names(fk.dest), row))
        others = [t for t in where.tables.values()
                  if t.qualified_name.lower() != product.source_table]
        for found in ancillary.row_files(cur, parent, key, others):
            if found.product.accref == product.accref or not where.may_see(found.product):
                continue
            kind = found.row.get("fileset") or found.table.split(".")[-1]
            links.append(Link(ident, where.product_url(found.product.accref),
                              semantics="#auxiliary",
                              link_auth=_auth(where.restricted(found.product)),
                              link_authorized=True,
                              description=f"{kind}: a file of the same "
                                          f"{parent.id} row ({found.table})",
                              content_type=found.product.mime,
                              content_length=found.product.accsize,
                              local_semantics=str(kind)))
    return links


def _cutout(ident: str, product: Product, recipe: Recipe, where: Where,
            number: int) -> tuple[Link, list[ServiceDescriptor]] | None:
    if not recipe.soda or product.remote:
        return None
    try:
        path = local.local_file(product.access_path, where.inputs_dir)
        params = where.describe(path)
    except Exception as exc:  # a file SODA cannot cut has no #cutout link
        log.info("no cutout for %s: %s", product.accref, exc)
        return None
    if params is None:
        return None
    id_param = InputParam("ID", ucd="meta.id;meta.main", value=ident,
                          description="The publisher DID of the dataset")
    xml_id = f"soda-{number}"
    sync = ServiceDescriptor(
        xml_id, where.dlget_url, SODA_SYNC, (id_param, *params),
        "SODA cutouts of the dataset, returned directly (sync)")
    descriptors = [sync]
    if where.dlasync_url:
        descriptors.append(ServiceDescriptor(
            f"{xml_id}-async", where.dlasync_url, SODA_ASYNC, (id_param, *params),
            "SODA cutouts of the dataset, as UWS jobs (async)"))
    link = Link(ident, service_def=xml_id, semantics="#cutout",
                description="A cutout of the dataset by position, band or pixels "
                            "(SODA)", content_type="application/fits")
    return link, descriptors


def _auth(restricted: bool) -> str:
    return "true" if restricted else "false"


def _authorized(link: Link, restricted: bool, server_url: str) -> Link:
    """``link`` saying who may follow it (if it says nothing yet, and is a link)."""
    if link.error_message or link.link_auth is not None:
        return link
    if link.access_url and not link.access_url.startswith(server_url + "/"):
        return link  # elsewhere: DR cannot say
    return dataclasses.replace(link, link_auth=_auth(restricted), link_authorized=True)


def links_for(cur, ids: Sequence[str], recipe: Recipe, where: Where, *,
              first: int = 0) -> tuple[list[Link], list[ServiceDescriptor]]:
    """The rows and descriptors of the links document for ``ids``, in their order;
    descriptors are numbered from ``first`` (unique within one document)."""
    links: list[Link] = []
    descriptors: list[ServiceDescriptor] = []
    for number, ident in enumerate(ids, first):
        try:
            product = resolve(cur, ident, recipe, where)
        except Fault as fault:
            links.append(Link(ident, error_message=str(fault)))
            continue
        restricted = where.restricted(product)
        found = [_this(ident, product, where)]
        preview = _preview(ident, product, where)
        if preview is not None:
            found.append(preview)
        found = [_authorized(link, restricted, where.server_url) for link in found]
        found += _auxiliary(cur, ident, product, where)
        cutout = (_cutout(ident, product, recipe, where, number) if recipe.sdm is None
                  else spectra.proc_link(cur, ident, product, recipe.sdm, where, number))
        if cutout is not None:
            found.append(_authorized(cutout[0], restricted or where.service_restricted,
                                     where.server_url))
            descriptors += cutout[1]
        own = extra_links(cur, ident, ident, product, recipe, where)
        # The PROV document of the file, unless the RD names progenitors itself.
        provenance = _provenance(ident, product, where)
        if provenance is not None and not any(link.semantics == "#progenitor"
                                              for link in own):
            found.append(_authorized(provenance, restricted, where.server_url))
        found += [_authorized(link, restricted or where.service_restricted,
                              where.server_url) for link in own]
        links += found
    return links, descriptors
