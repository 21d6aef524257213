"""voTableGrammar: typed rows of a VOTable's first table, with DaCHS's field names."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from astropy.io.votable import from_table, writeto
from astropy.table import Table

from grammars import make_grammar
from rd.errors import SourceError


def test_rows_come_typed_with_nulls_and_dachs_field_names(data, read_all):
    columns, lines = read_all(make_grammar("voTableGrammar", {}),
                              data / "votable_sample.vot", batch_rows=2)
    assert list(columns) == ["id", "RAJ2000", "BxV", "name", "flux", "class_", "ok"]
    assert columns["id"][0] == 1 and columns["id"][1] is np.ma.masked
    assert columns["RAJ2000"][:2] == [10.5, 20.25]
    assert columns["BxV"][1] is np.ma.masked
    assert columns["name"] == ["Vega", "Stern ü", None]
    assert list(columns["flux"][0]) == [1.0, 2.0, 3.0]
    assert columns["class_"][1] is np.ma.masked
    assert [bool(v) for v in columns["ok"][:2]] == [True, False]
    assert lines == [1, 2, 3]


def test_gzipped_binary2_votables_read_the_same(tmp_path, read_all):
    table = Table({"n": np.array([1, 2], dtype=np.int32), "x": [0.5, np.nan],
                   "s": ["a", "b"]})
    votable = from_table(table)
    votable.get_first_table().format = "binary2"
    plain = tmp_path / "t.vot"
    writeto(votable, str(plain))
    packed = tmp_path / "t.vot.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    columns, _ = read_all(make_grammar("voTableGrammar", {"gunzip": True}), packed)
    assert list(columns["n"]) == [1, 2]
    assert columns["x"][0] == 0.5 and columns["x"][1] is np.ma.masked
    assert columns["s"] == ["a", "b"]


def test_a_bad_cell_is_an_error_on_its_line(data):
    path = data / "votable_bad.vot"
    with pytest.raises(SourceError, match=r"votable_bad.vot:9: is not a readable VOTable: "
                                          r".*invalid literal for int"):
        list(make_grammar("voTableGrammar", {}).batches(path))


def test_a_votable_without_a_table_is_an_error(tmp_path):
    path = tmp_path / "empty.vot"
    path.write_text('<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">'
                    "<RESOURCE/></VOTABLE>")
    with pytest.raises(SourceError, match="is a VOTable without a TABLE"):
        list(make_grammar("voTableGrammar", {}).batches(path))


@pytest.mark.parametrize("text, message", [
    ("not xml at all", r"x.vot:1: is not a readable VOTable: syntax error"),
    ('<?xml version="1.0"?>\n<VOTABLE><RESOURCE><TABLE>', r"x.vot:2: .*no element found"),
])
def test_a_file_that_is_no_votable_is_an_error_with_its_line(tmp_path, text, message):
    path = tmp_path / "x.vot"
    path.write_text(text)
    with pytest.raises(SourceError, match=message):
        list(make_grammar("voTableGrammar", {}).batches(path))
