"""//ssap#view through dr imp and dr serve (tests/ssa/view_inputs): the SSA table is
a view over the publisher's table, made after its import, found through SSA
with the SSA utypes, delivered as SDM spectra by a builder, published to
ObsCore, and hiding the spectrum under embargo from all but its owner."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import psycopg2
import pytest
import pyvo
import requests
from astropy.io import fits
from astropy.io.votable import parse_single_table

from tests.servers import add_accounts, start_server, stop_server
from tests.support import run_dr, votlint

HERE = Path(__file__).parent / "view_inputs"
SSA = "/viewspec/q/ssa/ssap.xml"
DLGET = "/viewspec/q/sdl/dlget"
OWNER = ("obs", "view-test")
STARS = {  # file: (object, ra, dec, date, seeing, owner)
    "v1.fits": ("Vega", 279.23, 38.78, "2021-07-01T00:00:00", 0.8, ""),
    "v2.fits": ("Deneb", 310.36, 45.28, "2021-07-02T00:00:00", 1.1, ""),
    "v3.fits": ("Altair", 297.70, 8.87, "2021-07-03T00:00:00", 0.9, "obs"),
}
SAMPLES, START, STEP = 100, 5000.0, 1.5  # Angstrom


def write_spectrum(path: Path, star: tuple, scale: float) -> None:
    name, ra, dec, date, seeing, owner = star
    hdu = fits.PrimaryHDU((scale * np.linspace(1, 3, SAMPLES)).astype(">f4"))
    hdu.header.update(CTYPE1="WAVE", CUNIT1="Angstrom", CRPIX1=1.0, CRVAL1=START,
                      CDELT1=STEP, OBJECT=name, RA=ra, DEC=dec, SEEING=seeing,
                      OWNER=owner)
    hdu.header["DATE-OBS"] = date
    hdu.writeto(path, overwrite=True)


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory):
    home = tmp_path_factory.mktemp("ssaview")
    inputs = home / "inputs"
    shutil.copytree(HERE, inputs)
    (inputs / "viewspec" / "data").mkdir()
    for number, (name, star) in enumerate(STARS.items(), 1):
        write_spectrum(inputs / "viewspec" / "data" / name, star, number)
    server = start_server(pg_cluster.dsn, home, "ssa_view", inputs=inputs,
                          imports=("viewspec/q",))
    add_accounts(server, {OWNER[0]: OWNER[1]}, {})
    server.inputs = inputs
    yield server
    stop_server(server, pg_cluster.dsn, "ssa_view")


def query(site, sql: str, params=None) -> list[tuple]:
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def search(site, auth=None, **params) -> tuple[list[str], bytes]:
    response = requests.get(site.url + SSA, auth=auth, timeout=60,
                            params={"REQUEST": "queryData", **params})
    assert response.status_code == 200, response.text
    table = parse_single_table(io.BytesIO(response.content)).to_table()
    return sorted(str(name) for name in table["ssa_targname"]), response.content


def test_the_ssa_table_is_a_view_over_the_publishers_table(site):
    assert query(site, "SELECT relkind FROM pg_class "
                       "WHERE oid = 'viewspec.data'::regclass") == [("v",)]
    rows = query(site, "SELECT ssa_targname, ssa_collection, ssa_fluxcalib, ssa_aperture,"
                       " ssa_specmid, ssa_publisher, ssa_datasource, seeing"
                       " FROM viewspec.data ORDER BY ssa_targname")
    assert [r[0] for r in rows] == ["Altair", "Deneb", "Vega"]
    altair = rows[0]
    assert altair[1:4] == ("view test", "ABSOLUTE", pytest.approx(0.001))
    assert altair[4] == pytest.approx((START + STEP * (SAMPLES - 1) / 2) * 1e-10)
    assert altair[5:] == ("The DR Test Publisher", "pointed", pytest.approx(0.9))
    # the pubDID lookups SSA and DataLink make are indexed on the source table
    indexes = [d for (d,) in query(site, "SELECT indexdef FROM pg_indexes WHERE "
                                         "schemaname = 'viewspec' AND tablename = "
                                         "'raw_data'")]
    assert any("accref" in d and "ivo://" in d for d in indexes), indexes


def test_ssa_finds_the_public_spectra_with_ssa_utypes(site, tmp_path):
    found = pyvo.dal.SSAService(site.url + SSA).search(pos=(279.23, 38.78),
                                                       diameter=0.1)
    assert [r["ssa_targname"] for r in found] == ["Vega"]
    assert found[0].getdataurl().startswith(site.url + "/getproduct/viewspec/")
    names, body = search(site, POS="300,30", SIZE="60")
    assert names == ["Deneb", "Vega"]
    table = parse_single_table(io.BytesIO(body))
    utypes = {f.name: (f.utype or "").lower() for f in table.fields}
    assert utypes["ssa_targname"] == "ssa:target.name"
    assert utypes["ssa_specstart"] == "ssa:char.spectralaxis.coverage.bounds.start"
    assert utypes["ssa_fluxcalib"] == "ssa:char.fluxaxis.calibration"
    assert utypes["accref"] == "ssa:access.reference"
    assert "seeing" in utypes
    result = votlint(body, tmp_path / "ssa.vot")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout


def test_the_embargoed_spectrum_is_found_by_its_owner_only(site):
    assert search(site, TARGETNAME="Altair")[0] == []
    assert search(site, auth=OWNER, TARGETNAME="Altair")[0] == ["Altair"]
    tap = pyvo.dal.TAPService(site.url + "/tap")
    assert [r["ssa_targname"] for r in tap.run_sync(
        "SELECT ssa_targname FROM viewspec.data ORDER BY ssa_targname")] \
        == ["Deneb", "Vega"]


def test_the_builder_delivers_the_sdm_spectrum(site):
    pubdid = query(site, "SELECT ssa_pubdid FROM viewspec.data "
                         "WHERE ssa_targname = 'Deneb'")[0][0]
    response = requests.get(site.url + DLGET, params={"ID": pubdid}, timeout=60)
    assert response.status_code == 200, response.text
    table = parse_single_table(io.BytesIO(response.content))
    data = table.to_table()
    assert np.allclose(data["flux"], 2 * np.linspace(1, 3, SAMPLES), rtol=1e-6)
    assert data["spectral"][0] == pytest.approx(START)
    params = {p.name: p.value for p in table.params}
    assert params["ssa_targname"] == "Deneb"
    cut = requests.get(site.url + DLGET, timeout=60, params={
        "ID": pubdid, "BAND": f"{5010e-10} {5020e-10}"})
    assert cut.status_code == 200, cut.text
    kept = parse_single_table(io.BytesIO(cut.content)).to_table()["spectral"]
    assert len(kept) == 7 and 5010 <= min(kept) and max(kept) <= 5020


def test_ssa_getdata_reads_the_view(site):
    pubdid = query(site, "SELECT ssa_pubdid FROM viewspec.data "
                         "WHERE ssa_targname = 'Vega'")[0][0]
    response = requests.get(site.url + SSA, timeout=60, params={
        "REQUEST": "getData", "PUBDID": pubdid, "FORMAT": "text/csv"})
    assert response.status_code == 200, response.text
    assert len(response.text.strip().splitlines()) == SAMPLES + 1


def test_obscore_has_the_view_rows_as_their_callers_may_see_them(site):
    tap = pyvo.dal.TAPService(site.url + "/tap")
    rows = tap.run_sync("SELECT target_name, dataproduct_type, calib_level, s_region "
                        "FROM ivoa.obscore WHERE obs_collection = 'view test' "
                        "ORDER BY target_name")
    assert [r["target_name"] for r in rows] == ["Deneb", "Vega"]
    assert {r["dataproduct_type"] for r in rows} == {"spectrum"}
    assert {int(r["calib_level"]) for r in rows} == {2}


def test_the_view_follows_a_re_import_of_its_table(site):
    data = site.inputs / "viewspec" / "data"
    extra = data / "v4.fits"
    write_spectrum(extra, ("Sirius", 101.29, -16.72, "2021-07-04T00:00:00", 1.0, ""), 4)
    try:
        result = run_dr("imp", "viewspec/q", config=site.config)
        assert result.returncode == 0, result.stderr
        assert search(site, TARGETNAME="Sirius")[0] == ["Sirius"]
    finally:
        extra.unlink()
        assert run_dr("imp", "viewspec/q", config=site.config).returncode == 0
    assert search(site, TARGETNAME="Sirius")[0] == []
