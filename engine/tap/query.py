"""A TAP query: its parameters (LANG, QUERY, MAXREC, RESPONSEFORMAT, UPLOAD) and its plan.

Shared by /sync (streamed by the server) and async jobs (run by workers):
parameters are checked once, uploads become temporary tables on the
connection that runs the query, and the ADQL is translated against the
tables the user may read plus the uploads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from adql import ADQLError, translate
from engine.config import Config
from engine.errors import ProtocolError
from engine.formats import Format, lookup
from engine.services.params import Params
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
        return cls(query, maxrec, format_, parse_upload(params.all("UPLOAD")))

    def plan(self, conn, tables: Mapping[str, TableMeta],
             part: Callable[[str], bytes | None], upload_limit: int) -> TapPlan:
        """Load the uploads on ``conn`` and translate the query (worker thread)."""
        with conn.cursor() as cur:
            uploaded = load_uploads(cur, self.uploads, part, upload_limit)
        try:
            translation = translate(self.query, {**tables, **uploaded},
                                    maxrec=self.maxrec)
        except ADQLError as exc:
            raise ProtocolError(str(exc), param="QUERY") from None
        return TapPlan(translation.sql, None, list(translation.columns), self.maxrec,
                       {"infos": [("QUERY", self.query)],
                        "description": "A TAP query result"},
                       temporary_tables=bool(uploaded))
