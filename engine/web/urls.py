"""Every URL DR's pages link to, built in one place."""

from __future__ import annotations

from urllib.parse import quote, urlencode


def root() -> str:
    return "/"


def service(rd_id: str, service_id: str, renderer: str | None = None) -> str:
    base = f"/{quote(rd_id)}/{quote(service_id)}"
    return f"{base}/{quote(renderer)}" if renderer else base


def table_info(qualified_name: str) -> str:
    return f"/tableinfo/{quote(qualified_name)}"


def static(path: str) -> str:
    return f"/static/{quote(path)}"


def with_params(url: str, pairs: list[tuple[str, str]]) -> str:
    return f"{url}?{urlencode(pairs)}" if pairs else url
