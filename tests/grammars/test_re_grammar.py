"""reGrammar: records and fields split by regular expressions."""

from __future__ import annotations

import io
import re

import pytest

from grammars import make_grammar
from grammars.regex import split_records
from rd.errors import RDError, SourceError


def test_fields_split_by_field_sep_with_comments_removed_and_lax_padding(data, read_all):
    grammar = make_grammar("reGrammar", {
        "names": "id, name, mag", "fieldSep": r"\|", "topIgnoredLines": 1,
        "commentPat": "#.*", "stripTokens": True, "lax": True})
    columns, lines = read_all(grammar, data / "regex_sample.txt")
    assert columns == {"id": ["1", "2", "3"], "name": ["alpha", "beta", "gamma"],
                       "mag": ["1.5", "2.5", None]}
    assert lines == [3, 4, 6]


def test_a_short_record_is_an_error_unless_lax(data):
    path = data / "regex_sample.txt"
    grammar = make_grammar("reGrammar", {"names": "id,name,mag", "fieldSep": r"\s*\|\s*",
                                         "topIgnoredLines": 1, "commentPat": "#.*"})
    with pytest.raises(SourceError) as caught:
        list(grammar.batches(path))
    assert caught.value.message == f"{path}:6: record has 2 fields, names declares 3"
    assert "lax" in caught.value.hint


def test_a_long_record_is_an_error_even_when_lax(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("1 2\n3 4 5\n")
    with pytest.raises(SourceError, match=r"t.txt:2: record has 3 fields, names declares 2"):
        list(make_grammar("reGrammar", {"names": "a,b", "lax": True}).batches(path))


def test_default_separators_are_newlines_and_blanks(tmp_path, read_all):
    path = tmp_path / "t.txt"
    path.write_text("  1   2\r\n3\t4\r\n")
    columns, lines = read_all(make_grammar("reGrammar", {"names": "a,b"}), path)
    assert columns == {"a": ["1", "3"], "b": ["2", "4"]}
    assert lines == [1, 2]


def test_a_record_separator_spanning_lines_keeps_line_numbers(tmp_path, read_all):
    path = tmp_path / "t.txt"
    path.write_text("1\n2\n--\n3\n4\n--\n")
    grammar = make_grammar("reGrammar", {"names": "a,b", "recordSep": r"\n--\n",
                                         "fieldSep": r"\n"})
    columns, lines = read_all(grammar, path)
    assert columns == {"a": ["1", "3"], "b": ["2", "4"]}
    assert lines == [1, 4]


def test_records_are_found_across_read_chunks(monkeypatch):
    monkeypatch.setattr("grammars.regex._CHUNK_CHARS", 3)
    text = "ab\n\ncd\n\n\nef"
    records = list(split_records(io.StringIO(text), re.compile(r"\n+"), 1))
    assert records == [(1, "ab"), (3, "cd"), (6, "ef")]


@pytest.mark.parametrize("params, message", [
    ({}, "needs names"),
    ({"names": "a", "fieldSep": "("}, "fieldSep is not a valid regular expression"),
    ({"names": "a", "recordSep": "x*"}, "recordSep matches the empty string"),
])
def test_unusable_parameters_are_rd_errors(params, message):
    with pytest.raises(RDError, match=message):
        make_grammar("reGrammar", params)
