<?xml version="1.0" encoding="utf-8"?>
<!-- Spectra published the way DaCHS 2.7 recommends (tests/ssa/test_view.py
  writes the FITS files into data/): a table of the publisher's own with the
  products, an indexed position and footprint and the per-spectrum metadata
  under SSA names, and the SSA table as a //ssap#view over it, made after
  each import (recreateAfter), published to ObsCore, with an SDM DataLink
  service whose builder reads the files.  One spectrum is its owner's until
  2099. -->
<resource schema="viewspec">
  <meta name="title">Spectra behind a view (a test of //ssap#view)</meta>
  <meta name="description">Synthetic optical spectra of a few stars, searchable
    through SSA and ObsCore.</meta>
  <meta name="creator.name">Doe, J.</meta>
  <meta name="publisher">The DR Test Publisher</meta>
  <meta name="instrument">Test Echelle</meta>
  <meta name="ssap.dataSource">pointed</meta>
  <meta name="ssap.creationType">archival</meta>

  <table id="raw_data" onDisk="True" adql="hidden"
      embargoColumn="embargo" ownerColumn="owner">
    <mixin>//products#table</mixin>
    <mixin>//ssap#plainlocation</mixin>
    <mixin>//ssap#simpleCoverage</mixin>
    <column name="ssa_dateObs" type="double precision" unit="d"
      ucd="time.epoch" description="Middle of the exposure, MJD"/>
    <column name="ssa_dstitle" type="text" description="What the spectrum is"/>
    <column name="ssa_targname" type="text" ucd="meta.id;src"
      description="The star observed"/>
    <column name="ssa_length" type="integer" description="Samples"/>
    <column name="ssa_specstart" type="double precision" unit="m"
      description="Shortest wavelength"/>
    <column name="ssa_specend" type="double precision" unit="m"
      description="Longest wavelength"/>
    <column name="seeing" type="real" unit="arcsec"
      description="The seeing during the exposure"/>
  </table>

  <data id="import">
    <recreateAfter>make_view</recreateAfter>
    <sources pattern="data/*.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.raw_data"</bind>
        <bind key="preview">None</bind>
        <bind key="datalink">"\rdId#sdl"</bind>
        <bind key="owner">@OWNER or None</bind>
        <bind key="embargo">"2099-12-31" if @OWNER else None</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="raw_data">
      <rowmaker idmaps="*">
        <apply procDef="//ssap#fill-plainlocation">
          <bind key="ra">@RA</bind>
          <bind key="dec">@DEC</bind>
          <bind key="aperture">0.001</bind>
        </apply>
        <map key="ssa_dateObs">dateTimeToMJD(parseISODT(@DATE_OBS))</map>
        <map key="ssa_dstitle">@OBJECT + " spectrum"</map>
        <map key="ssa_targname">@OBJECT</map>
        <map key="ssa_length">@NAXIS1</map>
        <map key="ssa_specstart">@CRVAL1 * 1e-10</map>
        <map key="ssa_specend">(@CRVAL1 + (@NAXIS1 - 1) * @CDELT1) * 1e-10</map>
        <map key="seeing">@SEEING</map>
      </rowmaker>
    </make>
  </data>

  <table id="data" onDisk="True" adql="True">
    <mixin sourcetable="raw_data" copiedcolumns="*" ssa_aperture="0.001"
      ssa_fluxunit="'erg/(s.cm**2.Angstrom)'" ssa_spectralunit="'Angstrom'"
      ssa_spectralucd="'em.wl'" ssa_bandpass="'Optical'"
      ssa_collection="'view test'" ssa_fluxcalib="'ABSOLUTE'"
      ssa_targclass="'star'" ssa_region="ssa_region"
      whereclause="WHERE ssa_length > 0">//ssap#view</mixin>
    <mixin calibLevel="2" coverage="ssa_region"
      >//obscore#publishSSAPMIXC</mixin>
  </table>

  <data id="make_view" auto="False">
    <make table="data"/>
  </data>

  <table id="instance" onDisk="False">
    <mixin ssaTable="data">//ssap#sdm-instance</mixin>
  </table>

  <data id="build_spectrum" auto="False">
    <embeddedGrammar>
      <iterator>
        <code>
          import os
          from gavo import base
          from gavo.utils import pyfits
          path = os.path.join(base.getConfig("inputsDir"),
            self.sourceToken["accref"])
          with pyfits.open(path) as hdus:
            header, flux = hdus[0].header, hdus[0].data
          for index, value in enumerate(flux):
            yield {"spectral": header["CRVAL1"] + index * header["CDELT1"],
              "flux": float(value)}
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
    <meta name="title">Spectra behind a view: DataLink and SODA</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#sdm_genDesc">
        <bind key="ssaTD">"\rdId#data"</bind>
      </descriptorGenerator>
      <dataFunction procDef="//soda#sdm_genData">
        <bind key="builder">"\rdId#build_spectrum"</bind>
      </dataFunction>
      <FEED source="//soda#sdm_cutout"/>
      <FEED source="//soda#sdm_format"/>
    </datalinkCore>
  </service>

  <service id="ssa" allowed="ssap.xml">
    <meta name="title">Spectra behind a view: SSA</meta>
    <meta name="shortName">view test SSA</meta>
    <ssapCore queriedTable="data">
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>
</resource>
