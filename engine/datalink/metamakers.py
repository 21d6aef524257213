"""The links the metaMakers of an RD's own code add (worker thread: runs RD code and
reads dc.products).

They run after the ID has been resolved (engine/datalink/links.py), so only for
datasets the caller may see.  Each gets ``self`` (its element) and
``descriptor`` (rd/datalinkcode.py's ProductDescriptor, or its FITS kind for
//soda#fits_genDesc) and yields LinkDefs and DatalinkFaults, which become rows
with the ID of the request; semantics not given are the metaMaker's.  A
raised DatalinkFault is its row too.  Any other exception is logged with its
traceback and becomes one FatalFault row naming the RD file and line of the
metaMaker — never a 500, never a traceback to the client.  Service
parameters (InputKeys) it yields are left out, with a log line.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from engine.datalink.document import Link
from engine.datalink.recipe import Recipe
from engine.products.local import served_as
from engine.products.store import Product, lookup
from rd.datalinkcode import (
    DatalinkFault,
    FITSProductDescriptor,
    InputKey,
    LinkDef,
    ProductDescriptor,
)
from rd.proccode import CompiledProc

log = logging.getLogger("dr.datalink")


class _Unusable(Exception):
    """A metaMaker yielded something that cannot be a row."""


def located(app: Any) -> str:
    """Where the metaMaker ``app`` is, as clients may read it: the RD's file below
    the inputs directory and the line."""
    return f"{app.rd.rd_id}.rd, line {app.pos.line}"


def extra_links(cur, ident: str, did: str, product: Product, recipe: Recipe,
                where: Any) -> list[Link]:
    """The rows the metaMakers of ``recipe`` make for ``product`` (named ``ident``
    in the request, ``did`` as a publisher DID), in RD order."""
    if not recipe.makers:
        return []
    kind = FITSProductDescriptor if recipe.fits else ProductDescriptor
    rd = recipe.makers[0].element.rd
    descriptor = kind(did, product.accref, product.access_path, product.mime,
                      owner=product.owner, embargo=product.embargo,
                      sourceTable=product.source_table, datalink=product.datalink,
                      preview=product.preview, previewMime=product.preview_mime,
                      inputsDir=str(where.inputs_dir),
                      fileLink=_file_linker(cur, did, rd.resdir_path, where))
    links: list[Link] = []
    for maker in recipe.makers:
        links += _run(maker, descriptor, ident)
    return links


def _run(maker: CompiledProc, descriptor: ProductDescriptor, ident: str) -> list[Link]:
    app = maker.element
    semantics = app.semantics  # type: ignore[attr-defined]
    rows: list[Link] = []
    left_out = 0
    try:
        for item in maker.function(app, descriptor) or ():
            if isinstance(item, InputKey):
                left_out += 1
            elif item is not None:
                rows.append(_row(item, ident, semantics))
    except DatalinkFault as fault:
        rows.append(_fault_row(fault, ident, semantics))
    except Exception as exc:
        log.error("the metaMaker at %s failed for %s", app.pos, ident,
                  exc_info=(type(exc), exc, exc.__traceback__))
        what = exc.args[0] if isinstance(exc, _Unusable) else "failed"
        rows.append(Link(ident, error_message=f"FatalFault: the metaMaker at "
                                              f"{located(app)} {what}; the server "
                                              "log has the details",
                         semantics=semantics))
    if left_out:
        log.warning("the metaMaker at %s yielded %d service parameter(s) (InputKey); "
                    "DR adds only links and faults of an RD's own code: left out",
                    app.pos, left_out)
    return rows


def _row(item: Any, ident: str, semantics: str) -> Link:
    if isinstance(item, DatalinkFault):
        return _fault_row(item, ident, semantics)
    if not isinstance(item, LinkDef):
        raise _Unusable(f"yielded a {type(item).__name__}, neither a LinkDef nor a "
                        "DatalinkFault")
    if item.serviceType:
        log.warning("LinkDef serviceType %r ignored: DR adds no service descriptors "
                    "of an RD's own code", item.serviceType)
    if item.errorMessage:
        return Link(ident, error_message=str(item.errorMessage),
                    semantics=item.semantics or semantics,
                    description=_text(item.description))
    if not item.accessURL:
        raise _Unusable("made a LinkDef without an accessURL or errorMessage")
    length = item.contentLength
    return Link(ident, str(item.accessURL), semantics=item.semantics or semantics,
                description=_text(item.description), content_type=_text(item.contentType),
                content_length=None if length is None else int(length),
                content_qualifier=_text(item.contentQualifier),
                local_semantics=_text(item.localSemantics))


def _fault_row(fault: DatalinkFault, ident: str, semantics: str) -> Link:
    return Link(ident, error_message=f"{fault.fault}: {fault.message}",
                semantics=fault.semantics or semantics,
                description=_text(fault.description))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _file_linker(cur, did: str, resdir: Any, where: Any) -> Callable[..., Any]:
    """``descriptor.makeLinkFromFile``: a file below the RD's resource directory,
    linked at /getproduct if it is a product the caller may have."""

    def file_link(local_path: str, description: str | None, semantics: str | None,
                  content_type: str | None, suppress_missing: bool
                  ) -> LinkDef | DatalinkFault | None:
        inputs = os.path.realpath(where.inputs_dir)
        path = os.path.realpath(os.path.join(resdir, local_path))
        accref = os.path.relpath(path, inputs)
        product = (lookup(cur, accref) if not accref.startswith("..") else None)
        if product is None or not where.may_see(product):
            if suppress_missing:
                return None
            return DatalinkFault.NotFoundFault(
                did, f"{local_path} is not a file published here", semantics=semantics,
                description=description)
        if product.remote:
            mime, size = product.mime, product.accsize
            url = product.access_path
        else:
            mime, size = served_as(product.access_path, product.mime, product.accsize,
                                   where.inputs_dir)
            url = where.product_url(product.accref)
        return LinkDef(did, url, description=description, semantics=semantics,
                       contentType=content_type or mime, contentLength=size)

    return file_link
