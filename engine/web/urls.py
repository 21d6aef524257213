"""Every URL DR's pages link to, built in one place; which ones a login may go back to."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def root() -> str:
    return "/"


def service(rd_id: str, service_id: str, renderer: str | None = None) -> str:
    base = f"/{quote(rd_id)}/{quote(service_id)}"
    return f"{base}/{quote(renderer)}" if renderer else base


def table_info(qualified_name: str) -> str:
    return f"/tableinfo/{quote(qualified_name)}"


def registry_record(ivoid: str) -> str:
    """The VOResource record of ``ivoid`` from the publishing registry."""
    return with_params("/oai.xml", [("verb", "GetRecord"), ("metadataPrefix", "ivo_vor"),
                                    ("identifier", ivoid)])


def registry_page(ivoid: str | None = None) -> str:
    """The HTML page of a registered record (None: the list of them all)."""
    return "/registry" if ivoid is None else with_params("/registry", [("ivoid", ivoid)])


def static(path: str) -> str:
    return f"/static/{quote(path)}"


def login(next_path: str | None = None) -> str:
    """The login page, coming back to ``next_path`` (a local path) afterwards."""
    return with_params("/login", [("next", next_path)] if next_path else [])


def logout() -> str:
    return "/logout"


def local_path(candidate: str | None) -> str | None:
    """``candidate`` if it is a path on this site (``/…``, not ``//host``, nothing a
    browser would read as another host or a scheme), else None: where a login may
    send its browser back to."""
    if (not candidate or not candidate.startswith("/") or candidate.startswith("//")
            or "\\" in candidate or not candidate.isascii()
            or not candidate.isprintable() or " " in candidate):
        return None
    return candidate


def with_params(url: str, pairs: list[tuple[str, str]]) -> str:
    return f"{url}?{urlencode(pairs)}" if pairs else url
