"""The demo's CTA-like DL3 event lists (inputs/cta/q.rd, files by
inputs/cta/generate.py) through a real dr serve: ivoa.obscore has the runs as
'event' datasets with their energy range as wavelengths (h c / E), the
downloaded event list reads as GADF does it (EVENTS and GTI tables with their
units and time reference, as gammapy reads them), DataLink links each run to
its IRF file as #calibration, the IRF file opens with its GADF HDU classes,
and the form finds a target's runs."""

from __future__ import annotations

import io
import re
import urllib.parse

import numpy as np
import psycopg2
import pytest
import pyvo
import requests
from astropy import constants
from astropy import units as u
from astropy.io import fits
from astropy.table import Table
from pyvo.dal.adhoc import DatalinkResults

COLLECTION = "CTA-like DL3 (synthetic)"
CRAB = (83.633, 22.0145)
CRAB_RUNS = {1001, 1002, 1003}
GADF_IRFS = {"AEFF_2D", "EDISP_2D", "PSF_TABLE", "BKG_2D"}


def tap(site) -> pyvo.dal.TAPService:
    return pyvo.dal.TAPService(site.url + "/tap")


def wavelength(energy_tev: float) -> float:
    return (constants.h * constants.c / (energy_tev * u.TeV)).to_value(u.m)


def crab_runs(site):
    return tap(site).run_sync(
        "SELECT obs_id, obs_publisher_did, access_url FROM ivoa.obscore "
        f"WHERE obs_collection = '{COLLECTION}' AND target_name = 'Crab Nebula' "
        "ORDER BY obs_id")


def test_obscore_has_the_runs_as_event_lists_with_energies_as_wavelengths(site):
    rows = tap(site).run_sync(
        "SELECT obs_id, dataproduct_type, calib_level, o_ucd, em_ucd, em_min, em_max, "
        "s_ra, s_dec, s_fov, t_min, t_max, t_exptime, access_format, facility_name "
        f"FROM ivoa.obscore WHERE obs_collection = '{COLLECTION}'").to_table()
    assert len(site.headers) == 8
    assert {int(o) for o in rows["obs_id"]} == set(site.headers)
    for row in rows:
        header = site.headers[int(row["obs_id"])]
        assert (row["dataproduct_type"], row["calib_level"], row["o_ucd"],
                row["em_ucd"]) == ("event", 2, "phot.count", "em.energy")
        assert (row["access_format"], row["facility_name"]) == ("application/fits",
                                                                "CTA-like")
        # The highest energy is the shortest wavelength.
        assert row["em_min"] == pytest.approx(wavelength(header["E_MAX"]), rel=1e-9)
        assert row["em_max"] == pytest.approx(wavelength(header["E_MIN"]), rel=1e-9)
        assert row["em_min"] == pytest.approx(1.2398e-20, rel=1e-4)  # 100 TeV
        assert (row["s_ra"], row["s_dec"]) == pytest.approx(
            (header["RA_PNT"], header["DEC_PNT"]))
        assert row["s_fov"] == 6.0
        mjdref = header["MJDREFI"] + header["MJDREFF"]
        assert row["t_min"] == pytest.approx(mjdref + header["TSTART"] / 86400, abs=1e-7)
        assert row["t_max"] == pytest.approx(mjdref + header["TSTOP"] / 86400, abs=1e-7)
        assert row["t_exptime"] == pytest.approx(header["LIVETIME"])
    # The field of view (s_region) holds the target of each run, not the others'.
    inside = tap(site).run_sync(
        f"SELECT obs_id FROM ivoa.obscore WHERE obs_collection = '{COLLECTION}' AND "
        "1 = CONTAINS(POINT('ICRS', {}, {}), s_region)".format(*CRAB)).to_table()
    assert {int(o) for o in inside["obs_id"]} == CRAB_RUNS


def test_the_downloaded_event_list_reads_as_gammapy_reads_gadf(site):
    record = crab_runs(site)[0]
    response = requests.get(record["access_url"], timeout=60)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/fits"
    header = site.headers[int(record["obs_id"])]
    with fits.open(io.BytesIO(response.content)) as hdus:
        events_header = hdus["EVENTS"].header
        events = Table.read(hdus["EVENTS"])
        gti = Table.read(hdus["GTI"])
    assert (events_header["HDUCLASS"], events_header["HDUCLAS1"]) == ("GADF", "EVENTS")
    assert hdus["GTI"].header["HDUCLAS1"] == "GTI"
    assert events.colnames == ["EVENT_ID", "TIME", "RA", "DEC", "ENERGY"]
    assert [events[c].unit for c in ("TIME", "RA", "DEC", "ENERGY")] == [
        u.s, u.deg, u.deg, u.TeV]
    assert (events["EVENT_ID"].dtype.kind, events["EVENT_ID"].dtype.itemsize) == ("i", 8)
    assert (events["TIME"].dtype.kind, events["TIME"].dtype.itemsize) == ("f", 8)
    assert len(events) == header["N_EVENTS"] > 3000
    assert (events_header["MJDREFI"], events_header["MJDREFF"]) == (51544, 0.5)
    assert (events_header["TIMESYS"], events_header["TIMEUNIT"]) == ("TT", "s")
    assert events_header["OBS_ID"] == int(record["obs_id"])
    assert "synthetic" in events_header["ORIGIN"]
    energy = events["ENERGY"].quantity.to_value(u.TeV)
    assert energy.min() >= 0.05 and energy.max() <= 100
    # The good time intervals hold every event and add up to the ontime.
    assert gti["START"].unit == u.s and gti["STOP"].unit == u.s
    assert np.sum(gti["STOP"] - gti["START"]) == pytest.approx(header["ONTIME"])
    assert gti["START"].min() <= events["TIME"].min()
    assert events["TIME"].max() <= gti["STOP"].max()
    # The source: far more events within 0.2 deg of the Crab than background there.
    ra, dec = np.radians(events["RA"]), np.radians(events["DEC"])
    cos_sep = (np.sin(dec) * np.sin(np.radians(CRAB[1])) + np.cos(dec)
               * np.cos(np.radians(CRAB[1])) * np.cos(ra - np.radians(CRAB[0])))
    near = int(np.sum(cos_sep > np.cos(np.radians(0.2))))
    assert near > 20 * len(events) * (0.2 / 3.0) ** 2


def test_datalink_links_each_event_list_to_its_irfs_as_calibration(site):
    results = crab_runs(site)
    for record, links in zip(results, results.iter_datalinks()):
        this = next(links.bysemantics("#this", include_narrower=False))
        assert this["access_url"] == record["access_url"]
        (irf,) = list(links.bysemantics("#calibration", include_narrower=False))
        obs_id = int(record["obs_id"])
        assert irf["access_url"] == (
            f"{site.url}/getproduct/cta/data/irfs/cta_obs{obs_id}_irf.fits")
        assert irf["content_type"] == "application/fits"
        assert "AEFF_2D" in irf["description"]
    response = requests.get(irf["access_url"], timeout=60)
    assert response.status_code == 200
    with fits.open(io.BytesIO(response.content)) as hdus:
        assert hdus[0].header["OBS_ID"] == obs_id
        assert {h.header.get("HDUCLAS4") for h in hdus[1:]} == GADF_IRFS
        assert {h.header["HDUCLASS"] for h in hdus[1:]} == {"GADF"}
        aeff = Table.read(hdus["EFFECTIVE AREA"])
    assert aeff.colnames == ["ENERG_LO", "ENERG_HI", "THETA_LO", "THETA_HI", "EFFAREA"]
    assert aeff["EFFAREA"].unit == u.m ** 2 and aeff["ENERG_LO"].unit == u.TeV
    assert aeff["EFFAREA"][0].shape == (len(aeff["THETA_LO"][0]), len(aeff["ENERG_LO"][0]))


def test_the_sitewide_dlmeta_gives_the_same_links_and_irfs_are_products(site):
    record = crab_runs(site)[0]
    links = DatalinkResults.from_result_url(site.url + "/datalink/dlmeta?" + (
        urllib.parse.urlencode({"ID": record["obs_publisher_did"]})))
    (irf,) = list(links.bysemantics("#calibration", include_narrower=False))
    assert irf["access_url"].endswith(f"/cta_obs{record['obs_id']}_irf.fits")
    own = DatalinkResults.from_result_url(site.url + "/cta/q/dl/dlmeta?" + (
        urllib.parse.urlencode({"ID": record["obs_publisher_did"]})))
    assert [r["access_url"] for r in own.bysemantics(
        "#calibration", include_narrower=False)] == [irf["access_url"]]
    irfs = tap(site).run_sync("SELECT obs_id, accref, irf_name FROM cta.irfs").to_table()
    assert set(irfs["obs_id"]) == set(site.headers)
    # The events' DataLink service serves event lists only.
    accref = next(a for a in irfs["accref"])
    body = requests.get(site.url + "/cta/q/dl/dlmeta", params={"ID": accref},
                        timeout=60).content
    assert b"NotFoundFault" in body


def _products(body: bytes) -> list[str]:
    return [urllib.parse.unquote(h) for h in
            re.findall(r'<a class="dr-product" href="([^"]+)"', body.decode())]


def test_the_form_finds_the_crab_runs_by_target_and_position(site):
    expected = sorted(f"/getproduct/cta/data/events/cta_obs{o}_events.fits"
                      for o in CRAB_RUNS)
    status, _, body = site.get("/cta/q/form/form?" + urllib.parse.urlencode(
        {"target": "Crab Nebula", "_run": "1"}))
    assert status == 200, body[:400]
    assert sorted(_products(body)) == expected
    _, _, body = site.get("/cta/q/form/form?" + urllib.parse.urlencode(
        {"hscs_pos": "{} {}".format(*CRAB), "hscs_sr": "40", "_run": "1"}))
    assert sorted(_products(body)) == expected


def test_a_runs_page_has_its_event_list_and_irf_files(site):
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT obs_id, accref FROM cta.events ORDER BY obs_id LIMIT 1")
        obs_id, events = cur.fetchone()
        cur.execute("SELECT accref FROM cta.irfs WHERE obs_id = %s", (obs_id,))
        irfs = {row[0] for row in cur.fetchall()}
    page = requests.get(f"{site.url}/cta/q/run/qp/{obs_id}", timeout=60).text
    assert "<h1>" in page and events in page
    assert irfs and all(irf in page for irf in irfs)
    listing = requests.get(f"{site.url}/cta/q/run/qp/", timeout=60).text
    assert listing.count('class="object"') == 8
