"""``<coverage>`` in an RD: values it states win, its ``<updater>`` names the tables
``dr limits`` measures for the rest, and mistakes name their line."""

from __future__ import annotations

import pytest

from engine.limits.store import TableLimits
from engine.registry.coverage import coverage_of
from rd.errors import RDError
from rd.loader import load_rd
from rd.moc import Moc
from tests.rd.test_rd_errors import write_rd

TABLES = """
  <meta name="coverage.waveband">Optical</meta>
  <table id="main" onDisk="True">
    <column name="ra" type="double precision" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" ucd="pos.eq.dec;meta.main"/>
  </table>
  <table id="other" onDisk="True">
    <column name="x" type="integer"/>
  </table>"""

MEASURED = {"t.main": TableLimits("t.main", 10, Moc.parse("3/1-2"), (50000.0, 50001.0),
                                  (1e-19, 2e-19)),
            "t.other": TableLimits("t.other", 5, Moc.parse("2/7"), (40000.0, 40001.0))}


def measured(table):
    return MEASURED.get(table.qualified_name.lower())


def test_without_coverage_each_record_speaks_for_its_own_table(tmp_path):
    rd = load_rd(str(write_rd(tmp_path, TABLES)), tmp_path)
    found = coverage_of(rd, [rd.table("other")], rd.meta, measured)
    assert found.moc == Moc.parse("2/7") and found.temporal == ((40000.0, 40001.0),)
    assert found.spectral == () and found.wavebands == ("Optical",)


def test_stated_values_win_and_the_updater_fills_in_the_rest(tmp_path):
    rd = load_rd(str(write_rd(tmp_path, TABLES + """
      <coverage>
        <updater sourceTable="main" mocOrder="8"/>
        <temporal>51000 51010</temporal><temporal>52000 52010</temporal>
        <spectral/>
      </coverage>""")), tmp_path)
    assert rd.coverage.updater.moc_order == 8
    found = coverage_of(rd, [rd.table("other")], rd.meta, measured)
    assert found.temporal == ((51000.0, 51010.0), (52000.0, 52010.0))
    assert found.moc == Moc.parse("3/1-2")  # measured on main, for every record
    assert found.spectral == ((1e-19, 2e-19),)


def test_a_stated_moc_is_read(tmp_path):
    rd = load_rd(str(write_rd(tmp_path, TABLES + """
      <coverage><spatial>4/1-3 5/</spatial></coverage>""")), tmp_path)
    assert coverage_of(rd, [], None, measured).moc == Moc.parse("4/1-3 5/")


@pytest.mark.parametrize("body, words", [
    ('<coverage><updater sourceTable="nosuch"/></coverage>', "'nosuch' is not a table"),
    ("<coverage><temporal>5 4</temporal></coverage>", "above its upper end"),
    ("<coverage><spectral>1e-19</spectral></coverage>", "two numbers"),
    ("<coverage><spatial>6/99999999</spatial></coverage>", "not an ASCII MOC"),
    ('<coverage><updater mocOrder="31"/></coverage>', "0 to 29"),
])
def test_mistakes_name_file_and_line(tmp_path, body, words):
    with pytest.raises(RDError, match=words) as caught:
        load_rd(str(write_rd(tmp_path, TABLES + "\n  " + body)), tmp_path)
    assert "q.rd:10: <" in str(caught.value)


def test_a_registered_data_element_needs_an_id(tmp_path):
    with pytest.raises(RDError, match="needs an id"):
        load_rd(str(write_rd(tmp_path, TABLES + """
      <data><publish/><make table="main"/></data>""")), tmp_path)
