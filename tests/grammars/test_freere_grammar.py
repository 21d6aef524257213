"""freeREGrammar: records found by rowProduction, fields by parseRE's named groups."""

from __future__ import annotations

import pytest

from grammars import make_grammar
from rd.errors import RDError, SourceError

RECORDS = {"rowProduction": r"(?s).*?\.\.\n",
           "parseRE": r"(?s)name::(?P<name>.*?)\nmag::(?P<mag>.*?)\n", "stripTokens": True}


def test_named_groups_of_each_record_are_its_fields(data, read_all):
    columns, lines = read_all(make_grammar("freeREGrammar", RECORDS),
                              data / "freere_sample.txt", batch_rows=2)
    assert columns == {"name": ["alpha", "beta", "gamma"], "mag": ["1.5", None, "3.25"]}
    assert lines == [1, 4, 7]


def test_the_default_production_is_one_record_per_line(tmp_path, read_all):
    path = tmp_path / "t.txt"
    path.write_text("1 alpha\n2  beta\n")
    grammar = make_grammar("freeREGrammar", {"parseRE": r"(?P<n>\d+)\s+(?P<name>\w+)"})
    assert read_all(grammar, path) == ({"n": ["1", "2"], "name": ["alpha", "beta"]},
                                       [1, 2])


def test_text_between_records_is_an_error_unless_ignored(tmp_path, read_all):
    path = tmp_path / "t.txt"
    path.write_text("<1>\n\n stray text\n<2>\n")
    params = {"rowProduction": r"<\d>", "parseRE": r"<(?P<n>\d)>"}
    with pytest.raises(SourceError, match=r"t.txt:3: 'stray text' is not part of a record"):
        list(make_grammar("freeREGrammar", params).batches(path))
    grammar = make_grammar("freeREGrammar", {**params, "ignoreJunk": True})
    assert read_all(grammar, path) == ({"n": ["1", "2"]}, [1, 4])


def test_a_record_parseRE_does_not_match_is_an_error_on_its_line(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("1 alpha\nbeta\n")
    grammar = make_grammar("freeREGrammar", {"parseRE": r"(?P<n>\d+) (?P<name>\w+)"})
    with pytest.raises(SourceError, match=r"t.txt:2: parseRE does not match the record"):
        list(grammar.batches(path))


@pytest.mark.parametrize("params, message", [
    ({}, "needs parseRE"),
    ({"parseRE": "(.*)"}, "parseRE has no named groups"),
    ({"parseRE": "(?P<a>.*)", "rowProduction": "x*"}, "rowProduction matches the empty"),
])
def test_unusable_parameters_are_rd_errors(params, message):
    with pytest.raises(RDError, match=message):
        make_grammar("freeREGrammar", params)
