"""The small fixture schema the ADQL corpus runs against, as SQL and as TableMeta.

Stars near both poles and on either side of RA=0/360, polygons given in both
orientations, arrays, NULLs, text and timestamps; a larger generated table
with a position index for EXPLAIN checks; a table with delimited (mixed-case,
odd) names; and an "upload" presented as TAP_UPLOAD.mine.
"""

from __future__ import annotations

from rd.tablemeta import ColumnMeta as C
from rd.tablemeta import PositionIndex, TableMeta, pos_index_expression

# id, ra, dec, mag, name, flag, obs_time, pmra, pmdec, plx, tags, bits
STARS = [
    (1, 10.0, 20.0, 5.5, "Alpha", True, "2020-01-01T00:00:00", 10.0, -5.0, 2.0, "a#b", 5),
    (2, 10.05, 20.02, 6.1, "Beta", False, "2020-06-15T12:30:00", 0.0, 0.0, 1.0, "b#c", 3),
    (3, 10.2, 20.0, 7.0, "Gamma", True, "2021-03-01T08:00:00", 100.0, 50.0, None, "c", 12),
    (4, 359.95, 0.0, 8.0, "Delta", None, None, None, None, None, None, None),
    (5, 0.05, 0.0, 8.5, "Epsilon", False, "2019-12-31T23:59:59", 1.0, 1.0, 0.5, "x#Y", 0),
    (6, 180.0, 89.95, 9.0, "NorthPole", True, "2022-02-02T02:02:02", 0.0, 0.0, 0.1, "pole", 1),
    (7, 0.0, 89.95, 9.5, "NorthPole2", False, "2022-02-02T02:02:03", 0.0, 0.0, 0.1, "pole", 2),
    (8, 90.0, -89.99, 10.0, "SouthPole", True, "2023-05-05T05:05:05", 0.0, 0.0, 0.2, None, 8),
    (9, 200.0, -45.0, None, "NoMag", None, "2018-01-01T00:00:00", 5.0, 5.0, 3.0, "m", 16),
    (10, 200.1, -45.1, 12.0, "Faint", True, "2018-01-02T00:00:00", -5.0, -5.0, 3.1, "m#n", 31),
    (11, 1.0, -1.0, 11.0, "Zeta's", False, "2017-07-07T07:07:07", 2.0, 2.0, 1.5, "q", 7),
    (12, 359.0, 1.0, 4.0, "Eta%", True, "2016-06-06T06:06:06", 3.0, -3.0, 0.7, "r#s#t", 64),
]

# fid, name, footprint (ra/dec vertex list), orientation, circle (ra, dec, r), t_min, t_max
FIELDS = [
    (1, "ccw-square", [(9, 19), (11, 19), (11, 21), (9, 21)], (10, 20, 1), 0.0, 10.0),
    (2, "cw-square", [(9, 19), (9, 21), (11, 21), (11, 19)], (10, 20, 0.5), 5.0, 15.0),
    (3, "across-zero", [(358.5, -0.5), (1.5, -0.5), (1.5, 0.5), (358.5, 0.5)], (0, 0, 0.2),
     20.0, 30.0),
    (4, "north-cap", [(0, 80), (270, 80), (180, 80), (90, 80)], (0, 90, 5), None, None),
    (5, "south-cap", [(0, -80), (90, -80), (180, -80), (270, -80)], (0, -90, 1), 1.0, 2.0),
    (6, "triangle", [(199, -46), (201, -46), (200, -44)], (200, -45, 2), 3.0, 4.0),
]

OBS = [
    (1, 1, "V", 10.5, "2020-01-02T00:00:00"), (2, 1, "B", 11.0, "2020-01-03T00:00:00"),
    (3, 2, "V", 9.0, "2020-02-01T00:00:00"), (4, 3, "R", None, "2021-01-01T00:00:00"),
    (5, 5, "V", 3.0, "2019-01-01T00:00:00"), (6, 99, "V", 1.0, "2019-01-01T00:00:00"),
    (7, 12, "b", 7.5, "2016-01-01T00:00:00"), (8, 12, "V", 8.0, "2016-02-01T00:00:00"),
]

STARS_META = TableMeta("adqltest", "stars", (
    C("id", "integer", ucd="meta.id;meta.main", description="Star number"),
    C("ra", "double precision", unit="deg", ucd="pos.eq.ra;meta.main"),
    C("dec", "double precision", unit="deg", ucd="pos.eq.dec;meta.main"),
    C("mag", "real", unit="mag", ucd="phot.mag"),
    C("name", "text", ucd="meta.id"),
    C("flag", "boolean"),
    C("obs_time", "timestamp", ucd="time.epoch"),
    C("pmra", "double precision", unit="mas/yr", ucd="pos.pm;pos.eq.ra"),
    C("pmdec", "double precision", unit="mas/yr", ucd="pos.pm;pos.eq.dec"),
    C("plx", "double precision", unit="mas", ucd="pos.parallax"),
    C("tags", "text"),
    C("bits", "bigint"),
    C("pos", "spoint", ucd="pos.eq;meta.main"),
    C("spectrum", "real[]", unit="Jy"),
), primary_key=("id",), position=PositionIndex("ra", "dec"))

FIELDS_META = TableMeta("adqltest", "fields", (
    C("fid", "integer", ucd="meta.id"),
    C("fname", "text"),
    C("footprint", "spoly", ucd="pos.outline"),
    C("cover", "scircle"),
    C("center", "spoint"),
    C("t_min", "double precision", unit="d"),
    C("t_max", "double precision", unit="d"),
))

OBS_META = TableMeta("adqltest", "obs", (
    C("obs_id", "integer"), C("star_id", "integer"), C("band", "char(1)"),
    C("flux", "double precision", unit="Jy"), C("obs_date", "timestamp"),
))

BIG_META = TableMeta("adqltest", "big", (
    C("bid", "integer"), C("ra", "double precision", unit="deg"),
    C("dec", "double precision", unit="deg"), C("val", "double precision"),
), position=PositionIndex("ra", "dec"))

QUOTED_META = TableMeta("adqltest", "quoted", (
    C('Inch"ing', "integer", sql_name='Inch"ing'),
    C("plAin", "integer", sql_name="plAin"),
    C("alllower", "integer"),
    C("left-right", "text", sql_name="left-right"),
))

UPLOAD_META = TableMeta("tap_upload", "mine", (
    C("ra", "double precision", unit="deg"), C("dec", "double precision", unit="deg"),
    C("label", "text"),
), sql_name="adqltest.upload_mine")

TABLES = {m.qualified_name.lower(): m for m in (
    STARS_META, FIELDS_META, OBS_META, BIG_META, QUOTED_META, UPLOAD_META)}


def _lit(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return repr(value)


def _spoly(vertices: list[tuple[float, float]]) -> str:
    return "spoly '{" + ",".join(f"({ra}d,{dec}d)" for ra, dec in vertices) + "}'"


def fixture_sql() -> str:
    """DDL and data of the fixture schema ``adqltest``."""
    stars = ",\n".join(
        "(" + ", ".join(_lit(v) for v in row[:12])
        + f", spoint(radians({row[1]}), radians({row[2]})), "
        + ("ARRAY[1.5, 2.5, 3.5]::real[]" if row[0] % 2 else "NULL") + ")"
        for row in STARS)
    fields = ",\n".join(
        f"({fid}, {_lit(name)}, {_spoly(poly)}, "
        f"scircle(spoint(radians({c[0]}), radians({c[1]})), radians({c[2]})), "
        f"spoint(radians({c[0]}), radians({c[1]})), {_lit(t0)}, {_lit(t1)})"
        for fid, name, poly, c, t0, t1 in FIELDS)
    obs = ",\n".join("(" + ", ".join(_lit(v) for v in row) + ")" for row in OBS)
    index_expr = pos_index_expression("ra", "dec")
    return f"""
CREATE SCHEMA adqltest;
CREATE TABLE adqltest.stars (id integer PRIMARY KEY, ra double precision,
  dec double precision, mag real, name text, flag boolean, obs_time timestamp,
  pmra double precision, pmdec double precision, plx double precision, tags text,
  bits bigint, pos spoint, spectrum real[]);
INSERT INTO adqltest.stars VALUES {stars};
CREATE INDEX ON adqltest.stars USING gist (({index_expr}));
CREATE TABLE adqltest.fields (fid integer, fname text, footprint spoly, cover scircle,
  center spoint, t_min double precision, t_max double precision);
INSERT INTO adqltest.fields VALUES {fields};
CREATE TABLE adqltest.obs (obs_id integer, star_id integer, band char(1),
  flux double precision, obs_date timestamp);
INSERT INTO adqltest.obs VALUES {obs};
CREATE TABLE adqltest.big AS SELECT i AS bid,
  (i * 0.0137) % 360 AS ra, degrees(asin(((i * 7919) % 20000) / 10000.0 - 1)) AS dec,
  i * 1.0 AS val FROM generate_series(1, 20000) AS i;
CREATE INDEX big_pos ON adqltest.big USING gist (({index_expr}));
ANALYZE adqltest.big;
CREATE TABLE adqltest.quoted ("Inch""ing" integer, "plAin" integer, alllower integer,
  "left-right" text);
INSERT INTO adqltest.quoted VALUES (1, 2, 3, 'a'), (4, 5, 6, 'b');
CREATE TABLE adqltest.upload_mine (ra double precision, dec double precision, label text);
INSERT INTO adqltest.upload_mine VALUES (10.0, 20.0, 'near alpha'), (0.0, 0.0, 'origin'),
  (200.0, -45.0, 'south');
ANALYZE;
"""
