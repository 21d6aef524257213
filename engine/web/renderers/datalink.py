"""The renderers of ``datalinkCore`` services: ``dlmeta`` (DataLink 1.1 links),
``dlget`` (SODA 1.0 sync) and ``dlasync`` (SODA 1.0 async, a UWS job list).

``dlmeta`` takes one or more ID and answers the links document
(engine/datalink); an ID without links is a row with an error message, never
an HTTP error.  ``dlget`` takes one ID and SODA's filtering parameters
(engine/soda/params.py) and streams the cutout as FITS; without filtering
parameters it redirects to the dataset's file.  Its errors are text/plain
beginning with SODA's words (UsageError, AuthorizationError, Error...).
``dlasync`` is the job list of the ``soda`` job kind (engine/datalink/job.py)
below the service.  ``/datalink/dlmeta`` (:class:`SiteLinks`) is ``dlmeta`` for
every product of the site, through each product's own datalink service; result
VOTables point pyvo's ``iter_datalinks()`` at it.  Every lookup, file read
and cutout runs in a worker thread; the request is touched on the reactor
thread only.

All four honour accounts (engine/web/access.py).  A service's ``limitTo`` is
checked by the router: 401 for anonymous callers, 403 for users outside the
group, in the renderer's error format.  Then, per ID:

- dlmeta (service and site-wide): a dataset whose file the caller may not have
  (its table's readGroups, a running embargo) — or, site-wide, whose datalink
  service they may not use — is a NotFoundFault row word for word as an
  unknown ID's, so the document never tells whether it exists; for those
  allowed, its links, each with ``link_auth`` and ``link_authorized``
  (engine/datalink/links.py).
- dlget: such a dataset is refused as /getproduct refuses its file — 401
  ``AuthenticationError`` (with WWW-Authenticate) for anonymous callers, 403
  ``AuthorizationError`` for users outside the group.  This tells that the
  ID names a file, which /getproduct tells anyway of its accref (the same
  name); IDs this service does not serve stay 404 whatever they name.  The
  redirect without filtering parameters goes to /getproduct, which checks again.
- dlasync: a job belongs to its creator (engine/web/uws.py); the worker checks
  the file with the groups the owner has when the job runs, and a refused
  job ends in ERROR with the message of an unknown ID (engine/datalink/job.py).
"""

from __future__ import annotations

import datetime
from typing import Any

from twisted.internet.threads import deferToThreadPool
from twisted.web.server import NOT_DONE_YET

from engine import vosi
from engine.datalink import cutouts, job, spectra
from engine.datalink.document import MIME, links_document
from engine.datalink.links import Fault, Restricted, Where, links_for, resolve
from engine.datalink.recipe import Recipe, recipe_of
from engine.datalink.sitewide import Handler, site_links
from engine.errors import ProtocolError
from engine.products import local
from engine.products.restrictions import product_restrictions
from engine.products.store import Product
from engine.soda.cutout import NoOverlap, plan_cutout
from engine.uws.kinds import register_kind
from engine.web import access, urls, uws
from engine.web.filestream import iterator_stream
from engine.web.resource import (
    Collection,
    Endpoint,
    ServiceRenderer,
    answer_from_pool,
    failure_error,
)
from engine.web.respond import client_gone, finish
from rd.elements.service import DatalinkCore

register_kind(job.KIND, job.RUN, validate=job.VALIDATE)

# SODA 1.0 §5.2: an error message begins with one of these words.
SODA_WORDS = {400: "UsageError", 401: "AuthenticationError", 403: "AuthorizationError",
              503: "ServiceUnavailable"}
MAX_IDS = 100  # per dlmeta request


def _ids(request: Any) -> list[str]:
    values = [v for k, vs in request.args.items() if k.decode("utf-8", "replace").upper()
              == "ID" for v in vs]
    try:
        return [v.decode("utf-8") for v in values]
    except UnicodeDecodeError:
        raise ProtocolError("ID is not UTF-8", status=400) from None


def product_refusal(state: Any, context: Any, product: Product,
                    what: str) -> ProtocolError | None:
    """Why the caller may not have ``product``'s file (as /getproduct says it), or
    None (any thread)."""
    table = state.tables.get(product.source_table)
    if table is None:
        return ProtocolError(f"{what} is not served at the moment", status=404)
    return access.product_refusal(context, table, product, what)


def where_for(app: Any, state: Any, context: Any, bound: Any | None) -> Where:
    """What links of ``bound``'s datasets need (None: a service without SODA) for
    a caller with request ``context``, by the site's ``state`` (any thread)."""
    today = datetime.datetime.now(datetime.UTC).date()

    def may_see(product: Product) -> bool:
        return product_refusal(state, context, product, "") is None

    def restricted(product: Product) -> bool:
        table = state.tables.get(product.source_table)
        return table is None or bool(product_restrictions(table, product, today))

    server_url = app.config.web.server_url.rstrip("/")

    def url(renderer: str) -> str:
        return server_url + urls.service(bound.rd.rd_id, bound.id, renderer)

    recipe = recipe_of(bound.core) if bound is not None else Recipe()
    allowed = bound.service.allowed if bound is not None else ()
    return Where(server_url, app.config.ivoa.authority, app.config.inputs_dir,
                 url("dlget") if bound is not None else "",
                 url("dlasync") if "dlasync" in allowed else None,
                 dict(state.tables), may_see, cutouts.input_params_for(recipe),
                 restricted, bound is not None
                 and bool(access.service_restrictions(state, bound)))


class _DatalinkRenderer(ServiceRenderer):
    """What the three share: the service's recipe and the facts links need."""

    def recipe(self) -> Recipe:
        return recipe_of(self.bound.core)

    def where(self, request: Any) -> Where:
        return where_for(self.app, self.app.state, request.context, self.bound)


class DLMeta(_DatalinkRenderer):
    """DataLink 1.1 {links}: the links document for one or more ID."""

    error_format = "dali"

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        return vosi.Capability("ivo://ivoa.net/std/DataLink#links-1.1", url, use="base",
                               params=[vosi.ParamDesc("ID", "A publisher DID")],
                               result_type=MIME)

    def render_GET(self, request: Any) -> Any:
        ids = _links_ids(request)
        recipe, where = self.recipe(), self.where(request)

        def work(conn) -> bytes:
            """(worker thread)"""
            with conn.cursor() as cur:
                return links_document(*links_for(cur, ids, recipe, where))

        return _answer_links(self, request, work)

    render_POST = render_GET


class SiteLinks(Endpoint):
    """/datalink/dlmeta: DataLink 1.1 {links} for any product of the site.

    Each ID is answered as the product's own datalink service
    (``dc.products.datalink``) answers it, with that service's restrictions; a
    product without one gets the links of a service without SODA (#this,
    #preview, #auxiliary).  IDs may be publisher DIDs, accrefs or /getproduct
    URLs (engine/datalink/sitewide.py): what the links descriptor of result
    VOTables refers to.  More than MAX_IDS IDs: the first ones are answered, with
    QUERY_STATUS OVERFLOW.
    """

    error_format = "dali"

    def render_GET(self, request: Any) -> Any:
        ids = _ids(request)
        if not ids:
            raise ProtocolError("dlmeta needs at least one ID (a publisher DID)",
                                param="ID")
        # pyvo's iter_datalinks() sends every row's ID at once and asks again for
        # those an OVERFLOW answer left out.
        overflow, ids = len(ids) > MAX_IDS, ids[:MAX_IDS]
        app, context = self.app, request.context
        state, config = app.state, app.config  # one state for the whole request
        handlers: dict[str | None, Handler | Fault] = {}

        def made(key: str | None) -> Handler | Fault:
            bound = None
            if key and "#" in key:
                bound = state.service(*key.rsplit("#", 1))
            if (bound is None or not isinstance(bound.core, DatalinkCore)
                    or "dlmeta" not in bound.service.allowed):
                bound = None  # no datalink service of its own: the basic links
            elif access.service_refusal(context, state, bound) is not None:
                return Restricted(key)  # an unknown ID's row (sitewide.py)
            return Handler(recipe_of(bound.core) if bound else Recipe(),
                           where_for(app, state, context, bound))

        def handler_for(product: Product) -> Handler | Fault:
            """(worker thread: reads the site's state, as loaded for this request)"""
            if product.datalink not in handlers:
                handlers[product.datalink] = made(product.datalink)
            return handlers[product.datalink]

        def work(conn) -> bytes:
            """(worker thread)"""
            with conn.cursor() as cur:
                return links_document(*site_links(
                    cur, ids, config.ivoa.authority, config.web.server_url, handler_for),
                    overflow=overflow)

        return _answer_links(self, request, work)

    render_POST = render_GET


class SiteDatalink(Collection):
    """/datalink: the site-wide DataLink endpoints (only ``dlmeta`` so far)."""

    def child(self, name: str, request: Any) -> Endpoint | None:
        return SiteLinks(self.app) if name == "dlmeta" else None


def _links_ids(request: Any) -> list[str]:
    ids = _ids(request)
    if not ids:
        raise ProtocolError("dlmeta needs at least one ID (a publisher DID)", param="ID")
    if len(ids) > MAX_IDS:
        raise ProtocolError(f"at most {MAX_IDS} IDs per request", param="ID")
    return ids


def _answer_links(endpoint: Endpoint, request: Any, work: Any) -> Any:
    """Run ``work`` on a pooled connection and send the links document it makes
    (reactor thread)."""
    return answer_from_pool(endpoint, request, lambda conn: (MIME, work(conn)))


def _soda_error(exc: ProtocolError) -> ProtocolError:
    word = SODA_WORDS.get(exc.status, "Error")
    if exc.message.startswith(tuple(SODA_WORDS.values()) + ("Error",
                                                            "MultiValuedParam")):
        return exc
    return ProtocolError(f"{word}: {exc.message}", status=exc.status)


class DLGet(_DatalinkRenderer):
    """SODA 1.0 {sync}: one dataset's cutout as FITS (no cut: the whole file)."""

    error_format = "text"

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        return vosi.Capability("ivo://ivoa.net/std/SODA#sync-1.0", url, use="base",
                               params=[vosi.ParamDesc("ID", "A publisher DID")],
                               result_type="application/fits")

    def error(self, request: Any, exc: ProtocolError, title: str | None = None) -> bytes:
        return super().error(request, _soda_error(exc), title)

    def render_GET(self, request: Any) -> Any:
        ids = _ids(request)
        if len(ids) != 1:
            raise ProtocolError("MultiValuedParamNotSupported: dlget takes exactly one "
                                "ID" if ids else "dlget needs an ID (a publisher DID)",
                                status=400)
        recipe, where = self.recipe(), self.where(request)
        if recipe.sdm is not None:
            return self._spectrum(request, ids[0], recipe, where)
        cut = cutouts.parse(request.args)
        find_in = self._find(request, ids[0], recipe, where)

        def find(conn) -> Product:
            """(worker thread)"""
            with conn.cursor() as cur:
                return find_in(cur)

        def found(product: Product) -> Any:
            if cut.is_empty() or product.remote:
                return "redirect", where.product_url(product.accref)
            if not recipe.cutouts:
                raise ProtocolError("this service does not cut datasets; call it "
                                    "without filtering parameters", status=400)
            if "fits" not in product.mime.lower():
                raise ProtocolError(f"a {product.mime} dataset cannot be cut; call "
                                    "dlget without filtering parameters", status=400)
            path = local.local_file(product.access_path, where.inputs_dir)
            reactor = self.app.pool.reactor
            # Headers only: the size is known before a pixel is read, and the
            # pixels go out as they are read (engine/web/filestream.py).
            d = deferToThreadPool(reactor, reactor.getThreadPool(), plan_cutout,
                                  path, cut)
            return d.addCallback(lambda planned: ("cutout", planned))

        d = self.app.pool.run_with_connection(find)
        d.addCallback(found)
        d.addCallback(self._answer, request)
        d.addErrback(self._failed, request)
        return NOT_DONE_YET

    render_POST = render_GET

    def _find(self, request: Any, ident: str, recipe: Recipe, where: Where):
        """A function finding the product ``ident`` names for this caller (worker
        thread), raising the error dlget answers when there is none."""
        state, context = self.app.state, request.context

        def find(cur) -> Product:
            try:
                return resolve(cur, ident, recipe, where)
            except Restricted as fault:
                why = fault.product and product_refusal(
                    state, context, fault.product, f"The dataset {ident}")
                raise (why or ProtocolError(fault.message, status=404)) from None
            except Fault as fault:
                raise ProtocolError(fault.message, status=404) from None
        return find

    def _spectrum(self, request: Any, ident: str, recipe: Recipe, where: Where) -> Any:
        """A spectrum of an SDM service, processed and formatted (engine/datalink/
        spectra.py)."""
        wanted = spectra.parse(cutouts.raw_args(request.args), recipe.sdm)
        find = self._find(request, ident, recipe, where)

        def work(conn) -> tuple[str, Any]:
            """(worker thread)"""
            with conn.cursor() as cur:
                return "spectrum", spectra.deliver(cur, find(cur), recipe, wanted, where)

        d = self.app.pool.run_with_connection(work)
        d.addCallback(self._answer, request)
        d.addErrback(self._failed, request)
        return NOT_DONE_YET

    def _answer(self, found: tuple[str, Any], request: Any) -> None:
        kind, value = found
        if kind == "redirect":
            if not client_gone(request):
                request.redirect(value.encode("utf-8"))
                request.setHeader(b"content-length", b"0")
                request.finish()
            return
        if client_gone(request):
            return
        if kind == "spectrum":
            body, mime = value
            request.setHeader(b"content-type", mime.encode())
            finish(request, body)
            return
        request.setHeader(b"content-type", b"application/fits")
        request.setHeader(b"content-disposition", b'inline; filename="cutout.fits"')
        request.setHeader(b"content-length", str(value.size).encode())
        if request.method == b"HEAD":
            request.finish()
            return
        iterator_stream(request, value.chunks(), value.size,
                        reactor=self.app.pool.reactor,
                        write_timeout=self.app.config.web.write_timeout).start()

    def _failed(self, failure: Any, request: Any) -> None:
        exc = failure_error(failure, request)
        if request.finished or client_gone(request):
            return
        if isinstance(exc, NoOverlap):  # SODA 1.0 §5.1: no pixels, no content
            request.setResponseCode(204)
            finish(request, b"")
            return
        finish(request, self.error(request, exc))


class DLAsync(uws.JobListRenderer):
    """SODA 1.0 {async}: UWS jobs of the ``soda`` kind, below the service."""

    def __init__(self, app: Any, bound: Any = None, renderers: Any = None) -> None:
        super().__init__(app, bound, renderers, kind=job.KIND, renderer="dlasync")

    @classmethod
    def capability(cls, app: Any, bound: Any, url: str) -> vosi.Capability:
        return vosi.Capability("ivo://ivoa.net/std/SODA#async-1.0", url, use="base",
                               params=[vosi.ParamDesc("ID", "A publisher DID")],
                               result_type="application/fits")

    def error(self, request: Any, exc: ProtocolError, title: str | None = None) -> bytes:
        return super().error(request, _soda_error(exc), title)
