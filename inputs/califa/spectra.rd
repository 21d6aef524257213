<?xml version="1.0" encoding="utf-8"?>
<!-- The integrated spectra of the CALIFA-like cubes (califa/cubes), one per
  galaxy, published through Simple Spectral Access 1.1.  The files are the
  ancillary file set "intspec" that `python inputs/califa/generate_cubes.py`
  writes: the V500 cube summed over its field, in vacuum wavelengths. -->
<resource schema="califa_spectra">
  <meta name="title">CALIFA-like integrated spectra (synthetic)</meta>
  <meta name="description">
    The spectrum of each galaxy of the CALIFA-like cube sample integrated over
    the field of its V500 datacube (3745-7500 Angstrom, 4 Angstrom per pixel),
    searchable by position, wavelength, time and galaxy name through Simple
    Spectral Access.  Synthetic data made by a generator with fixed seeds from
    the galaxies' OpenNGC parameters; these are not CALIFA data.
  </meta>
  <meta name="creator">
    <meta name="name">DR demo team</meta>
  </meta>
  <meta name="subject">galaxies</meta>
  <meta name="subject">spectroscopy</meta>
  <meta name="creationDate">2026-12-06T00:00:00Z</meta>
  <meta name="referenceURL">https://califa.caha.es</meta>
  <meta name="rights">Synthetic demonstration data, free of any restriction (CC0).</meta>
  <meta name="coverage.waveband">Optical</meta>
  <meta name="instrument">PMAS/PPAK</meta>
  <meta name="isDerivedFrom">CALIFA-like datacube collection
    <meta name="ivoId">ivo://\getConfig{ivoa}{authority}/califa/cubes/import</meta>
  </meta>

  <table id="spectra" onDisk="True" adql="True"
      description="One integrated spectrum per galaxy, with its SSA metadata.">
    <mixin fluxCalibration="ABSOLUTE" fluxUnit="1e-16erg.s**-1.cm**-2.Angstrom**-1"
      spectralUnit="Angstrom" collection="CALIFA-like integrated spectra"
      instrument="PMAS/PPAK" dataSource="pointed"
      creationType="spectralExtraction">//ssap#hcd</mixin>
    <mixin>//obscore#publishSSAPHCD</mixin>
    <column name="califaid" type="integer" ucd="meta.id.cross" verbLevel="1"
      description="The galaxy (califa.main.califaid)"/>
    <foreignKey source="califaid" inTable="califa/q#main"/>
  </table>

  <coverage><updater sourceTable="spectra"/></coverage>

  <data id="import">
    <sources pattern="data/ancillary/*.intspec.fits"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.spectra"</bind>
        <!-- The files are califa_cubes.ancillary's products too: a key of
          their own here (accrefs are unique on a site), the same file. -->
        <bind key="accref">\inputRelativePath{False}.replace("/ancillary/", "/spectra/")</bind>
        <bind key="preview">None</bind>
        <bind key="datalink">"\rdId#sdl"</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="spectra">
      <rowmaker idmaps="*">
        <apply procDef="//ssap#setMeta">
          <bind key="pubDID">\standardPubDID</bind>
          <bind key="dstitle">@OBJECT + " integrated spectrum (V500)"</bind>
          <bind key="targname">@OBJECT</bind>
          <bind key="targclass">"galaxy"</bind>
          <bind key="redshift">@REDSHIFT</bind>
          <bind key="alpha">@RA</bind>
          <bind key="delta">@DEC</bind>
          <bind key="aperture">@APERTURE / 3600</bind>
          <bind key="dateObs">(toMJD(@DATE_OBS) + toMJD(@DATE_END)) / 2</bind>
          <bind key="timeExt">@EXPTIME</bind>
          <bind key="specstart">@CRVAL1 * 1e-10</bind>
          <bind key="specend">(@CRVAL1 + (@NAXIS1 - 1) * @CDELT1) * 1e-10</bind>
          <bind key="length">@NAXIS1</bind>
          <bind key="bandpass">"optical"</bind>
        </apply>
        <map key="califaid">@CALIFAID</map>
      </rowmaker>
    </make>
  </data>

  <service id="ssa" allowed="ssap.xml,form">
    <meta name="shortName">CALIFA-like spectra</meta>
    <meta name="title">CALIFA-like integrated spectra: Simple Spectral Access</meta>
    <meta name="description">The integrated spectra of the CALIFA-like galaxies by
      position, wavelength, time or galaxy name, for SSA clients (pyvo, TOPCAT,
      SPLAT).</meta>
    <meta name="ssap.dataSource">pointed</meta>
    <meta name="ssap.creationType">spectralExtraction</meta>
    <meta name="ssap.complianceLevel">query</meta>
    <meta name="ssap.testQuery">REQUEST=queryData&amp;POS=232.6525,42.7171&amp;SIZE=0.1</meta>
    <publish render="ssap.xml" sets="ivo_managed"/>
    <ssapCore queriedTable="spectra">
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>

  <!-- The spectra as the Spectral Data Model has them, in the format, band and
    calibration asked for: DataLink (dlmeta) offers this service for each
    spectrum found through SSA, ObsCore or the forms. -->
  <service id="sdl" allowed="dlget,dlmeta">
    <meta name="title">CALIFA-like integrated spectra: DataLink and SODA</meta>
    <meta name="description">Each integrated spectrum as an SDM VOTable, FITS
      binary table or CSV, cut to a wavelength band (SODA BAND, metres) or
      normalised to its maximum.</meta>
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
</resource>
