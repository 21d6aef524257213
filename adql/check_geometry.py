"""Checking ADQL's geometry: argument types, coordinate systems, pgsphere's limits.

DR stores positions in ICRS and does not transform between frames, so a
coordinate-system argument must be empty, NULL or ICRS-like; anything else is
refused rather than silently ignored.  Literal circles must have radii
between 0 and 90 degrees, the largest pgsphere can represent.  Geometries are
values: their rules are in ``adql.checking.VALUES``.
"""

from __future__ import annotations

from adql import adqltypes as t
from adql import nodes as n
from adql import nodes_geometry as g
from adql.adqltypes import ADQLType
from adql.check_expr import literal_number, require
from adql.checking import VALUES, Context, fail

# Frames taken to be ICRS (FK5/J2000 differs from ICRS by less than 0.1 arcsec).
ICRS_LIKE = frozenset({"", "ICRS", "FK5", "J2000", "UNKNOWNFRAME"})


def _coordsys(node: n.Node | None) -> None:
    if node is None or isinstance(node, n.NullLiteral):
        return
    words = node.value.upper().split()
    if words and words[0] not in ICRS_LIKE:
        raise fail(node, f"DR does not transform between coordinate systems; "
                         f"{node.value!r} positions cannot be used",
                   hint="give positions in ICRS and use '' (or 'ICRS') as the coordinate "
                        "system, or omit it (ADQL 2.1 deprecates it)")


def _numbers(ctx: Context, owner: str, *parts: n.Node) -> None:
    for part in parts:
        require(part, ctx.check(part), ("number",), f"a coordinate of {owner}")


@VALUES.rule(g.Point)
def _point(ctx: Context, node: g.Point) -> ADQLType:
    _coordsys(node.coordsys)
    _numbers(ctx, "POINT", node.x, node.y)
    dec = literal_number(node.y)
    if dec is not None and abs(dec) > 90:
        raise fail(node.y, f"declination {dec:g} is outside [-90, 90] degrees")
    return t.POINT


def _point_arg(ctx: Context, node: n.Node, what: str) -> None:
    require(node, ctx.check(node), ("point",), what)


@VALUES.rule(g.Circle)
def _circle(ctx: Context, node: g.Circle) -> ADQLType:
    _coordsys(node.coordsys)
    _point_arg(ctx, node.center, "the center of a CIRCLE")
    require(node.radius, ctx.check(node.radius), ("number",), "the radius of a CIRCLE")
    radius = literal_number(node.radius)
    if radius is not None and not 0 <= radius <= 90:
        raise fail(node.radius, f"a CIRCLE radius of {radius:g} degrees cannot be used",
                   hint="radii must lie between 0 and 90 degrees (pgsphere cannot "
                        "represent circles larger than a hemisphere)")
    return t.CIRCLE


@VALUES.rule(g.Box)
def _box(ctx: Context, node: g.Box) -> ADQLType:
    _coordsys(node.coordsys)
    _point_arg(ctx, node.center, "the center of a BOX")
    for side, what in ((node.width, "width"), (node.height, "height")):
        require(side, ctx.check(side), ("number",), f"the {what} of a BOX")
        size = literal_number(side)
        if size is not None and not 0 <= size < 180:
            raise fail(side, f"a BOX {what} of {size:g} degrees cannot be used",
                       hint="BOX sides must be shorter than 180 degrees")
    return t.POLYGON


@VALUES.rule(g.Polygon)
def _polygon(ctx: Context, node: g.Polygon) -> ADQLType:
    _coordsys(node.coordsys)
    for vertex in node.vertices:
        _point_arg(ctx, vertex, "a vertex of a POLYGON")
    return t.POLYGON


@VALUES.rule(g.Region)
def _region(ctx: Context, node: g.Region) -> ADQLType:
    return ctx.check(node.shape)


def _geometry_arg(ctx: Context, node: n.Node, kinds: frozenset[str], what: str) -> ADQLType:
    got = ctx.check(node)
    require(node, got, tuple(sorted(kinds)), what)
    return got


@VALUES.rule(g.Contains)
def _contains(ctx: Context, node: g.Contains) -> ADQLType:
    _geometry_arg(ctx, node.left, t.GEOMETRY_KINDS, "the first argument of CONTAINS")
    _geometry_arg(ctx, node.right, t.REGION_KINDS, "the second argument of CONTAINS")
    return ADQLType("integer")


@VALUES.rule(g.Intersects)
def _intersects(ctx: Context, node: g.Intersects) -> ADQLType:
    left = _geometry_arg(ctx, node.left, t.GEOMETRY_KINDS, "an argument of INTERSECTS")
    right = _geometry_arg(ctx, node.right, t.GEOMETRY_KINDS, "an argument of INTERSECTS")
    if left.kind == "point" and right.kind == "point":
        raise fail(node, "INTERSECTS needs at least one region (CIRCLE, POLYGON, BOX)",
                   hint="compare two points with DISTANCE or =")
    return ADQLType("integer")


@VALUES.rule(g.Distance)
def _distance(ctx: Context, node: g.Distance) -> ADQLType:
    _point_arg(ctx, node.left, "the first argument of DISTANCE")
    _point_arg(ctx, node.right, "the second argument of DISTANCE")
    return ADQLType("double precision", "deg", "pos.angDistance")


@VALUES.rule(g.Area)
def _area(ctx: Context, node: g.Area) -> ADQLType:
    _geometry_arg(ctx, node.operand, t.GEOMETRY_KINDS, "the argument of AREA")
    return ADQLType("double precision", "deg**2", "phys.angArea")


@VALUES.rule(g.Centroid)
def _centroid(ctx: Context, node: g.Centroid) -> ADQLType:
    _geometry_arg(ctx, node.operand, t.GEOMETRY_KINDS, "the argument of CENTROID")
    return t.POINT


_COORD_UCDS = {g.Coord1: "pos.eq.ra", g.Coord2: "pos.eq.dec"}


@VALUES.rule(g.Coord1, g.Coord2)
def _coord(ctx: Context, node: g.Coord1 | g.Coord2) -> ADQLType:
    name = type(node).__name__.upper()
    _point_arg(ctx, node.operand, f"the argument of {name}")
    return ADQLType("double precision", "deg", _COORD_UCDS[type(node)])


@VALUES.rule(g.CoordSys)
def _coordsys_function(ctx: Context, node: g.CoordSys) -> ADQLType:
    _geometry_arg(ctx, node.operand, t.GEOMETRY_KINDS, "the argument of COORDSYS")
    return t.TEXT
