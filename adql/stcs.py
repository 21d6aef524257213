"""STC-S strings of REGION(): the shapes pg_sphere can represent, as geometry nodes.

DR accepts ``Position``, ``Circle``, ``Box`` and ``Polygon`` with an optional
frame, reference position and flavor (``Circle ICRS 10 20 1``).  Unions,
intersections, differences and negations have no pgsphere type; they are
refused with an explanation rather than approximated.
"""

from __future__ import annotations

import re

from adql import nodes as n
from adql import nodes_geometry as g
from adql.errors import ADQLError

_FRAMES = {"ICRS", "FK4", "FK5", "J2000", "B1950", "ECLIPTIC", "GALACTIC", "GALACTIC_II",
           "SUPER_GALACTIC", "GEO_C", "GEO_D", "UNKNOWNFRAME"}
_REFPOS = {"BARYCENTER", "GEOCENTER", "HELIOCENTER", "LSR", "TOPOCENTER", "RELOCATABLE",
           "UNKNOWNREFPOS", "EMBARYCENTER", "MOON", "MERCURY", "VENUS", "MARS", "JUPITER",
           "SATURN", "URANUS", "NEPTUNE", "PLUTO", "LSRK", "LSRD", "GALACTIC_CENTER"}
_FLAVORS = {"SPHERICAL2", "UNITSPHERE"}
_COMPOUND = {"UNION", "INTERSECTION", "DIFFERENCE", "NOT"}
_SHAPES = {"POSITION": 2, "CIRCLE": 3, "BOX": 4, "POLYGON": None}
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")


def parse_stcs(text: str, pos: int) -> n.Node:
    """The geometry node for the STC-S ``text`` of a REGION at offset ``pos``."""
    words = text.replace("(", " ( ").replace(")", " ) ").split()
    if not words:
        raise ADQLError("REGION needs an STC-S shape such as 'Circle ICRS 10 20 1'",
                        offset=pos)
    shape = words[0].upper()
    if shape in _COMPOUND:
        raise ADQLError(
            f"REGION: {words[0]} regions cannot be represented in pg_sphere",
            offset=pos, hint="use CONTAINS/INTERSECTS with simple shapes combined by AND, "
                             "OR and NOT in the WHERE clause instead")
    if shape not in _SHAPES:
        raise ADQLError(f"REGION: unknown STC-S shape {words[0]!r}", offset=pos,
                        hint="DR understands Position, Circle, Box and Polygon")
    rest = words[1:]
    frame = ""
    while rest and not _NUMBER.match(rest[0]):
        word = rest.pop(0).upper()
        if word in _FRAMES and not frame:
            frame = word
        elif word not in _REFPOS and word not in _FLAVORS:
            raise ADQLError(f"REGION: unexpected word {word!r} in STC-S {shape.title()}",
                            offset=pos)
    numbers = []
    for word in rest:
        if not _NUMBER.match(word):
            raise ADQLError(f"REGION: {word!r} is not a number (in STC-S {shape.title()})",
                            offset=pos, hint="units, sizes and other STC-S extras "
                                             "are not supported")
        numbers.append(n.NumberLiteral(pos, text=word.lstrip("+")))
    wanted = _SHAPES[shape]
    if wanted is not None and len(numbers) != wanted:
        raise ADQLError(f"REGION: an STC-S {shape.title()} takes {wanted} numbers, "
                        f"not {len(numbers)}", offset=pos)
    numbers = [_signed(number) for number in numbers]
    coordsys = n.StringLiteral(pos, value=frame)
    if shape == "POSITION":
        return g.Point(pos, coordsys=coordsys, x=numbers[0], y=numbers[1])
    if shape == "CIRCLE":
        center = g.Point(pos, x=numbers[0], y=numbers[1])
        return g.Circle(pos, coordsys=coordsys, center=center, radius=numbers[2])
    if shape == "BOX":
        center = g.Point(pos, x=numbers[0], y=numbers[1])
        return g.Box(pos, coordsys=coordsys, center=center, width=numbers[2],
                     height=numbers[3])
    if len(numbers) < 6 or len(numbers) % 2:
        raise ADQLError("REGION: an STC-S Polygon needs at least three vertices "
                        "(an even number of at least 6 numbers)", offset=pos)
    vertices = [g.Point(pos, x=numbers[i], y=numbers[i + 1])
                for i in range(0, len(numbers), 2)]
    return g.Polygon(pos, coordsys=coordsys, vertices=vertices)


def _signed(number: n.NumberLiteral) -> n.Node:
    if number.text.startswith("-"):
        return n.Negative(number.pos, operand=n.NumberLiteral(number.pos,
                                                              text=number.text[1:]))
    return number
