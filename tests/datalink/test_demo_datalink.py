"""The demo's datalink services: a CALIFA-like cube's links (its galaxy's stamp and
spectrum as #auxiliary; the spectrum as the V500 cube's #derivation and the cube
of the other set-up as #counterpart, from the RD's metaMakers) and a BAND cutout
of a JCMT-like frequency cube."""

from __future__ import annotations

import io
import urllib.parse
import urllib.request

import astropy.units as u
import numpy as np
import pytest
from astropy.io import fits
from pyvo.dal.adhoc import DatalinkResults

from tests.servers import INPUTS

AUTH = "dr.example.org"
CUBE = "califa/data/cubes/NGC5947.V500.rscube.fits.gz"


@pytest.fixture(scope="module")
def demo(demo_server):
    """The demo's site (tests/conftest.py), califa/cubes and jcmt among its RDs."""
    return demo_server


def links(server, rd_service: str, accref: str) -> DatalinkResults:
    ident = urllib.parse.quote(f"ivo://{AUTH}/~?{accref}")
    return DatalinkResults.from_result_url(f"{server.url}/{rd_service}/dlmeta?ID={ident}")


def test_a_califa_cube_links_its_file_preview_galaxy_files_and_cutouts(demo):
    results = links(demo, "califa/cubes/dl", CUBE)
    kinds = {}
    for row in results:
        kinds.setdefault(row.semantics, []).append(row)
    this, = kinds["#this"]
    assert this.access_url.endswith("/getproduct/" + CUBE)
    assert this.content_type == "application/gzip"  # what /getproduct serves it as
    assert this.content_length == (INPUTS / CUBE).stat().st_size
    assert len(kinds["#preview"]) == 1
    aux = sorted(row.access_url.rsplit("/", 1)[1] for row in kinds["#auxiliary"])
    assert aux == ["NGC5947.intspec.fits", "NGC5947.sdss_r.fits.gz"]
    cutout, = kinds["#cutout"]
    service = results.get_adhocservice_by_id(cutout.service_def)
    group, = [g for g in service.groups if g.name == "inputParams"]
    band = {p.name: p for p in group.entries}["BAND"]
    low, high = np.ravel(band.values.min)[0], np.ravel(band.values.max)[0]
    assert 3.7e-7 < low < 3.8e-7 and 7.4e-7 < high < 7.6e-7  # V500: 3745-7500 A


def test_the_cubes_metamakers_link_the_derived_spectrum_and_the_other_setup(demo):
    v1200 = CUBE.replace(".V500.", ".V1200.")
    spectrum = "califa/data/ancillary/NGC5947.intspec.fits"
    results = links(demo, "califa/cubes/dl", CUBE)
    derived, = results.bysemantics("#derivation", include_narrower=False)
    assert derived.access_url == f"{demo.url}/getproduct/{spectrum}"
    assert derived.content_length == (INPUTS / spectrum).stat().st_size
    other, = results.bysemantics("#counterpart", include_narrower=False)
    assert other.access_url == f"{demo.url}/getproduct/{v1200}"
    assert other.content_type == "application/gzip"
    # the spectrum is made from the V500 cube only
    results = links(demo, "califa/cubes/dl", v1200)
    assert not list(results.bysemantics("#derivation", include_narrower=False))
    other, = results.bysemantics("#counterpart", include_narrower=False)
    assert other.access_url == f"{demo.url}/getproduct/{CUBE}"
    with urllib.request.urlopen(derived.access_url, timeout=60) as response:
        header = fits.getheader(io.BytesIO(response.read()))
    assert (header["OBJECT"], header["FILESET"]) == ("NGC 5947", "intspec")


def test_a_band_cutout_of_a_jcmt_frequency_cube_is_its_slab(demo):
    path = sorted((INPUTS / "jcmt" / "data").glob("*/*_reduced.fits"))[0]
    accref = str(path.relative_to(INPUTS))
    results = links(demo, "jcmt/q/dl", accref)
    cutout, = results.bysemantics("#cutout", include_narrower=False)
    service = results.get_adhocservice_by_id(cutout.service_def)
    group, = [g for g in service.groups if g.name == "inputParams"]
    band = {p.name: p for p in group.entries}["BAND"]
    low, high = np.ravel(band.values.min)[0], np.ravel(band.values.max)[0]
    third = (high - low) / 3
    stream = cutout.processed(band=[low + third, high - third] * u.m)
    cut = fits.open(io.BytesIO(stream.read()))[0]
    with fits.open(path) as original:
        data, header = original[0].data, original[0].header
        assert cut.data.shape[-2:] == data.shape[-2:]
        assert 0 < cut.data.shape[-3] < data.shape[-3]
        start = round(header["CRPIX3"] - cut.header["CRPIX3"])  # frequency: axis 3
        slab = data[..., start:start + cut.data.shape[-3], :, :]
        assert np.isfinite(slab).any()
        assert np.array_equal(cut.data, slab, equal_nan=True)
