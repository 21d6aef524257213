"""Reused query shapes translate exactly as a fresh parse would.

Every corpus query is translated once (remembering its shape), then again
with other literals in it; the result — SQL, result columns, or the error
with its line and column — must be what a translation with an empty shape
cache gives for the same text.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adql import ADQLError, translate
from adql.shapes import SHAPES
from tests.adql.corpus import read_cases
from tests.adql.schema import TABLES

CASES = read_cases("valid.adql") + read_cases("invalid.adql")
_LITERAL = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_]*"
                      r"|(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)")


def outcome(query: str) -> tuple:
    try:
        result = translate(query, TABLES, maxrec=100)
    except ADQLError as exc:
        return ("error", str(exc))
    return ("sql", result.sql, result.columns, result.limit)


def fresh_outcome(query: str) -> tuple:
    SHAPES.clear()
    return outcome(query)


def with_other_literals(query: str, numbers: list[str], strings: list[str]) -> str:
    """``query`` with its number and string literals replaced, in turn, from the lists."""
    count = {"n": 0, "s": 0}

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if match.group("number") is not None:
            count["n"] += 1
            return numbers[count["n"] % len(numbers)]
        if token.startswith("'"):
            count["s"] += 1
            return strings[count["s"] % len(strings)]
        return token
    return _LITERAL.sub(replace, query)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_a_query_of_a_remembered_shape_translates_as_if_parsed_afresh(case):
    variant = with_other_literals(case.query, ["7", "123.25", "0.5e-3", "1", "0"],
                                  ["'x''y z'", "''", "'ICRS'"])
    SHAPES.clear()
    outcome(case.query)
    assert outcome(variant) == fresh_outcome(variant)


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(case=st.sampled_from([c for c in CASES if any(ch.isdigit() for ch in c.query)]),
       numbers=st.lists(st.from_regex(r"\A(\d{1,12}(\.\d{0,6})?|\.\d{1,4})([eE]-?\d{1,3})?"
                                      r"\Z"), min_size=1, max_size=4),
       strings=st.lists(st.text(st.characters(blacklist_characters="\x00",
                                              blacklist_categories=("Cs",)), max_size=12)
                        .map(lambda s: "'" + s.replace("'", "''") + "'"),
                        min_size=1, max_size=3))
def test_any_other_literals_translate_as_if_parsed_afresh(case, numbers, strings):
    SHAPES.clear()
    outcome(case.query)
    variant = with_other_literals(case.query, numbers, strings)
    assert outcome(variant) == fresh_outcome(variant)


def test_a_cone_at_another_position_reuses_the_shape():
    template = ("SELECT id FROM adqltest.stars WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), "
                "CIRCLE('ICRS', {}, {}, {}))")
    SHAPES.clear()
    first = translate(template.format(10, -20, 0.5), TABLES)
    hits = SHAPES.hits
    second = translate(template.format(200.125, -45.5, "1e-2"), TABLES)
    assert SHAPES.hits == hits + 1
    assert "200.125" in second.sql and "45.5" in second.sql and "1e-2" in second.sql
    assert "200.125" not in first.sql


def test_errors_after_a_longer_literal_point_at_the_right_column():
    SHAPES.clear()
    translate("SELECT id FROM adqltest.stars WHERE mag < 1 AND name = 'a'", TABLES)
    with pytest.raises(ADQLError) as caught:
        translate("SELECT id FROM adqltest.stars WHERE mag < 12345.678 AND nosuch = 'a'",
                  TABLES)
    assert SHAPES.hits >= 1
    assert caught.value.column == 57
    with pytest.raises(ADQLError) as fresh:
        SHAPES.clear()
        translate("SELECT id FROM adqltest.stars WHERE mag < 12345.678 AND nosuch = 'a'",
                  TABLES)
    assert str(caught.value) == str(fresh.value)


def test_top_values_and_region_strings_are_part_of_the_shape():
    SHAPES.clear()
    assert translate("SELECT TOP 3 id FROM adqltest.stars", TABLES).limit == 3
    assert translate("SELECT TOP 5 id FROM adqltest.stars", TABLES).limit == 5
    region = ("SELECT id FROM adqltest.stars WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), "
              "REGION('CIRCLE ICRS {} 20 1'))")
    first = translate(region.format(10), TABLES).sql
    second = translate(region.format(250), TABLES).sql
    assert first != second and "250" in second


def test_the_cache_is_bounded():
    SHAPES.clear()
    for width in range(SHAPES.capacity + 50):
        translate(f"SELECT id FROM adqltest.stars WHERE mag < 1{' ' * width}", TABLES)
    assert len(SHAPES) == SHAPES.capacity
