"""Every path the server answers, in one place: the site's resource tree.

::

    /                                 pages.RootPage (this module's Root)
    /static/<file>                    pages.StaticFiles
    /tableinfo/<schema.table>         pages.TableInfo
    /getproduct/<accref>[?preview=True]  getproduct.GetProduct (a published file)
    /datalink/dlmeta?ID=…             datalink.SiteLinks (any product's DataLink links)
    /login, /logout                   login.Login, login.Logout (a browser's session)
    /oai.xml?verb=…                   oai.OAIPMH (the publishing registry, OAI-PMH)
    /tap, /tap/<endpoint>             TAP_ENDPOINTS (renderers/tap.py)
    /tap/async[/<job>[/phase…]]       uws.JobList of the job kind ``tap``
    /<rd id>/<service id>             a redirect to the service's default renderer
    /<rd id>/<service id>/<renderer>  SERVICE_RENDERERS (UnavailableService for a
                                      service DR cannot serve)

RD ids may contain slashes (``califa/fits``): below the root, segments are
collected until the path so far is an RD id and the next segment one of its
services.  Lookups use the site's current state, so ``dr serve reload`` needs
no new tree.  Restrictions are checked here, once, when a request reaches a
service's renderer (:mod:`engine.web.access`): a restricted service answers
401 (anonymous) or 403 (a user outside its groups) in that renderer's error
format.  Here too, where the path enters a protocol, the caller is narrowed to
what that protocol honours (:func:`engine.web.access.as_seen_by`): nobody,
for those not listed in ``access.HONOURS_ACCOUNTS``.

Adding a renderer (say ``siap.xml``): write ``engine/web/renderers/siap.py``
with one class::

    class SIAP(ServiceRenderer):
        '''Simple Image Access 1.0 (...).'''

        error_format = "dali"            # errors as DALI VOTables

        @classmethod
        def capability(cls, app, bound, url):  # optional: its VOSI capability
            return vosi.Capability("ivo://ivoa.net/std/SIA", url + "?", ...)

        def render_GET(self, request):   # self.app, self.bound
            ...

and add ``"siap.xml": siap.SIAP`` to SERVICE_RENDERERS below: that one line
is all.  The server binds services to these names (engine/web/state.py) and
``dr val`` checks RDs against them; rd itself knows only DaCHS's renderer
vocabulary (rd/vocabulary.py), so a name DaCHS lacks is an RD error.  405 +
Allow, HEAD, 404s, 401s and 403s for restricted services and errors in its format
come from here and from :class:`engine.web.resource.Endpoint`.  Until its name is
added to ``access.HONOURS_ACCOUNTS`` (once its whole path checks restrictions per
user), a new renderer sees every caller as nobody.
"""

from __future__ import annotations

from typing import Any

from twisted.web import resource

from engine.errors import ProtocolError
from engine.tap import job as tap_job
from engine.web import access, urls, uws
from engine.web.app import App
from engine.web.renderers import (
    api,
    datalink,
    form,
    getproduct,
    login,
    oai,
    pages,
    provenance,
    pycore,
    qp,
    registrypage,
    scs,
    search,
    siap,
    siap2,
    ssap,
    tap,
    vosi,
)
from engine.web.resource import (
    Collection,
    Endpoint,
    Failing,
    NotFound,
    ServiceRenderer,
    refused,
    segment,
)

# Renderers of RD services, by the name RDs give in ``allowed`` and URLs end in:
# the one list of what DR serves (each name one of DaCHS's renderers).
SERVICE_RENDERERS: dict[str, type[ServiceRenderer]] = {
    "form": form.Form,
    "qp": qp.QP,
    "scs.xml": scs.ConeSearch,
    "siap.xml": siap.SIAP,
    "siap2.xml": siap2.SIAP2,
    "ssap.xml": ssap.SSAP,
    "api": api.API,
    "availability": vosi.Availability,
    "capabilities": vosi.Capabilities,
    "tables": vosi.Tables,
    "tableMetadata": vosi.Tables,
    "dlmeta": datalink.DLMeta,
    "dlget": datalink.DLGet,
    "dlasync": datalink.DLAsync,
    "uws.xml": pycore.UWS,
}
# /tap/<name>; /tap itself is tap.TapPage and /tap/async the job list.
TAP_ENDPOINTS: dict[str, type[Endpoint]] = {
    "sync": tap.Sync,
    "capabilities": tap.Capabilities,
    "availability": vosi.Availability,
    "tables": tap.Tables,
    "examples": tap.Examples,
    "console": tap.Console,
}
SITE_PAGES: dict[str, type[Endpoint]] = {
    "static": pages.StaticFiles,
    "tableinfo": pages.TableInfo,
    "getproduct": getproduct.GetProduct,
    "datalink": datalink.SiteDatalink,
    "login": login.Login,
    "logout": login.Logout,
    "provenance": provenance.ProvenanceDocument,
    "oai.xml": oai.OAIPMH,
    "registry": registrypage.RegistryPage,
    "search": search.Search,
}


def tap_tree(app: App) -> Endpoint:
    root = tap.TapPage(app)
    for name, endpoint in TAP_ENDPOINTS.items():
        root.putChild(name.encode(), endpoint(app))
    root.putChild(b"async", uws.JobList(app, tap_job.KIND, tap.BASE_PATH + "/async"))
    return root


class Root(pages.RootPage):
    """The site: fixed children, then the RDs' services."""

    def __init__(self, app: App) -> None:
        super().__init__(app)
        for name, page in SITE_PAGES.items():
            self.putChild(name.encode(), page(app))
        self.putChild(b"tap", tap_tree(app))

    def getChildWithDefault(self, path: bytes, request: Any) -> resource.Resource:
        name = segment(path)
        if name in SITE_PAGES or name == "tap":  # the fixed children (putChild)
            request.context = access.as_seen_by(name, request.context)
        return super().getChildWithDefault(path, request)

    def child(self, name: str, request: Any) -> resource.Resource:
        return RDPath(self.app, [name])


class RDPath(Collection):
    """A path that is not (yet) an RD id plus a service: 404 unless it goes on to one."""

    def __init__(self, app: App, parts: list[str]) -> None:
        super().__init__(app)
        self.parts = parts

    def child(self, name: str, request: Any) -> resource.Resource:
        state = self.app.state
        rd_id = "/".join(self.parts)
        bound = state.service(rd_id, name)
        if bound is None:
            reason = state.unavailable_reason(rd_id, name)
            if reason is not None:
                return UnavailableService(self.app, f"{rd_id}/{name}", reason)
            return RDPath(self.app, [*self.parts, name])
        return ServiceNode(self.app, bound)


class ServiceNode(Endpoint):
    """/<rd id>/<service id>: its renderers below it; itself redirects to the default.

    The one check of restrictions for everything a service serves: a caller who
    may not use the service gets a 401 or 403 in the error format of the
    renderer asked for, as that renderer sees them (``access.as_seen_by``).
    """

    def __init__(self, app: App, bound: Any) -> None:
        super().__init__(app)
        self.bound = bound

    def _refusal(self, request: Any) -> ProtocolError | None:
        return access.service_refusal(request.context, self.app.state, self.bound)

    def child(self, name: str, request: Any) -> resource.Resource:
        svc = self.bound.service
        renderer = SERVICE_RENDERERS.get(name)
        if name not in svc.allowed and not (renderer and renderer.implicit):
            return NotFound(self.app, "html", f"Service {self.bound.rd.rd_id}/{svc.id} "
                            f"offers {', '.join(svc.allowed)}, not {name!r}.")
        if renderer is None:
            return NotFound(self.app, "html", f"DR has no renderer {name!r}.")
        request.context = access.as_seen_by(name, request.context)
        endpoint = renderer(self.app, self.bound, SERVICE_RENDERERS)
        refusal = self._refusal(request)
        return endpoint if refusal is None else refused(endpoint, refusal)

    def render_GET(self, request: Any) -> bytes:
        refusal = self._refusal(request)
        if refusal is not None:
            return refused(self, refusal).render(request)
        svc = self.bound.service
        default = svc.default_renderer or ("form" if "form" in svc.allowed
                                           else svc.allowed[0])
        request.redirect(urls.service(self.bound.rd.rd_id, svc.id, default).encode())
        return b""

    render_POST = render_GET


class UnavailableService(Endpoint):
    """A service of a loaded RD that DR cannot serve (a core or renderers it lacks):
    its VOSI availability says why, everything else answers 503 saying so."""

    def __init__(self, app: App, name: str, reason: str) -> None:
        super().__init__(app)
        self.name, self.reason = name, reason

    def _failing(self, error_format: str) -> Failing:
        return Failing(self.app, error_format, ProtocolError(
            f"DR cannot serve the service {self.name} yet: {self.reason}", status=503),
            "Service unavailable")

    def child(self, name: str, request: Any) -> resource.Resource:
        if name == "availability":
            return vosi.Unavailable(self.app, self.reason)
        renderer = SERVICE_RENDERERS.get(name)
        return self._failing(renderer.error_format if renderer else "html")

    def render(self, request: Any) -> bytes:
        return self._failing("html").render(request)
