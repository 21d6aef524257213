"""``//scs#healpix-partitions``: a table partitioned by the HEALPix index of its position.

DR's own mixin (no DaCHS RD names it, so none changes meaning).  The table
becomes a PostgreSQL table partitioned by range on
``healpix_nest(order, spoint(radians(ra), radians(dec)))`` over its main
position columns — an expression key, since PostgreSQL refuses generated
columns as partition keys and an expression costs no column — into
``partitions`` contiguous ranges of nested cells (rows without a position go
to a default partition).  Every partition gets the position index, which the
mixin adds when the table has none.  ``writers`` is how many connections
``dr imp`` loads it with (engine/ingest/parallel.py).

A primary key is enforced within each partition only: PostgreSQL's unique
constraints on a partitioned table must contain the partition key's columns,
and an expression key has none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rd.tablemeta import HealpixPartitions

if TYPE_CHECKING:
    from rd.elements.table import AppliedMixin, Table

REF = "//scs#healpix-partitions"
MAX_ORDER = 12  # nside 4096: cells of 50 arcsec, far finer than any partitioning needs


def _mixin(table: Table) -> AppliedMixin | None:
    return next((m for m in table.applied_mixins if m.ref == REF), None)


def _integer(table: Table, params: dict[str, str], name: str, low: int, high: int) -> int:
    text = params.get(name, "").strip()
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise table.error(f"{REF}: {name} must be an integer from {low} to {high}, "
                          f"not {text!r}")
    return value


def of(table: Table) -> HealpixPartitions | None:
    """How ``table`` is partitioned, or None when it is not."""
    mixin = _mixin(table)
    if mixin is None:
        return None
    order = _integer(table, mixin.params, "order", 0, MAX_ORDER)
    count = _integer(table, mixin.params, "partitions", 1, 12 * 4 ** order)
    return HealpixPartitions(order, count)


def writers(table: Table) -> int:
    """How many connections dr imp loads the table with (1: in its own transaction)."""
    mixin = _mixin(table)
    return _integer(table, mixin.params, "writers", 1, 64) if mixin else 1


def finish(table: Table) -> None:
    """Check the mixin's parameters and give the table its position index."""
    if _mixin(table) is None:
        return
    from rd.elements.table import Index  # rd.elements.table imports us

    of(table)
    writers(table)
    if table.view_statement:
        raise table.error(f"{REF} partitions a table; this one is a view")
    if table.position_index is None:
        index = Index(table, table.pos)
        index.kind = "position"
        index.finish()
        table.add_child(index)
        table.position_columns(index)
