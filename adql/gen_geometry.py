"""PostgreSQL/pgsphere for ADQL geometry, in degrees on the ADQL side, radians inside.

POINT(ra, dec) always becomes ``rd.tablemeta.pos_index_expression`` — the
exact expression position indexes are built on — so CONTAINS, INTERSECTS
and DISTANCE(…) < r over a table's position columns use its GiST index.
BOX becomes a polygon with great-circle sides (``dc.adql_box``), as ADQL
defines it; pgsphere's own sbox is a range in longitude and latitude.
Polygons have no orientation in pgsphere: a polygon and its reversed twin
mean the same (smaller) region.
"""

from __future__ import annotations

from adql import nodes as n
from adql import nodes_geometry as g
from adql.generator import SQL, Generator
from rd.tablemeta import pos_index_expression

_DOUBLE = "double precision"


@SQL.rule(g.Point)
def point(gen: Generator, node: g.Point) -> str:
    return pos_index_expression(gen.typed(node.x, _DOUBLE), gen.typed(node.y, _DOUBLE))


@SQL.rule(g.Circle)
def circle(gen: Generator, node: g.Circle) -> str:
    return (f"scircle({gen.typed(node.center, 'spoint')}, "
            f"radians({gen.typed(node.radius, _DOUBLE)}))")


@SQL.rule(g.Box)
def box(gen: Generator, node: g.Box) -> str:
    return (f"dc.adql_box({gen.typed(node.center, 'spoint')}, "
            f"{gen.typed(node.width, _DOUBLE)}, {gen.typed(node.height, _DOUBLE)})")


@SQL.rule(g.Polygon)
def polygon(gen: Generator, node: g.Polygon) -> str:
    vertices = ", ".join(gen.typed(v, "spoint") for v in node.vertices)
    return f"dc.adql_polygon(ARRAY[{vertices}])"


@SQL.rule(g.Region)
def region(gen: Generator, node: g.Region) -> str:
    return gen.sql(node.shape)


def _kind(node: n.Node) -> str:
    return node.type.kind


def predicate(gen: Generator, node: n.Node) -> str:
    """The boolean pgsphere form of ``node``, a CONTAINS or INTERSECTS."""
    left, right = gen.typed(node.left, "spoint"), gen.typed(node.right, "scircle")
    if isinstance(node, g.Contains):
        return f"({left} <@ {right})"
    if _kind(node.left) == "point":
        return f"({left} <@ {right})"
    if _kind(node.right) == "point":
        return f"({right} <@ {left})"
    return f"({left} && {right})"


@SQL.rule(g.Contains, g.Intersects)
def containment(gen: Generator, node: g.Contains | g.Intersects) -> str:
    return f"CAST({predicate(gen, node)} AS integer)"


def _indexed(node: n.Node) -> bool:
    """Is ``node`` POINT(ra, dec) over the position columns of a table?"""
    if not isinstance(node, g.Point):
        return False
    x = node.x.column if isinstance(node.x, n.ColumnRef) else None
    y = node.y.column if isinstance(node.y, n.ColumnRef) else None
    if x is None or y is None or x.source is None or x.source is not y.source:
        return False
    position = x.source.table.position if x.source.table is not None else None
    return position is not None and (x.sql_name, y.sql_name) == (position.ra, position.dec)


def within(gen: Generator, test: n.DistanceTest) -> str:
    """DISTANCE(p, q) < r as "p in the circle of radius r around q" (index-friendly).

    A radius that is not a constant (a column, in a crossmatch) is clamped to
    pgsphere's range [0, 90] for the index condition and checked exactly
    beside it; such radii beyond 90 degrees are not supported.
    """
    near, far = test.distance.left, test.distance.right
    if _indexed(far) and not _indexed(near):
        near, far = far, near
    near_sql, far_sql, radius_sql = gen.sql(near), gen.sql(far), gen.sql(test.radius)
    if test.constant_radius:
        return f"({near_sql} <@ scircle({far_sql}, radians({radius_sql})))"
    return (f"({near_sql} <@ scircle({far_sql}, radians(LEAST(GREATEST({radius_sql}, 0), "
            f"90))) AND degrees({near_sql} <-> {far_sql}) {test.op} {radius_sql})")


@SQL.rule(g.Distance)
def distance(gen: Generator, node: g.Distance) -> str:
    left, right = gen.typed(node.left, "spoint"), gen.typed(node.right, "spoint")
    return f"degrees({left} <-> {right})"


@SQL.rule(g.Area)
def area(gen: Generator, node: g.Area) -> str:
    if _kind(node.operand) == "point":
        return "CAST(0 AS double precision)"
    if _kind(node.operand) in ("null", "unknown"):
        return "CAST(NULL AS double precision)"
    return f"degrees(degrees(area({gen.sql(node.operand)})))"


@SQL.rule(g.Centroid)
def centroid(gen: Generator, node: g.Centroid) -> str:
    operand, kind = gen.typed(node.operand, "spoint"), _kind(node.operand)
    if kind in ("point", "null"):
        return operand
    if kind == "circle":
        return f"center({operand})"
    return f"dc.adql_centroid({operand})"


@SQL.rule(g.Coord1)
def coord1(gen: Generator, node: g.Coord1) -> str:
    return f"degrees(long({gen.typed(node.operand, 'spoint')}))"


@SQL.rule(g.Coord2)
def coord2(gen: Generator, node: g.Coord2) -> str:
    return f"degrees(lat({gen.typed(node.operand, 'spoint')}))"


@SQL.rule(g.CoordSys)
def coordsys(gen: Generator, node: g.CoordSys) -> str:
    return "CAST('ICRS' AS text)"


# How a result column of each geometry kind leaves PostgreSQL: as a DALI array.
DALI_OUTPUT = {
    "point": "dc.adql_dali_point({})",
    "circle": "dc.adql_dali_circle({})",
    "polygon": "dc.adql_dali_polygon({})",
    "box": "dc.adql_dali_sbox({})",
    "moc": "CAST({} AS text)",
}
