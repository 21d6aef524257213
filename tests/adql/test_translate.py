"""What the translator promises its callers: the API, result metadata, MAXREC,
errors with positions, fixed SQL for key forms, index use, UDFs and features."""

from __future__ import annotations

import pytest

import adql
from adql import ADQLError, features, parse, translate
from adql.functions import Function, register_udf, unregister_udf
from rd.errors import DRError
from tests.adql.conftest import run
from tests.adql.corpus import read_cases
from tests.adql.schema import TABLES

PAIRS = read_cases("translations.adql")


@pytest.mark.parametrize("case", PAIRS, ids=lambda c: c.name)
def test_translation_is_exactly(case):
    assert translate(case.query, TABLES).sql == case.headers["sql"]


def test_public_api():
    assert set(adql.__all__) >= {"translate", "parse", "ADQLError", "features", "UDF_SQL"}
    assert issubclass(ADQLError, DRError)
    assert parse("SELECT x FROM y").query is not None


def test_error_has_line_column_and_excerpt():
    with pytest.raises(ADQLError) as info:
        translate("SELECT id,\n  nosuch\nFROM adqltest.stars", TABLES)
    error = info.value
    assert (error.line, error.column) == (2, 3)
    assert "unknown column nosuch" in str(error)
    assert "  nosuch\n" in error.excerpt and error.excerpt.rstrip().endswith("^")


def test_error_for_unknown_column_points_at_it_in_long_query():
    query = "SELECT id FROM adqltest.stars WHERE mag > 3 AND " + "id > 1 AND " * 20 + "bad = 1"
    with pytest.raises(ADQLError) as info:
        translate(query, TABLES)
    assert info.value.column == query.index("bad") + 1


def test_nul_character_is_refused():
    with pytest.raises(ADQLError):
        translate("SELECT id FROM adqltest.stars WHERE name = 'a\x00'", TABLES)


@pytest.mark.parametrize("query", ["", "   ", "-- only a comment"])
def test_empty_queries_are_refused(query):
    with pytest.raises(ADQLError):
        translate(query, TABLES)


def test_result_metadata_of_columns_and_geometry():
    columns = translate("SELECT id, ra, pos, obs_time, POINT(ra, dec) AS p, cover, "
                        "footprint, spectrum, name FROM adqltest.stars, adqltest.fields",
                        TABLES).columns
    meta = {c.name: c for c in columns}
    assert (meta["id"].datatype, meta["id"].ucd, meta["id"].description) == (
        "int", "meta.id;meta.main", "Star number")
    assert (meta["ra"].datatype, meta["ra"].unit) == ("double", "deg")
    assert (meta["pos"].datatype, meta["pos"].arraysize, meta["pos"].xtype) == (
        "double", "2", "point")
    assert (meta["p"].arraysize, meta["p"].xtype) == ("2", "point")
    assert (meta["cover"].arraysize, meta["cover"].xtype) == ("3", "circle")
    assert (meta["footprint"].arraysize, meta["footprint"].xtype) == ("*", "polygon")
    assert (meta["obs_time"].datatype, meta["obs_time"].xtype) == ("char", "timestamp")
    assert (meta["spectrum"].datatype, meta["spectrum"].arraysize) == ("float", "*")
    assert (meta["name"].datatype, meta["name"].arraysize) == ("char", "*")


def test_result_metadata_of_expressions():
    columns = translate("SELECT COUNT(*) AS n, AVG(mag) FROM adqltest.stars", TABLES).columns
    columns += translate("SELECT DISTANCE(pos, POINT(1, 2)), IN_UNIT(pmra, 'deg/yr') AS pm, "
                         "ra * 2 AS twice, AREA(CIRCLE(1, 2, 3)) FROM adqltest.stars",
                         TABLES).columns
    meta = {c.name: c for c in columns}
    assert (meta["n"].datatype, meta["n"].ucd) == ("long", "meta.number")
    assert (meta["avg"].datatype, meta["avg"].unit) == ("double", "mag")
    assert (meta["distance"].unit, meta["distance"].ucd) == ("deg", "pos.angDistance")
    assert meta["pm"].unit == "deg/yr"
    assert meta["twice"].unit == "deg"
    assert meta["area"].unit == "deg**2"


def test_result_names_are_unique():
    names = [c.name for c in translate(
        "SELECT a.id, b.obs_id AS id, a.id AS ID_2, 1, 2 FROM adqltest.stars AS a, "
        "adqltest.obs AS b",
        TABLES).columns]
    assert len({n.lower() for n in names}) == len(names)


def test_limit_is_top():
    assert translate("SELECT TOP 7 id FROM adqltest.stars", TABLES).limit == 7
    assert translate("SELECT id FROM adqltest.stars", TABLES).limit is None


@pytest.mark.parametrize("query, maxrec, limit", [
    ("SELECT id FROM adqltest.stars ORDER BY id", 5, "LIMIT 6"),
    ("SELECT TOP 3 id FROM adqltest.stars ORDER BY id", 5, "LIMIT 3"),
    ("SELECT TOP 10 id FROM adqltest.stars ORDER BY id", 5, "LIMIT 6"),
    ("SELECT id FROM adqltest.stars UNION SELECT star_id FROM adqltest.obs", 2, "LIMIT 3"),
    ("SELECT id FROM adqltest.stars", 0, "LIMIT 1"),
])
def test_maxrec_limits_the_outer_query(query, maxrec, limit, adql_db):
    sql = translate(query, TABLES, maxrec=maxrec).sql
    assert sql.endswith(limit)
    _, rows = run(adql_db, sql)
    assert len(rows) == int(limit.split()[1])


def test_overflow_is_detectable_and_exact_results_are_not_overflows(adql_db):
    maxrec = 12
    _, rows = run(adql_db, translate("SELECT id FROM adqltest.stars", TABLES,
                                     maxrec=maxrec).sql)
    assert len(rows) == 12  # exactly MAXREC rows exist: no overflow
    _, rows = run(adql_db, translate("SELECT id FROM adqltest.stars", TABLES,
                                     maxrec=11).sql)
    assert len(rows) == 12  # MAXREC+1 rows: overflow


def test_wrapping_the_translation_works(adql_db):
    sql = translate("SELECT a.id, b.id FROM adqltest.stars AS a, adqltest.stars AS b",
                    TABLES).sql
    _, rows = run(adql_db, f"SELECT * FROM ({sql}) AS q LIMIT 4")
    assert len(rows) == 4


def _plan(conn, sql: str) -> str:
    with conn.cursor() as cur:
        cur.execute("SET enable_seqscan = off")
        try:
            cur.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cur.fetchall())
        finally:
            cur.execute("RESET enable_seqscan")


@pytest.mark.parametrize("query", [
    "SELECT bid FROM adqltest.big WHERE CONTAINS(POINT(ra, dec), CIRCLE(100, 10, 0.5)) = 1",
    "SELECT bid FROM adqltest.big WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), "
    "CIRCLE('ICRS', 100, 10, 0.5))",
    "SELECT bid FROM adqltest.big AS b WHERE DISTANCE(POINT(b.ra, b.dec), "
    "POINT(100, 10)) < 0.5",
    "SELECT bid FROM adqltest.big WHERE 0.5 > DISTANCE(POINT(100, 10), POINT(ra, dec))",
    "SELECT bid FROM adqltest.big WHERE INTERSECTS(CIRCLE(100, 10, 0.5), "
    "POINT(ra, dec)) = 1",
    "SELECT bid FROM adqltest.big WHERE CONTAINS(POINT(ra, dec), BOX(100, 10, 1, 1)) = 1",
    "SELECT bid FROM adqltest.big WHERE CONTAINS(POINT(ra, dec), "
    "POLYGON(99, 9, 101, 9, 101, 11, 99, 11)) = 1",
    "SELECT m.label, b.bid FROM TAP_UPLOAD.mine AS m JOIN adqltest.big AS b "
    "ON DISTANCE(POINT(m.ra, m.dec), POINT(b.ra, b.dec)) < 0.2",
    "SELECT m.label, b.bid FROM TAP_UPLOAD.mine AS m JOIN adqltest.big AS b "
    "ON DISTANCE(POINT(m.ra, m.dec), POINT(b.ra, b.dec)) < m.ra / 1000",
])
def test_position_conditions_use_the_index(query, adql_db):
    sql = translate(query, TABLES).sql
    assert "spoint(radians(" in sql
    plan = _plan(adql_db, sql)
    assert "big_pos" in plan, plan


def test_big_cone_gives_the_same_rows_with_and_without_index(adql_db):
    sql = translate("SELECT bid FROM adqltest.big WHERE CONTAINS(POINT(ra, dec), "
                    "CIRCLE(100, 10, 3)) = 1 ORDER BY bid", TABLES).sql
    _, indexed = run(adql_db, sql)
    _, direct = run(adql_db, "SELECT bid FROM adqltest.big WHERE degrees(spoint(radians(100),"
                             " radians(10)) <-> spoint(radians(ra), radians(dec))) <= 3 "
                             "ORDER BY bid")
    assert indexed == direct and len(indexed) > 5


def test_polygon_orientation_does_not_matter(adql_db):
    ccw = "POLYGON(99, 9, 101, 9, 101, 11, 99, 11)"
    cw = "POLYGON(99, 9, 99, 11, 101, 11, 101, 9)"
    results = []
    for polygon in (ccw, cw):
        sql = translate(f"SELECT bid FROM adqltest.big WHERE CONTAINS(POINT(ra, dec), "
                        f"{polygon}) = 1 ORDER BY bid", TABLES).sql
        results.append(run(adql_db, sql)[1])
    assert results[0] == results[1] and results[0]


def test_box_has_great_circle_sides(adql_db):
    # At dec 60 a 10 degree wide BOX spans 5 degrees of arc either side of its
    # center, about 10 degrees of RA there: RA 9 on the center's parallel is
    # inside (a box of RA -5..5, pgsphere's sbox, would exclude it), RA 11 is not.
    sql = translate("SELECT CONTAINS(POINT(9, 60), BOX(0, 60, 10, 10)), "
                    "CONTAINS(POINT(11, 60), BOX(0, 60, 10, 10)), "
                    "CONTAINS(POINT(0, 64.9), BOX(0, 60, 10, 10)) FROM adqltest.quoted "
                    "WHERE alllower = 3", TABLES).sql
    assert run(adql_db, sql)[1] == [(1, 0, 1)]


def test_udf_sql_is_idempotent(adql_db):
    with adql_db.cursor() as cur:
        cur.execute(adql.UDF_SQL)
        cur.execute(adql.UDF_SQL)


def test_registered_udf_translates_and_runs(adql_db):
    register_udf(Function("ivo_test_twice", {1: "(2 * {0})"}, {1: ("number",)},
                          "double precision", unit="same", signature="ivo_test_twice(x) "
                          "-> DOUBLE", description="twice x"))
    try:
        translation = translate("SELECT ivo_test_twice(ra) FROM adqltest.stars "
                                "WHERE id = 1", TABLES)
        assert translation.columns[0].unit == "deg"
        assert run(adql_db, translation.sql)[1] == [(20.0,)]
        assert any(form.startswith("ivo_test_twice") for _, form, _ in features())
    finally:
        unregister_udf("ivo_test_twice")
    with pytest.raises(ADQLError):
        translate("SELECT ivo_test_twice(ra) FROM adqltest.stars", TABLES)


def test_a_node_without_translation_is_refused():
    from adql import nodes as n
    from adql.generator import Generator

    class Unheard(n.Node):
        arg_types = {}

    with pytest.raises(ADQLError, match="cannot be translated"):
        Generator().sql(Unheard(0))


@pytest.mark.parametrize("query, message, column", [
    ("SELECT distance FROM adqltest.stars", "distance is a reserved word", 8),
    ("SELECT id FROM adqltest.stars AS order", "order is a reserved word", 34),
    ("SELECT id FROM adqltest.stars LIMIT 5", "LIMIT is not ADQL", 37),
    ("SELECT CAST(id AS FLOAT) FROM adqltest.stars", "CAST cannot convert to FLOAT", 19),
    ("SELECT id FROM adqltest.stars WHERE name = 'Al", "unterminated string", 44),
    ("SELECT id FROM adqltest.stars WHERE id > 2 AND (mag < 3 OR name = )",
     "syntax error at ')'", 67),
    ("SELECT id FROM adqltest.stars WHERE", "ends too early", 36),
    ("SELECT id FROM adqltest.stars; DROP TABLE x", "single statement", 30),
])
def test_syntax_errors_say_what_and_where(query, message, column):
    with pytest.raises(ADQLError) as info:
        translate(query, TABLES)
    assert message in str(info.value)
    assert info.value.column == column


def test_features_cover_the_optional_language():
    declared = {(kind.rsplit("#", 1)[1], form) for kind, form, _ in features()}
    for expected in [("features-adqlgeo", "CONTAINS"), ("features-adqlgeo", "REGION"),
                     ("features-adql-string", "ILIKE"), ("features-adql-sets", "UNION"),
                     ("features-adql-common-table", "WITH"), ("features-adql-type", "CAST"),
                     ("extra-adql-keywords", "COALESCE"),
                     ("features-adql-unit", "IN_UNIT"), ("features-adql-offset", "OFFSET"),
                     ("extra-adql-keywords", "CASE"), ("extra-adql-keywords", "NULLIF"),
                     ("extra-adql-keywords", "CROSS JOIN"), ("extra-adql-keywords", "BITWISE"),
                     ("extra-adql-keywords", "HEXADECIMAL")]:
        assert expected in declared
    udfs = [form for kind, form, _ in features() if kind.endswith("#features-udf")]
    for name in ("ivo_healpix_index", "ivo_healpix_center", "ivo_hasword",
                 "ivo_nocasematch", "ivo_hashlist_has", "ivo_interval_overlaps",
                 "ivo_string_agg", "ivo_epoch_prop_pos"):
        assert any(form.startswith(name + "(") for form in udfs)
    assert all(description for _, _, description in features())


def test_numbers_come_back_in_the_announced_types(adql_db):
    translation = translate(
        "SELECT q.a, q.b, q.c, AVG(id) AS d, 1 + 0.5 AS e FROM (SELECT AVG(id) AS a, "
        "1 + 0.5 AS b, SUM(bits) AS c FROM adqltest.stars) AS q, adqltest.stars "
        "GROUP BY q.a, q.b, q.c", TABLES)
    _, rows = run(adql_db, translation.sql)
    python_types = {"double": float, "long": int, "int": int, "float": float}
    for column, value in zip(translation.columns, rows[0], strict=True):
        assert isinstance(value, python_types[column.datatype]), (column, value)


HUGE = "9" * 5000  # beyond Python's 4300-digit limit for int(str)


@pytest.mark.parametrize("query", [
    f"SELECT TOP {HUGE} id FROM adqltest.stars",
    f"SELECT id FROM adqltest.stars ORDER BY id OFFSET {HUGE}",
    f"SELECT id FROM adqltest.stars ORDER BY {HUGE}",
    f"SELECT COUNT(*) AS n FROM adqltest.stars GROUP BY {HUGE}",
    f"SELECT {HUGE} AS n FROM adqltest.stars",
    f"SELECT -{HUGE} AS n FROM adqltest.stars",
    f"SELECT id FROM adqltest.stars WHERE id IN (1, {HUGE})",
    f"SELECT id FROM adqltest.stars WHERE mag BETWEEN 0 AND {HUGE}.5",
    f"SELECT POINT({HUGE}, 0) AS p FROM adqltest.stars",
    f"SELECT CAST(name AS CHAR({HUGE})) AS c FROM adqltest.stars",
    f"SELECT id FROM adqltest.stars WHERE CONTAINS(POINT(ra, dec), "
    f"CIRCLE('ICRS', 1, 2, {HUGE}e1)) = 1",
])
def test_huge_numbers_are_plain_adql_errors(query):
    with pytest.raises(ADQLError) as info:
        translate(query, TABLES, maxrec=100)
    error = info.value
    assert error.line == 1 and error.column == query.index(HUGE) + 1
    # The message names the number without repeating its 5000 digits.
    assert "9999999999…" in str(error) and "digits)" in str(error)
    assert len(str(error)) < 500


def _datatypes(query: str, tables=TABLES) -> dict[str, tuple[str, str]]:
    return {c.name: (c.datatype, c.arraysize) for c in translate(query, tables).columns}


def test_non_ascii_string_literals_are_unicode_char():
    got = _datatypes("SELECT 'café' AS a, 'Ångström' AS b, '東京' AS c, '𝄞' AS d, "
                     "'plain' AS e FROM adqltest.stars")
    assert got == {"a": ("unicodeChar", "*"), "b": ("unicodeChar", "*"),
                   "c": ("unicodeChar", "*"), "d": ("unicodeChar", "*"),
                   "e": ("char", "*")}


def test_string_operations_propagate_unicode_from_their_operands():
    got = _datatypes(
        "SELECT name || 'é' AS cat_u, name || 'e' AS cat_a, name || mag AS cat_n, "
        "LOWER('É') AS low_u, UPPER(name) AS up_a, "
        "COALESCE(name, 'ü') AS co_u, COALESCE(name, tags) AS co_a, "
        "CASE WHEN mag > 3 THEN name ELSE 'ß' END AS case_u, "
        "CASE WHEN mag > 3 THEN 'x' ELSE NULL END AS case_a, "
        "NULLIF('é', name) AS nullif_u, "
        "CAST('é' AS CHAR(3)) AS cast_u, CAST(name AS CHAR(3)) AS cast_a, "
        "CAST(mag AS VARCHAR) AS cast_n, MAX('é' || name) AS max_u, "
        "ivo_string_agg(name, '·') AS agg_u, ivo_string_agg(name, ',') AS agg_a "
        "FROM adqltest.stars GROUP BY name, mag, tags")
    unicode = {k for k, (datatype, _) in got.items() if datatype == "unicodeChar"}
    assert unicode == {k for k in got if k.endswith("_u")}
    assert got["cast_a"] == ("char", "3")


def test_unicode_columns_stay_unicode_through_expressions():
    import dataclasses

    stars = TABLES["adqltest.stars"]
    wide = dataclasses.replace(stars, columns=tuple(
        dataclasses.replace(c, type="unicode") if c.name == "name" else c
        for c in stars.columns))
    tables = {**TABLES, "adqltest.stars": wide}
    got = _datatypes("SELECT name, tags, name || 'x' AS cat, LOWER(name) AS low, "
                     "MIN(name) AS least, CAST(name AS CHAR(2)) AS short, "
                     "COALESCE(tags, name) AS either, "
                     "(SELECT MAX(name) FROM adqltest.stars) AS sub "
                     "FROM adqltest.stars GROUP BY name, tags", tables)
    assert got.pop("tags") == ("char", "*")
    assert set(got.values()) == {("unicodeChar", "*")}
    union = _datatypes("SELECT tags FROM adqltest.stars UNION SELECT name FROM "
                       "adqltest.stars", tables)
    assert union == {"tags": ("unicodeChar", "*")}


def test_text_of_unknown_content_is_unicode_char():
    register_udf(Function("ivo_mystery", {1: "dc.mystery({0})"}, {1: ("any",)}, "unknown"))
    try:
        got = _datatypes("SELECT ivo_mystery(id) AS m, COALESCE(ivo_mystery(id), name) "
                         "AS c FROM adqltest.stars")
    finally:
        unregister_udf("ivo_mystery")
    assert got == {"m": ("unicodeChar", "*"), "c": ("unicodeChar", "*")}
