"""A small inputs directory for DataLink tests: ``<inputs>/dlt`` with a catalogue of
objects, FITS cubes of them (one embargoed) published by a datalinkCore service,
and an ancillary file set (a stamp and a spectrum per object).

The cubes have a celestial TAN WCS and a linear wavelength axis in metres,
so every SODA parameter has a range, and their pixel values are their own
flat index (value = z * NY * NX + y * NX + x + 1000 * seed): any cutout shows
where in the cube it came from.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
from astropy.io import fits

SHAPE = (30, 16, 20)  # NAXIS3 (wavelength), NAXIS2 (Dec), NAXIS1 (RA)
CENTRE = (150.0, 2.0)
PIXEL = 0.001  # deg
WAVE0, DWAVE = 5.0e-7, 1.0e-9  # m, at pixel 1 and per pixel

DLT_RD = """
<resource schema="dlt">
  <meta name="title">DataLink test cubes</meta>
  <table id="main" onDisk="True" adql="True" primary="obj_id">
    <column name="obj_id" type="integer" required="True" ucd="meta.id;meta.main"/>
    <column name="name" type="text" ucd="meta.id"/>
  </table>
  <table id="cubes" onDisk="True" adql="True"
      mixin="//products#table,//scs#pgs-pos-index" primary="accref">
    <mixin dataproduct_type="'cube'" calib_level="2" obs_collection="'DLT'"
      s_ra="s_ra" s_dec="s_dec">//obscore#publish</mixin>
    <column name="obj_id" type="integer" ucd="meta.id.cross"
      description="The object of the cube"/>
    <column name="s_ra" type="double precision" unit="deg"
      ucd="pos.eq.ra;meta.main" description="RA of the cube's centre"/>
    <column name="s_dec" type="double precision" unit="deg"
      ucd="pos.eq.dec;meta.main" description="Dec of the cube's centre"/>
    <foreignKey inTable="main" source="obj_id" dest="obj_id"/>
  </table>
  <table id="files" onDisk="True" adql="True" mixin="//products#table"
      primary="accref">
    <column name="obj_id" type="integer" ucd="meta.id.cross"/>
    <column name="fileset" type="text" description="stamp or spectrum"/>
    <foreignKey inTable="main" source="obj_id" dest="obj_id"/>
  </table>
  <data id="import_main">
    <sources pattern="data/objects.csv"/>
    <csvGrammar/>
    <make table="main"/>
  </data>
  <data id="import_cubes">
    <sources pattern="data/cubes/*.fits"/>
    <embeddedGrammar>
      <iterator><code>
        from astropy.io import fits
        header = fits.getheader(self.sourceToken)
        yield {"obj_id": header["OBJID"], "embargo": header.get("EMBARGO"),
               "s_ra": header["CRVAL1"], "s_dec": header["CRVAL2"]}
      </code></iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.cubes"</bind>
        <bind key="embargo">@embargo</bind>
        <bind key="owner">"staff" if @embargo else None</bind>
        <bind key="datalink">"\\rdId#dl"</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="cubes">
      <rowmaker idmaps="obj_id,s_ra,s_dec"/>
    </make>
  </data>
  <data id="import_files">
    <sources pattern="data/files/*/*"/>
    <embeddedGrammar>
      <iterator><code>
        folder, name = self.sourceToken.split("/")[-2:]
        yield {"obj_id": int(folder), "fileset": name.split(".")[0]}
      </code></iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\\schema.files"</bind>
        <bind key="preview">None</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="files">
      <rowmaker idmaps="*"/>
    </make>
  </data>
  <service id="dl" allowed="dlget,dlmeta,dlasync">
    <meta name="title">DataLink test service</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#fits_genDesc">
        <bind key="accrefPrefix">"dlt/data/cubes/"</bind>
      </descriptorGenerator>
      <FEED source="//soda#fits_standardDLFuncs" spectralAxis="3"/>
    </datalinkCore>
  </service>
  <service id="cone" allowed="scs.xml,form">
    <meta name="title">DataLink test cubes by position</meta>
    <scsCore queriedTable="cubes">
      <FEED source="//scs#coreDescs"/>
    </scsCore>
  </service>
  <service id="links" allowed="dlmeta">
    <meta name="title">DataLink without SODA</meta>
    <datalinkCore/>
  </service>
</resource>
"""


def cube(seed: int) -> np.ndarray:
    return (np.arange(np.prod(SHAPE), dtype=">f4").reshape(SHAPE) + 1000 * seed)


def cube_header(**cards) -> fits.Header:
    header = fits.Header()
    for key, value in {
            "CTYPE1": "RA---TAN", "CRVAL1": CENTRE[0], "CRPIX1": (SHAPE[2] + 1) / 2,
            "CDELT1": -PIXEL, "CUNIT1": "deg",
            "CTYPE2": "DEC--TAN", "CRVAL2": CENTRE[1], "CRPIX2": (SHAPE[1] + 1) / 2,
            "CDELT2": PIXEL, "CUNIT2": "deg",
            "CTYPE3": "WAVE", "CRVAL3": WAVE0, "CRPIX3": 1.0, "CDELT3": DWAVE,
            "CUNIT3": "m", "RADESYS": "ICRS", "MJD-OBS": 60000.0, **cards}.items():
        header[key] = value
    return header


def write_cube(path: Path, seed: int, **cards) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fits.PrimaryHDU(cube(seed), cube_header(**cards)).writeto(path, overwrite=True)
    return path


def write_dlt(inputs: Path) -> Path:
    """<inputs>/dlt: objects 1 and 2, cubes one.fits (1), two.fits (2), the
    embargoed secret.fits (1), and stamp/spectrum files of object 1."""
    base = inputs / "dlt"
    data = base / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "objects.csv").write_text("obj_id,name\n1,first\n2,second\n")
    write_cube(data / "cubes" / "one.fits", 1, OBJID=1)
    write_cube(data / "cubes" / "two.fits", 2, OBJID=2)
    write_cube(data / "cubes" / "secret.fits", 3, OBJID=1, EMBARGO="2200-01-01")
    stamp = fits.PrimaryHDU(np.ones((8, 8), dtype=">f4"))
    stamp.header["OBJID"] = 1
    (data / "files" / "1").mkdir(parents=True, exist_ok=True)
    stamp.writeto(data / "files" / "1" / "stamp.fits", overwrite=True)
    fits.PrimaryHDU(np.arange(50, dtype=">f4")).writeto(
        data / "files" / "1" / "spectrum.fits", overwrite=True)
    (base / "q.rd").write_text(textwrap.dedent(DLT_RD).lstrip())
    return base
