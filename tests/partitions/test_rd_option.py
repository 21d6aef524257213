"""The mixin's parameters as an RD gives them: defaults, checks, the position index."""

from __future__ import annotations

import pytest

from rd.errors import RDError
from rd.loader import load_rd
from rd.tablemeta import HealpixPartitions
from tests.ingest.resources import write_resource

POSITION = """
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>"""


def test_defaults_and_the_position_index_the_mixin_adds(tmp_path):
    write_resource(tmp_path, "opt", f"""
      <table id="t" onDisk="True" adql="True"
        mixin="//scs#healpix-partitions">{POSITION}</table>""")
    table = load_rd("opt", tmp_path).table("t")
    assert [i.kind for i in table.indexes] == ["position"]
    assert table.metadata().partitions == HealpixPartitions(order=6, count=16)


@pytest.mark.parametrize("attrs, message", [
    ('partitions="0"', "partitions must be an integer from 1 to 49152, not '0'"),
    ('order="13"', "order must be an integer from 0 to 12"),
    ('order="1" partitions="49"', "partitions must be an integer from 1 to 48"),
    ('writers="many"', "writers must be an integer from 1 to 64"),
])
def test_bad_parameters_are_errors_with_the_line(tmp_path, attrs, message):
    write_resource(tmp_path, "opt", f"""
      <table id="t" onDisk="True">
        <mixin {attrs}>//scs#healpix-partitions</mixin>{POSITION}</table>""")
    with pytest.raises(RDError) as err:
        load_rd("opt", tmp_path)
    assert message in str(err.value) and "q.rd:2" in str(err.value)
