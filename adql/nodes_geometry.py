"""Syntax-tree nodes of ADQL's geometry: constructors, predicates and functions.

Constructors keep their (deprecated) coordinate-system argument as written;
the checker decides what frames DR accepts.  ``Box`` and ``Polygon`` become
pgsphere polygons, ``Region`` holds the shape parsed from its STC-S string.
"""

from __future__ import annotations

from adql.nodes import Node


class Point(Node):
    arg_types = {"coordsys": False, "x": True, "y": True}


class Circle(Node):
    """``center`` is a point-valued expression (a Point for the x, y form)."""

    arg_types = {"coordsys": False, "center": True, "radius": True}


class Box(Node):
    arg_types = {"coordsys": False, "center": True, "width": True, "height": True}


class Polygon(Node):
    """``vertices`` are point-valued expressions, in the order written."""

    arg_types = {"coordsys": False, "vertices": True}


class Region(Node):
    """REGION('stc-s'): ``shape`` is the Point/Circle/Box/Polygon it describes."""

    arg_types = {"text": True, "shape": True}


class Contains(Node):
    arg_types = {"left": True, "right": True}


class Intersects(Node):
    arg_types = {"left": True, "right": True}


class Distance(Node):
    arg_types = {"left": True, "right": True}


class Area(Node):
    arg_types = {"operand": True}


class Centroid(Node):
    arg_types = {"operand": True}


class Coord1(Node):
    arg_types = {"operand": True}


class Coord2(Node):
    arg_types = {"operand": True}


class CoordSys(Node):
    arg_types = {"operand": True}


# Node classes whose value is a geometry, whatever their arguments.
GEOMETRY_CONSTRUCTORS = (Point, Circle, Box, Polygon, Region, Centroid)
