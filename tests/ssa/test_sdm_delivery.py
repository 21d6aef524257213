"""Spectra delivered as the Spectral Data Model has them, through DataLink and SODA
(inputs/califa/spectra.rd's ``sdl`` service, engine/datalink/spectra.py):
pyvo follows an SSA result to the spectrum's #proc descriptor and asks for
each format, a BAND cut and a relative calibration; astropy and specutils
read what comes back with the right units; errors are SODA's."""

from __future__ import annotations

import io
import shutil

import numpy as np
import psycopg2
import pytest
import pyvo
import requests
from astropy import units as u
from astropy.io import fits
from astropy.io.votable import parse_single_table
from astropy.table import Table

from tests.support import votlint

SSA = "/califa/spectra/ssa/ssap.xml"
DLGET = "/califa/spectra/sdl/dlget"
DLMETA = "/califa/spectra/sdl/dlmeta"
NGC5947 = (232.6525, 42.71713889)
FLUX_UNIT = u.Unit("1e-16 erg s-1 cm-2 Angstrom-1")


@pytest.fixture(scope="module")
def found(site):
    """NGC 5947's SSA record and its links, as pyvo follows them."""
    result = pyvo.dal.SSAService(site.url + SSA).search(pos=NGC5947, diameter=0.1)
    assert len(result) == 1
    links = next(result.iter_datalinks())
    return result[0], links


@pytest.fixture(scope="module")
def original(found):
    """The spectrum's file as served at /getproduct: wavelengths (Angstrom), flux."""
    record, _ = found
    with fits.open(io.BytesIO(requests.get(record.getdataurl(), timeout=60).content)) as h:
        header, flux = h[0].header, h[0].data.astype(float)
    wave = header["CRVAL1"] + (np.arange(flux.size) + 1 - header["CRPIX1"]) * header["CDELT1"]
    return wave, flux


def pubdid(site) -> str:
    with psycopg2.connect(site.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT ssa_pubdid FROM califa_spectra.spectra "
                    "WHERE ssa_targname = 'NGC 5947'")
        return cur.fetchone()[0]


def test_the_links_offer_the_file_and_a_processing_descriptor(found):
    record, links = found
    this = next(links.bysemantics("#this", include_narrower=False))
    assert this.access_url == record.getdataurl()
    proc = links.get_first_proc()
    assert proc.semantics == "#proc"
    descriptor = proc._get_soda_resource()
    params = {p.name: p for group in descriptor.groups if group.name == "inputParams"
              for p in group.entries}
    assert set(params) == {"ID", "BAND", "FLUXCALIB", "FORMAT"}
    assert params["BAND"].unit == "m" and params["BAND"].xtype == "interval"
    assert float(params["BAND"].values.min) == pytest.approx(3745e-10, rel=1e-6)
    assert float(params["BAND"].values.max) == pytest.approx(7501e-10, rel=1e-6)
    assert set(params["FLUXCALIB"].values.options[i][1]
               for i in range(2)) == {"ABSOLUTE", "RELATIVE"}
    formats = {option[1] for option in params["FORMAT"].values.options}
    assert {"application/x-votable+xml", "application/fits", "text/csv"} <= formats


def test_the_default_is_an_sdm_votable_with_units_and_metadata(found, original):
    _, links = found
    body = links.get_first_proc().processed().read()
    table = parse_single_table(io.BytesIO(body))
    assert table.utype == "spec:Spectrum"
    spectral, flux = table.array["spectral"], table.array["flux"]
    assert table.fields[0].unit == u.AA and table.fields[0].ucd == "em.wl"
    assert table.fields[0].utype == "spec:Spectrum.Data.SpectralAxis.Value"
    assert u.Unit(table.fields[1].unit) == FLUX_UNIT
    assert table.fields[1].utype == "spec:Spectrum.Data.FluxAxis.Value"
    np.testing.assert_allclose(spectral, original[0])
    np.testing.assert_allclose(flux, original[1], rtol=1e-6)
    params = {p.utype: p.value for p in table.params if p.utype}
    assert params["spec:Spectrum.Target.Name"] == "NGC 5947"
    assert params["spec:Spectrum.DataModel"] == "Spectrum-1.0"
    assert params["spec:Spectrum.Char.FluxAxis.Calibration"] == "ABSOLUTE"
    assert params["spec:Spectrum.Length"] == 940


def test_a_band_cut_keeps_exactly_the_samples_inside(found, original):
    _, links = found
    body = links.get_first_proc().processed(band=[5000, 5500] * u.AA).read()
    table = parse_single_table(io.BytesIO(body))
    inside = (original[0] >= 5000) & (original[0] <= 5500)
    np.testing.assert_allclose(table.array["spectral"], original[0][inside])
    params = {p.name: p.value for p in table.params}
    # The coverage follows the samples kept (4 Angstrom apart from 3745).
    assert params["ssa_specstart"] == pytest.approx(original[0][inside].min() * 1e-10)
    assert params["ssa_specend"] == pytest.approx(original[0][inside].max() * 1e-10)
    assert params["ssa_length"] == inside.sum()


def test_specutils_reads_the_fits_table(found, original, tmp_path):
    specutils = pytest.importorskip("specutils")
    _, links = found
    body = links.get_first_proc().processed(
        band=[6000, 7000] * u.AA, FORMAT="application/fits").read()
    path = tmp_path / "spectrum.fits"
    path.write_bytes(body)
    spectrum = specutils.Spectrum.read(path, format="tabular-fits")
    assert spectrum.spectral_axis.unit == u.AA
    assert spectrum.flux.unit == FLUX_UNIT
    inside = (original[0] >= 6000) & (original[0] <= 7000)
    np.testing.assert_allclose(spectrum.flux.value, original[1][inside], rtol=1e-6)
    header = fits.getheader(path, 1)
    assert header["VOCLASS"] == "Spectrum-1.0" and header["OBJECT"] == "NGC 5947"
    assert header["TUTYP1"] == "spec:Spectrum.Data.SpectralAxis.Value"


def test_csv_and_relative_calibration(site, original):
    response = requests.get(site.url + DLGET, timeout=60, params={
        "ID": pubdid(site), "FORMAT": "text/csv", "FLUXCALIB": "RELATIVE"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = Table.read(response.text, format="ascii.csv")
    assert table.colnames == ["spectral", "flux"]
    np.testing.assert_allclose(table["flux"], original[1] / np.abs(original[1]).max(),
                               rtol=1e-6)


def test_a_band_outside_the_spectrum_has_no_content(site):
    response = requests.get(site.url + DLGET, timeout=60,
                            params={"ID": pubdid(site), "BAND": "1e-6 2e-6"})
    assert response.status_code == 204


@pytest.mark.parametrize("params, status, words", [
    ({"FORMAT": "image/png"}, 400, "FORMAT"),
    ({"BAND": "7e-7 5e-7"}, 400, "BAND"),
    ({"CIRCLE": "232 42 1"}, 400, "CIRCLE is not offered"),
    ({"FLUXCALIB": "ABSOLUTE", "BAND": "5e-7 6e-7", "FORMAT": "text/csv"}, 200, ""),
    ({"FLUXCALIB": "NORMALIZED"}, 400, "RELATIVE"),
])
def test_bad_parameters_get_soda_errors(site, params, status, words):
    response = requests.get(site.url + DLGET, timeout=60,
                            params={"ID": pubdid(site), **params})
    assert response.status_code == status, response.text
    if status != 200:
        assert response.text.startswith("UsageError") and words in response.text


def test_unknown_spectra_and_other_tables_products_are_not_found(site):
    for ident in ("ivo://nowhere/~?califa/data/spectra/none.fits",
                  "califa/data/cubes/NGC5947.V500.rscube.fits.gz"):
        response = requests.get(site.url + DLGET, timeout=60, params={"ID": ident})
        assert response.status_code == 404
        links = requests.get(site.url + DLMETA, timeout=60, params={"ID": ident})
        assert b"NotFoundFault" in links.content


@pytest.mark.skipif(shutil.which("stilts") is None, reason="needs STILTS (Debian stilts)")
def test_votlint_accepts_the_sdm_votable(site, tmp_path):
    body = requests.get(site.url + DLGET, timeout=60, params={
        "ID": pubdid(site), "FORMAT": "application/x-votable+xml;serialization=tabledata"}
    ).content
    result = votlint(body, tmp_path / "sdm.vot")
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout
