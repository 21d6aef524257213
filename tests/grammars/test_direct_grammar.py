"""directGrammar: DaCHS C boosters read by DR's own readers, from the booster's layout."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from astropy.io import fits

from rd.errors import RDError, SourceError

TABLE = """
  <table id="t" onDisk="True">
    <column name="id" type="integer"/>
    <column name="ra" type="double precision"/>
    <column name="mag" type="real"/>
    <column name="name" type="text"/>
  </table>"""


@pytest.fixture
def direct(rd_grammar, data):
    """The directGrammar of an RD with TABLE (or ``table``) and the sample boosters."""

    def build(attrs: str, table: str = TABLE, children: str = ""):
        boosters = {f"res/{p.name}": p.read_text() for p in (data / "boosters").iterdir()}
        return rd_grammar(f'{table}<data><directGrammar {attrs}>{children}</directGrammar>'
                          '<make table="t"/></data>', boosters)

    return build


def test_split_fields_come_where_the_booster_reads_them(direct, data, read_all):
    grammar = direct('type="split" cBooster="res/split.c" autoNull="-"')
    columns, lines = read_all(grammar, data / "direct_split.txt")
    assert columns == {"id": ["1", "2", "3"], "ra": ["10.5", "20.25", "30.125"],
                       "mag": ["12.25", None, "14.5"],
                       "name": ["first object", "second", ""]}
    assert lines == [1, 2, 3]


def test_without_booster_source_split_fields_are_the_table_columns(direct, tmp_path,
                                                                   read_all):
    path = tmp_path / "t.txt"
    path.write_text("1;2.5;3;x\n\n4;5;6;y\n")
    grammar = direct('type="split" cBooster="res/absent.c" splitChar=";"')
    assert read_all(grammar, path) == ({"id": ["1", "4"], "ra": ["2.5", "5"],
                                        "mag": ["3", "6"], "name": ["x", "y"]}, [1, 3])


def test_a_short_split_line_is_an_error_unless_bad_records_are_ignored(direct, tmp_path,
                                                                      read_all):
    path = tmp_path / "t.txt"
    path.write_text("1|2|3|a\n2|3\n3|x|5|c\n4|5|6|d\n")
    grammar = direct('type="split" cBooster="res/split.c"')
    with pytest.raises(SourceError, match=r"t.txt:2: the line has 2 fields, but the "
                                          r"booster reads field 3 \(mag\)"):
        list(grammar.batches(path))
    lenient = direct('type="split" cBooster="res/split.c" ignoreBadRecords="True"')
    assert read_all(lenient, path)[1] == [1, 4]


def test_a_plain_split_file_is_handed_to_copy(direct, data):
    grammar = direct('type="split" cBooster="res/split.c"')
    with grammar.passthrough(data / "direct_split.txt") as plan:
        assert plan.names == ("id", "ra", "mag", "name")
        assert plan.delimiter == "|"
        assert plan.file.readline() == b"1|10.5|12.25|first object\n"
    assert direct('type="split" cBooster="res/split.c" preFilter="cat"'
                  ).passthrough(data / "direct_split.txt") is None


def test_col_fields_come_from_the_booster_positions(direct, data, read_all):
    table = TABLE.replace("</table>", '<column name="flag" type="boolean"/></table>')
    grammar = direct('type="col" cBooster="res/col.c"', table)
    columns, _ = read_all(grammar, data / "direct_col.txt")
    assert columns == {"id": ["1", "2", "3"], "ra": ["10.500", "20.250", "30.125"],
                       "mag": ["12.25", None, None], "name": ["first object", "second",
                                                             "third"],
                       "flag": [True, False, True]}


def test_bin_records_are_read_as_the_booster_lays_them_out(direct, tmp_path, read_all):
    table = TABLE.replace('name="name" type="text"', 'name="flag" type="smallint"')
    layout = np.dtype({"names": ["id", "ra", "mag", "flag"],
                       "formats": ["=i4", "=f8", "=f4", ">i2"],
                       "offsets": [0, 4, 12, 16], "itemsize": 24})
    records = np.zeros(3, layout)
    records["id"], records["ra"] = [1, 2, 3], [1.5, 2.5, np.nan]
    records["mag"], records["flag"] = [10, 11, 12], [1, -2, 300]
    path = tmp_path / "t.bin.gz"
    path.write_bytes(gzip.compress(records.tobytes()))
    grammar = direct('type="bin" cBooster="res/bin.c" gzippedInput="True"', table)
    columns, lines = read_all(grammar, path, batch_rows=2)
    assert columns["id"] == [1, 2, 3] and columns["flag"] == [1, -2, 300]
    assert columns["ra"][:2] == [1.5, 2.5] and np.isnan(columns["ra"][2])
    assert lines == [1, 2, 3]
    path.write_bytes(gzip.compress(records.tobytes()[:-5]))
    with pytest.raises(SourceError, match="record 3 has only 19 of 24 bytes"):
        list(grammar.batches(path))


def test_fits_columns_match_by_name_or_as_the_booster_says(direct, tmp_path, read_all):
    table = """<table id="t" onDisk="True"><column name="id" type="integer"/>
      <column name="flux" type="real"/><column name="note" type="text"/></table>"""
    path = tmp_path / "t.fits"
    fits.BinTableHDU.from_columns([
        fits.Column(name="ID", format="J", array=[1, 2]),
        fits.Column(name="junk", format="E", array=[0, 0]),
        fits.Column(name="FLX", format="E", array=[1.5, 2.5])]).writeto(path)
    by_name = direct('type="fits" cBooster="res/absent.c"', table,
                     "<mapKeys>flux:FLX</mapKeys>")
    by_booster = direct('type="fits" cBooster="res/fits.c"', table)
    for grammar in (by_name, by_booster):
        columns, _ = read_all(grammar, path)
        assert columns == {"id": [1, 2], "flux": [1.5, 2.5], "note": [None, None]}


def test_a_booster_doing_more_than_mkboost_wrote_is_an_error_at_its_line(direct):
    table = TABLE.replace('<column name="ra" type="double precision"/>', "").replace(
        '<column name="name" type="text"/>', "")
    with pytest.raises(RDError, match=r"modified.c:19: DR runs no C; .* cannot follow "
                                      r"'linearTransform\(F\(fi_mag\), 0, 0.001\)'"):
        direct('type="split" cBooster="res/modified.c"', table)


@pytest.mark.parametrize("attrs, message", [
    ('type="col" cBooster="res/absent.c"', "DR reads the field positions of a col"),
    ('type="hdf5vaex" cBooster="res/absent.c"', "hdf5vaex boosters are not supported"),
    ('type="bin" cBooster="res/split.c"', r"split.c:\d+: DR runs no C"),
])
def test_boosters_dr_cannot_read_are_rd_errors(direct, attrs, message):
    with pytest.raises(RDError, match=message):
        direct(attrs)


def test_pre_filter_pipes_the_source_through_a_command(direct, tmp_path, read_all):
    path = tmp_path / "t.txt"
    path.write_text("1|2|3|a\n")
    grammar = direct('type="split" cBooster="res/split.c" preFilter="sed s/a/b/"')
    assert read_all(grammar, path)[0]["name"] == ["b"]
    failing = direct('type="split" cBooster="res/split.c" preFilter="false"')
    with pytest.raises(SourceError, match="preFilter 'false' failed"):
        list(failing.batches(path))
