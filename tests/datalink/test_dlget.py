"""dlget: SODA 1.0 sync cutouts, called through pyvo's DataLink and SODA support and
compared pixel for pixel with the cube they came from."""

from __future__ import annotations

import io
import urllib.parse

import astropy.units as u
import numpy as np
import pytest
import requests
from astropy.io import fits
from pyvo.dal.adhoc import DatalinkResults, SodaQuery

from engine.soda.cutout import cut_file
from engine.soda.params import parse_request
from tests.datalink.dldata import CENTRE, DWAVE, PIXEL, SHAPE, WAVE0, cube, cube_header

AUTH = "dr.example.org"
ONE = f"ivo://{AUTH}/~?dlt/data/cubes/one.fits"


def cutout_row(site, ident: str = ONE):
    results = DatalinkResults.from_result_url(
        f"{site.url}/dlt/q/dl/dlmeta?ID={urllib.parse.quote(ident)}")
    row, = results.bysemantics("#cutout", include_narrower=False)
    return row


def slab_of(hdu: fits.PrimaryHDU, original: np.ndarray) -> np.ndarray:
    """The part of ``original`` the cutout says it is (from its moved CRPIXn)."""
    full = cube_header()
    starts = [round(full[f"CRPIX{n}"] - hdu.header[f"CRPIX{n}"]) for n in (3, 2, 1)]
    box = tuple(slice(s, s + n) for s, n in zip(starts, hdu.data.shape, strict=True))
    return original[box]


def test_a_circle_cutout_through_pyvo_is_the_slab_of_the_cube(site):
    row = cutout_row(site)
    radius = 3 * PIXEL
    stream = row.processed(circle=[CENTRE[0], CENTRE[1], radius] * u.deg)
    hdu = fits.open(io.BytesIO(stream.read()))[0]
    nz, ny, nx = hdu.data.shape
    assert nz == SHAPE[0] and ny < SHAPE[1] and nx < SHAPE[2]
    assert 6 <= ny <= 8 and 6 <= nx <= 8
    assert np.array_equal(hdu.data, slab_of(hdu, cube(1)))
    # The cutout's WCS puts the circle's centre inside it.
    x, y = (hdu.header["CRPIX1"], hdu.header["CRPIX2"])
    assert 1 <= x <= nx and 1 <= y <= ny


def test_band_and_pixels_cut_the_spectral_axis(site):
    low, high = WAVE0 + 4.5 * DWAVE, WAVE0 + 9.5 * DWAVE  # pixels 5..10 (0-based)
    query = SodaQuery.from_resource(cutout_row(site), cutout_row(site)._results
                                    .get_adhocservice_by_ivoid(
                                        "ivo://ivoa.net/std/SODA#sync-1.0"),
                                    band=[low, high] * u.m)
    query["PIXEL_1"] = "3 12"
    hdu = fits.open(io.BytesIO(query.execute_stream().read()))[0]
    assert hdu.data.shape[0] < SHAPE[0] and hdu.data.shape[2] == 10
    assert np.array_equal(hdu.data, slab_of(hdu, cube(1)))
    assert hdu.header["CRVAL3"] == pytest.approx(WAVE0)


def test_without_filtering_parameters_dlget_gives_the_whole_file(site):
    response = requests.get(f"{site.url}/dlt/q/dl/dlget", params={"ID": ONE},
                            timeout=30)
    assert response.status_code == 200
    assert response.content == (site.inputs / "dlt/data/cubes/one.fits").read_bytes()


def test_a_cutout_streams_what_head_announces_and_the_engine_writes(site):
    params = {"ID": ONE, "PIXEL_1": "2 9", "PIXEL_3": "4 11"}
    url = f"{site.url}/dlt/q/dl/dlget"
    head = requests.head(url, params=params, timeout=30)
    response = requests.get(url, params=params, timeout=30)
    assert head.status_code == response.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(response.content)
    expected = io.BytesIO()
    cut_file(site.inputs / "dlt/data/cubes/one.fits",
             parse_request({k: [v] for k, v in params.items()}), expected)
    assert response.content == expected.getvalue()


def test_a_cutout_missing_the_data_is_204_no_content(site):
    response = requests.get(f"{site.url}/dlt/q/dl/dlget",
                            params={"ID": ONE, "CIRCLE": "10 10 0.1"}, timeout=30)
    assert response.status_code == 204 and response.content == b""


@pytest.mark.parametrize("params, status, start", [
    ({"ID": ONE, "CIRCLE": "10 10"}, 400, "UsageError"),
    ({"ID": ONE, "BAND": "a b"}, 400, "UsageError"),
    ({}, 400, "UsageError"),
    ({"ID": [ONE, ONE]}, 400, "MultiValuedParamNotSupported"),
    ({"ID": f"ivo://{AUTH}/~?dlt/data/cubes/none.fits", "CIRCLE": "150 2 0.01"}, 404,
     "Error"),
    # Anonymous: credentials could help (bob and alice: test_datalink_access.py).
    ({"ID": f"ivo://{AUTH}/~?dlt/data/cubes/secret.fits", "CIRCLE": "150 2 0.01"}, 401,
     "AuthenticationError"),
    ({"ID": f"ivo://{AUTH}/~?dlt/data/cubes/secret.fits"}, 401, "AuthenticationError"),
])
def test_errors_are_text_beginning_with_sodas_words(site, params, status, start):
    response = requests.get(f"{site.url}/dlt/q/dl/dlget", params=params, timeout=30)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith(start), response.text
    ident = params.get("ID", "")
    if isinstance(ident, str):  # a restricted file's name is in its ID only
        assert "secret.fits" not in response.text.replace(ident, "")
