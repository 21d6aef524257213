"""Partition pruning for HEALPix-partitioned tables: the cells a region may touch.

A table with ``//scs#healpix-partitions`` is partitioned on
``healpix_nest(order, <its position point>)`` (rd.tablemeta's
partition_key_expression).  PostgreSQL skips partitions at plan time only for
conditions on that very expression, so a positional constraint on such a
table — CONTAINS/INTERSECTS of its POINT(ra, dec) in a constant CIRCLE, BOX,
POLYGON or REGION, DISTANCE(…) < constant — is written as the pgsphere
predicate AND ``key BETWEEN a AND b OR …``: the nested cells covering the
region (healpy's query_disc/query_polygon with inclusive=True, a superset),
contiguous runs as ranges, at most :data:`MAX_RANGES` of them (the smallest
gaps filled).  Every point the predicate accepts lies in those cells, and a
NULL position makes both NULL, so the conjunction means exactly the
predicate, in any context.  Circles are widened by :data:`MARGIN`, more than
pgsphere's own tolerance (1e-9 rad) in accepting points.

Regions that are not constants (a column, a crossmatch) and negated tests
are left as they are.  Nothing here touches a database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from adql import nodes as n
from adql import nodes_geometry as g
from rd.tablemeta import HealpixPartitions, partition_key_expression

MAX_RANGES = 16
MARGIN = 1e-7  # radians

Ranges = list[tuple[int, int]]


def narrowed(gen, form: n.RegionTest | n.DistanceTest, sql: str) -> str:
    """``sql`` (the predicate of ``form``) with the partition-key condition added
    when ``form`` constrains the position of a partitioned table to a constant region."""
    found = _target(form)
    if found is None:
        return sql
    point, spec, cells = found
    if cells is None:
        return sql
    return f"({sql} AND {key_condition(spec, gen.sql(point), cells)})"


def key_condition(spec: HealpixPartitions, point_sql: str, ranges: Ranges) -> str:
    """The condition on the partition key over ``point_sql`` for ``ranges``."""
    key = partition_key_expression(spec.order, point_sql)
    terms = [f"{key} BETWEEN {low} AND {high}" for low, high in ranges]
    return "(" + " OR ".join(terms) + ")" if terms else "FALSE"


def _partitioned(node: n.Node) -> HealpixPartitions | None:
    """The partitioning of the table whose position columns POINT ``node`` is of."""
    if not isinstance(node, g.Point):
        return None
    x = node.x.column if isinstance(node.x, n.ColumnRef) else None
    y = node.y.column if isinstance(node.y, n.ColumnRef) else None
    if x is None or y is None or x.source is None or x.source is not y.source:
        return None
    table = x.source.table
    position = table.position if table is not None else None
    if position is None or (x.sql_name, y.sql_name) != (position.ra, position.dec):
        return None
    return table.partitions


def _target(form) -> tuple[g.Point, HealpixPartitions, Ranges | None] | None:
    """(the table's point, its partitioning, the cell ranges) when ``form`` prunes."""
    if isinstance(form, n.RegionTest):
        pairs = [(form.predicate.left, form.predicate.right)]
        if isinstance(form.predicate, g.Intersects):
            pairs.append((form.predicate.right, form.predicate.left))
        for point, region in pairs:
            spec = _partitioned(point)
            if spec is not None:
                return point, spec, region_ranges(spec, region)
        return None
    radius = _constant(form.radius) if form.constant_radius else None
    left, right = form.distance.left, form.distance.right
    for point, other in ((left, right), (right, left)):
        spec, centre = _partitioned(point), _point(other)
        if spec is not None and centre is not None and radius is not None:
            return point, spec, circle_ranges(spec, *centre, radius)
    return None


def _constant(node: n.Node) -> float | None:
    if isinstance(node, n.NumberLiteral) and node.as_boolean is None:
        return float(node.value)
    if isinstance(node, n.Negative):
        value = _constant(node.operand)
        return -value if value is not None else None
    return None


def _point(node: n.Node) -> tuple[float, float] | None:
    if not isinstance(node, g.Point):
        return None
    ra, dec = _constant(node.x), _constant(node.y)
    return (ra, dec) if ra is not None and dec is not None else None


def region_ranges(spec: HealpixPartitions, node: n.Node) -> Ranges | None:
    """The cell ranges of a constant CIRCLE, BOX, POLYGON or REGION (None: any other)."""
    if isinstance(node, g.Region):
        node = node.shape
    if isinstance(node, g.Circle):
        centre, radius = _point(node.center), _constant(node.radius)
        if centre is None or radius is None:
            return None
        return circle_ranges(spec, *centre, radius)
    if isinstance(node, g.Box):
        centre = _point(node.center)
        width, height = _constant(node.width), _constant(node.height)
        if centre is None or width is None or height is None:
            return None
        return polygon_ranges(spec, box_corners(*centre, width, height))
    if isinstance(node, g.Polygon):
        vertices = [_point(v) for v in node.vertices]
        if any(v is None for v in vertices):
            return None
        return polygon_ranges(spec, vertices)
    return None


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def circle_ranges(spec: HealpixPartitions, ra: float, dec: float,
                  radius: float) -> Ranges | None:
    """The cell ranges a cone (degrees) may touch; None when no pruning is possible."""
    import healpy

    if not _finite(ra, dec, radius) or radius >= 180 or abs(dec) > 90:
        return None
    if radius < 0:
        return []
    vec = healpy.ang2vec(ra, dec, lonlat=True)
    pixels = healpy.query_disc(2 ** spec.order, vec, math.radians(radius) + MARGIN,
                               inclusive=True, nest=True)
    return _compressed(spec, pixels)


def polygon_ranges(spec: HealpixPartitions,
                   vertices: Sequence[tuple[float, float]]) -> Ranges | None:
    """The cell ranges of a polygon with great-circle sides (degrees); a polygon
    healpy cannot take (not convex) is covered by the cone around its vertices."""
    import healpy

    if len(vertices) < 3 or not _finite(*(c for v in vertices for c in v)):
        return None
    xyz = np.array([healpy.ang2vec(ra, dec, lonlat=True) for ra, dec in vertices])
    try:
        pixels = healpy.query_polygon(2 ** spec.order, xyz, inclusive=True, nest=True)
    except (ValueError, RuntimeError):
        return _enclosing_cone(spec, xyz)
    return _compressed(spec, pixels)


def _enclosing_cone(spec: HealpixPartitions, xyz: np.ndarray) -> Ranges | None:
    """A polygon within a cone of less than 90 degrees around the mean of its
    vertices is within that cone (both of its sides: pgsphere takes the smaller)."""
    mean = xyz.sum(axis=0)
    norm = float(np.linalg.norm(mean))
    if norm < 1e-9:
        return None
    centre = mean / norm
    radius = max(math.acos(max(-1.0, min(1.0, float(v @ centre)))) for v in xyz)
    if radius >= math.pi / 2:
        return None
    ra, dec = (float(c) for c in _lonlat(centre))
    return circle_ranges(spec, ra, dec, math.degrees(radius))


def _lonlat(vec: np.ndarray) -> tuple[float, float]:
    ra = math.degrees(math.atan2(vec[1], vec[0])) % 360
    return ra, math.degrees(math.asin(max(-1.0, min(1.0, float(vec[2])))))


def box_corners(ra: float, dec: float, width: float,
                height: float) -> list[tuple[float, float]]:
    """The corners of ADQL's BOX as dc.adql_box makes them (great-circle sides)."""
    lon0, lat0 = math.radians(ra), math.radians(dec)
    w, h = math.radians(width), math.radians(height)
    corners = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
        lon_l = sx * w / 2
        lat_l = sy * math.atan(math.tan(h / 2) * math.cos(w / 2))
        x = (math.cos(lat_l) * math.cos(lon_l) * math.cos(lat0)
             - math.sin(lat_l) * math.sin(lat0))
        y = math.cos(lat_l) * math.sin(lon_l)
        z = (math.cos(lat_l) * math.cos(lon_l) * math.sin(lat0)
             + math.sin(lat_l) * math.cos(lat0))
        lon = math.atan2(x * math.sin(lon0) + y * math.cos(lon0),
                         x * math.cos(lon0) - y * math.sin(lon0))
        corners.append((math.degrees(lon) % 360,
                        math.degrees(math.asin(max(-1.0, min(1.0, z))))))
    return corners


def _compressed(spec: HealpixPartitions, pixels: np.ndarray) -> Ranges | None:
    """Sorted cells as at most MAX_RANGES inclusive ranges; None for the whole sky."""
    cells = np.unique(np.asarray(pixels, dtype=np.int64))
    if len(cells) == 0:
        return []
    breaks = np.flatnonzero(np.diff(cells) > 1)
    starts = np.concatenate(([cells[0]], cells[breaks + 1]))
    ends = np.concatenate((cells[breaks], [cells[-1]]))
    if len(starts) > MAX_RANGES:
        gaps = starts[1:] - ends[:-1]
        keep = np.sort(np.argsort(gaps, kind="stable")[len(gaps) - (MAX_RANGES - 1):])
        starts = np.concatenate(([starts[0]], starts[keep + 1]))
        ends = np.concatenate((ends[keep], [ends[-1]]))
    if len(starts) == 1 and starts[0] == 0 and ends[0] == spec.cells - 1:
        return None
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]
