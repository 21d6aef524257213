"""What an RD may ask of the installation it runs in: configuration values by name.

``\\getConfig{web}{serverURL}``, ``\\internallink``, ``\\standardPubDID`` and
``getStandardPubDID`` need the site's URL, IVOA authority and configuration.
``rd`` imports nothing of ``engine``, so the engine hands these over when it
reads its configuration (:func:`install`); until then (a test loading an RD
directly) DR's documented defaults apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Where DaCHS serves a product by its accref (DR's file renderer follows it).
PRODUCT_PATH = "/getproduct/"


@dataclass(frozen=True)
class Site:
    """Configuration values keyed ``section.key`` (lower case), as strings."""

    settings: Mapping[str, str] = field(default_factory=lambda: {
        "web.serverurl": "http://localhost:8080", "ivoa.authority": "dr.example.org"})

    def get(self, section: str, key: str) -> str | None:
        return self.settings.get(f"{section.lower()}.{key.lower()}")

    @property
    def server_url(self) -> str:
        return (self.get("web", "serverURL") or "http://localhost:8080").rstrip("/")

    @property
    def authority(self) -> str:
        return self.get("ivoa", "authority") or "dr.example.org"

    def url(self, path: str) -> str:
        """The public URL of the server-absolute ``path`` (a leading slash optional)."""
        return f"{self.server_url}/{path.lstrip('/')}"


_current = Site()


def install(site: Site) -> None:
    """Make ``site`` what RDs loaded from now on in this process see."""
    global _current
    _current = site


def current() -> Site:
    return _current
