"""Cone conditions on HEALPix-partitioned tables: the partition key's ranges beside them.

PostgreSQL skips a partition at plan time only for a condition on the
partition key's own expression, with constants; the cone searches' SQL gets
that condition from the ADQL translator's cell computation
(adql/healpix_prune.py), so both protocols scan the same partitions.
"""

from __future__ import annotations

from adql.healpix_prune import circle_ranges, key_condition
from rd import partitioning
from rd.elements.table import Table


def pruned_cone(table: Table, point_sql: str, cone_sql: str, ra: float, dec: float,
                sr: float) -> str:
    """``cone_sql`` (a cone around ra, dec of radius sr, degrees, over ``point_sql``)
    and, on a partitioned table, the cells it may touch."""
    spec = partitioning.of(table)
    ranges = circle_ranges(spec, ra, dec, sr) if spec is not None else None
    if ranges is None:
        return cone_sql
    return f"({cone_sql} AND {key_condition(spec, point_sql, ranges)})"
