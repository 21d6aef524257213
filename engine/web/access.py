"""What an RD restricts, which protocols honour accounts, and whether a caller may
have a restricted thing (fail closed).

An RD restricts a service with ``limitTo`` (a group), a table with
``readGroups`` and a product (a file) with an embargo date in the future
(//products#define); a service is restricted as well when the table it
queries is, or when its fixed query names a restricted table, and a product
when its table is.  A caller gets a
restricted thing only when their :class:`~engine.web.context.RequestContext`
is in every group it asks for.  A refusal is a 401 for an anonymous caller
(credentials could help; the error carries ``WWW-Authenticate``) and a 403
for a user lacking a group.

Only the protocols in :data:`HONOURS_ACCOUNTS` see the caller: their whole
path has been checked to apply these rules per user.  Every other protocol
sees every caller as nobody (:func:`as_seen_by`), so what is restricted stays
withheld from everyone there, with a 403 that says so.  The server logs what
it restricts once when it loads the RDs.  TAP applies the same rule to tables
through :func:`engine.tap.tables.table_map` (a restricted table does not exist
for those outside its groups).  Rows are not checked here: every caller's
query runs under the database's query role with the caller's groups, and
PostgreSQL's row-level security filters restricted tables and rows under
embargo (engine/db/rowsecurity.py) — in ivoa.obscore too.

DataLink and SODA (``dlmeta``, ``dlget``, ``dlasync`` and the site-wide
``/datalink``) honour accounts; how they answer for an ID the caller may not
have is said in engine/web/renderers/datalink.py.
"""

from __future__ import annotations

import datetime
import re

from engine.config import Config
from engine.errors import ProtocolError
from engine.products.restrictions import (
    Restriction,
    product_restrictions,
    table_restrictions,
)
from engine.products.store import Product
from engine.services.core import BoundService
from engine.web.context import RequestContext
from engine.web.proxy import is_loopback_host
from engine.web.state import SiteState
from rd.elements.service import FixedQueryCore
from rd.elements.table import Table

# The protocols (a service renderer's name, a site page's first path segment, ""
# for the root page) whose every path applies restrictions per caller: the
# service renderers under the router's single check, products and previews,
# table pages, the root page, the registry (which describes restricted resources
# and serves none of their data).  Any name not here sees every caller as nobody.
HONOURS_ACCOUNTS = frozenset({
    "", "static", "tableinfo", "getproduct", "tap", "login", "logout", "oai.xml",
    "registry", "provenance", "search",
    "form", "qp", "scs.xml", "api", "siap.xml", "siap2.xml", "ssap.xml",
    "availability", "capabilities", "tables", "tableMetadata",
    "dlmeta", "dlget", "dlasync", "datalink", "uws.xml",
})
# Why the others withhold restricted things from everyone, for their 403s.
WITHHOLDING_REASONS: dict[str, str] = {}


def as_seen_by(protocol: str, context: RequestContext) -> RequestContext:
    """The caller as ``protocol`` sees them: themselves where it honours accounts,
    nobody anywhere else (fail closed)."""
    if protocol in HONOURS_ACCOUNTS:
        return context
    return RequestContext(withheld_by=protocol)


def _restricted_tables(state: SiteState) -> list[Table]:
    return [t for rd in state.rds.values() for t in rd.tables if t.read_groups]


def _names_table(sql: str, table: Table) -> bool:
    pattern = (rf'(?<!\w)"?{re.escape(table.schema)}"?\s*\.\s*"?'
               rf'{re.escape(table.id)}(?!\w)')
    return re.search(pattern, sql, re.IGNORECASE) is not None


def service_restrictions(state: SiteState, bound: BoundService) -> list[Restriction]:
    """Everything the service asks of its callers (empty: it is public)."""
    found = []
    if bound.service.limit_to:
        found.append(Restriction(frozenset({bound.service.limit_to}),
                                 f"limitTo={bound.service.limit_to}"))
    if bound.table is not None:
        found += table_restrictions(bound.table)
    if isinstance(bound.core, FixedQueryCore):
        for table in _restricted_tables(state):
            if _names_table(bound.core.sql, table):
                found += table_restrictions(table)
    return found


def refusal(context: RequestContext, restrictions: list[Restriction],
            what: str) -> ProtocolError | None:
    """Why the caller may not have ``what`` — a 401 when anonymous, a 403 when a
    user lacks a group or the protocol withholds it from all — or None."""
    missing = [r for r in restrictions if not context.in_any(r.groups)]
    if not missing:
        return None
    reasons = "; ".join(r.reason for r in missing)
    if context.withheld_by is not None:
        why = WITHHOLDING_REASONS.get(context.withheld_by,
                                      f"{context.withheld_by} does not honour accounts")
        return ProtocolError(f"{what} is restricted ({reasons}), and not served here "
                             f"to anybody: {why}.", status=403)
    if context.user is None:
        return ProtocolError(f"{what} is restricted ({reasons}); authenticate (HTTP "
                             "Basic or a bearer token) as a member of the group.",
                             status=401)
    return ProtocolError(f"{what} is restricted ({reasons}); the user {context.user} "
                         "is not in the group.", status=403)


def service_refusal(context: RequestContext, state: SiteState,
                    bound: BoundService) -> ProtocolError | None:
    return refusal(context, service_restrictions(state, bound),
                   f"The service {bound.rd.rd_id}/{bound.id}")


def table_refusal(context: RequestContext, table: Table) -> ProtocolError | None:
    return refusal(context, table_restrictions(table), f"The table {table.qualified_name}")


def product_refusal(context: RequestContext, table: Table, product: Product,
                    what: str) -> ProtocolError | None:
    """Why the caller may not have ``product``, a file of ``table``, today."""
    today = datetime.datetime.now(datetime.UTC).date()
    return refusal(context, product_restrictions(table, product, today), what)


def withheld(state: SiteState) -> list[str]:
    """Everything restricted, one line each, for the log."""
    lines = [f"service {key[0]}/{key[1]} ({'; '.join(r.reason for r in found)})"
             for key, bound in sorted(state.services.items())
             if (found := service_restrictions(state, bound))]
    lines += [r.reason for t in _restricted_tables(state) for r in table_restrictions(t)]
    lines += [f"table {t.qualified_name} (rows under embargo by {t.embargo_column}"
              + (f", for the group in {t.owner_column})" if t.owner_column else ")")
              for rd in state.rds.values() for t in rd.tables if t.row_embargo]
    return lines


def plain_http_warning(config: Config, restricted: list[str]) -> str | None:
    """A warning when restricted things are served over plain http to other machines:
    passwords and tokens would then cross the network in clear text."""
    if not restricted or config.web.server_url.lower().startswith("https://"):
        return None
    if is_loopback_host(config.web.bind_address):
        return None
    return (f"serving {len(restricted)} restricted resource(s) over plain http on "
            f"{config.web.bind_address} (serverURL {config.web.server_url}): passwords "
            "and tokens cross the network in clear text; put DR behind an https proxy "
            "and set serverURL to its https address")
