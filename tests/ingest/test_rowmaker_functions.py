"""DaCHS's rowmaker functions at work in ``dr imp``: what real RDs compute with them
lands in the table (tests/rd/test_rmkfuncs.py has each function's behaviour)."""

from __future__ import annotations

import datetime

import pytest

from tests.ingest.resources import write_resource


def test_timestamps_and_iau_names_are_computed_by_rowmaker_functions(db):
    write_resource(db.home / "inputs", "obs", """
  <table id="main" onDisk="True">
    <column name="id" type="integer"/>
    <column name="obs_time" type="timestamp"/>
    <column name="obs_mjd" type="double precision"/>
    <column name="ra_hms" type="text"/>
    <column name="iau_name" type="text"/>
  </table>
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker idmaps="id">
        <var key="ra">float(@ra)</var>
        <map key="obs_time">parseISODT(@timestamp)</map>
        <map key="obs_mjd">dateTimeToMJD(parseISODT(@timestamp))</map>
        <map key="ra_hms">degToHms(@ra, ":", 1)</map>
        <map key="iau_name">makeIAUId("DR J", @ra, float(@dec))</map>
      </rowmaker>
    </make>
  </data>""", {"data/obs.csv": """
    id,timestamp,ra,dec
    1,2000-01-01T12:00:00Z,10.5,-3.24722
    2,19981214T133012.5,122.057,5.99999
    """})
    result = db.cli("imp", "obs")
    assert result.status == 0, result.err
    assert db.query("SELECT id, obs_time, ra_hms, iau_name FROM obs.main ORDER BY id") == [
        (1, datetime.datetime(2000, 1, 1, 12, 0), "00:42:00.0", "DR J004200-031449"),
        (2, datetime.datetime(1998, 12, 14, 13, 30, 12, 500000), "08:08:13.7",
         "DR J080813+055959")]
    mjds = [mjd for mjd, in db.query("SELECT obs_mjd FROM obs.main ORDER BY id")]
    assert mjds == [51544.5, pytest.approx(51161 + 48612.5 / 86400, abs=1e-9)]


def test_a_bad_iso_timestamp_fails_the_import_naming_row_and_rowmaker(db):
    write_resource(db.home / "inputs", "obs", """
  <table id="main" onDisk="True">
    <column name="obs_time" type="timestamp"/>
  </table>
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker>
        <map key="obs_time">parseISODT(@timestamp)</map>
      </rowmaker>
    </make>
  </data>""", {"data/obs.csv": "timestamp\n2000-01-01\nyesterday\n"})
    result = db.cli("imp", "obs")
    assert result.status != 0
    assert "obs.csv:3" in result.err
    assert "Bad ISO datetime literal: yesterday" in result.err
