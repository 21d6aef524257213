"""A spectra service written for DaCHS: its ``//soda#sdm_genData`` names a builder
data element (an embeddedGrammar reading the file with DaCHS's names,
``base.getConfig``, ``pyfits``, and a table mixing in ``//ssap#sdm-instance``
with a flux error column), which DR runs into memory for each spectrum asked
for (engine/ingest/memory.py); and the errors of a builder that fails."""

from __future__ import annotations

import io
import shutil

import numpy as np
import psycopg2
import pytest
import requests
from astropy.io import fits
from astropy.io.votable import parse_single_table

from tests.servers import INPUTS, ensure_demo_data, start_server, stop_server

RD = """<resource schema="spec">
  <table id="spectra" onDisk="True" adql="True">
    <mixin fluxCalibration="ABSOLUTE" fluxUnit="1e-16erg.s**-1.cm**-2.Angstrom**-1"
      spectralUnit="Angstrom">//ssap#hcd</mixin>
  </table>
  <table id="instance" onDisk="False">
    <mixin ssaTable="spectra" spectralDescription="Wavelength"
      fluxDescription="Flux">//ssap#sdm-instance</mixin>
    <column name="fluxerror" ucd="stat.error;phot.flux.density;em.wl"
      unit="1e-16erg.s**-1.cm**-2.Angstrom**-1" description="Error"/>
  </table>
  <data id="import">
    <sources pattern="data/*.intspec.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.spectra"</bind>
        <bind key="datalink">"\\rdId#sdl"</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="spectra">
      <rowmaker idmaps="*">
        <apply procDef="//ssap#setMeta">
          <bind key="pubDID">\\standardPubDID</bind>
          <bind key="dstitle">@OBJECT</bind>
          <bind key="targname">@OBJECT</bind>
          <bind key="alpha">@RA</bind>
          <bind key="delta">@DEC</bind>
          <bind key="specstart">@CRVAL1 * 1e-10</bind>
          <bind key="specend">(@CRVAL1 + (@NAXIS1 - 1) * @CDELT1) * 1e-10</bind>
          <bind key="length">@NAXIS1</bind>
        </apply>
      </rowmaker>
    </make>
  </data>
  <data id="build_sdm" auto="False">
    <embeddedGrammar>
      <iterator>
        <setup imports="os, numpy"/>
        <code>
          path = os.path.join(base.getConfig("inputsDir"), self.sourceToken["accref"])
          hdu = pyfits.open(path)[0]
          start, step = hdu.header["CRVAL1"], hdu.header["CDELT1"]
          for i, flux in enumerate(hdu.data):
            yield {"spectral": start + i * step, "flux": flux,
              "fluxerror": abs(flux) * 0.1}
        </code>
      </iterator>
    </embeddedGrammar>
    <make table="instance">
      <parmaker>
        <apply procDef="//ssap#feedSSAToSDM"/>
      </parmaker>
    </make>
  </data>
  <service id="sdl" allowed="dlget,dlmeta">
    <datalinkCore>
      <descriptorGenerator procDef="//soda#sdm_genDesc">
        <bind key="ssaTD">"\\rdId#spectra"</bind>
      </descriptorGenerator>
      <dataFunction procDef="//soda#sdm_genData">
        <bind key="builder">"\\rdId#build_sdm"</bind>
      </dataFunction>
      <FEED source="//soda#sdm_cutout"/>
      <FEED source="//soda#sdm_format"/>
    </datalinkCore>
  </service>
</resource>
"""
BROKEN = """
  <data id="broken" auto="False">
    <embeddedGrammar>
      <iterator>
        <code>
          yield {"spectral": 1.0, "flux": 1 / 0}
        </code>
      </iterator>
    </embeddedGrammar>
    <make table="instance"/>
  </data>
  <service id="broken_sdl" allowed="dlget,dlmeta">
    <datalinkCore>
      <descriptorGenerator procDef="//soda#sdm_genDesc">
        <bind key="ssaTD">"spectra"</bind>
      </descriptorGenerator>
      <dataFunction procDef="//soda#sdm_genData">
        <bind key="builder">"broken"</bind>
      </dataFunction>
      <FEED source="//soda#sdm_format"/>
    </datalinkCore>
  </service>
</resource>"""
FILES = ("NGC5947", "IC0180")


@pytest.fixture(scope="module")
def site(pg_cluster, tmp_path_factory):
    ensure_demo_data()
    home = tmp_path_factory.mktemp("sdm_builder")
    resdir = home / "inputs" / "spec"
    (resdir / "data").mkdir(parents=True)
    (resdir / "q.rd").write_text(RD.replace("</resource>", BROKEN))
    for name in FILES:
        shutil.copy(INPUTS / "califa" / "data" / "ancillary" / f"{name}.intspec.fits",
                    resdir / "data")
    server = start_server(pg_cluster.dsn, home, "sdm_builder", inputs=home / "inputs",
                          imports=("spec/q",))
    with psycopg2.connect(server.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT ssa_targname, ssa_pubdid FROM spec.spectra")
        server.pubdids = dict(cur.fetchall())
    server.files = resdir / "data"
    yield server
    stop_server(server, pg_cluster.dsn, "sdm_builder")


def test_the_builder_makes_the_spectrum_with_its_error_column(site):
    response = requests.get(site.url + "/spec/q/sdl/dlget", timeout=60,
                            params={"ID": site.pubdids["NGC 5947"], "BAND": "5e-7 6e-7"})
    assert response.status_code == 200, response.text
    table = parse_single_table(io.BytesIO(response.content))
    assert [f.name for f in table.fields] == ["spectral", "flux", "fluxerror"]
    assert table.fields[0].description == "Wavelength"
    assert str(table.fields[0].unit) == "Angstrom"
    header, data = fits.getheader(site.files / "NGC5947.intspec.fits"), \
        fits.getdata(site.files / "NGC5947.intspec.fits").astype(float)
    wave = header["CRVAL1"] + np.arange(data.size) * header["CDELT1"]
    inside = (wave >= 5000) & (wave <= 6000)
    np.testing.assert_allclose(table.array["spectral"], wave[inside])
    np.testing.assert_allclose(table.array["flux"], data[inside], rtol=1e-6)
    np.testing.assert_allclose(table.array["fluxerror"], np.abs(data[inside]) * 0.1,
                               rtol=1e-6)


def other(site) -> str:
    return next(p for name, p in site.pubdids.items() if name != "NGC 5947")


def test_a_failing_builder_is_an_error_naming_the_rd(site):
    response = requests.get(site.url + "/spec/q/broken_sdl/dlget", timeout=60,
                            params={"ID": other(site)})
    assert response.status_code == 422
    assert response.text.startswith("Error:") and "ZeroDivisionError" in response.text
    assert "Traceback" not in response.text and "q.rd:" in response.text
    assert "the SSA row of spec/data/" in response.text
