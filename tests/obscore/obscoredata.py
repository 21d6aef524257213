"""Two small collections publishing into ivoa.obscore, for the ObsCore tests.

``ocimg``: images with product columns, a position index, an indexed footprint
and an extra column (its filter), published through //obscore#publish with the
parameter names DaCHS RDs use (``calibLevel``, ``collectionName``, ``ra``...).
``ocspec``: spectra with SSA-like columns (a spoint position, no RA/Dec columns,
no aperture or instrument), published through //obscore#publishSSAPMIXC with
its defaults.  Positions are deterministic; the images near (150, 2) and the
spectra near (151, 2) are what cone tests look for.
"""

from __future__ import annotations

import math
from pathlib import Path

from tests.ingest.resources import write_resource

# STILTS 3.4.7's taplint wants ObsCore's s_region as a string (its ObsTap stage
# accepts only the VOTable types char and unicodeChar for the ADQL type REGION,
# see ObsTapStage$Type in starlink-ttools), while DR serves it as DALI 1.1 says
# a polygon is: double[*] with xtype polygon, which STIL itself (tpipe, TOPCAT),
# astropy and pyvo read (test_obscore_tap.py reads it with STILTS).  Tests
# running taplint tolerate exactly this line.
TAPLINT_S_REGION_ERROR = ("E-OBS-TYPX-1 Wrong datatype for ObsCore column s_region: "
                          "double != REGION")

NIMAGES = 3000
NSPECTRA = 3000
AUTHORITY = "dr.example.org"

IMAGES_RD = """
  <meta name="title">ObsCore test images</meta>
  <table id="images" onDisk="True" adql="True" mixin="//scs#pgs-pos-index">
    <mixin calibLevel="2" collectionName="'OC images'" productType="'image'"
      title="'Image of ' || object" targetName="object" ra="ra" dec="dec"
      coverage="footprint" fov="0.2" tMin="obs_mjd" tMax="obs_mjd + exptime/86400."
      expTime="exptime" emMin="band_lo" emMax="band_hi" oUCD="'phot.count'"
      facilityName="'Calar Alto'" instrumentName="'WFC'" sXel1="512" sXel2="512"
      extra_columns="filter_name">//obscore#publish</mixin>
    <column name="accref" type="text" ucd="meta.ref.url" description="Product key"/>
    <column name="mime" type="text" description="Media type"/>
    <column name="accsize" type="bigint" unit="byte" description="File size"/>
    <column name="object" type="text" ucd="meta.id;src" description="Target"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="footprint" type="spoly" description="Field covered"/>
    <column name="obs_mjd" type="double precision" unit="d" description="Start, MJD"/>
    <column name="exptime" type="real" unit="s" description="Exposure time"/>
    <column name="band_lo" type="double precision" unit="m" description="Bandpass start"/>
    <column name="band_hi" type="double precision" unit="m" description="Bandpass end"/>
    <column name="filter_name" type="text" ucd="instr.filter" verbLevel="15"
      description="Name of the filter the image was taken through"/>
    <index columns="footprint" method="gist"/>
  </table>
  <data id="import">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="images"><rowmaker idmaps="*"/></make>
  </data>"""

SPECTRA_RD = """
  <meta name="title">ObsCore test spectra</meta>
  <meta name="facility">Calar Alto</meta>
  <table id="spectra" onDisk="True" adql="True">
    <mixin calibLevel="1" productType="'spectrum'">//obscore#publishSSAPMIXC</mixin>
    <column name="accref" type="text" ucd="meta.ref.url" description="Product key"/>
    <column name="mime" type="text" description="Media type"/>
    <column name="accsize" type="bigint" unit="byte" description="File size"/>
    <column name="ssa_location" type="spoint" description="Where the fibre was"/>
    <column name="ssa_dstitle" type="text" description="Title"/>
    <column name="ssa_targname" type="text" description="Target"/>
    <column name="ssa_collection" type="text" description="Collection"/>
    <column name="ssa_pubdid" type="text" description="Publisher DID"/>
    <column name="ssa_dateObs" type="double precision" unit="d" description="MJD"/>
    <column name="ssa_timeExt" type="double precision" unit="s" description="Exposure"/>
    <column name="ssa_specstart" type="double precision" unit="m" description="Start"/>
    <column name="ssa_specend" type="double precision" unit="m" description="End"/>
    <column name="ssa_length" type="integer" description="Number of points"/>
  </table>
  <data id="import">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="spectra"><rowmaker idmaps="*"/></make>
  </data>"""


def image_position(i: int) -> tuple[float, float]:
    """Image i's centre: the first ten near (150, 2), the rest spread over the sky."""
    if i <= 10:
        return 150 + 0.01 * i, 2.0
    return (i * 37.3) % 360, math.degrees(math.asin(((i * 0.618) % 2) - 1)) * 0.98


def spectrum_position(i: int) -> tuple[float, float]:
    if i <= 5:
        return 151 + 0.01 * i, 2.0
    return (i * 53.1 + 7) % 360, math.degrees(math.asin(((i * 0.414) % 2) - 1)) * 0.98


def _square(ra: float, dec: float, half: float = 0.05) -> str:
    corners = [(ra - half, dec - half), (ra + half, dec - half), (ra + half, dec + half),
               (ra - half, dec + half)]
    return '"{' + ",".join(f"({a % 360:.6f}d,{d:.6f}d)" for a, d in corners) + '}"'


def write_images(inputs: Path, n: int = NIMAGES) -> Path:
    lines = ["accref,mime,accsize,object,ra,dec,footprint,obs_mjd,exptime,band_lo,"
             "band_hi,filter_name"]
    for i in range(1, n + 1):
        ra, dec = image_position(i)
        lines.append(f"ocimg/data/img{i:05d}.fits,image/fits,{10240 + i},field {i},"
                     f"{ra:.6f},{dec:.6f},{_square(ra, dec)},{59000 + i},600,4e-7,5e-7,"
                     f"{'gri'[i % 3]}")
    return write_resource(inputs, "ocimg", IMAGES_RD,
                          {"data/images.csv": "\n".join(lines) + "\n"})


def write_spectra(inputs: Path, n: int = NSPECTRA) -> Path:
    lines = ["accref,mime,accsize,ssa_location,ssa_dstitle,ssa_targname,ssa_collection,"
             "ssa_pubdid,ssa_dateObs,ssa_timeExt,ssa_specstart,ssa_specend,ssa_length"]
    for i in range(1, n + 1):
        ra, dec = spectrum_position(i)
        lines.append(f"ocspec/data/spec{i:05d}.fits,application/fits,{2048 + i},"
                     f'"({ra:.6f}d,{dec:.6f}d)",Spectrum {i},star {i},OC spectra,'
                     f"ivo://{AUTHORITY}/ocspec?{i},{59500 + i},1800,3.7e-7,7.5e-7,2000")
    return write_resource(inputs, "ocspec", SPECTRA_RD,
                          {"data/spectra.csv": "\n".join(lines) + "\n"})
