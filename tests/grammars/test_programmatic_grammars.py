"""nullGrammar, dictlistGrammar, transparentGrammar: no rows, or rows handed over by code."""

from __future__ import annotations

import pytest

from grammars import make_grammar
from rd.errors import SourceError


def test_the_null_grammar_returns_no_rows_whatever_the_source(data, read_all):
    assert read_all(make_grammar("nullGrammar", {}), data / "califa_sample.csv") == ({}, [])


def test_dictlist_rows_are_the_dicts_with_none_for_fields_seen_before(read_all):
    rows = [{"a": 1, "b": "x"}, {"a": 2}, {"b": "z", "c": 3.5}]
    columns, lines = read_all(make_grammar("dictlistGrammar", {}), rows, batch_rows=2)
    assert columns == {"a": [1, 2, None], "b": ["x", None, "z"], "c": [3.5]}
    assert lines == [1, 2, 3]


def test_as_pars_makes_the_first_dict_the_parameters_and_no_rows(read_all):
    grammar = make_grammar("dictlistGrammar", {"asPars": True})
    rows = [{"run": 7}, {"a": 1}]
    assert grammar.parameters(rows) == {"run": 7}
    assert read_all(grammar, rows) == ({}, [])


def test_transparent_takes_any_iterable_of_dicts(read_all):
    rows = ({"n": n} for n in range(3))
    assert read_all(make_grammar("transparentGrammar", {}), rows) == (
        {"n": [0, 1, 2]}, [1, 2, 3])


def test_a_file_is_not_a_dictlist_source(data):
    with pytest.raises(SourceError, match="takes its rows from code"):
        list(make_grammar("dictlistGrammar", {}).batches(data / "califa_sample.csv"))


def test_a_row_that_is_not_a_dict_is_an_error_naming_it():
    with pytest.raises(SourceError, match="row 2 is not a dictionary but int 5"):
        list(make_grammar("dictlistGrammar", {}).batches([{"a": 1}, 5]))
