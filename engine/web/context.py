"""Who is asking: the typed context the site attaches to every request.

:class:`engine.web.site.Site` sets ``request.context`` once, before routing,
by calling its ``authenticate`` function; everything that needs the caller
(TAP's table visibility, UWS job ownership, restricted services and tables)
reads that and nothing else.  Until accounts exist every request is
anonymous; the access-control work replaces :func:`anonymous` with a
function reading HTTP authentication.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    """The caller of one request: a user name (None: anonymous) and their groups."""

    user: str | None = None
    groups: frozenset[str] = frozenset()

    def in_any(self, groups: frozenset[str]) -> bool:
        """Whether the caller belongs to at least one of ``groups``."""
        return bool(self.groups & groups)


ANONYMOUS = RequestContext()

# How the site finds the caller of a request (reactor thread).
Authenticate = Callable[[Any], RequestContext]


def anonymous(_request: Any) -> RequestContext:
    """Every request is anonymous (there are no accounts yet)."""
    return ANONYMOUS
