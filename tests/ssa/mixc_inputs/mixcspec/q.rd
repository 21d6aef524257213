<?xml version="1.0" encoding="utf-8"?>
<!-- Spectra of mixed provenance, written as a DaCHS 2.7 RD would be: a
  //ssap#mixc table whose collection, instrument and flux calibration differ
  between spectra (tests/ssa/test_mixc.py writes the FITS files into data/),
  with //ssap#simpleCoverage and //obscore#publishSSAPMIXC; a table whose SSA
  metadata are all columns, units and UCDs too (what //ssap#view makes); and
  a plain table with //ssap#plainlocation and //ssap#simpleCoverage. -->
<resource schema="mixcspec">
  <meta name="title">Spectra of mixed provenance (a test of //ssap#mixc)</meta>
  <meta name="description">Synthetic spectra from several instruments and
    collections, searchable through SSA and ObsCore.</meta>
  <meta name="creator.name">Doe, J.</meta>
  <meta name="creator.name">Roe, R.</meta>
  <meta name="publisher">The DR Test Publisher</meta>
  <meta name="instrument">Default Spectrograph</meta>
  <meta name="source">2024DRT.....1....1D</meta>
  <meta name="facility">Test Observatory</meta>

  <table id="spectra" onDisk="True" adql="True">
    <mixin fluxUnit="erg/(s.cm**2.Angstrom)" spectralUnit="Angstrom"
      >//ssap#mixc</mixin>
    <mixin>//ssap#simpleCoverage</mixin>
    <mixin coverage="ssa_region" calibLevel="1">//obscore#publishSSAPMIXC</mixin>
  </table>

  <!-- For comparing with: the same metadata as //ssap#hcd has them. -->
  <table id="hcdtwin" onDisk="False">
    <mixin fluxCalibration="ABSOLUTE" fluxUnit="erg/(s.cm**2.Angstrom)"
      spectralUnit="Angstrom">//ssap#hcd</mixin>
  </table>

  <table id="allcols" onDisk="True" adql="True">
    <mixin>//products#table</mixin>
    <FEED source="//ssap#hcd_fields"/>
    <FEED source="//ssap#mixc_columns" fluxUnit="" fluxUCD="phot.flux.density"/>
    <column name="ssa_model" type="text" utype="ssa:Dataset.DataModel"
      description="The data model of the spectrum"/>
    <column name="ssa_csysName" type="text" utype="ssa:CoordSys.SpaceFrame.Name"
      description="The reference frame of the position"/>
    <column name="ssa_spectralunit" type="text" ucd="meta.unit"
      utype="ssa:Char.SpectralAxis.Unit" description="The unit of the spectral axis"/>
    <column name="ssa_spectralucd" type="text" ucd="meta.ucd"
      utype="ssa:Char.SpectralAxis.Ucd" description="The UCD of the spectral axis"/>
    <column name="ssa_fluxunit" type="text" ucd="meta.unit"
      utype="ssa:Char.FluxAxis.Unit" description="The unit of the flux"/>
    <column name="ssa_fluxucd" type="text" ucd="meta.ucd"
      utype="ssa:Char.FluxAxis.Ucd" description="The UCD of the flux"/>
    <FEED source="//ssap#ssa_indexes"/>
    <mixin calibLevel="2">//obscore#publishSSAPMIXC</mixin>
  </table>

  <table id="positions" onDisk="True">
    <mixin>//ssap#plainlocation</mixin>
    <mixin>//ssap#simpleCoverage</mixin>
    <column name="label" type="text" description="What the row is"/>
  </table>

  <data id="import">
    <sources pattern="data/mixc/*.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.spectra"</bind>
        <bind key="preview">None</bind>
        <bind key="datalink">"\rdId#sdl"</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="spectra">
      <rowmaker idmaps="*">
        <apply procDef="//ssap#setMeta">
          <bind key="pubDID">\standardPubDID</bind>
          <bind key="dstitle">@OBJECT + " spectrum"</bind>
          <bind key="targname">@OBJECT</bind>
          <bind key="alpha">@RA</bind>
          <bind key="delta">@DEC</bind>
          <bind key="aperture">@APERTURE</bind>
          <bind key="dateObs">@DATE_OBS</bind>
          <bind key="timeExt">@EXPTIME</bind>
          <bind key="specstart">@CRVAL1 * 1e-10</bind>
          <bind key="specend">(@CRVAL1 + (@NAXIS1 - 1) * @CDELT1) * 1e-10</bind>
          <bind key="length">@NAXIS1</bind>
        </apply>
        <apply procDef="//ssap#setMixcMeta">
          <bind key="collection">@COLLECT</bind>
          <bind key="instrument">@INSTRUME</bind>
          <bind key="dataSource">"pointed"</bind>
          <bind key="fluxCalib">@FLUXCAL</bind>
          <bind key="binSize">@CDELT1 * 1e-10</bind>
          <bind key="specres">vars.get("SPECRES")</bind>
        </apply>
      </rowmaker>
    </make>
  </data>

  <data id="importall">
    <sources pattern="data/all/*.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.allcols"</bind>
        <bind key="preview">None</bind>
        <bind key="datalink">"\rdId#alldl"</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="allcols">
      <rowmaker idmaps="*">
        <apply procDef="//ssap#setMeta">
          <bind key="pubDID">\standardPubDID</bind>
          <bind key="dstitle">@OBJECT + " spectrum"</bind>
          <bind key="targname">@OBJECT</bind>
          <bind key="alpha">@RA</bind>
          <bind key="delta">@DEC</bind>
          <bind key="dateObs">@DATE_OBS</bind>
          <bind key="specstart">@CRVAL1 * 1e-10</bind>
          <bind key="specend">(@CRVAL1 + (@NAXIS1 - 1) * @CDELT1) * 1e-10</bind>
          <bind key="length">@NAXIS1</bind>
        </apply>
        <apply procDef="//ssap#setMixcMeta">
          <bind key="collection">@COLLECT</bind>
          <bind key="fluxCalib">@FLUXCAL</bind>
        </apply>
        <map key="ssa_model">"Spectrum-1.0"</map>
        <map key="ssa_csysName">"ICRS"</map>
        <map key="ssa_spectralunit">@SPECUNIT</map>
        <map key="ssa_spectralucd">"em.wl"</map>
        <map key="ssa_fluxunit">@BUNIT</map>
        <map key="ssa_fluxucd">@FLUXUCD</map>
      </rowmaker>
    </make>
  </data>

  <data id="importpositions">
    <sources pattern="data/positions.csv"/>
    <csvGrammar/>
    <make table="positions">
      <rowmaker idmaps="label">
        <apply procDef="//ssap#fill-plainlocation">
          <bind key="ra">@ra or None</bind>
          <bind key="dec">@dec or None</bind>
          <bind key="aperture">@aperture or None</bind>
        </apply>
        <map key="ssa_location">@ssa_location</map>
        <map key="ssa_region">@ssa_region</map>
      </rowmaker>
    </make>
  </data>

  <service id="ssa" allowed="ssap.xml">
    <meta name="title">Spectra of mixed provenance: SSA</meta>
    <meta name="shortName">mixc test SSA</meta>
    <ssapCore queriedTable="spectra">
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>

  <service id="sdl" allowed="dlget,dlmeta">
    <meta name="title">Spectra of mixed provenance: DataLink and SODA</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#sdm_genDesc">
        <bind key="ssaTD">"spectra"</bind>
      </descriptorGenerator>
      <dataFunction procDef="//soda#sdm_genData"/>
      <FEED source="//soda#sdm_plainfluxcalib"/>
      <FEED source="//soda#sdm_cutout"/>
      <FEED source="//soda#sdm_format"/>
    </datalinkCore>
  </service>

  <service id="allssa" allowed="ssap.xml">
    <meta name="title">Spectra with all SSA metadata in columns: SSA</meta>
    <meta name="shortName">all-columns test SSA</meta>
    <ssapCore queriedTable="allcols">
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>

  <service id="alldl" allowed="dlget,dlmeta">
    <meta name="title">Spectra with all SSA metadata in columns: DataLink</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#sdm_genDesc">
        <bind key="ssaTD">"allcols"</bind>
      </descriptorGenerator>
      <dataFunction procDef="//soda#sdm_genData"/>
      <FEED source="//soda#sdm_plainfluxcalib"/>
      <FEED source="//soda#sdm_format"/>
    </datalinkCore>
  </service>
</resource>
