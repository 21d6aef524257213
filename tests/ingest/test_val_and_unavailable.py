"""``dr val`` over directories (one line per RD, for CI), and services DR cannot serve
yet: their RD imports and serves the rest, the site state says why."""

from __future__ import annotations

import contextlib

from engine.config import load_config
from engine.web.routes import SERVICE_RENDERERS
from engine.web.state import load_state
from tests.ingest.resources import CATALOG_TABLE, CSV_DATA, catalog_rows, write_resource

BROKEN = '<table id="x"><column name="a" type="float128"/></table>'
WARNED = CATALOG_TABLE + '\n  <regSuite/>'


def test_val_checks_every_rd_below_a_directory_one_line_each(db):
    inputs = db.home / "inputs"
    write_resource(inputs, "good", CATALOG_TABLE)
    write_resource(inputs, "warned", WARNED)
    bad = write_resource(inputs, "nested/bad", BROKEN, schema="bad")
    result = db.cli("val")  # no argument: every RD under inputs
    assert result.status == 1
    assert result.out.splitlines() == ["good/q: OK", "warned/q: 1 warning"]
    assert result.err.splitlines() == [
        f"nested/bad/q: error: {bad}:1: <column> unknown column type 'float128'"]
    assert "Traceback" not in result.err

    only_good = db.cli("val", str(inputs / "good"), str(inputs / "warned"))
    assert only_good.status == 0, only_good.err
    assert only_good.out.splitlines() == ["good/q: OK", "warned/q: 1 warning"]

    verbose = db.cli("val", "-v", str(inputs / "warned"), str(inputs / "nested"))
    assert verbose.out.splitlines() == [
        "warned/q: 1 warning",
        f"    {inputs / 'warned/q.rd'}:12: <regSuite> is not implemented by DR yet "
        "(inside <resource>); ignored"]
    assert "hint: use integer, bigint" in verbose.err


def test_val_of_a_directory_outside_inputs_takes_it_as_the_inputs(db, tmp_path):
    other = tmp_path / "elsewhere"
    write_resource(other, "a", CATALOG_TABLE)
    write_resource(other, "b", '<FEED source="a/q#nothing"/>' + CATALOG_TABLE)
    result = db.cli("val", str(other))
    assert result.out.splitlines() == ["a/q: OK"]
    assert result.err.startswith("b/q: error: ")
    assert result.status == 1


def test_a_service_dr_cannot_serve_is_unavailable_and_the_rest_works(db):
    inputs = db.home / "inputs"
    write_resource(inputs, "cat", CATALOG_TABLE + CSV_DATA + """
      <service id="cone" allowed="form,scs.xml">
        <scsCore queriedTable="main"/>
      </service>
      <service id="ssa" allowed="siap.xml">
        <siapCutoutCore queriedTable="main"/>
      </service>""", {"data/a.csv": catalog_rows(3)})
    result = db.cli("imp", "cat")
    assert result.status == 0, result.err
    assert "cat.main: 3 rows" in result.out
    config = load_config(db.env)
    with contextlib.closing(db.connect()) as conn:
        state = load_state(config, conn, SERVICE_RENDERERS)
    assert state.service("cat/q", "cone") is not None
    assert state.service("cat/q", "ssa") is None
    assert state.unavailable_reason("cat/q", "ssa") == \
        "DR does not implement <siapCutoutCore> yet"
    assert state.unavailable_reason("cat/q", "cone") is None
    assert "cat.main" in state.tables
