"""Property tests: whatever query comes in, the translator answers with SQL or ADQLError.

Random well-formed queries (built from a small ADQL grammar over the fixture
tables, deliberately mixing types, names and arities) must translate or raise
ADQLError — never another exception; what translates must run on PostgreSQL
without errors other than data exceptions (SQLSTATE class 22, e.g. the
logarithm of a negative value), which no translator can rule out.  Mangled
corpus queries must likewise only ever raise ADQLError.
"""

from __future__ import annotations

import psycopg2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adql import ADQLError, translate
from tests.adql.corpus import read_cases
from tests.adql.schema import TABLES

NUMERIC = ["s.id", "s.ra", "s.dec", "s.mag", "s.pmra", "s.plx", "s.bits", "o.flux",
           "o.star_id", "mag", "ra"]
TEXT = ["s.name", "s.tags", "o.band", "name"]
OTHER = ["s.obs_time", "s.flag", "s.pos", "s.spectrum", "s.nosuch", "o.nothing"]
FUNCTIONS1 = ["ABS", "CEILING", "FLOOR", "ROUND", "TRUNCATE", "SQRT", "EXP", "LOG", "LOG10",
              "SIN", "COS", "TAN", "ASIN", "ACOS", "ATAN", "COT", "DEGREES", "RADIANS"]
FUNCTIONS2 = ["POWER", "MOD", "ATAN2", "ROUND", "TRUNCATE"]

number_literal = st.one_of(st.integers(-1000, 1000).map(str),
                           st.floats(-1e4, 1e4, allow_nan=False).map(lambda f: f"{f:.4g}"),
                           st.sampled_from(["0x1F", "NULL", "PI()", "0"]))
leaf = st.one_of(st.sampled_from(NUMERIC), number_literal, st.sampled_from(TEXT),
                 st.sampled_from(OTHER), st.sampled_from(["'abc'", "'2020-01-01'", "''"]))


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, children)
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "||", "&", "|", "^"]),
                  children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        children.map(lambda c: f"-{c}"),
        st.tuples(st.sampled_from(FUNCTIONS1), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(FUNCTIONS2), pair).map(
            lambda t: f"{t[0]}({t[1][0]}, {t[1][1]})"),
        st.tuples(st.sampled_from(["COALESCE", "NULLIF"]), pair).map(
            lambda t: f"{t[0]}({t[1][0]}, {t[1][1]})"),
        st.tuples(children, st.sampled_from(["INTEGER", "DOUBLE PRECISION", "VARCHAR(5)",
                                             "TIMESTAMP", "POINT", "SMALLINT"])).map(
            lambda t: f"CAST({t[0]} AS {t[1]})"),
        pair.map(lambda t: f"CASE WHEN {t[0]} > 1 THEN {t[0]} ELSE {t[1]} END"),
        st.tuples(children, st.sampled_from(["'deg'", "'arcsec'", "'m'", "'mas/yr'"])).map(
            lambda t: f"IN_UNIT({t[0]}, {t[1]})"),
        pair.map(lambda t: f"DISTANCE(POINT({t[0]}, {t[1]}), POINT(10, 20))"),
        pair.map(lambda t: f"COORD1(POINT({t[0]}, {t[1]}))"),
        st.sampled_from(["LOWER", "UPPER"]).flatmap(
            lambda f: children.map(lambda c: f"{f}({c})")),
        st.sampled_from(["ivo_hasword", "ivo_nocasematch", "ivo_hashlist_has"]).flatmap(
            lambda f: pair.map(lambda t: f"{f}({t[0]}, {t[1]})")),
    )


expression = st.recursive(leaf, _extend, max_leaves=6)
aggregate = st.tuples(st.sampled_from(["COUNT", "MIN", "MAX", "SUM", "AVG"]),
                      expression).map(lambda t: f"{t[0]}({t[1]})")


def _condition(expr: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(expr, expr)
    simple = st.one_of(
        st.tuples(expr, st.sampled_from(["=", "<>", "<", ">=", "!="]), expr).map(
            lambda t: f"{t[0]} {t[1]} {t[2]}"),
        st.tuples(expr, expr, expr).map(lambda t: f"{t[0]} BETWEEN {t[1]} AND {t[2]}"),
        pair.map(lambda t: f"{t[0]} LIKE {t[1]}"),
        pair.map(lambda t: f"{t[0]} NOT IN ({t[1]}, 1)"),
        expr.map(lambda e: f"{e} IS NOT NULL"),
        pair.map(lambda t: f"CONTAINS(POINT({t[0]}, {t[1]}), CIRCLE(10, 20, 1)) = 1"),
        expr.map(lambda e: f"DISTANCE(POINT(s.ra, s.dec), POINT(10, 20)) < {e}"),
        expr.map(lambda e: f"s.id IN (SELECT star_id FROM adqltest.obs WHERE flux > {e})"),
    )
    return st.recursive(simple, lambda c: st.one_of(
        st.tuples(c, st.sampled_from(["AND", "OR"]), c).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        c.map(lambda x: f"NOT {x}")), max_leaves=3)


@st.composite
def queries(draw) -> str:
    items = draw(st.lists(st.one_of(expression, aggregate, st.just("*")), min_size=1,
                          max_size=3))
    parts = ["SELECT"]
    if draw(st.booleans()):
        parts.append("DISTINCT")
    if draw(st.booleans()):
        parts.append(f"TOP {draw(st.integers(0, 20))}")
    parts.append(", ".join(items))
    parts.append("FROM adqltest.stars AS s")
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["JOIN", "LEFT JOIN", "FULL JOIN"]))
                     + " adqltest.obs AS o ON s.id = o.star_id")
    else:
        parts.append(", adqltest.obs AS o")
    if draw(st.booleans()):
        parts.append("WHERE " + draw(_condition(expression)))
    if draw(st.booleans()):
        parts.append("GROUP BY " + draw(st.sampled_from(NUMERIC + TEXT)))
    if draw(st.booleans()):
        parts.append("ORDER BY " + draw(st.one_of(expression, st.sampled_from(["1", "2"]))))
    if draw(st.booleans()):
        parts.append(f"OFFSET {draw(st.integers(0, 5))}")
    query = " ".join(parts)
    if draw(st.integers(0, 5)) == 0:
        query += " UNION SELECT " + ", ".join(items) + " FROM adqltest.stars AS s"
    return query


def _translate(query: str):
    try:
        return translate(query, TABLES, maxrec=5)
    except ADQLError as exc:
        assert exc.line is not None and exc.column is not None
        return None


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(queries())
def test_random_queries_translate_or_fail_cleanly(adql_db, query):
    translation = _translate(query)
    if translation is None:
        return
    assert ";" not in translation.sql.replace("';'", "")
    assert "--" not in translation.sql.replace("'--'", "")
    with adql_db.cursor() as cur:
        try:
            cur.execute(translation.sql)
        except psycopg2.Error as exc:
            assert exc.pgcode and exc.pgcode.startswith("22"), (
                f"PostgreSQL rejected\n{query}\nas\n{translation.sql}\n{exc}")


SEEDS = [case.query for case in read_cases("valid.adql")[::7]]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(SEEDS), st.integers(0, 10_000), st.integers(0, 4),
       st.text(alphabet="()'\";,.*-+=<>|&^~ abcSELECTFROMWHERE0123456789\n\\$:", max_size=6))
def test_mangled_queries_only_raise_adqlerror(seed, where, cut, insert):
    where %= len(seed) + 1
    query = seed[:where] + insert + seed[where + cut:]
    _translate(query)
