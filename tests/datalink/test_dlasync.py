"""dlasync: SODA 1.0 async cutouts as UWS jobs, run to COMPLETED and their result read."""

from __future__ import annotations

import io
import time
import xml.etree.ElementTree as ET

import numpy as np
import requests
from astropy.io import fits

from tests.datalink.dldata import CENTRE, PIXEL, SHAPE, cube, cube_header

AUTH = "dr.example.org"
ONE = f"ivo://{AUTH}/~?dlt/data/cubes/one.fits"
UWS = "{http://www.ivoa.net/xml/UWS/v1.0}"


def run_job(site, **params) -> tuple[str, ET.Element]:
    """Create and start a job; its URL and final job document."""
    response = requests.post(f"{site.url}/dlt/q/dl/dlasync",
                             data={**params, "PHASE": "RUN"}, allow_redirects=False,
                             timeout=30)
    assert response.status_code == 303, response.text
    job_url = response.headers["location"]
    assert job_url.startswith(f"{site.url}/dlt/q/dl/dlasync/")
    deadline = time.monotonic() + 60
    while True:
        doc = ET.fromstring(requests.get(job_url, params={"WAIT": "5"}, timeout=30)
                            .content)
        phase = doc.find(f"{UWS}phase").text
        if phase in ("COMPLETED", "ERROR", "ABORTED") or time.monotonic() > deadline:
            return job_url, doc
        time.sleep(0.2)


def test_an_async_cutout_completes_with_the_slab_as_its_result(site):
    job_url, doc = run_job(site, ID=ONE, CIRCLE=f"{CENTRE[0]} {CENTRE[1]} {3 * PIXEL}")
    assert doc.find(f"{UWS}phase").text == "COMPLETED"
    result, = doc.find(f"{UWS}results")
    assert result.get("id") == "result"
    href = result.get("{http://www.w3.org/1999/xlink}href")
    response = requests.get(href, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fits")
    hdu = fits.open(io.BytesIO(response.content))[0]
    assert hdu.data.shape[0] == SHAPE[0] and hdu.data.shape[1] < SHAPE[1]
    full = cube_header()
    starts = [round(full[f"CRPIX{n}"] - hdu.header[f"CRPIX{n}"]) for n in (3, 2, 1)]
    box = tuple(slice(s, s + n) for s, n in zip(starts, hdu.data.shape, strict=True))
    assert np.array_equal(hdu.data, cube(1)[box])


def test_an_async_job_on_an_embargoed_dataset_fails_as_on_an_unknown_one(site):
    errors = []
    for name in ("secret", "none"):
        job_url, doc = run_job(site, ID=f"ivo://{AUTH}/~?dlt/data/cubes/{name}.fits",
                               CIRCLE="150 2 0.01")
        assert doc.find(f"{UWS}phase").text == "ERROR"
        errors.append(requests.get(job_url + "/error", timeout=30).text)
    assert "UsageError" in errors[0] and "not a dataset published" in errors[0]
    assert errors[0] == errors[1].replace("none.fits", "secret.fits")


def test_an_async_job_without_id_fails_with_a_usage_error(site):
    job_url, doc = run_job(site, CIRCLE="150 2 0.01")
    assert doc.find(f"{UWS}phase").text == "ERROR"
    assert "UsageError" in requests.get(job_url + "/error", timeout=30).text
