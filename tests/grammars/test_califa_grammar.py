"""califaGrammar: the CALIFA annotated CSV header, rows, nulls and header errors."""

from __future__ import annotations

import gzip

import pytest

from grammars import make_grammar
from grammars.base import ColumnDescription
from rd.errors import SourceError


def test_header_keys_become_meta(data):
    meta = make_grammar("califaGrammar", {}).header(data / "califa_sample.csv").meta
    assert meta == {"AUTHOR": "Carlos C. Califa", "SOURCE": "CALIFA Collaboration",
                    "DATE": "2011-08-24", "VERSION": "1.0", "COLAPRV": "J. Walcher",
                    "PUBAPRV": "None"}


def test_column_lines_become_rd_typed_descriptions_with_vo_units(data):
    columns = make_grammar("califaGrammar", {}).header(data / "califa_sample.csv").columns
    assert columns == [
        ColumnDescription("califaid", "integer", "", "the ID of the CALIFA galaxy"),
        ColumnDescription("califaname", "text", "", "the CALIFA name of the galaxy"),
        ColumnDescription("name", "text", "", "the NED name of the galaxy"),
        # only the first three commas split; the epoch moves into the description
        ColumnDescription("ra", "real", "deg", "right ascension, from NED (J2000)"),
        # ... unless the description already gives it
        ColumnDescription("dec", "double precision", "deg", "declination J2000.0"),
        ColumnDescription("vmag", "smallint", "mag", "V magnitude, rounded"),
    ]


def test_rows_have_nulls_for_empty_fields_and_keep_quoted_commas_and_colons(data, read_all):
    columns, lines = read_all(make_grammar("califaGrammar", {}), data / "califa_sample.csv")
    assert columns == {
        "califaid": ["1", "2", "3", "4"],
        "califaname": ["CALIFA001", "CALIFA002", "CALIFA003", "CALIFA004"],
        "name": ["IC5376", "UGC00005, a spiral", "NGC7819: ring", None],
        "ra": ["0.33241081", "0.77351248", None, "1.14060366"],
        "dec": ["34.52566909", "-1.91383457", "31.47200775", "28.30172348"],
        "vmag": ["15", None, "14", "13"],
    }
    assert lines == [13, 14, 15, 16]


def test_lower_names_false_keeps_the_headers_spelling(data):
    grammar = make_grammar("califaGrammar", {"lowerNames": False})
    batch = next(grammar.batches(data / "califa_sample.csv"))
    assert list(batch.columns)[:2] == ["CALIFAID", "CALIFANAME"]
    assert grammar.header(data / "califa_sample.csv").columns[0].name == "CALIFAID"


def test_a_row_with_missing_fields_names_file_and_line(data):
    path = data / "califa_bad_row.csv"
    with pytest.raises(SourceError) as caught:
        list(make_grammar("califaGrammar", {}).batches(path))
    assert str(caught.value) == f"{path}:6: row has 2 fields, the header declares 3"


def test_a_gap_in_the_column_numbers_is_an_error(data):
    path = data / "califa_gap.csv"
    with pytest.raises(SourceError) as caught:
        make_grammar("califaGrammar", {}).header(path)
    assert str(caught.value) == (f"{path}:3: COLUMN2 is missing; the header declares "
                                 "COLUMN1 to COLUMN3")


def test_a_column_declared_twice_is_an_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("# COLUMN1: A, int, , a\n# COLUMN1: B, int, , b\n1\n")
    with pytest.raises(SourceError, match=r"t.csv:2: COLUMN1 is declared twice \(first on "
                                          r"line 1\)"):
        list(make_grammar("califaGrammar", {}).batches(path))


def test_an_unknown_type_is_an_error_listing_the_califa_types(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("# COLUMN1: A, integer, , a\n1\n")
    with pytest.raises(SourceError, match=r":1: COLUMN1 has type 'integer'; CALIFA tables "
                                          "use short, int, long, float, double, string"):
        make_grammar("califaGrammar", {}).header(path)


def test_a_comment_line_among_the_data_is_an_error_with_a_hint(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("# COLUMN1: A, int, , a\n# COLUMN2: B, int, , b\n1, 2\n# late\n")
    with pytest.raises(SourceError) as caught:
        list(make_grammar("califaGrammar", {}).batches(path))
    assert caught.value.line == 4
    assert "belong in the header" in caught.value.hint


def test_a_file_without_column_lines_cannot_be_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("# AUTHOR: me\n1, 2\n")
    with pytest.raises(SourceError, match="has no '# COLUMN1: name, type, unit, "):
        list(make_grammar("califaGrammar", {}).batches(path))


def test_gzipped_califa_tables_are_read_with_gunzip(data, tmp_path, read_all):
    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress((data / "califa_sample.csv").read_bytes()))
    columns, lines = read_all(make_grammar("califaGrammar", {"gunzip": True}), path)
    assert columns["califaid"] == ["1", "2", "3", "4"]
    assert lines == [13, 14, 15, 16]


def test_a_header_only_file_has_no_rows(tmp_path, read_all):
    path = tmp_path / "t.csv"
    path.write_text("# COLUMN1: A, int, , a\n")
    assert read_all(make_grammar("califaGrammar", {}), path) == ({}, [])


def test_an_undecodable_byte_is_reported_at_its_exact_line(tmp_path):
    header = "# AUTHOR: Ä. Author\n# COLUMN1: a, int, , first\n# COLUMN2: b, string, , b\n"
    rows = [f"{i}, row {i}" for i in range(1, 20001)]
    rows[12000 - 4] = "12000, K\xf6ln"  # file line 12000
    path = tmp_path / "t.csv"
    path.write_bytes(header.encode("utf-8") + "\n".join(rows).encode("latin-1") + b"\n")
    with pytest.raises(SourceError) as caught:
        list(make_grammar("califaGrammar", {}).batches(path))
    assert caught.value.line == 12000 and "is not valid utf-8 (byte b'\\xf6')" in str(
        caught.value)
