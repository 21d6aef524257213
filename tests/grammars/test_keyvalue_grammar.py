"""keyValueGrammar: key-value files as one row, or one row per pair."""

from __future__ import annotations

import pytest

from grammars import make_grammar
from rd.errors import RDError, SourceError


def test_a_file_is_one_row_keyed_by_its_keys_with_comments_dropped(data, read_all):
    grammar = make_grammar("keyValueGrammar", {"mapKeys": {"obs-date": "obsdate"}})
    columns, lines = read_all(grammar, data / "keyvalue_sample.txt")
    assert columns == {"object": ["NGC 4993"], "exptime": ["120.5"], "filter": ["r'"],
                       "obsdate": ["2017-08-18"], "observer": ["A. Astronomer"]}
    assert lines == [1]


def test_yield_pairs_gives_a_key_value_row_per_pair_on_its_line(data, read_all):
    grammar = make_grammar("keyValueGrammar", {"yieldPairs": True})
    columns, lines = read_all(grammar, data / "keyvalue_sample.txt", batch_rows=2)
    assert columns["key"] == ["object", "exptime", "filter", "obs-date", "observer"]
    assert columns["value"][:2] == ["NGC 4993", "120.5"]
    assert lines == [2, 3, 5, 6, 8]


def test_separators_are_character_classes(tmp_path, read_all):
    path = tmp_path / "kv.txt"
    path.write_text("a:1; b=2;\n c : three -- note */ ;\td:4")
    grammar = make_grammar("keyValueGrammar", {
        "pairSeparators": r";\t", "kvSeparators": ":=", "commentPattern": r"--.*?\*/"})
    columns, _ = read_all(grammar, path)
    assert columns == {"a": ["1"], "b": ["2"], "c": ["three"], "d": ["4"]}


def test_a_pair_without_separator_is_an_error_on_its_line(tmp_path):
    path = tmp_path / "kv.txt"
    path.write_text("a = 1\n\n  just words\n")
    with pytest.raises(SourceError, match=r"kv.txt:3: 'just words' is not a key-value pair"):
        list(make_grammar("keyValueGrammar", {}).batches(path))


@pytest.mark.parametrize("params, message", [
    ({"kvSeparators": ""}, "kvSeparators is empty"),
    ({"pairSeparators": "z-a"}, "cannot be a character class"),
    ({"commentPattern": "("}, "commentPattern is not a valid regular expression"),
])
def test_unusable_parameters_are_rd_errors(params, message):
    with pytest.raises(RDError, match=message):
        make_grammar("keyValueGrammar", params)
