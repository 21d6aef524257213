"""Accrefs in rowmaker code: the URLs products are served at, pubDIDs, flat file names.

DaCHS's names and behaviour; the server's URL and the IVOA authority are
the installation's (rd.site).  Products are served at ``/getproduct/<accref>``.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from rd import importing, site
from rd.errors import DRError

_URL = re.compile(r"https?://")
_FLAT_SAFE = re.compile(r"[A-Za-z0-9.-]")


class NotFoundError(DRError):
    """DaCHS's base.NotFoundError: an identifier does not belong to this site."""


def makeSitePath(path: str) -> str:
    """The rooted local part of a server-internal URL (``foo/bar`` -> ``/foo/bar``)."""
    return "/" + path.lstrip("/")


def makeAbsoluteURL(path: str, canonical: bool = False) -> str:
    """The full URL of a server-internal path, on [web]serverURL.

    DaCHS answers a request in the scheme it came in (unless ``canonical``);
    rowmakers run at import, where there is no request, so DR always uses
    serverURL.
    """
    return site.current().url(makeSitePath(path))


def quoteProductKey(key: Any) -> str:
    """``key`` as the URL part after getproduct/: an accref string quoted, else str(key)."""
    if isinstance(key, str):
        return urllib.parse.quote(key)
    return str(key)


def makeProductLink(key: Any, withHost: bool = True, useHost: str | None = None) -> str:
    """The URL at which the product ``key`` (an accref) is served.

    An http(s) URL used as an accref comes back unchanged; ``useHost`` replaces
    serverURL, and ``withHost=False`` gives the server-internal path.
    """
    if isinstance(key, str) and _URL.match(key):
        return key
    path = makeSitePath(site.PRODUCT_PATH + quoteProductKey(key))
    if useHost:
        return useHost.rstrip("/") + path
    return makeAbsoluteURL(path) if withHost else path


def getFlatName(accref: str) -> str:
    """A file name for ``accref`` with no slashes or other awkward characters.

    Every character but ASCII letters, digits, ``-`` and ``.`` (and a leading
    dot) becomes ``_`` and the hex of its UTF-8 bytes, so distinct accrefs get
    distinct names.
    """
    out = []
    for index, char in enumerate(str(accref)):
        if _FLAT_SAFE.match(char) and not (index == 0 and char == "."):
            out.append(char)
        else:
            out.extend(f"_{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def getAccrefFromStandardPubDID(pubdid: str, authBase: str | None = None) -> str:
    """The accref in a standard pubDID (``ivo://<authority>/~?<accref>``).

    Something that does not look like a URI (no colon in its first ten
    characters) is taken as an accref already; a URI of another authority
    is a NotFoundError.  ``authBase`` defaults to this site's.
    """
    if authBase is None:
        authBase = f"ivo://{site.current().authority}/~?"
    if ":" not in pubdid[:10]:
        return pubdid
    if not pubdid.startswith(authBase):
        raise NotFoundError(f"the dataset identifier {pubdid!r} does not start with "
                            f"{authBase!r}, the authority managed here")
    return pubdid[len(authBase):]


def getDatalinkMetaLink(dlSvc: Any, accref: str) -> str:
    """The dlmeta URL of the datalink service element ``dlSvc`` for ``accref``.

    As ``\\dlMetaURI``: the ID is the standard pubDID of ``accref``.
    """
    rd_id = getattr(getattr(dlSvc, "rd", None), "rd_id", None)
    if not rd_id or not getattr(dlSvc, "id", None):
        raise TypeError(f"getDatalinkMetaLink needs a service element (as "
                        f"rd.getById('dl') returns), not {dlSvc!r}")
    pubdid = importing.standard_pubdid(accref)
    return (makeAbsoluteURL(f"{rd_id}/{dlSvc.id}/dlmeta")
            + "?ID=" + urllib.parse.quote(pubdid))
