"""Who is asking: the typed context the site attaches to every request.

:class:`engine.web.site.Site` sets ``request.context`` once, before routing,
from the request's credentials (:mod:`engine.web.authenticate`); everything
that needs the caller (TAP's table visibility, UWS job ownership, restricted
services, tables and products) reads that and nothing else.  The router then
narrows it for protocols that do not honour accounts yet
(:func:`engine.web.access.as_seen_by`): there the caller is nobody, whoever
they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# What a 401 offers the client (RFC 7617 section 2.1, RFC 6750 section 3).
REALM = "DR"
BASIC_CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8"'
BEARER_CHALLENGE = f'Bearer realm="{REALM}"'
CHALLENGES = (BASIC_CHALLENGE, BEARER_CHALLENGE)


@dataclass(frozen=True)
class RequestContext:
    """The caller of one request: a user name (None: anonymous) and their groups.

    ``withheld_by`` names the protocol that sees every caller as nobody (it does
    not honour accounts yet); such a context has no user and no groups.
    """

    user: str | None = None
    groups: frozenset[str] = frozenset()
    withheld_by: str | None = None

    def in_any(self, groups: frozenset[str]) -> bool:
        """Whether the caller belongs to at least one of ``groups``."""
        return self.withheld_by is None and bool(self.groups & groups)


ANONYMOUS = RequestContext()

# How the site finds the caller of a request (reactor thread): a RequestContext,
# or a Deferred firing with one (failing with a ProtocolError: 400, 401, 503).
Authenticate = Callable[[Any], Any]


def anonymous(_request: Any) -> RequestContext:
    """Every request is anonymous (a site without accounts, as in tests)."""
    return ANONYMOUS
