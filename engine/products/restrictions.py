"""Who may have a table's rows or a product (a file): the groups each asks for.

A table with ``readGroups`` asks for one of them; a product asks what its
table asks and, while its embargo lasts, membership of its owner group
(DaCHS's rule).  A caller in one group of every :class:`Restriction` may
have the thing (:func:`allowed`).  engine/web/access.py turns unmet ones into
401s and 403s; worker processes (async SODA) check their job owner's groups
here directly.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from engine.products.store import Product
from rd.elements.table import NOT_APPROVED, Table

# What a source header says when nobody has approved it yet (CALIFA's default).
_NOT_SIGNED = {"", "none", "null", "no", "-"}


@dataclass(frozen=True)
class Restriction:
    """One requirement: the caller must be in one of ``groups``."""

    groups: frozenset[str]
    reason: str             # e.g. "limitTo=staff", "table x.y has readGroups a, b"


def names(groups: Iterable[str]) -> str:
    return ", ".join(sorted(groups))


def table_restrictions(table: Table) -> list[Restriction]:
    if not table.read_groups:
        return []
    groups = frozenset(table.read_groups)
    if table.approval_group:
        reason = (f"table {table.qualified_name} is not approved for release"
                  if NOT_APPROVED in groups else
                  f"table {table.qualified_name} is approved for the collaboration "
                  f"({names(groups)}) only")
        return [Restriction(groups - {NOT_APPROVED}, reason)]
    return [Restriction(groups, f"table {table.qualified_name} has readGroups "
                                f"{names(groups)}")]


def _signed(header: dict[str, str], key: str) -> bool:
    return (header.get(key) or "").strip().lower() not in _NOT_SIGNED


def approved_audience(table: Table, headers: Iterable[dict[str, str]]) -> tuple[str, ...]:
    """The read groups of a table with ``approvalGroup``, from the headers of all the
    sources it was made from: none (everyone) when each names who approved it for
    the public (PUBAPRV), the approval group when each at least names who approved
    it for the collaboration (COLAPRV), else nobody's (:data:`NOT_APPROVED`)."""
    headers = list(headers)
    if headers and all(_signed(h, "PUBAPRV") for h in headers):
        return ()
    if headers and all(_signed(h, "COLAPRV") or _signed(h, "PUBAPRV") for h in headers):
        return (table.approval_group,)
    return (NOT_APPROVED,)


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


def allowed(groups: frozenset[str], restrictions: Iterable[Restriction]) -> bool:
    """Whether a caller in ``groups`` meets every restriction."""
    return all(groups & r.groups for r in restrictions)
