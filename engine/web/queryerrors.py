"""What a user reads when running a query failed: exceptions out of query execution
(PostgreSQL's, the fetch's, a database gone) as ProtocolErrors with a status.

Used by the result streams (engine.web.streaming) and the form pages.
"""

from __future__ import annotations

import logging

import psycopg2

from engine.db.fetch import FetchCancelled
from engine.errors import ProtocolError
from engine.web.dbpool import ServiceUnavailable, database_down, is_connection_failure

log = logging.getLogger("dr.web")


def user_error(exc: BaseException, timeout: int | None = None) -> ProtocolError:
    """A ProtocolError a user can read, for exceptions out of query execution."""
    if isinstance(exc, ProtocolError):
        return exc
    if isinstance(exc, psycopg2.errors.QueryCanceled | FetchCancelled):
        limit = f" of {timeout} s" if timeout else ""
        return ProtocolError(f"the query ran longer than the time limit{limit} and was "
                             "stopped; ask for less, or run it as an async job",
                             status=400)
    if is_connection_failure(exc):
        log.error("database connection failed: %s", str(exc).strip())
        return database_down()
    if isinstance(exc, psycopg2.errors.SerializationFailure):
        # On a read replica: replaying the primary's changes (an import) cancelled it.
        return ServiceUnavailable("the query was interrupted by an update of the data; "
                                  "please try again")
    if isinstance(exc, psycopg2.errors.DataError | psycopg2.errors.CardinalityViolation
                  | psycopg2.errors.InternalError_):
        # The data defeated a valid query (division by zero, a log of a negative
        # number, a scalar subquery with several rows, a pg_sphere circle wider
        # than 90 degrees): say so in those words.
        return ProtocolError(f"the query failed on the data: {exc.diag.message_primary}",
                             status=400)
    if isinstance(exc, psycopg2.ProgrammingError) and getattr(exc, "pgcode", None):
        # PostgreSQL refused the SQL a request was translated to (a type
        # mismatch ADQL's checker let through, say): the request cannot be
        # run as written.  Logged, since the translator should have said so.
        log.warning("PostgreSQL refused a translated query: %s", str(exc).strip())
        return ProtocolError(f"the query cannot be run: {exc.diag.message_primary}",
                             status=400)
    log.error("query failed: %r", exc)
    return ProtocolError("the query failed on the server; the error has been logged",
                         status=500)
