"""UDF_SQL: the SQL helper functions translated queries call, for schema ``dc``.

Idempotent (CREATE OR REPLACE); needs pg_sphere (1.2) in the search path and
an existing schema ``dc``.  All functions are IMMUTABLE, so PostgreSQL folds
them over constants at plan time and index conditions such as
``pos <@ dc.adql_box(...)`` stay usable.  Polygon vertices are read from
pg_sphere's text output, which must be in its default RAD mode (or DEG): DR
never calls ``set_sphere_output``.
"""

from __future__ import annotations

UDF_SQL = r"""
CREATE OR REPLACE FUNCTION dc.adql_dali_point(p spoint) RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT ARRAY[degrees(long(p)), degrees(lat(p))] $body$;

CREATE OR REPLACE FUNCTION dc.adql_dali_circle(c scircle) RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT ARRAY[degrees(long(center(c))), degrees(lat(center(c))), degrees(radius(c))]
$body$;

CREATE OR REPLACE FUNCTION dc.adql_dali_sbox(b sbox) RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT ARRAY[degrees(long(sw(b))), degrees(lat(sw(b))),
                    degrees(long(ne(b))), degrees(lat(ne(b)))] $body$;

-- The vertices of a polygon as (long, lat) pairs in radians, in pg_sphere's order.
CREATE OR REPLACE FUNCTION dc.adql_spoly_vertices(poly spoly) RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$
SELECT array_agg(v ORDER BY n, k) FROM (
  SELECT n, k, CASE WHEN m[2 * k] = 'd' THEN radians(CAST(m[2 * k - 1] AS double precision))
                    ELSE CAST(m[2 * k - 1] AS double precision) END AS v
  FROM regexp_matches(CAST(poly AS text),
         '\(\s*([-+0-9.eE]+)(d?)\s*,\s*([-+0-9.eE]+)(d?)\s*\)', 'g')
       WITH ORDINALITY AS t(m, n),
       generate_series(1, 2) AS k) AS vertices
$body$;

CREATE OR REPLACE FUNCTION dc.adql_dali_polygon(poly spoly) RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT array_agg(degrees(v) ORDER BY i)
       FROM unnest(dc.adql_spoly_vertices(poly)) WITH ORDINALITY AS t(v, i) $body$;

-- The centroid of a polygon: the normalised mean of its vertices' unit vectors.
CREATE OR REPLACE FUNCTION dc.adql_centroid(poly spoly) RETURNS spoint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$
SELECT spoint(atan2(sum(cos(lat) * sin(lon)), sum(cos(lat) * cos(lon))),
              atan2(sum(sin(lat)), sqrt(power(sum(cos(lat) * cos(lon)), 2)
                                        + power(sum(cos(lat) * sin(lon)), 2))))
FROM (SELECT v[2 * i - 1] AS lon, v[2 * i] AS lat
      FROM (SELECT dc.adql_spoly_vertices(poly) AS v) AS a,
           generate_series(1, array_length(dc.adql_spoly_vertices(poly), 1) / 2) AS i
     ) AS vertices
$body$;

-- A polygon from its vertices, in order; NULL if any vertex is NULL.
CREATE OR REPLACE FUNCTION dc.adql_polygon(vertices spoint[]) RETURNS spoly
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$
SELECT CASE WHEN array_position(vertices, NULL) IS NULL
            THEN (SELECT spoly(p ORDER BY i) FROM unnest(vertices) WITH ORDINALITY AS t(p, i))
       END
$body$;

-- ADQL's BOX: a polygon whose sides are great circles crossing the arms of a
-- cross through the center (parallel to the axes there) at right angles.
CREATE OR REPLACE FUNCTION dc.adql_box(center spoint, width double precision,
                                       height double precision) RETURNS spoly
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$
SELECT spoly(spoint(
         atan2(x * sin(long(center)) + y * cos(long(center)),
               x * cos(long(center)) - y * sin(long(center))),
         asin(least(1, greatest(-1, z)))) ORDER BY i)
FROM (SELECT i,
             cos(lat_l) * cos(lon_l) * cos(lat(center)) - sin(lat_l) * sin(lat(center)) AS x,
             cos(lat_l) * sin(lon_l) AS y,
             cos(lat_l) * cos(lon_l) * sin(lat(center)) + sin(lat_l) * cos(lat(center)) AS z
      FROM (SELECT i, sx * radians(width) / 2 AS lon_l,
                   sy * atan(tan(radians(height) / 2) * cos(radians(width) / 2)) AS lat_l
            FROM (VALUES (1, -1, -1), (2, 1, -1), (3, 1, 1), (4, -1, 1)) AS c(i, sx, sy)
           ) AS local_corners
     ) AS corners
$body$;

-- DALI serialisations (degrees separated by blanks) to pg_sphere values (CAST).
CREATE OR REPLACE FUNCTION dc.adql_dali_numbers(value text) RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT CAST(regexp_split_to_array(btrim(value), '\s+') AS double precision[]) $body$;

CREATE OR REPLACE FUNCTION dc.adql_point_from_text(value text) RETURNS spoint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT spoint(radians(a[1]), radians(a[2]))
       FROM (SELECT dc.adql_dali_numbers(value) AS a) AS t WHERE array_length(a, 1) = 2
$body$;

CREATE OR REPLACE FUNCTION dc.adql_circle_from_text(value text) RETURNS scircle
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT scircle(spoint(radians(a[1]), radians(a[2])), radians(a[3]))
       FROM (SELECT dc.adql_dali_numbers(value) AS a) AS t WHERE array_length(a, 1) = 3
$body$;

CREATE OR REPLACE FUNCTION dc.adql_polygon_from_text(value text) RETURNS spoly
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$
SELECT spoly(spoint(radians(a[2 * i - 1]), radians(a[2 * i])) ORDER BY i)
FROM (SELECT dc.adql_dali_numbers(value) AS a) AS t,
     generate_series(1, array_length(a, 1) / 2) AS i
WHERE array_length(a, 1) >= 6 AND array_length(a, 1) % 2 = 0
$body$;

-- RegTAP's string functions.
CREATE OR REPLACE FUNCTION dc.ivo_hasword(haystack text, needle text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT CASE WHEN to_tsvector('english', haystack)
                        @@ plainto_tsquery('english', needle) THEN 1 ELSE 0 END $body$;

CREATE OR REPLACE FUNCTION dc.ivo_nocasematch(value text, pattern text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT CASE WHEN value ILIKE pattern THEN 1 ELSE 0 END $body$;

CREATE OR REPLACE FUNCTION dc.ivo_hashlist_has(hashlist text, item text) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT CASE WHEN lower(item) = ANY(string_to_array(lower(hashlist), '#'))
                   THEN 1 ELSE 0 END $body$;

CREATE OR REPLACE FUNCTION dc.ivo_interval_overlaps(
    l1 double precision, h1 double precision, l2 double precision, h2 double precision)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$body$ SELECT CASE WHEN l1 <= h2 AND l2 <= h1 THEN 1 ELSE 0 END $body$;

-- Linear epoch propagation along the great circle of the proper motion
-- (pmra includes cos(dec); mas/yr; epochs in Julian years).
CREATE OR REPLACE FUNCTION dc.ivo_epoch_prop_pos(
    ra0 double precision, de0 double precision, parallax double precision,
    pmra double precision, pmdec double precision, radial_velocity double precision,
    ref_epoch double precision, out_epoch double precision) RETURNS spoint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$body$
SELECT CASE WHEN ra0 IS NULL OR de0 IS NULL OR ref_epoch IS NULL OR out_epoch IS NULL
            THEN NULL
            ELSE spoint(radians(ra0) + atan2(sin(theta) * sin(d) * cos(radians(de0)),
                                            cos(d) - sin(radians(de0)) * sin(dec2)),
                        dec2) END
FROM (SELECT theta, d, asin(least(1, greatest(-1,
             sin(radians(de0)) * cos(d) + cos(radians(de0)) * sin(d) * cos(theta)))) AS dec2
      FROM (SELECT atan2(coalesce(pmra, 0), coalesce(pmdec, 0)) AS theta,
                   radians(sqrt(power(coalesce(pmra, 0), 2) + power(coalesce(pmdec, 0), 2))
                           * (out_epoch - ref_epoch) / 3600000.0) AS d) AS motion
     ) AS moved
$body$;
"""
