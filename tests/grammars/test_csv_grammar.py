"""csvGrammar: values, nulls, line numbers in errors, and the COPY passthrough."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from grammars import make_grammar
from rd.errors import RDError, SourceError


def write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_names_come_from_the_header_and_values_stay_strings(tmp_path, read_all):
    path = write(tmp_path, "id,name,mag\n1,alpha,1.5\n2,beta,2.5\n")
    columns, lines = read_all(make_grammar("csvGrammar", {}), path)
    assert columns == {"id": ["1", "2"], "name": ["alpha", "beta"], "mag": ["1.5", "2.5"]}
    assert lines == [2, 3]


def test_empty_fields_are_null_by_default_and_quoted_delimiters_are_kept(data, read_all):
    grammar = make_grammar("csvGrammar", {"delimiter": ";"})
    columns, lines = read_all(grammar, data / "semicolon_crlf.csv")
    assert columns["name"] == ["a; b", "two\r\nlines", "c"]
    assert columns["mag"] == ["1.5", None, "3.5"]
    # the record with a line break inside quotes starts on line 3; the next on 5
    assert lines == [2, 3, 5]


def test_null_value_names_the_null_marker(tmp_path, read_all):
    path = write(tmp_path, "a,b\n1,NULL\n,2\n")
    columns, _ = read_all(make_grammar("csvGrammar", {"nullValue": "NULL"}), path)
    assert columns == {"a": ["1", ""], "b": [None, "2"]}


def test_strip_removes_blanks_around_fields_before_the_null_check(tmp_path, read_all):
    path = write(tmp_path, "a, b\n 1 ,  \n2, \"x, y\"\n")
    columns, _ = read_all(make_grammar("csvGrammar", {"strip": True}), path)
    assert columns == {"a": ["1", "2"], "b": [None, "x, y"]}


def test_without_strip_blanks_are_part_of_the_value(tmp_path, read_all):
    path = write(tmp_path, "a,b\n 1 , x\n")
    columns, _ = read_all(make_grammar("csvGrammar", {}), path)
    assert columns == {"a": [" 1 "], "b": [" x"]}


def test_given_names_make_the_first_line_data(tmp_path, read_all):
    path = write(tmp_path, "1,alpha\n2,beta\n")
    columns, lines = read_all(make_grammar("csvGrammar", {"names": "id, name"}), path)
    assert columns == {"id": ["1", "2"], "name": ["alpha", "beta"]}
    assert lines == [1, 2]


def test_ignored_lines_comments_and_blank_lines_keep_line_numbers_right(tmp_path, read_all):
    path = write(tmp_path, "title\nmore title\n# c\nid,v\n1,a\n# comment\n\n2,b\n# end\n3,c\n")
    grammar = make_grammar("csvGrammar", {"topIgnoredLines": 2, "commentIntroducer": "#"})
    columns, lines = read_all(grammar, path, batch_rows=2)
    assert columns == {"id": ["1", "2", "3"], "v": ["a", "b", "c"]}
    assert lines == [5, 8, 10]


def test_batches_hold_at_most_batch_rows_rows(tmp_path):
    path = write(tmp_path, "n\n" + "".join(f"{i}\n" for i in range(10)))
    sizes = [len(b) for b in make_grammar("csvGrammar", {}).batches(path, 4)]
    assert sizes == [4, 4, 2]


def test_a_short_row_is_an_error_naming_file_and_line(tmp_path):
    path = write(tmp_path, "a,b,c,d,e\n1,2,3,4,5\n1,2,3,4\n")
    with pytest.raises(SourceError) as caught:
        list(make_grammar("csvGrammar", {}).batches(path))
    assert str(caught.value) == f"{path}:3: row has 4 fields, the header declares 5"


def test_a_bad_row_after_a_multiline_record_is_located_exactly(tmp_path):
    path = write(tmp_path, 'a,b\n1,"x\ny"\n2,z\n3\n')
    with pytest.raises(SourceError) as caught:
        list(make_grammar("csvGrammar", {}).batches(path))
    assert caught.value.line == 5


def test_a_one_field_row_hints_at_the_delimiter(tmp_path):
    path = write(tmp_path, "a;b\n1;2\n")
    with pytest.raises(SourceError) as caught:
        list(make_grammar("csvGrammar", {"names": "a,b"}).batches(path))
    assert "row has 1 field, the names attribute declares 2" in str(caught.value)
    assert "the delimiter is ','" in caught.value.hint


def test_gzipped_sources_are_read_with_gunzip(tmp_path, read_all):
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,2\n"))
    columns, _ = read_all(make_grammar("csvGrammar", {"gunzip": True}), path)
    assert columns == {"a": ["1"], "b": ["2"]}


def test_a_tab_delimiter_may_be_written_as_backslash_t(tmp_path, read_all):
    path = write(tmp_path, "a\tb\n1\t2\n")
    columns, _ = read_all(make_grammar("csvGrammar", {"delimiter": "\\t"}), path)
    assert columns == {"a": ["1"], "b": ["2"]}


def test_wrong_encoding_is_reported_with_a_hint(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("a\nk\xf6ln\n".encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        list(make_grammar("csvGrammar", {}).batches(path))
    assert "is not valid utf-8" in str(caught.value)
    assert "enc" in caught.value.hint
    columns = next(make_grammar("csvGrammar", {"enc": "latin-1"}).batches(path)).columns
    assert columns == {"a": ["köln"]}


def test_a_byte_order_mark_does_not_end_up_in_the_first_name(tmp_path, read_all):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbfid,v\n1,2\n")
    columns, _ = read_all(make_grammar("csvGrammar", {}), path)
    assert list(columns) == ["id", "v"]


def test_a_header_naming_a_field_twice_is_an_error(tmp_path):
    path = write(tmp_path, "a,b,a\n1,2,3\n")
    with pytest.raises(SourceError, match="field name 'a' appears twice in the header"):
        list(make_grammar("csvGrammar", {}).batches(path))


def test_a_missing_file_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="cannot open"):
        list(make_grammar("csvGrammar", {}).batches(tmp_path / "nope.csv"))


@pytest.mark.parametrize("params, message", [
    ({"delimiter": ";;"}, "delimiter must be a single character"),
    ({"delimiter": ",", "quoteChar": ","}, "quoteChar and delimiter must differ"),
    ({"enc": "klingon"}, "unknown encoding 'klingon'"),
    ({"names": "a,,b"}, "field 2 of names has no name"),
])
def test_unusable_parameters_are_rd_errors(params, message):
    with pytest.raises(RDError, match=message):
        make_grammar("csvGrammar", params)


def test_passthrough_positions_the_file_after_the_header(tmp_path):
    path = write(tmp_path, "title\nid,name\n1,alpha\n2,\n")
    grammar = make_grammar("csvGrammar", {"topIgnoredLines": 1})
    with grammar.passthrough(path) as source:
        assert source.names == ("id", "name")
        assert source.file.read() == b"1,alpha\n2,\n"
        assert source.first_line == 3
        assert source.source_line(2) == 4
        assert (source.options_sql(["id", "name"]) ==
                "(FORMAT csv, DELIMITER ',', QUOTE '\"', NULL '', ENCODING 'UTF8', "
                "FORCE_NULL (id, name))")


def test_passthrough_with_given_names_starts_at_the_first_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"\xef\xbb\xbf1;x\n")
    with make_grammar("csvGrammar", {"names": "a,b", "delimiter": ";",
                                     "nullValue": "\\N"}).passthrough(path) as source:
        assert source.file.read() == b"1;x\n"
        assert (source.first_line, source.delimiter, source.null) == (1, ";", "\\N")


def test_passthrough_undoes_gzip_and_declares_latin1(tmp_path):
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress("n\u00e4me\nk\u00f6ln\n".encode("latin-1")))
    grammar = make_grammar("csvGrammar", {"gunzip": True, "enc": "latin-1"})
    with grammar.passthrough(path) as source:
        assert source.names == ("n\u00e4me",)
        assert source.encoding == "LATIN1"
        assert source.file.read() == "k\u00f6ln\n".encode("latin-1")


@pytest.mark.parametrize("params", [
    {"strip": True},
    {"commentIntroducer": "#"},
    {"enc": "utf-16"},
    {"nullValue": "a,b"},
])
def test_no_passthrough_when_copy_would_read_the_file_differently(tmp_path, params):
    path = write(tmp_path, "a\n1\n")
    assert make_grammar("csvGrammar", params).passthrough(path) is None


def _latin1_at(path, line: int, lines: int = 20000, header: str = "a,b\n") -> None:
    rows = [f"{i},row {i}" for i in range(2, lines + 1)]
    text = header + "\n".join(rows) + "\n"
    before = text.split("\n")
    before[line - 1] = "x,k\xf6ln"
    path.write_bytes("\n".join(before).encode("latin-1"))


def test_an_undecodable_byte_is_reported_at_its_exact_line(tmp_path):
    # Python decodes text files in blocks, thousands of lines ahead of the reader.
    path = tmp_path / "t.csv"
    _latin1_at(path, 15000)
    with pytest.raises(SourceError) as caught:
        list(make_grammar("csvGrammar", {}).batches(path))
    assert caught.value.line == 15000
    assert str(caught.value).startswith(f"{path}:15000: is not valid utf-8 (byte b'\\xf6')")


def test_where_lines_cannot_be_told_from_bytes_the_error_says_near(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("a,b\n1,x\n".encode("utf-16") + b"\x00\xd8\x00\xd8")  # lone surrogates
    with pytest.raises(SourceError) as caught:
        list(make_grammar("csvGrammar", {"enc": "utf-16"}).batches(path))
    assert caught.value.line is None
    assert "is not valid utf-16" in str(caught.value) and "near line" in str(caught.value)
