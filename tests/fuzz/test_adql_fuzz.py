"""Fuzzing the ADQL translator: whatever text comes in, translate() answers with SQL
or an ADQLError that says where (line and column) — never another exception, and
never slowly.

Three sources of queries: the corpora (tests/adql/*.adql) damaged token by
token; deep nesting of every kind the grammar recurses on; and a generator of
SELECTs over the fixture schema calling every function DR knows with
arguments of any kind and number.  What translates is run on PostgreSQL,
where only data exceptions (SQLSTATE class 22) are the data's fault; others
mean the translator let through SQL it should have refused.
tests/adql/test_properties.py holds the typed expression generator these
complement.
"""

from __future__ import annotations

import time

import psycopg2
from hypothesis import example, given
from hypothesis import strategies as st

from adql import ADQLError, translate
from adql import functions as adql_functions
from tests.adql.corpus import read_cases
from tests.adql.schema import TABLES
from tests.fuzz.budget import fuzz, tried
from tests.fuzz.mutations import mutated_text, split_tokens

# A query that takes longer than this to translate or refuse is a finding (generous:
# CI machines are busy; what this catches takes minutes).
TIME_LIMIT = 20.0

SEEDS = [case.query for name in ("valid.adql", "invalid.adql", "translations.adql")
         for case in read_cases(name)]
VOCABULARY = sorted({token for query in SEEDS for token in split_tokens(query)
                     if token.strip()})
FUNCTION_NAMES = sorted({f.name for f in adql_functions.builtins() + adql_functions.udfs()}
                        | adql_functions.SPECIAL_FORMS
                        | set(adql_functions.AGGREGATES))


def translate_or_refuse(query: str, time_limit: float = TIME_LIMIT):
    """The translation of ``query``, or None when an ADQLError with a position
    refused it; any other exception, or a slow answer, fails the property."""
    tried("adql")
    started = time.monotonic()
    try:
        return translate(query, TABLES, maxrec=5)
    except ADQLError as exc:
        assert exc.line is not None and exc.column is not None, (query, exc)
        assert exc.line >= 1 and exc.column >= 1, (query, exc)
        return None
    finally:
        elapsed = time.monotonic() - started
        assert elapsed < time_limit, f"{elapsed:.1f} s for {query[:300]!r}"


def runs_or_fails_on_data(conn, query: str, sql: str) -> None:
    """The translation runs on PostgreSQL, or fails only because of the data."""
    with conn.cursor() as cur:
        try:
            cur.execute(sql)
        except psycopg2.Error as exc:
            assert exc.pgcode and exc.pgcode.startswith("22"), (
                f"PostgreSQL refused\n{query}\nas\n{sql}\n{exc}")


@fuzz(400)
@given(query=mutated_text(SEEDS, VOCABULARY))
@example(query="SELECT TOP 1 * FROM adqltest.stars WHERE 1=CONTAINS(POINT(ra, dec), "
               "CIRCLE(10, 20, 1e999999))")
@example(query="SELECT\x00 id FROM adqltest.stars")
def test_damaged_corpus_queries_translate_or_raise_adqlerror(fuzz_adql_db, query):
    translation = translate_or_refuse(query)
    if translation is not None:
        runs_or_fails_on_data(fuzz_adql_db, query, translation.sql)


NESTINGS = {
    "parentheses": ("SELECT id FROM adqltest.stars WHERE {open}id{close} = 1", "(", ")"),
    "not": ("SELECT id FROM adqltest.stars WHERE {open}id = 1", "NOT ", ""),
    "minus": ("SELECT {open}id FROM adqltest.stars", "-", ""),
    "functions": ("SELECT {open}ra{close} FROM adqltest.stars", "ABS(", ")"),
    "subqueries": ("SELECT id FROM {open}adqltest.stars{close}",
                   "(SELECT id FROM ", ") AS q"),
    "in-subqueries": ("SELECT id FROM adqltest.stars WHERE id IN {open}1{close}",
                      "(SELECT id FROM adqltest.stars WHERE id IN ", ")"),
    "cases": ("SELECT {open}1{close} FROM adqltest.stars", "CASE WHEN id > 1 THEN ",
              " ELSE 0 END"),
    "sums": ("SELECT id{open} FROM adqltest.stars", " + id", ""),
    "concatenation": ("SELECT name{open} FROM adqltest.stars", " || name", ""),
    "conjunctions": ("SELECT id FROM adqltest.stars WHERE id = 1{open}", " AND id = 1", ""),
    "unions": ("SELECT id FROM adqltest.stars{open}", " UNION SELECT id FROM adqltest.stars",
               ""),
    "joins": ("SELECT s.id FROM adqltest.stars AS s{open}",
              " JOIN adqltest.obs ON s.id = star_id", ""),
    "in-lists": ("SELECT id FROM adqltest.stars WHERE id IN (1{open})", ", 1", ""),
    "polygon": ("SELECT POLYGON(1, 2, 3, 4, 5, 6{open}) FROM adqltest.stars", ", 7", ""),
    "casts": ("SELECT {open}id{close} FROM adqltest.stars", "CAST(", " AS INTEGER)"),
    "quotes": ("SELECT {open}id{close} FROM adqltest.stars", '"', '"'),
    "unbalanced": ("SELECT id FROM adqltest.stars WHERE {open}id = 1", "(", ""),
}


@fuzz(60)
@given(kind=st.sampled_from(sorted(NESTINGS)), depth=st.integers(1, 300))
@example(kind="parentheses", depth=500)
@example(kind="functions", depth=500)
@example(kind="minus", depth=600)
@example(kind="conjunctions", depth=600)
@example(kind="concatenation", depth=400)  # a RecursionError copying the query's shape
def test_deep_nesting_translates_or_raises_adqlerror_quickly(kind, depth):
    template, opening, closing = NESTINGS[kind]
    translate_or_refuse(template.format(open=opening * depth, close=closing * depth))


TABLE_NAMES = sorted(TABLES)
LITERALS = ["0", "1", "-1", "1.5e3", "1e308", "1e-320", "9" * 40, "0x7fffffffffffffff",
            "0xffffffffffffffffff", "'x'", "''", "'東京'", "'2020-01-01T00:00:00'", "NULL",
            "'ICRS'", "'Circle ICRS 1 2 3'", "'Polygon 1 2 3 4 5 6'", "'deg'", "'mas/yr'"]
# How many arguments the special forms take (the others declare theirs).
SPECIAL_ARITIES = {"AREA": [1], "BOX": [4, 5], "CENTROID": [1], "CIRCLE": [2, 3, 4],
                   "COALESCE": [2, 3], "CONTAINS": [2], "COORD1": [1], "COORD2": [1],
                   "COORDSYS": [1], "DISTANCE": [2, 4], "INTERSECTS": [2], "IN_UNIT": [2],
                   "NULLIF": [2], "POINT": [2, 3], "POLYGON": [3, 4, 6, 7],
                   "REGION": [1], **{name: [1] for name in adql_functions.AGGREGATES}}


def _arities(name: str) -> list[int]:
    function = adql_functions.lookup(name)
    return function.arities if function is not None else SPECIAL_ARITIES.get(name, [1])


def _quoted(name: str) -> str:
    if name.isidentifier() and name == name.lower():
        return name
    return '"' + name.replace('"', '""') + '"'


def _call(name: str, arguments: list[str], fitted: bool) -> str:
    """``name`` called with ``arguments`` — repeated or cut to a number it takes
    when ``fitted``."""
    if fitted:
        arities = _arities(name)
        wanted = arities[len(arguments) % len(arities)]
        arguments = ((arguments or ["1"]) * wanted)[:wanted]
    return f"{name}({', '.join(arguments)})"


def _calls(arguments: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A function DR knows, mostly with as many arguments as it takes."""
    return st.builds(_call, st.sampled_from(FUNCTION_NAMES),
                     st.lists(arguments, max_size=5), st.booleans())


ARGUMENTS = {name: st.recursive(
    st.one_of(st.sampled_from([_quoted(c.name) for c in meta.columns]),
              st.sampled_from(LITERALS)), _calls, max_leaves=5)
    for name, meta in TABLES.items()}


@st.composite
def selects(draw) -> str:
    """A SELECT over a fixture table (perhaps joined to another), with calls in its
    select list, WHERE, GROUP BY and ORDER BY."""
    first, second = draw(st.sampled_from(TABLE_NAMES)), draw(st.sampled_from(TABLE_NAMES))
    argument = ARGUMENTS[first]
    items = ", ".join(draw(st.lists(argument, min_size=1, max_size=3)))
    query = f"SELECT {items} FROM {first}"
    if draw(st.booleans()):
        query += f" CROSS JOIN {second} AS b"
    if draw(st.booleans()):
        query += f" WHERE {draw(argument)} {draw(st.sampled_from(['=', '<', 'LIKE']))} " \
                 f"{draw(argument)}"
    if draw(st.booleans()):
        query += f" GROUP BY {draw(argument)}"
    if draw(st.booleans()):
        query += f" ORDER BY {draw(argument)}"
    return query


@fuzz(150)
@given(query=selects())
@example(query="SELECT ivo_healpix_index(99999999999999999999, ra, dec) "
               "FROM adqltest.stars")
def test_any_call_of_any_function_translates_or_raises_adqlerror(fuzz_adql_db, query):
    translation = translate_or_refuse(query)
    if translation is not None:
        runs_or_fails_on_data(fuzz_adql_db, query, translation.sql)


@fuzz(200)
@given(query=st.text(max_size=200))
def test_random_text_translates_or_raises_adqlerror(query):
    translate_or_refuse(query)


def test_many_deeply_nested_groups_are_refused_within_the_time_limit():
    # Each group of 39 parentheses took the grammar a second or more to
    # backtrack through; 200 kB of them would have held a thread for an hour.
    # Now parsing stops after adql.lexical.MAX_PARSE_SECONDS.
    group = "(" * 39 + "id + id * id - id = 1" + ")" * 39
    query = "SELECT id FROM adqltest.stars WHERE " + " AND ".join([group] * 30)
    assert translate_or_refuse(query, time_limit=10) is None
