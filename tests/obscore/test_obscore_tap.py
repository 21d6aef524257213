"""ivoa.obscore through a real dr serve: TAP with pyvo, STILTS reading s_region,
the TAP capability's data model.  taplint's ObsCore checks of the same site are
in tests/web/test_taplint.py, which runs taplint on it and on the demo at once."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import pyvo

from tests.obscore.obscoredata import image_position, spectrum_position


@pytest.fixture(scope="module")
def server(obscore_server):
    """ocimg and ocspec publishing into ivoa.obscore (tests/conftest.py)."""
    return obscore_server


@pytest.fixture(scope="module")
def tap(server):
    return pyvo.dal.TAPService(server.url + "/tap")


def test_a_cone_on_obscore_through_pyvo_returns_both_collections(tap, server):
    result = tap.run_sync(
        "SELECT obs_id, dataproduct_type, access_url, s_ra, s_dec FROM ivoa.obscore "
        "WHERE 1 = CONTAINS(POINT('ICRS', s_ra, s_dec), CIRCLE('ICRS', 150.5, 2, 0.6)) "
        "ORDER BY obs_id").to_table()
    assert list(result["obs_id"]) == (
        [f"ocimg/data/img{i:05d}.fits" for i in range(1, 11)]
        + [f"ocspec/data/spec{i:05d}.fits" for i in range(1, 6)])
    assert set(result["dataproduct_type"]) == {"image", "spectrum"}
    assert result["access_url"][0] == f"{server.url}/getproduct/ocimg/data/img00001.fits"
    assert result["s_ra"].unit == "deg"
    assert result["s_ra"][0] == pytest.approx(image_position(1)[0])
    assert result["s_ra"][-1] == pytest.approx(spectrum_position(5)[0])


def test_obscore_is_in_tap_schema_and_the_capability_declares_the_model(tap, server):
    columns = {c.name: c for c in tap.tables["ivoa.obscore"].columns}
    assert columns["s_region"].datatype.content == "double"
    xtype = tap.run_sync("SELECT xtype FROM tap_schema.columns WHERE table_name = "
                         "'ivoa.obscore' AND column_name = 's_region'")
    assert list(xtype["xtype"]) == ["polygon"]
    assert columns["t_min"].unit == "d" and columns["t_min"].ucd == "time.start;obs.exposure"
    assert columns["filter_name"].ucd == "instr.filter"
    status, _, body = server.get("/tap/capabilities")
    assert status == 200
    assert (b'<dataModel ivo-id="ivo://ivoa.net/std/ObsCore#core-1.1">ObsCore-1.1'
            b'</dataModel>') in body


@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
def test_stilts_reads_the_s_region_polygons_in_binary2(server, tmp_path):
    path = tmp_path / "regions.vot"
    status, _, body = server.get(
        "/tap/sync?LANG=ADQL&RESPONSEFORMAT=votable/b2&QUERY=" + "+".join(
            "SELECT obs_id, s_region FROM ivoa.obscore WHERE obs_id = "
            "'ocimg/data/img00003.fits'".split()))
    assert status == 200 and b"BINARY2" in body
    path.write_bytes(body)
    result = subprocess.run(
        ["stilts", "tpipe", f"in={path}", "ifmt=votable", "omode=out", "ofmt=csv-noheader",
         "cmd=addcol n size(s_region)", "cmd=addcol v 'join(s_region, \";\")'",
         "cmd=keepcols 'n v'"],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    count, values = result.stdout.strip().split(",")
    ra, dec = image_position(3)
    numbers = [float(v) for v in values.split(";")]
    assert int(count) == 8
    expected = [ra - .05, dec - .05, ra + .05, dec - .05, ra + .05, dec + .05,
                ra - .05, dec + .05]
    assert numbers == pytest.approx(expected, abs=1e-6)
