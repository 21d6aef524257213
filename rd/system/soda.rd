<?xml version="1.0" encoding="utf-8"?>
<!-- DR's system RD for DataLink and SODA services: //soda#...

     A service with a datalinkCore and the renderers dlmeta, dlget and dlasync
     publishes datasets (rows of dc.products) by their publisher DIDs.  Its
     core names the procedures below, with DaCHS's names, parameters and
     streams, so RDs written for DaCHS load unchanged; what each does is done
     by DR's own Python in engine/datalink (the descriptor, the links document,
     the SODA parameters of the #cutout service descriptor) and engine/soda
     (the cutout).  The bodies here are therefore empty: the names, the
     parameters and their bindings are what DR reads.  A metaMaker of the
     RD's own code is run (rd/datalinkcode.py); a datalinkCore whose
     descriptorGenerator, dataFunction or dataFormatter is code of its own
     makes its services unavailable. -->
<resource schema="dc">
  <meta name="description">DataLink and SODA: links of datasets and cutouts.</meta>

  <procDef type="descriptorGenerator" id="fromStandardPubDID">
    <doc>Finds the dataset of a standard publisher DID (ivo://authority/~?accref)
      in dc.products.  An ID that is not a URI is taken as an accref.</doc>
    <setup>
      <par key="accrefPrefix" description="only accrefs starting with this are
        served by the service; others are not found">None</par>
    </setup>
  </procDef>

  <procDef type="descriptorGenerator" id="fits_genDesc">
    <doc>As fromStandardPubDID, for FITS images and cubes: the dataset's WCS
      gives the ranges of the cutout parameters.</doc>
    <setup>
      <par key="accrefPrefix" description="only accrefs starting with this are
        served by the service; others are not found">None</par>
      <par key="descClass" description="ignored by DR">None</par>
      <par key="qnd" description="ignored by DR (it reads headers with astropy)"
        >True</par>
    </setup>
  </procDef>

  <procDef type="metaMaker" id="fits_makeWCSParams">
    <doc>The spatial cutout parameters POS, CIRCLE and POLYGON (and TIME and POL
      where the dataset has such axes), with the dataset's footprint as their
      limits.</doc>
    <setup>
      <par key="axisMetaOverrides" description="ignored by DR">{}</par>
      <par key="stcs" description="ignored by DR">None</par>
    </setup>
  </procDef>

  <procDef type="metaMaker" id="fits_makeBANDMeta">
    <doc>The spectral cutout parameter BAND (metres in vacuum), with the
      dataset's spectral coverage as its limits; fitsAxis 0 means none.</doc>
    <setup>
      <par key="fitsAxis" description="FITS axis (1-based) of the spectral
        dimension">3</par>
      <par key="wavelengthOverride" description="ignored by DR (it converts the
        axis with astropy's WCS)">None</par>
    </setup>
  </procDef>

  <procDef type="metaMaker" id="fits_makePixelMeta">
    <doc>The cutout parameters PIXEL_1 ... PIXEL_n, pixel ranges along each
      axis (DR's name for what fits_genPixelPar adds).</doc>
  </procDef>

  <procDef type="metaMaker" id="fits_makePOSMeta">
    <doc>POS with the dataset's footprint (DR: as fits_makeWCSParams).</doc>
  </procDef>

  <procDef type="metaMaker" id="fits_makeCIRCLEMeta">
    <doc>CIRCLE with the dataset's footprint (DR: as fits_makeWCSParams).</doc>
  </procDef>

  <procDef type="metaMaker" id="fits_makePOLYGONMeta">
    <doc>POLYGON with the dataset's footprint (DR: as fits_makeWCSParams).</doc>
  </procDef>

  <procDef type="dataFunction" id="fits_makeCIRCLESlice">
    <doc>The CIRCLE part of the cutout (engine/soda).</doc>
  </procDef>

  <procDef type="dataFunction" id="fits_makePOLYGONSlice">
    <doc>The POLYGON part of the cutout (engine/soda).</doc>
  </procDef>

  <procDef type="dataFunction" id="fits_makeSODAPOS">
    <doc>The POS part of the cutout (engine/soda).</doc>
  </procDef>

  <procDef type="dataFunction" id="fits_makeHDUList">
    <doc>Opens the dataset's FITS file for the cutout functions.</doc>
    <setup>
      <par key="crop" description="ignored by DR: the cutout keeps the HDU cut
        out">True</par>
    </setup>
  </procDef>

  <procDef type="dataFunction" id="fits_makeBANDSlice">
    <doc>The part of the BAND cutout along the spectral axis.</doc>
  </procDef>

  <procDef type="dataFunction" id="fits_doWCSCutout">
    <doc>Cuts the requested part out of the file (engine/soda); without cutout
      parameters, the whole file is returned.</doc>
  </procDef>

  <procDef type="dataFunction" id="fits_doPixelCutout">
    <doc>The PIXEL_n part of the cutout (DR's name for what fits_genPixelPar
      adds).</doc>
  </procDef>

  <procDef type="dataFunction" id="generateProduct">
    <doc>The dataset's file as it is.</doc>
    <setup>
      <par key="requireMimes" description="media types the service accepts"
        >frozenset()</par>
    </setup>
  </procDef>

  <procDef type="dataFormatter" id="fits_formatHDUs">
    <doc>Writes the cutout as a FITS file.</doc>
  </procDef>

  <procDef type="dataFormatter" id="trivialFormatter">
    <doc>Returns the data as the data functions left it.</doc>
  </procDef>

  <!-- BAND for a FITS cube: its parameter and its slice. -->
  <STREAM id="fits_standardBANDCutout">
    <DEFAULTS spectralAxis="0" wavelengthOverride="None"/>
    <metaMaker procDef="//soda#fits_makeBANDMeta">
      <bind key="fitsAxis">\spectralAxis</bind>
      <bind key="wavelengthOverride">\wavelengthOverride</bind>
    </metaMaker>
    <dataFunction procDef="//soda#fits_makeBANDSlice"/>
  </STREAM>

  <!-- PIXEL_n cutouts along each axis of a FITS image or cube. -->
  <STREAM id="fits_genPixelPar">
    <metaMaker procDef="//soda#fits_makePixelMeta"/>
    <dataFunction procDef="//soda#fits_doPixelCutout"/>
  </STREAM>

  <!-- KIND=HEADER (DaCHS): not offered by DR, so this adds nothing. -->
  <STREAM id="fits_genKindPar">
  </STREAM>

  <!-- Every standard SODA function for FITS images and cubes: POS, CIRCLE, POLYGON (TIME, POL), BAND when spectralAxis names the spectral axis, and PIXEL_n. Needs a descriptorGenerator, usually //soda#fits_genDesc. -->
  <STREAM id="fits_standardDLFuncs">
    <DEFAULTS spectralAxis="0" stcs="" wavelengthOverride="None"/>
    <metaMaker procDef="//soda#fits_makeWCSParams"/>
    <dataFunction procDef="//soda#fits_makeHDUList"/>
    <FEED source="//soda#fits_standardBANDCutout" spectralAxis="\spectralAxis"
      wavelengthOverride="\wavelengthOverride"/>
    <FEED source="//soda#fits_genPixelPar"/>
    <dataFunction procDef="//soda#fits_doWCSCutout"/>
    <dataFormatter procDef="//soda#fits_formatHDUs"/>
  </STREAM>

  <!-- ********* Spectra: SDM instances made from an SSA table's rows ********* -->

  <procDef type="descriptorGenerator" id="sdm_genDesc">
    <doc>Finds the spectrum of a publisher DID in an SSA table (//ssap#hcd):
      the descriptor carries its SSA row, whose metadata the SDM spectrum
      gets.  Only that table's spectra are served, so no accrefPrefix is
      needed.</doc>
    <setup>
      <par key="ssaTD" description="the SSA table the spectra are in (its id,
        or rd-id#table-id for another RD's), a Python string"/>
      <par key="descriptorClass" late="True" description="ignored by DR"
        >None</par>
      <par key="useAccref" description="find the spectrum by the accref in the
        publisher DID (True) or by ssa_pubDID (False)">True</par>
    </setup>
  </procDef>

  <procDef type="dataFunction" id="sdm_genData">
    <doc>Makes the spectrum as an SDM instance.  With a builder, DR runs that
      data element with the spectrum's SSA row as its source; without one
      (DR's addition), DR reads the product file itself: a 1-D FITS image with
      a spectral WCS or a FITS binary table with spectral and flux
      columns.</doc>
    <setup>
      <par key="builder" description="the data element building the instance
        table (mixing in //ssap#sdm-instance), as rd-id#data-id or data-id; None
        to read the product file">None</par>
    </setup>
  </procDef>

  <procDef type="metaMaker" id="sdm_makeBANDMeta">
    <doc>BAND: the spectral interval to keep, vacuum wavelength in metres,
      with the spectrum's coverage as its limits.</doc>
  </procDef>

  <procDef type="dataFunction" id="sdm_doBANDCutout">
    <doc>Keeps the samples inside BAND.</doc>
  </procDef>

  <procDef type="metaMaker" id="sdm_makeFLUXCALIBMeta">
    <doc>FLUXCALIB: the spectrum's own calibration, or RELATIVE (normalised to
      a maximum of 1).</doc>
  </procDef>

  <procDef type="dataFunction" id="sdm_doFluxCalib">
    <doc>Normalises the flux for FLUXCALIB=RELATIVE.</doc>
  </procDef>

  <procDef type="metaMaker" id="sdm_makeFORMATMeta">
    <doc>FORMAT: VOTable (binary or tabledata), FITS binary table, CSV or
      tab-separated text.</doc>
  </procDef>

  <procDef type="dataFormatter" id="sdm_formatData">
    <doc>Writes the spectrum in the FORMAT asked for (SDM 1 VOTable by
      default).</doc>
  </procDef>

  <!-- FLUXCALIB=RELATIVE for SDM spectra (needs //soda#sdm_genData). -->
  <STREAM id="sdm_plainfluxcalib">
    <metaMaker procDef="//soda#sdm_makeFLUXCALIBMeta"/>
    <dataFunction procDef="//soda#sdm_doFluxCalib"/>
  </STREAM>

  <!-- BAND (metres, whatever the spectral axis) for SDM spectra. -->
  <STREAM id="sdm_cutout">
    <metaMaker procDef="//soda#sdm_makeBANDMeta"/>
    <dataFunction procDef="//soda#sdm_doBANDCutout"/>
  </STREAM>

  <!-- FORMAT and the formatter for SDM spectra. -->
  <STREAM id="sdm_format">
    <metaMaker procDef="//soda#sdm_makeFORMATMeta"/>
    <dataFormatter procDef="//soda#sdm_formatData"/>
  </STREAM>
</resource>
