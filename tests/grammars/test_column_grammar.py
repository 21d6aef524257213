"""columnGrammar: fields cut from fixed character positions."""

from __future__ import annotations

import pytest

from grammars import make_grammar
from grammars.columns import ColumnSpan, parse_col_defs
from rd.errors import RDError

COL_DEFS = "hip: 1-6 ra:9-18  dec: 20-30\n vmag: 32-36"


def test_fields_are_cut_stripped_and_short_lines_give_nulls(data, read_all):
    grammar = make_grammar("columnGrammar", {"colDefs": COL_DEFS, "topIgnoredLines": 1,
                                             "commentIntroducer": "#"})
    columns, lines = read_all(grammar, data / "fixed_width.txt")
    assert columns == {
        "hip": ["1", "2", "13"],
        "ra": ["0.00091185", "0.00379737", "0.03666899"],
        "dec": ["1.08901332", "-19.4987887", "-40.5918238"],
        "vmag": ["9.10", "9.27", None],
    }
    # line 2 is a comment and line 5 is blank
    assert lines == [3, 4, 6]


def test_without_strip_the_blanks_stay_but_blank_fields_are_still_null(tmp_path, read_all):
    path = tmp_path / "t.txt"
    path.write_text("ab  x\n    y\n")
    grammar = make_grammar("columnGrammar", {"colDefs": "a: 1-4 b:5", "strip": False})
    columns, _ = read_all(grammar, path)
    assert columns == {"a": ["ab  ", None], "b": ["x", "y"]}


def test_batches_split_long_files(tmp_path, read_all):
    path = tmp_path / "t.txt"
    path.write_text("".join(f"{i:3d}\n" for i in range(7)))
    columns, lines = read_all(make_grammar("columnGrammar", {"colDefs": "n: 1-3"}), path, 3)
    assert columns == {"n": [str(i) for i in range(7)]}
    assert lines == list(range(1, 8))


def test_col_defs_accept_single_characters_and_spaces_around_the_dash():
    assert parse_col_defs("a: 7 b:1 - 3") == [ColumnSpan("a", 6, 7), ColumnSpan("b", 0, 3)]


@pytest.mark.parametrize("col_defs, message", [
    ("ra 1-5", "cannot read colDefs at 'ra 1-5'"),
    ("ra: 5-1", "colDefs range 'ra: 5-1' is empty"),
    ("ra: 0-3", "starts before character 1"),
    ("ra: 1-3 ra: 4-5", "colDefs names 'ra' twice"),
    ("", "needs colDefs"),
])
def test_bad_col_defs_are_rd_errors(col_defs, message):
    with pytest.raises(RDError, match=message):
        make_grammar("columnGrammar", {"colDefs": col_defs})
