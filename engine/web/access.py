"""What an RD restricts, and whether a request's caller may have it (fail closed).

An RD restricts a service with ``limitTo`` (a group), a table with
``readGroups`` and a product (a file) with an embargo date in the future
(//products#define); a service is restricted as well when the table it
queries is, or when its fixed query names a restricted table, and a product
when its table is.  A caller gets a
restricted thing only when their :class:`~engine.web.context.RequestContext`
is in every group it asks for — and until accounts exist no request has
groups, so restricted things are served to nobody: the router answers 403,
the root page leaves them out and the server logs them once when it loads
the RDs.  TAP applies the same rule to tables through
:func:`engine.tap.tables.table_map`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from engine.products.store import Product
from engine.services.core import BoundService
from engine.web.context import RequestContext
from engine.web.state import SiteState
from rd.elements.service import FixedQueryCore
from rd.elements.table import Table


@dataclass(frozen=True)
class Restriction:
    """One requirement: the caller must be in one of ``groups``."""

    groups: frozenset[str]
    reason: str             # e.g. "limitTo=staff", "table x.y has readGroups a, b"


def _names(groups: Iterable[str]) -> str:
    return ", ".join(sorted(groups))


def table_restrictions(table: Table) -> list[Restriction]:
    if not table.read_groups:
        return []
    groups = frozenset(table.read_groups)
    return [Restriction(groups, f"table {table.qualified_name} has readGroups "
                                f"{_names(groups)}")]


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


def product_restrictions(table: Table, product: Product,
                         today: datetime.date) -> list[Restriction]:
    """What a product (a file of ``table``) asks of its callers: what its table asks,
    and, while its embargo lasts, membership of its owner group (DaCHS's rule)."""
    found = table_restrictions(table)
    if product.embargoed(today):
        groups = frozenset({product.owner}) if product.owner else frozenset()
        owner = f" for the group {product.owner}" if product.owner else ""
        found.append(Restriction(groups, f"embargoed until {product.embargo}{owner}"))
    return found


def refusal(context: RequestContext, restrictions: list[Restriction],
            what: str) -> str | None:
    """Why the caller may not have ``what`` (a 403's message), or None."""
    missing = [r for r in restrictions if not context.in_any(r.groups)]
    if not missing:
        return None
    reasons = "; ".join(r.reason for r in missing)
    return (f"{what} is restricted ({reasons}). This server has no user accounts yet, "
            "so it serves restricted resources to nobody.")


def service_refusal(context: RequestContext, state: SiteState,
                    bound: BoundService) -> str | None:
    return refusal(context, service_restrictions(state, bound),
                   f"The service {bound.rd.rd_id}/{bound.id}")


def table_refusal(context: RequestContext, table: Table) -> str | None:
    return refusal(context, table_restrictions(table), f"The table {table.qualified_name}")


def withheld(state: SiteState) -> list[str]:
    """Everything restricted, one line each, for the log (nobody is in any group)."""
    lines = [f"service {key[0]}/{key[1]} ({'; '.join(r.reason for r in found)})"
             for key, bound in sorted(state.services.items())
             if (found := service_restrictions(state, bound))]
    lines += [f"table {t.qualified_name} (readGroups {_names(t.read_groups)})"
              for t in _restricted_tables(state)]
    return lines
