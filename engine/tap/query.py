"""A TAP query: its parameters (LANG, QUERY, MAXREC, RESPONSEFORMAT, UPLOAD) and its plan.

Shared by /sync (streamed by the server) and async jobs (run by workers):
parameters are checked once, uploads given by URL are fetched before a
database connection is taken (:meth:`TapQuery.fetch_uploads`), uploads become
temporary tables on the connection that runs the query, and the ADQL is
translated against the tables the user may read plus the uploads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from adql import ADQLError, UnknownTable, translate
from engine.config import Config, WebSection
from engine.errors import ProtocolError
from engine.formats import Format, lookup
from engine.services.params import Params
from engine.tap.fetch import FetchPolicy, fetch_all
from engine.tap.uploads import UploadSpec, load_uploads, parse_upload
from rd.tablemeta import TableMeta

LANGS = ("adql", "adql-2.0", "adql-2.1")


@dataclass
class TapPlan:
    """What the streamer runs: SQL, result columns, row limit, writer options."""

    sql: str
    values: Any
    columns: list
    limit: int
    writer_options: dict[str, Any] = field(default_factory=dict)
    temporary_tables: bool = False  # uploads were loaded on the connection


@dataclass
class TapQuery:
    """The checked parameters of one TAP query."""

    query: str
    maxrec: int
    format: Format
    uploads: list[UploadSpec]
    # The bytes of uploads given by URL, by upload name (see fetch_uploads).
    fetched: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def from_params(cls, params: Params, config: Config) -> TapQuery:
        lang = params.get("LANG")
        if lang is None:
            raise ProtocolError("LANG is missing; give LANG=ADQL", param="LANG")
        if lang.lower() not in LANGS:
            raise ProtocolError(f"LANG {lang!r} is not supported; use ADQL (2.0 or 2.1)",
                                param="LANG")
        query = params.get("QUERY")
        if query is None:
            raise ProtocolError("QUERY is missing: give the ADQL query to run",
                                param="QUERY")
        web = config.web
        maxrec = params.integer("MAXREC", web.maxrec, minimum=0)
        maxrec = min(maxrec, web.hard_maxrec)
        fmt = params.get("RESPONSEFORMAT") or params.get("FORMAT") or "votable"
        try:
            format_ = lookup(fmt)
        except ValueError as exc:
            raise ProtocolError(str(exc), param="RESPONSEFORMAT") from None
        return cls(query, maxrec, format_, parse_upload(params.all("UPLOAD"),
                                                          web.max_uploads))

    @property
    def remote_uploads(self) -> dict[str, str]:
        """``{upload name: URL}`` of the uploads given by URL."""
        return {s.name: s.source for s in self.uploads if s.part is None}

    def fetch_uploads(self, web: WebSection) -> TapQuery:
        """This query with its URL uploads fetched (blocking: a thread or process
        that holds no database connection)."""
        urls = self.remote_uploads
        if not urls:
            return self
        policy = FetchPolicy(web.upload_limit, web.upload_fetch_timeout,
                             web.fetch_private_hosts)
        return replace(self, fetched=fetch_all(urls, policy))

    def plan(self, conn, tables: Mapping[str, TableMeta],
             part: Callable[[str], bytes | None], upload_limit: int, *,
             challenge: bool = False) -> TapPlan:
        """Load the uploads on ``conn`` and translate the query (worker thread).
        URL uploads must have been fetched (:meth:`fetch_uploads`) before.

        With ``challenge`` (an anonymous caller on a site with tables only some may
        read), a table the query names but ``tables`` lacks is a 401 asking for
        credentials, whether it exists or not: clients such as TOPCAT and STILTS
        send them only when challenged."""
        with conn.cursor() as cur:
            uploaded = load_uploads(cur, self.uploads, part, self.fetched, upload_limit)
        try:
            translation = translate(self.query, {**tables, **uploaded},
                                    maxrec=self.maxrec)
        except UnknownTable as exc:
            if challenge:
                raise ProtocolError(f"{exc}\n(or a table only those logged in may read: "
                                    "send your credentials)", param="QUERY",
                                    status=401) from None
            raise ProtocolError(str(exc), param="QUERY") from None
        except ADQLError as exc:
            raise ProtocolError(str(exc), param="QUERY") from None
        return TapPlan(translation.sql, None, list(translation.columns), self.maxrec,
                       {"infos": [("QUERY", self.query)],
                        "description": "A TAP query result"},
                       temporary_tables=bool(uploaded))
