"""What a running site serves and which parameters each endpoint declares, read the
way a client reads it: service URLs from the root page, parameter names from
each service's VOSI capabilities and HTML form, SODA parameters from the
DataLink documents, plus the standard parameters of each protocol."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

# Parameters every endpoint of a renderer understands, beside those it declares.
STANDARD = {
    "form": ["MAXREC", "_run", "_SORT", "_DIR", "_OFFSET", "_FORMAT", "RESPONSEFORMAT",
             "_VERB", "_ADDITEM", "hscs_pos", "hscs_sr", "__nevow_form__"],
    "api": ["MAXREC", "RESPONSEFORMAT", "VERB", "RUNID", "_SORT", "_DIR"],
    "scs.xml": ["RA", "DEC", "SR", "VERB", "MAXREC", "RESPONSEFORMAT", "RUNID"],
    "siap.xml": ["POS", "SIZE", "INTERSECT", "FORMAT", "MAXREC", "VERB", "RESPONSEFORMAT"],
    "siap2.xml": ["POS", "CIRCLE", "POLYGON", "BAND", "TIME", "POL", "FOV", "SPATRES",
                  "EXPTIME", "ID", "COLLECTION", "FACILITY", "INSTRUMENT", "DPTYPE",
                  "CALIB", "TARGET", "TIMERES", "SPECRP", "FORMAT", "MAXREC",
                  "RESPONSEFORMAT"],
    "ssap.xml": ["REQUEST", "POS", "SIZE", "BAND", "TIME", "FORMAT", "MAXREC", "TOP",
                 "PUBDID", "TARGETNAME", "COLLECTION", "FLUXCALIB", "WAVECALIB", "SPECRP",
                 "SPATRES", "TIMECALIB", "RESPONSEFORMAT", "VERB", "COMPRESS", "RUNID"],
    "dlmeta": ["ID", "RESPONSEFORMAT", "REQUEST", "MAXREC"],
    "dlget": ["ID", "CIRCLE", "POLYGON", "POS", "BAND", "TIME", "POL", "PIXEL_1", "PIXEL_2",
              "PIXEL_3", "FORMAT", "FLUXCALIB", "RESPONSEFORMAT"],
    "dlasync": ["ID", "CIRCLE", "BAND", "PHASE", "RUNID", "EXECUTIONDURATION",
                "DESTRUCTION"],
    "uws.xml": ["PHASE", "RUNID", "EXECUTIONDURATION", "DESTRUCTION", "WAIT", "LAST",
                "AFTER"],
    "qp": ["_OFFSET", "_SELECTION", "_ALLROWS"],
}
SITE_ENDPOINTS = {
    "/tap/sync": ["LANG", "QUERY", "REQUEST", "FORMAT", "RESPONSEFORMAT", "MAXREC", "UPLOAD",
                  "RUNID", "VERSION"],
    "/tap/async": ["LANG", "QUERY", "REQUEST", "FORMAT", "RESPONSEFORMAT", "MAXREC",
                   "UPLOAD", "RUNID", "PHASE", "EXECUTIONDURATION", "DESTRUCTION", "PHASE",
                   "LAST", "AFTER"],
    "/tap/examples": [], "/tap/tables": ["detail"], "/tap/console": ["QUERY"],
    "/oai.xml": ["verb", "metadataPrefix", "identifier", "set", "from", "until",
                 "resumptionToken"],
    "/datalink/dlmeta": ["ID", "RESPONSEFORMAT"],
    "/registry": ["ivoid"], "/search": ["q", "words"],
}
_SERVICE_URL = re.compile(rb'href="(/[^"?#]+/[^"?#/]+/(?:' + "|".join(
    re.escape(r) for r in STANDARD).encode() + rb'))"')


@dataclass(frozen=True)
class Endpoint:
    path: str
    renderer: str  # the renderer's name, or the path for the site's own endpoints
    params: tuple[str, ...]


def service_urls(root_page: bytes) -> list[str]:
    """Paths of the services' renderers the root page links to."""
    return sorted({urllib.parse.unquote(m.decode()) for m in _SERVICE_URL.findall(root_page)})


def declared_names(document: bytes) -> list[str]:
    """Parameter names a capabilities document, form or DataLink document declares."""
    names = re.findall(rb"<name>([^<]+)</name>", document)
    names += re.findall(rb'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', document)
    names += re.findall(rb'<PARAM[^>]*\bname="([^"]+)"', document)
    return sorted({n.decode() for n in names})


def endpoints(get, ids: list[str]) -> list[Endpoint]:
    """Every endpoint of the site ``get(path)`` reaches, with its parameters;
    ``ids`` are dataset identifiers for the DataLink documents."""
    found = [Endpoint(path, path, tuple(params)) for path, params in SITE_ENDPOINTS.items()]
    for path in service_urls(get("/")[2]):
        base, renderer = path.rsplit("/", 1)
        names = set(STANDARD[renderer])
        names.update(declared_names(get(base + "/capabilities")[2]))
        if renderer == "form":
            names.update(declared_names(get(path)[2]))
        if renderer in ("dlget", "dlasync"):
            for ident in ids[:3]:
                query = urllib.parse.urlencode({"ID": ident})
                names.update(declared_names(get(f"{base}/dlmeta?{query}")[2]))
        names -= {"standardID", "accessURL", "contentType", "semantics"}
        found.append(Endpoint(path, renderer, tuple(sorted(names))))
    return found
