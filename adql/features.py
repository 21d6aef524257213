"""The ADQL language features DR declares in its TAP capabilities (TAPRegExt).

Each feature is (type IVOID, form, description): ADQL 2.1's optional
features under their TAPRegExt types, every registered UDF under
``#features-udf`` with its signature as the form, and the extensions beyond
the Recommendation (CASE, NULLIF, CROSS JOIN, …) under the extension type
other services use for extra ADQL keywords.
"""

from __future__ import annotations

from adql import functions

TAPREGEXT = "ivo://ivoa.net/std/TAPRegExt"
GEOMETRY = f"{TAPREGEXT}#features-adqlgeo"
UDF = f"{TAPREGEXT}#features-udf"
STRING = f"{TAPREGEXT}#features-adql-string"
SETS = f"{TAPREGEXT}#features-adql-sets"
COMMON_TABLE = f"{TAPREGEXT}#features-adql-common-table"
TYPE = f"{TAPREGEXT}#features-adql-type"
# ADQL 2.1 files COALESCE under #features-adql-conditional, a key TAPRegExt 1.0
# validators (STILTS taplint 3.4) reject as unknown; DR declares it with the
# other extra keywords until the validators catch up.
UNIT = f"{TAPREGEXT}#features-adql-unit"
OFFSET = f"{TAPREGEXT}#features-adql-offset"
EXTRA = "ivo://org.gavo.dc/std/exts#extra-adql-keywords"

_STATIC: tuple[tuple[str, str, str], ...] = (
    (GEOMETRY, "POINT", "A position on the sky, POINT(ra, dec) in ICRS degrees."),
    (GEOMETRY, "CIRCLE", "CIRCLE(ra, dec, radius) or CIRCLE(point, radius), degrees; "
                         "radii up to 90 degrees."),
    (GEOMETRY, "BOX", "BOX(ra, dec, width, height): a polygon with great-circle sides "
                      "(deprecated in ADQL 2.1)."),
    (GEOMETRY, "POLYGON", "POLYGON(ra1, dec1, ra2, dec2, ra3, dec3, ...) or of POINTs; "
                          "clockwise and counter-clockwise vertex orders mean the same "
                          "(smaller) region."),
    (GEOMETRY, "REGION", "REGION('STC-S'): Position, Circle, Box and Polygon (no "
                         "Union, Intersection or Not)."),
    (GEOMETRY, "CONTAINS", "CONTAINS(geometry, region): 1 if inside, else 0; uses the "
                           "table's position index when compared with 1 or 0."),
    (GEOMETRY, "INTERSECTS", "INTERSECTS(geometry, geometry): 1 if they overlap, else 0."),
    (GEOMETRY, "DISTANCE", "DISTANCE(point, point) or DISTANCE(ra1, dec1, ra2, dec2), "
                           "degrees; DISTANCE(...) < r uses the position index."),
    (GEOMETRY, "AREA", "AREA(region) in square degrees."),
    (GEOMETRY, "CENTROID", "CENTROID(geometry): the center of a circle, the mean of a "
                           "polygon's vertices."),
    (GEOMETRY, "COORD1", "COORD1(point): its longitude (RA) in degrees."),
    (GEOMETRY, "COORD2", "COORD2(point): its latitude (Dec) in degrees."),
    (GEOMETRY, "COORDSYS", "COORDSYS(geometry): always 'ICRS' (deprecated in ADQL 2.1)."),
    (STRING, "LOWER", "LOWER(string): the string in lower case."),
    (STRING, "UPPER", "UPPER(string): the string in upper case."),
    (STRING, "ILIKE", "Case-insensitive LIKE."),
    (SETS, "UNION", "UNION [ALL] of two queries."),
    (SETS, "EXCEPT", "EXCEPT [ALL]: the rows of the first query not in the second."),
    (SETS, "INTERSECT", "INTERSECT [ALL]: the rows in both queries."),
    (COMMON_TABLE, "WITH", "Common table expressions at the start of the query."),
    (TYPE, "CAST", "CAST(x AS type) to SMALLINT, INTEGER, BIGINT, REAL, DOUBLE "
                   "PRECISION, CHAR(n), VARCHAR(n), TIMESTAMP, POINT, CIRCLE, POLYGON "
                   "(geometries from DALI strings)."),
    (EXTRA, "COALESCE", "COALESCE(a, b, ...): the first non-NULL argument."),
    (UNIT, "IN_UNIT", "IN_UNIT(expr, 'unit'): expr converted to the unit (astropy.units)."),
    (OFFSET, "OFFSET", "OFFSET n skips the first n rows (applied before TOP)."),
    (EXTRA, "CASE", "CASE WHEN cond THEN x [...] [ELSE y] END and CASE x WHEN v THEN y "
                    "[...] END."),
    (EXTRA, "NULLIF", "NULLIF(a, b): NULL if a equals b, else a."),
    (EXTRA, "CROSS JOIN", "t1 CROSS JOIN t2: every combination of rows."),
    (EXTRA, "SCALAR SUBQUERY", "(SELECT ...) returning one value, used as a value."),
    (EXTRA, "BITWISE", "Bitwise operators on integers: & (and), | (or), ^ (xor), ~ (not)."),
    (EXTRA, "HEXADECIMAL", "Hexadecimal integer literals such as 0x1F."),
    (EXTRA, "STRING CONTINUATION", "'abc' 'def': adjacent string literals are joined."),
)


def features() -> list[tuple[str, str, str]]:
    """(type IVOID, form, description) of every language feature DR offers."""
    udfs = [(UDF, f.signature or f"{f.name}(...)", f.description)
            for f in sorted(functions.udfs(), key=lambda f: f.name)]
    return list(_STATIC) + udfs
