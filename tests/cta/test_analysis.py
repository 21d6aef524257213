"""The CTA-like analysis service (inputs/cta/q.rd, ``analysis``: a pythonCore run as
a UWS job or at once): a counts map of the Crab runs made as a UWS job peaks at
the Crab and holds exactly the events numpy counts from the files; the counts
spectrum of ``api`` is numpy's histogram of the same events; bad requests are
400s naming the parameter."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
import requests
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.io.votable import parse_single_table
from astropy.wcs import WCS

from tests.cta.test_event_lists import CRAB, CRAB_RUNS

ANALYSIS = "/cta/q/analysis"


def events(site, runs, emin: float, emax: float) -> tuple[np.ndarray, ...]:
    """RA, Dec (deg) and energy (TeV) of the runs' events in [emin, emax]."""
    parts = []
    for path in sorted(site.events_dir.glob("*.fits")):
        with fits.open(path) as hdus:
            if hdus[0].header["OBS_ID"] not in runs:
                continue
            data = hdus["EVENTS"].data
            keep = (data["ENERGY"] >= emin) & (data["ENERGY"] <= emax)
            parts.append((data["RA"][keep].astype(float), data["DEC"][keep].astype(float),
                          data["ENERGY"][keep].astype(float)))
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


def run_job(site, params: dict) -> str:
    created = requests.post(site.url + ANALYSIS + "/uws.xml", timeout=60,
                            data={**params, "PHASE": "RUN"}, allow_redirects=False)
    assert created.status_code == 303, created.text
    url = created.headers["location"]
    for _ in range(600):
        phase = requests.get(url + "/phase", timeout=60).text.strip()
        if phase in ("COMPLETED", "ERROR", "ABORTED"):
            assert phase == "COMPLETED", requests.get(url + "/error", timeout=60).text
            return url
        time.sleep(0.1)
    raise AssertionError("the job did not end")


def test_a_counts_map_job_peaks_at_the_crab_and_counts_every_event(site):
    params = {"obs_id": [str(r) for r in sorted(CRAB_RUNS)], "ra": CRAB[0],
              "dec": CRAB[1], "width": "2", "binsz": "0.05", "emin": "0.3",
              "emax": "100"}
    url = run_job(site, params)
    response = requests.get(url + "/results/result", timeout=60)
    assert response.headers["content-type"] == "image/fits"
    with fits.open(io.BytesIO(response.content)) as hdus:
        image, header = hdus[0].data, hdus[0].header
    assert image.shape == (40, 40) and header["NRUNS"] == 3
    peak = np.unravel_index(np.argmax(image), image.shape)
    where = WCS(header).pixel_to_world(peak[1], peak[0])
    assert where.separation(SkyCoord(*CRAB, unit="deg")).deg < 0.08
    # Every event inside the map, and no other, is counted: numpy on the files.
    ra, dec, _ = events(site, CRAB_RUNS, 0.3, 100)
    x, y = WCS(header).world_to_pixel(SkyCoord(ra, dec, unit="deg"))
    inside = (x > -0.5) & (x < 39.5) & (y > -0.5) & (y < 39.5)
    assert abs(int(image.sum()) - int(inside.sum())) <= 2  # pixel edges, rounding


def test_the_api_spectrum_is_numpys_histogram_of_the_events(site):
    params = {"obs_id": ["1001", "1002"], "product": "spectrum", "ra": CRAB[0],
              "dec": CRAB[1], "radius": "0.3", "emin": "0.5", "emax": "50",
              "nbins": "10"}
    response = requests.get(site.url + ANALYSIS + "/api", params=params, timeout=60)
    assert response.status_code == 200, response.text
    table = parse_single_table(io.BytesIO(response.content)).to_table()
    ra, dec, energy = events(site, {1001, 1002}, 0.5, 50)
    near = SkyCoord(ra, dec, unit="deg").separation(
        SkyCoord(*CRAB, unit="deg")).deg <= 0.3
    expected, edges = np.histogram(energy[near], bins=np.geomspace(0.5, 50, 11))
    assert list(table["counts"]) == list(expected)
    np.testing.assert_allclose(table["e_lo"], edges[:-1])
    assert str(table["e_lo"].unit) == "TeV"


@pytest.mark.parametrize("params, words", [
    ({"obs_id": "999", "ra": "83", "dec": "22"}, "no such run here: 999"),
    ({"obs_id": "1001", "ra": "83", "dec": "22", "product": "lightcurve"},
     "product must be one of countsmap, spectrum"),
    ({"obs_id": "1001", "ra": "83", "dec": "95"}, "dec must be at most 90"),
    ({"obs_id": "1001", "ra": "83", "dec": "22", "emin": "10", "emax": "1"},
     "emin must be below emax"),
    ({"ra": "83", "dec": "22"}, "obs_id is required"),
    ({"obs_id": "1001", "ra": "83", "dec": "22", "width": "20", "binsz": "0.001"},
     "at most 2000"),
])
def test_bad_requests_are_400s_naming_the_parameter(site, params, words):
    response = requests.get(site.url + ANALYSIS + "/api", params=params, timeout=60)
    assert response.status_code == 400 and words in response.text, response.text
