<?xml version="1.0" encoding="utf-8"?>
<!-- DR's system RD for Simple Spectral Access 1.1: //ssap#...

     So far the classic way of publishing spectra: a table mixing in
     //ssap#hcd ("homogeneous data collection") is a product table (the
     columns of //products#table come with it) with one row per spectrum: the
     per-spectrum SSA columns ssa_dstitle ... ssa_length, and the SSA
     metadata that is the same for every spectrum of the collection as params
     of the table, filled from the mixin's parameters.  Its rowmaker computes
     the columns with //ssap#setMeta, which, as in DaCHS, leaves them in vars:
     map them with idmaps="*" (or "ssa_*").  The grammar needs the
     //products#define rowfilter.  Services query it with an ssapCore FEEDing
     //ssap#hcd_condDescs (SSA 1.1's POS, SIZE, BAND, TIME, FORMAT,
     TARGETNAME, COLLECTION: engine/services/ssa.py), answered by the ssap.xml
     renderer.  //ssap#mixc is hcd with the metadata that may vary between
     spectra (collection, instrument, calibration...) as columns, filled by
     //ssap#setMixcMeta besides setMeta; the SSA machinery takes each item
     from the row where it is a column and from the table's params otherwise.
     //ssap#plainlocation and //ssap#simpleCoverage give any table an indexed
     position and footprint (//ssap#fill-plainlocation fills them).  DaCHS
     2.7 calls hcd, mixc and setMeta deprecated in favour of //ssap#view:
     an SSA table that is a view over a table of the publisher's own, each
     SSA column filled by SQL the mixin's parameter of its name gives
     (rd/ssaview.py writes the view's statement).  Names, types, units,
     UCDs, utypes and defaults are DaCHS's; SSA metadata is in SI units
     (spectral coordinates in metres, whatever the spectra use). -->
<resource schema="dc">
  <meta name="description">Simple Spectral Access: tables of spectra and their
    SSA metadata.</meta>

  <!-- Parameters every SSA table mixin has: the units and UCDs of the axes of
       the spectra themselves (the SSA metadata is in metres), and DaCHS's
       SI conversion factors, rarely given. -->
  <STREAM id="commonMixinParams">
    <mixinPar key="fluxUnit" description="VOUnit of the flux in the spectra (a
      blank for uncalibrated data)">__EMPTY__</mixinPar>
    <mixinPar key="spectralUnit" description="VOUnit of the spectral axis in the
      spectra (the SSA columns are in m whatever it is)">__EMPTY__</mixinPar>
    <mixinPar key="timeSI" description="SI conversion factor of times (the
      Osuna-Salgado convention); normally left out">__EMPTY__</mixinPar>
    <mixinPar key="fluxSI" description="SI conversion factor of fluxes (the
      Osuna-Salgado convention); normally left out">__EMPTY__</mixinPar>
    <mixinPar key="spectralSI" description="SI conversion factor of the spectral
      axis (the Osuna-Salgado convention); normally left out">__EMPTY__</mixinPar>
    <mixinPar key="spectralUCD" description="UCD of the spectral axis: em.wl,
      em.freq, em.energy; em.wl;obs.atmos for wavelengths in air"
      >em.wl</mixinPar>
    <mixinPar key="fluxUCD" description="UCD of the flux, e.g. phot.count for
      counts">phot.flux.density;em.wl</mixinPar>
  </STREAM>

  <!-- The per-spectrum SSA columns, in DaCHS's order, after the product
       columns. -->
  <STREAM id="hcd_fields">
    <column name="ssa_dstitle" type="text" ucd="meta.title;meta.dataset"
      utype="ssa:DataID.Title" tablehead="Title" verbLevel="15" required="True"
      description="A short human-readable title of the spectrum"/>
    <column name="ssa_creatorDID" type="text" ucd="meta.id"
      utype="ssa:DataID.CreatorDID" tablehead="C. DID" verbLevel="15"
      description="The identifier the creator of the spectrum gave it"/>
    <column name="ssa_pubDID" type="text" utype="ssa:Curation.PublisherDID"
      tablehead="P. DID" verbLevel="15"
      description="The dataset identifier this site gives the spectrum"/>
    <column name="ssa_cdate" type="timestamp" xtype="timestamp" ucd="time;meta.dataset"
      utype="ssa:DataID.Date" tablehead="Proc. Date" verbLevel="15"
      description="When the spectrum was made (processed)"/>
    <column name="ssa_pdate" type="timestamp" xtype="timestamp"
      utype="ssa:Curation.Date" tablehead="Pub. Date" verbLevel="15"
      description="When the spectrum was published here"/>
    <column name="ssa_bandpass" type="text" ucd="instr.bandpass"
      utype="ssa:DataID.Bandpass" tablehead="Bandpass" verbLevel="15"
      description="A name of the band the spectrum covers (optical, V...)"/>
    <column name="ssa_cversion" type="text" ucd="meta.version;meta.dataset"
      utype="ssa:DataID.Version" tablehead="C. Version" verbLevel="15"
      description="The version of the spectrum its creator gave"/>
    <column name="ssa_targname" type="text" ucd="meta.id;src"
      utype="ssa:Target.Name" tablehead="Object" verbLevel="15" required="True"
      description="The name of the object observed"/>
    <column name="ssa_targclass" type="text" ucd="src.class"
      utype="ssa:Target.Class" tablehead="Ob. cls" verbLevel="15"
      description="The kind of object observed (star, galaxy, QSO...)"/>
    <column name="ssa_redshift" ucd="src.redshift" utype="ssa:Target.Redshift"
      tablehead="z" verbLevel="15" description="The redshift of the object"/>
    <column name="ssa_targetpos" type="spoint" ucd="pos.eq;src"
      utype="ssa:Target.pos.spoint" tablehead="Obj. pos" verbLevel="15"
      description="Where the object is, ICRS (if it is not the position
        observed)"/>
    <column name="ssa_snr" ucd="stat.snr" utype="ssa:Derived.SNR" tablehead="SNR"
      verbLevel="15" description="The signal-to-noise ratio of the spectrum"/>
    <column name="ssa_location" type="spoint" unit="deg" ucd="pos.eq"
      utype="ssa:Char.SpatialAxis.Coverage.Location.Value" tablehead="Location"
      verbLevel="5" description="The position observed, ICRS"/>
    <column name="ssa_aperture" unit="deg" ucd="phys.angSize;instr.fov"
      utype="ssa:Char.SpatialAxis.Coverage.Bounds.Extent" tablehead="Aperture"
      verbLevel="15" description="The diameter of the aperture"/>
    <column name="ssa_dateObs" type="double precision" unit="d" xtype="mjd"
      ucd="time.epoch" utype="ssa:Char.TimeAxis.Coverage.Location.Value"
      tablehead="Date Obs." verbLevel="5" displayHint="type=humanDate"
      description="The middle of the exposure, MJD"/>
    <column name="ssa_timeExt" unit="s" ucd="time.duration"
      utype="ssa:Char.TimeAxis.Coverage.Bounds.Extent" tablehead="Exp. Time"
      verbLevel="5" description="The exposure time"/>
    <column name="ssa_specmid" unit="m" ucd="em.wl;instr.bandpass"
      utype="ssa:Char.SpectralAxis.Coverage.Location.Value" tablehead="Mid. Band"
      verbLevel="15" description="The middle of the wavelength range covered"/>
    <column name="ssa_specext" unit="m" ucd="em.wl;instr.bandwidth"
      utype="ssa:Char.SpectralAxis.Coverage.Bounds.Extent" tablehead="Bandwidth"
      verbLevel="15" description="The width of the wavelength range covered"/>
    <column name="ssa_specstart" unit="m" ucd="em.wl;stat.min"
      utype="ssa:Char.SpectralAxis.Coverage.Bounds.Start" tablehead="Band start"
      verbLevel="15" description="The shortest wavelength covered"/>
    <column name="ssa_specend" unit="m" ucd="em.wl;stat.max"
      utype="ssa:Char.SpectralAxis.Coverage.Bounds.Stop" tablehead="Band end"
      verbLevel="15" description="The longest wavelength covered"/>
    <column name="ssa_length" type="integer" utype="ssa:Dataset.Length"
      tablehead="Length" verbLevel="5"
      description="The number of points in the spectrum">
      <values nullLiteral="-1"/>
    </column>
  </STREAM>

  <!-- The SSA metadata every table of spectra keeps as params of the table
       (//ssap#mixc too): the data model, the frame and the axes' units and
       UCDs, which describe the table's columns.  An empty value is NULL (DR's
       params know no empty string). -->
  <STREAM id="ssa_allpars">
    <param name="ssa_model" type="text" utype="ssa:Dataset.DataModel"
      required="True" description="The data model of the spectra"
      >Spectrum-1.0</param>
    <param name="ssa_csysName" type="text" utype="ssa:CoordSys.SpaceFrame.Name"
      verbLevel="15" required="True"
      description="The reference frame of the positions">ICRS</param>
    <param name="ssa_timeSI" type="text" utype="ssa:Dataset.TimeSI"
      description="SI conversion factor of times">\timeSI</param>
    <param name="ssa_spectralSI" type="text" utype="ssa:Dataset.SpectralSI"
      description="SI conversion factor of the spectral axis">\spectralSI</param>
    <param name="ssa_spectralucd" type="text" ucd="meta.ucd"
      utype="ssa:Char.SpectralAxis.Ucd" verbLevel="15" required="True"
      description="The UCD of the spectral axis of the spectra"
      >\spectralUCD</param>
    <param name="ssa_spectralunit" type="text" ucd="meta.unit"
      utype="ssa:Char.SpectralAxis.Unit" verbLevel="15" required="True"
      description="The unit of the spectral axis of the spectra"
      >\spectralUnit</param>
    <param name="ssa_fluxSI" type="text" utype="ssa:Dataset.FluxSI"
      description="SI conversion factor of fluxes">\fluxSI</param>
    <param name="ssa_fluxucd" type="text" ucd="meta.ucd"
      utype="ssa:Char.FluxAxis.Ucd" verbLevel="15" required="True"
      description="The UCD of the flux of the spectra">\fluxUCD</param>
    <param name="ssa_fluxunit" type="text" ucd="meta.unit"
      utype="ssa:Char.FluxAxis.Unit" verbLevel="15" required="True"
      description="The unit of the flux of the spectra">\fluxUnit</param>
  </STREAM>

  <!-- The SSA metadata of an hcd table that is the same for all its spectra:
       params of the table, mostly from the mixin's parameters. -->
  <STREAM id="hcd_outpars">
    <FEED source="ssa_allpars"/>
    <param name="ssa_dstype" type="text" utype="ssa:Dataset.Type"
      description="The kind of dataset">Spectrum</param>
    <param name="ssa_publisher" type="text" ucd="meta.curation"
      utype="ssa:Curation.Publisher" verbLevel="15" required="True"
      description="Who publishes the spectra">\publisher</param>
    <param name="ssa_creator" type="unicode" utype="ssa:DataID.Creator"
      verbLevel="15" description="Who made the spectra">\creator</param>
    <param name="ssa_collection" type="text" utype="ssa:DataID.Collection"
      verbLevel="15" description="The collection the spectra belong to"
      >\collection</param>
    <param name="ssa_instrument" type="text" ucd="meta.id;instr"
      utype="ssa:DataID.Instrument" verbLevel="15"
      description="The instrument (or code) that made the spectra"
      >\instrument</param>
    <param name="ssa_datasource" type="text" utype="ssa:DataID.DataSource"
      verbLevel="15" description="How the data came about: survey, pointed,
        theory, custom or artificial">\datasource</param>
    <param name="ssa_creationtype" type="text" utype="ssa:DataID.CreationType"
      verbLevel="15" description="How the spectra were made from the data:
        archival, cutout, filtered, mosaic, projection, spectralExtraction or
        catalogExtraction">\creationType</param>
    <param name="ssa_reference" type="text" ucd="meta.bib.bibcode"
      utype="ssa:Curation.Reference" verbLevel="15"
      description="A bibcode or URL of a paper on the spectra">\reference</param>
    <param name="ssa_fluxStatError" unit="\fluxUnit"
      ucd="stat.error;\fluxUCD" utype="ssa:Char.FluxAxis.Accuracy.StatError"
      verbLevel="15" description="Statistical error of the fluxes"
      >\statFluxError<values nullLiteral="NaN"/></param>
    <param name="ssa_fluxSysError" unit="\fluxUnit"
      ucd="stat.error.sys;\fluxUCD"
      utype="ssa:Char.FluxAxis.Accuracy.SysError" verbLevel="15"
      description="Systematic error of the fluxes"
      >\sysFluxError<values nullLiteral="NaN"/></param>
    <param name="ssa_fluxcalib" type="text" utype="ssa:Char.FluxAxis.Calibration"
      verbLevel="15" description="How the fluxes are calibrated"
      >\fluxCalibration<values>
        <option>ABSOLUTE</option><option>CALIBRATED</option>
        <option>RELATIVE</option><option>NORMALIZED</option>
        <option>UNCALIBRATED</option><option>ANY</option>
      </values></param>
    <param name="ssa_binSize" unit="m" ucd="em.wl;spect.binSize"
      utype="ssa:Char.SpectralAxis.Accuracy.BinSize" verbLevel="15"
      description="The width of a spectral bin"/>
    <param name="ssa_spectStatError" unit="m" ucd="stat.error;em"
      utype="ssa:Char.SpectralAxis.Accuracy.StatError" verbLevel="15"
      description="Statistical error of the spectral coordinates"
      >\statSpectError<values nullLiteral="NaN"/></param>
    <param name="ssa_spectSysError" unit="m" ucd="stat.error.sys;em"
      utype="ssa:Char.SpectralAxis.Accuracy.SysError" verbLevel="15"
      description="Systematic error of the spectral coordinates"
      >\sysSpectError<values nullLiteral="NaN"/></param>
    <param name="ssa_speccalib" type="text" ucd="meta.code.qual"
      utype="ssa:Char.SpectralAxis.Calibration" verbLevel="15"
      description="How the spectral axis is calibrated"
      >\spectralCalibration</param>
    <param name="ssa_specres" unit="m" ucd="spect.resolution;em.wl"
      utype="ssa:Char.SpectralAxis.Resolution" verbLevel="15"
      description="The spectral resolution, FWHM"
      >\spectralResolution<values nullLiteral="NaN"/></param>
    <param name="ssa_spaceError" unit="deg" ucd="stat.error;pos.eq"
      utype="ssa:Char.SpatialAxis.Accuracy.StatError" verbLevel="15"
      description="Statistical error of the positions"
      >\statSpaceError<values nullLiteral="NaN"/></param>
    <param name="ssa_spaceCalib" type="text" ucd="meta.code.qual"
      utype="ssa:Char.SpatialAxis.Calibration" verbLevel="15"
      description="How the positions are calibrated"/>
    <param name="ssa_spaceRes" unit="deg" ucd="pos.angResolution"
      utype="ssa:Char.SpatialAxis.Resolution" verbLevel="15"
      description="The spatial resolution"/>
  </STREAM>

  <!-- The indexes of a table of spectra with the columns of hcd_fields. -->
  <STREAM id="ssa_indexes">
    <index columns="ssa_pubDID"/>
    <index columns="ssa_targname"/>
    <!-- What TARGETNAME compares (engine/services/ssa.py): DR's addition. -->
    <index name="ssa_targname_squashed"
      >(lower(regexp_replace(ssa_targname, '[[:space:]]', '', 'g')))</index>
    <index columns="ssa_location" method="GIST"/>
  </STREAM>

  <mixinDef id="hcd">
    <doc>A table of spectra from a homogeneous collection (one instrument, say),
      whose SSA metadata other than the per-spectrum columns is the same for
      all of them (deprecated in DaCHS 2.7 in favour of //ssap#view, which DR
      lacks so far).  It brings the columns of //products#table (it is a
      product table; do not mix that in as well), the SSA columns ssa_dstitle
      ... ssa_length (in metres, degrees and MJD) with indexes on ssa_pubDID,
      ssa_targname and (GiST) ssa_location, and the constant SSA metadata as
      params of the table, from the parameters: fluxCalibration is required,
      give the units (fluxUnit, spectralUnit) and, where known, the others.
      An empty parameter gives a NULL param.  Fill the columns with
      //ssap#setMeta in a rowmaker with idmaps="*"; the grammar needs the
      //products#define rowfilter.</doc>
    <FEED source="commonMixinParams"/>
    <mixinPar key="creator" description="Who made the spectra (ssa_creator)"
      >__EMPTY__</mixinPar>
    <mixinPar key="publisher" description="Who publishes them: by default the
      publisherID meta, else the publisher meta"
      >\metaString{publisherID}{\metaSeq{publisher}}</mixinPar>
    <mixinPar key="instrument" description="The instrument or code that made
      the spectra">__EMPTY__</mixinPar>
    <mixinPar key="datasource" alias="dataSource" description="How the data came
      about: survey, pointed, theory, custom or artificial">__EMPTY__</mixinPar>
    <mixinPar key="creationType" description="How the spectra were made from the
      data: archival, cutout, filtered, mosaic, projection, spectralExtraction,
      catalogExtraction (several with blanks)">__EMPTY__</mixinPar>
    <mixinPar key="reference" description="A bibcode or URL of a paper on the
      spectra">__EMPTY__</mixinPar>
    <mixinPar key="statFluxError" description="Statistical error of the fluxes
      (in fluxUnit)">__EMPTY__</mixinPar>
    <mixinPar key="sysFluxError" description="Systematic error of the fluxes (in
      fluxUnit)">__EMPTY__</mixinPar>
    <mixinPar key="fluxCalibration" description="How the fluxes are calibrated:
      ABSOLUTE, RELATIVE, NORMALIZED or UNCALIBRATED (required)"/>
    <mixinPar key="statSpectError" description="Statistical error of the
      spectral coordinates, m">__EMPTY__</mixinPar>
    <mixinPar key="sysSpectError" description="Systematic error of the spectral
      coordinates, m">__EMPTY__</mixinPar>
    <mixinPar key="spectralCalibration" description="How the spectral axis is
      calibrated (ABSOLUTE, RELATIVE, NORMALIZED or UNCALIBRATED)"
      >__EMPTY__</mixinPar>
    <mixinPar key="statSpaceError" description="Statistical error of the
      positions, degrees">__EMPTY__</mixinPar>
    <mixinPar key="collection" description="The collection the spectra belong to
      (an IVOA identifier, ideally)">__EMPTY__</mixinPar>
    <mixinPar key="spectralResolution" description="The spectral resolution as
      a FWHM wavelength in metres (approximate as needed)">NaN</mixinPar>
    <events>
      <FEED source="//products#prodcolUsertable"/>
      <FEED source="hcd_fields"/>
      <FEED source="hcd_outpars"/>
      <FEED source="ssa_indexes"/>
    </events>
  </mixinDef>

  <procDef type="apply" id="setMeta">
    <doc>Computes the SSA columns of //ssap#hcd for one spectrum and, as in
      DaCHS, leaves them in vars (ssa_dstitle, ssa_pubDID...), so the rowmaker
      needs idmaps="*" (or "ssa_*").  dstitle and pubDID must be bound (pubDID
      usually to the standardPubDID macro).  Most binds are copied as they are;
      ssa_dateObs is an MJD (dateObs a datetime, an ISO string, a Julian date
      above 1e6 or an MJD), ssa_location the point alpha, delta (ICRS
      degrees), ssa_specext specend - specstart and ssa_specmid the middle of
      the band, (specstart + specend)/2: DaCHS's setMeta writes half the width
      there, a bug DR does not copy.  The binds specmid and specext are
      accepted and ignored, as in DaCHS.  For a table that also mixes in
      //ssap#simpleCoverage, ssa_region is the hexagon inscribed in the
      aperture around the position (DaCHS's setMeta takes the diameter for the
      radius).</doc>
    <setup>
      <par key="dstitle" late="True" description="a short title of the spectrum,
        e.g. object, instrument and date"/>
      <par key="creatorDID" late="True" description="the identifier the creator
        gave the spectrum">None</par>
      <par key="pubDID" late="True" description="the dataset identifier this
        site gives it (usually the standardPubDID
        macro)"/>
      <par key="cdate" late="True" description="when the spectrum was made (a
        datetime or an ISO string)">None</par>
      <par key="pdate" late="True" description="when it was published (default:
        now, UTC)">datetime.datetime.now(datetime.UTC).replace(tzinfo=None)</par>
      <par key="bandpass" late="True" description="a name of the band covered
        (optical, V...)">None</par>
      <par key="cversion" late="True" description="the creator's version of the
        spectrum">None</par>
      <par key="targname" late="True" description="the name of the object
        observed (ssa_targname is required)">None</par>
      <par key="targclass" late="True" description="the kind of object
        observed">None</par>
      <par key="redshift" late="True" description="the redshift of the
        object">None</par>
      <par key="snr" late="True" description="the signal-to-noise ratio of the
        spectrum">None</par>
      <par key="alpha" late="True" description="RA of the position observed, ICRS
        degrees">None</par>
      <par key="delta" late="True" description="Dec of the position observed,
        ICRS degrees">None</par>
      <par key="aperture" late="True" description="the diameter of the aperture,
        degrees">None</par>
      <par key="dateObs" late="True" description="the middle of the exposure: a
        datetime, an ISO string, a Julian date (above 1e6) or an MJD">None</par>
      <par key="timeExt" late="True" description="the exposure time,
        seconds">None</par>
      <par key="specmid" late="True" description="ignored (computed from
        specstart and specend)">None</par>
      <par key="specext" late="True" description="ignored (computed from
        specstart and specend)">None</par>
      <par key="specstart" late="True" description="the shortest wavelength
        covered, metres">None</par>
      <par key="specend" late="True" description="the longest wavelength covered,
        metres">None</par>
      <par key="length" late="True" description="the number of points in the
        spectrum">None</par>
      <code>
        from grammars.wcsgeom import circle_polygon, spoint_literal, spoly_literal

        def floatOrNone(value, name):
            if value is None or isinstance(value, str) and not value.strip():
                return None
            try:
                return float(value)
            except (TypeError, ValueError):
                raise ValidationError(f"{value!r} is not a number", name) from None

        def mjdOf(value):
            """dateObs as an MJD (None stays None)."""
            if value is None or isinstance(value, str) and not value.strip():
                return None
            if isinstance(value, str):  # a number from a text source: a JD or MJD
                try:
                    value = float(value)
                except ValueError:
                    pass
            try:
                return toMJD(value)
            except (TypeError, ValueError):
                raise ValidationError(f"{value!r} is neither a date nor a Julian or"
                                      " modified Julian date", "ssa_dateObs") from None
      </code>
    </setup>
    <code>
      vars["ssa_dstitle"] = dstitle
      vars["ssa_creatorDID"] = creatorDID
      vars["ssa_pubDID"] = pubDID
      vars["ssa_cdate"] = cdate
      vars["ssa_pdate"] = pdate
      vars["ssa_bandpass"] = bandpass
      vars["ssa_cversion"] = cversion
      vars["ssa_targname"] = targname
      vars["ssa_targclass"] = targclass
      vars["ssa_redshift"] = redshift
      vars["ssa_snr"] = snr
      vars["ssa_aperture"] = aperture
      vars["ssa_timeExt"] = timeExt
      vars["ssa_length"] = length
      vars["ssa_dateObs"] = mjdOf(dateObs)
      start = floatOrNone(specstart, "ssa_specstart")
      end = floatOrNone(specend, "ssa_specend")
      vars["ssa_specstart"], vars["ssa_specend"] = start, end
      if start is None or end is None:
        vars["ssa_specext"] = vars["ssa_specmid"] = None
      else:
        vars["ssa_specext"] = end - start
        vars["ssa_specmid"] = (start + end) / 2
      ra = floatOrNone(alpha, "ssa_location")
      dec = floatOrNone(delta, "ssa_location")
      size = floatOrNone(aperture, "ssa_aperture")
      vars["ssa_location"] = vars["ssa_region"] = None
      if ra is not None and dec is not None:
        vars["ssa_location"] = spoint_literal(ra, dec)
        if size:
          vars["ssa_region"] = spoly_literal(circle_polygon(ra, dec, size / 2))
    </code>
  </procDef>

  <!-- ===== //ssap#mixc: spectra of mixed provenance ===================== -->

  <!-- What //ssap#mixc has as columns where //ssap#hcd has params: the SSA
       metadata that may differ from spectrum to spectrum (a param of hcd_outpars
       each, with its name, utype, UCD and unit).  ssa_spaceError, ssa_spaceCalib
       and ssa_spaceRes are left out, as in DaCHS; the data model, the frame and
       the units and UCDs of the axes stay params (ssa_allpars). -->
  <STREAM id="mixc_columns">
    <column name="ssa_dstype" type="text" utype="ssa:Dataset.Type"
      tablehead="Type" verbLevel="15" description="The kind of dataset"/>
    <column name="ssa_publisher" type="text" ucd="meta.curation"
      utype="ssa:Curation.Publisher" tablehead="Publisher" verbLevel="15"
      description="Who publishes the spectrum"/>
    <column name="ssa_creator" type="unicode" utype="ssa:DataID.Creator"
      tablehead="Creator" verbLevel="15" description="Who made the spectrum"/>
    <column name="ssa_collection" type="text" utype="ssa:DataID.Collection"
      tablehead="Collection" verbLevel="15"
      description="The collection the spectrum belongs to"/>
    <column name="ssa_instrument" type="text" ucd="meta.id;instr"
      utype="ssa:DataID.Instrument" tablehead="Instrument" verbLevel="15"
      description="The instrument (or code) that made the spectrum"/>
    <column name="ssa_datasource" type="text" utype="ssa:DataID.DataSource"
      tablehead="Source" verbLevel="15" description="How the data came about:
        survey, pointed, theory, custom or artificial"/>
    <column name="ssa_creationtype" type="text" utype="ssa:DataID.CreationType"
      tablehead="Made by" verbLevel="15" description="How the spectrum was made
        from the data: archival, cutout, filtered, mosaic, projection,
        spectralExtraction or catalogExtraction"/>
    <column name="ssa_reference" type="text" ucd="meta.bib.bibcode"
      utype="ssa:Curation.Reference" tablehead="Ref." verbLevel="15"
      description="A bibcode or URL of a paper on the spectrum"/>
    <column name="ssa_fluxStatError" unit="\fluxUnit" ucd="stat.error;\fluxUCD"
      utype="ssa:Char.FluxAxis.Accuracy.StatError" tablehead="Err. flux"
      verbLevel="15" description="Statistical error of the fluxes"/>
    <column name="ssa_fluxSysError" unit="\fluxUnit" ucd="stat.error.sys;\fluxUCD"
      utype="ssa:Char.FluxAxis.Accuracy.SysError" tablehead="Sys. err. flux"
      verbLevel="15" description="Systematic error of the fluxes"/>
    <column name="ssa_fluxcalib" type="text"
      utype="ssa:Char.FluxAxis.Calibration" tablehead="Flux calib."
      verbLevel="15" description="How the fluxes are calibrated: ABSOLUTE,
        CALIBRATED, RELATIVE, NORMALIZED or UNCALIBRATED"/>
    <column name="ssa_binSize" unit="m" ucd="em.wl;spect.binSize"
      utype="ssa:Char.SpectralAxis.Accuracy.BinSize" tablehead="Bin"
      verbLevel="15" description="The width of a spectral bin"/>
    <column name="ssa_spectStatError" unit="m" ucd="stat.error;em"
      utype="ssa:Char.SpectralAxis.Accuracy.StatError" tablehead="Err. spect."
      verbLevel="15" description="Statistical error of the spectral
        coordinates"/>
    <column name="ssa_spectSysError" unit="m" ucd="stat.error.sys;em"
      utype="ssa:Char.SpectralAxis.Accuracy.SysError" tablehead="Sys. err. spect."
      verbLevel="15" description="Systematic error of the spectral
        coordinates"/>
    <column name="ssa_speccalib" type="text" ucd="meta.code.qual"
      utype="ssa:Char.SpectralAxis.Calibration" tablehead="Spect. calib."
      verbLevel="15" description="How the spectral axis is calibrated"/>
    <column name="ssa_specres" unit="m" ucd="spect.resolution;em.wl"
      utype="ssa:Char.SpectralAxis.Resolution" tablehead="Spect. res."
      verbLevel="15" description="The spectral resolution, FWHM"/>
  </STREAM>

  <!-- What //ssap#mixc adds to hcd_fields, under DaCHS's name: the params
       every table of spectra has and the per-spectrum metadata columns. -->
  <STREAM id="mixc_morefields">
    <FEED source="ssa_allpars"/>
    <FEED source="mixc_columns"/>
  </STREAM>

  <mixinDef id="mixc">
    <doc>A table of spectra whose SSA metadata may differ from one spectrum to
      the next (deprecated in DaCHS 2.7 in favour of //ssap#view, which DR
      lacks so far): like //ssap#hcd, but collection, instrument, publisher,
      creator, data source, creation type, reference, flux and spectral
      calibration, errors, bin size and resolution are columns (ssa_collection,
      ssa_instrument, ssa_fluxcalib...) rather than params.  What stays params
      are the data model, the frame (ICRS) and the units and UCDs of the
      spectra's axes, from the mixin's parameters: all spectra of the table
      must be in the same units (the SSA columns themselves are in metres,
      degrees and MJD).  It brings the columns of //products#table (do not mix
      that in as well) and the indexes of //ssap#hcd.  Fill the columns with
      //ssap#setMeta and //ssap#setMixcMeta in a rowmaker with idmaps="*"; the
      grammar needs the //products#define rowfilter.</doc>
    <FEED source="commonMixinParams"/>
    <events>
      <FEED source="//products#prodcolUsertable"/>
      <FEED source="hcd_fields"/>
      <FEED source="mixc_morefields"/>
      <FEED source="ssa_indexes"/>
    </events>
  </mixinDef>

  <procDef type="apply" id="setMixcMeta">
    <doc>Computes the metadata columns //ssap#mixc has beyond those of
      //ssap#hcd, for one spectrum, and leaves them in vars as //ssap#setMeta
      does (apply both; idmaps="*" maps them).  publisher, creator,
      instrument and reference default to the RD's (or the table's) meta
      publisher, creator.name, instrument and source (several values joined);
      bind None for a NULL.  specres defaults to binSize.  Errors, bin size
      and resolution are numbers (fluxes in the table's fluxUnit, the rest in
      metres).  DaCHS's setMixcMeta never fills ssa_creator, the errors and the
      bin size; DR does.</doc>
    <setup>
      <par key="dstype" late="True" description="the kind of dataset: Spectrum
        (or TimeSeries)">"spectrum"</par>
      <par key="publisher" late="True" description="who publishes the spectrum
        (default: the publisher meta)">\quote{\metaSeq{publisher}} or None</par>
      <par key="creator" late="True" description="who made the spectrum
        (default: the creator.name meta)"
        >\quote{\metaSeq{creator.name}{}{; }} or None</par>
      <par key="collection" late="True" description="the collection the spectrum
        belongs to (an IVOA identifier, ideally)">None</par>
      <par key="instrument" late="True" description="the instrument or code that
        made the spectrum (default: the instrument meta)"
        >\quote{\metaSeq{instrument}} or None</par>
      <par key="datasource" alias="dataSource" late="True" description="how the
        data came about: survey, pointed, theory, custom or artificial"
        >None</par>
      <par key="creationType" late="True" description="how the spectrum was made
        from the data: archival, cutout, filtered, mosaic, projection,
        spectralExtraction, catalogExtraction (several with commas)">None</par>
      <par key="reference" late="True" description="a bibcode or URL of a paper
        on the spectrum (default: the source meta)"
        >\quote{\metaSeq{source}} or None</par>
      <par key="binSize" late="True" description="the width of a spectral bin,
        metres">None</par>
      <par key="fluxStatError" late="True" description="statistical error of the
        fluxes, in fluxUnit">None</par>
      <par key="spectStatError" late="True" description="statistical error of the
        spectral coordinates, metres">None</par>
      <par key="fluxSysError" late="True" description="systematic error of the
        fluxes, in fluxUnit">None</par>
      <par key="spectSysError" late="True" description="systematic error of the
        spectral coordinates, metres">None</par>
      <par key="fluxCalib" late="True" description="how the fluxes are
        calibrated: ABSOLUTE, RELATIVE, NORMALIZED or UNCALIBRATED">None</par>
      <par key="specCalib" late="True" description="how the spectral axis is
        calibrated: ABSOLUTE, RELATIVE, NORMALIZED or UNCALIBRATED">None</par>
      <par key="specres" late="True" description="the spectral resolution as a
        FWHM in metres of wavelength (default: binSize)">None</par>
      <code>
        def floatOrNone(value, name):
            if value is None or isinstance(value, str) and not value.strip():
                return None
            try:
                return float(value)
            except (TypeError, ValueError):
                raise ValidationError(f"{value!r} is not a number", name) from None
      </code>
    </setup>
    <code>
      vars["ssa_dstype"] = dstype
      vars["ssa_publisher"] = publisher
      vars["ssa_creator"] = creator
      vars["ssa_collection"] = collection
      vars["ssa_instrument"] = instrument
      vars["ssa_datasource"] = datasource
      vars["ssa_creationtype"] = creationType
      vars["ssa_reference"] = reference
      vars["ssa_fluxcalib"] = fluxCalib
      vars["ssa_speccalib"] = specCalib
      for name, value in (("ssa_binSize", binSize), ("ssa_specres", specres),
          ("ssa_fluxStatError", fluxStatError), ("ssa_fluxSysError", fluxSysError),
          ("ssa_spectStatError", spectStatError),
          ("ssa_spectSysError", spectSysError)):
        vars[name] = floatOrNone(value, name)
      if vars["ssa_specres"] is None:
        vars["ssa_specres"] = vars["ssa_binSize"]
    </code>
  </procDef>

  <!-- ===== //ssap#plainlocation, //ssap#simpleCoverage ================== -->

  <mixinDef id="plainlocation">
    <doc>Gives a table a position observed, ssa_location (a pg_sphere point,
      ICRS), with a GiST index: what SSA's POS compares.  Meant for tables
      that are no SSA tables themselves (the source tables of //ssap#view);
      add //ssap#simpleCoverage for an ssa_region, which ObsCore's s_region
      wants.  Fill it with //ssap#fill-plainlocation.</doc>
    <events>
      <column name="ssa_location" type="spoint" unit="deg" ucd="pos.eq"
        utype="ssa:Char.SpatialAxis.Coverage.Location.Value"
        tablehead="Location" verbLevel="5"
        description="The position observed (the centre of the aperture), ICRS"/>
      <index columns="ssa_location" method="GIST"/>
    </events>
  </mixinDef>

  <mixinDef id="simpleCoverage">
    <doc>Gives a table of spectra a rough footprint, ssa_region (a pg_sphere
      polygon: the hexagon inscribed in the aperture around the position),
      with a GiST index.  SSA does not need it; ObsCore does for s_region:
      bind the coverage parameter of //obscore#publishSSAPMIXC to ssa_region.
      //ssap#fill-plainlocation fills it, and so does //ssap#setMeta when a
      table mixing in //ssap#hcd or //ssap#mixc mixes this in as well.</doc>
    <events>
      <column name="ssa_region" type="spoly" unit="deg"
        ucd="pos.outline;obs.field" tablehead="Coverage" verbLevel="30"
        description="A rough footprint: the hexagon inscribed in the
          aperture"/>
      <index columns="ssa_region" method="GIST"/>
    </events>
  </mixinDef>

  <procDef type="apply" id="fill-plainlocation">
    <doc>Fills ssa_location (//ssap#plainlocation) from ra and dec and, when the
      aperture is given, ssa_region (//ssap#simpleCoverage) with the hexagon
      inscribed in it; both are NULL without a position.  The values are left
      in vars: map them with idmaps (or map ssa_location and ssa_region from
      @ssa_location and @ssa_region).</doc>
    <setup>
      <par key="ra" late="True" description="RA of the centre of the aperture,
        ICRS degrees"/>
      <par key="dec" late="True" description="Dec of the centre of the aperture,
        ICRS degrees"/>
      <par key="aperture" late="True" description="the diameter of the aperture,
        degrees (None: no ssa_region)">None</par>
      <code>
        from grammars.wcsgeom import circle_polygon, spoint_literal, spoly_literal

        def floatOrNone(value, name):
            if value is None or isinstance(value, str) and not value.strip():
                return None
            try:
                return float(value)
            except (TypeError, ValueError):
                raise ValidationError(f"{value!r} is not a number", name) from None
      </code>
    </setup>
    <code>
      vars["ssa_location"] = vars["ssa_region"] = None
      lon = floatOrNone(ra, "ssa_location")
      lat = floatOrNone(dec, "ssa_location")
      if lon is None or lat is None:
        return
      vars["ssa_location"] = spoint_literal(lon, lat)
      size = floatOrNone(aperture, "ssa_region")
      if size:
        vars["ssa_region"] = spoly_literal(circle_polygon(lon, lat, size / 2))
    </code>
  </procDef>

  <!-- //ssap#view: DaCHS 2.7's recommended SSA table, a view over a table of the
       publisher's own.  Its columns are every SSA column (the per-spectrum ones
       and those //ssap#hcd keeps as params); each has a parameter holding the
       SQL that fills it (a column of the source table, a quoted literal, NULL).
       rd/ssaview.py turns this into the view's statement once the table is
       read; engine/ingest/views.py makes it. -->
  <mixinDef id="view">
    <doc>An SSA table that is a view over a table of your own (sourcetable),
      which holds the products (//products#table) and whatever per-spectrum
      metadata you have, ideally under the SSA names (then copiedcolumns="*"
      takes them over; //ssap#plainlocation and //ssap#simpleCoverage give it
      indexed ssa_location and ssa_region).  Every SSA column has a parameter
      of its name giving the SQL that fills it: a column of the source, a
      literal in single quotes ('Angstrom'), an expression, or NULL (the
      default for most).  ssa_fluxcalib and ssa_spectralunit must be given.  A
      column the source table has under the same name is always taken from
      there.  Index the source table (the view cannot have indexes); DR
      indexes the expression of ssa_pubDID there.  The view follows the source
      table's restrictions: rows under embargo in it stay hidden from others
      in every protocol.  Make it with a data element of its own
      (&lt;make table="..."/&gt;) that the source's import names in
      &lt;recreateAfter&gt;; DR keeps it over re-imports of the source
      anyway.</doc>
    <mixinPar key="sourcetable" description="The id of the table the view
      reads (one table; for a join, make an intermediate view first)"/>
    <mixinPar key="materialize" description="True: a materialized view (a copy
      refreshed at each import; refused over rows with restrictions)"
      >False</mixinPar>
    <mixinPar key="copiedcolumns" description="Comma-separated shell patterns
      (ssa_*, [!p]*) of source columns to take over with their metadata"
      >__EMPTY__</mixinPar>
    <mixinPar key="ssa_region" description="SQL for a footprint polygon column
      ssa_region (ssa_region if the source mixes in //ssap#simpleCoverage);
      without it the view has no such column">not given</mixinPar>
    <mixinPar key="customcode" description="More SELECT items for the view,
      starting with a comma (declare their columns in the table)"
      >__EMPTY__</mixinPar>
    <mixinPar key="whereclause" description="SQL after the source table, e.g.
      WHERE ... to publish some of its rows">__EMPTY__</mixinPar>
    <mixinPar key="accref" description="The product key">accref</mixinPar>
    <mixinPar key="owner" description="The product's owner">owner</mixinPar>
    <mixinPar key="embargo" description="The product's release date"
      >embargo</mixinPar>
    <mixinPar key="mime" description="The product's media type">mime</mixinPar>
    <mixinPar key="accsize" description="The product's size in bytes"
      >accsize</mixinPar>
    <mixinPar key="ssa_dstitle" description="A short title of the spectrum"
      >NULL</mixinPar>
    <mixinPar key="ssa_creatorDID" description="The creator's identifier of the
      dataset">NULL</mixinPar>
    <mixinPar key="ssa_pubDID" description="The publisher's identifier of the
      dataset (DR's standard one from the accref by default)"
      >\sql_standardPubDID</mixinPar>
    <mixinPar key="ssa_cdate" description="When the dataset was made (a
      timestamp)">NULL</mixinPar>
    <mixinPar key="ssa_pdate" description="When it was published (a timestamp)"
      >\sqlquote{\today}</mixinPar>
    <mixinPar key="ssa_bandpass" description="The band, ideally a term of
      http://www.ivoa.net/rdf/messenger">NULL</mixinPar>
    <mixinPar key="ssa_cversion" description="The creator's version of the
      dataset">NULL</mixinPar>
    <mixinPar key="ssa_targname" description="The name of the target"
      >NULL</mixinPar>
    <mixinPar key="ssa_targclass" description="The class of the target (SIMBAD's
      object types if possible)">NULL</mixinPar>
    <mixinPar key="ssa_redshift" description="The target's redshift"
      >NULL</mixinPar>
    <mixinPar key="ssa_targetpos" description="The target's position (an
      spoint)">NULL</mixinPar>
    <mixinPar key="ssa_snr" description="A signal-to-noise ratio"
      >NULL</mixinPar>
    <mixinPar key="ssa_location" description="The ICRS position of the aperture
      (an spoint; ssa_location from //ssap#plainlocation)">NULL</mixinPar>
    <mixinPar key="ssa_aperture" description="The aperture's diameter, degrees"
      >NULL</mixinPar>
    <mixinPar key="ssa_dateObs" description="The middle of the exposure, MJD"
      >NULL</mixinPar>
    <mixinPar key="ssa_timeExt" description="The exposure time, s"
      >NULL</mixinPar>
    <mixinPar key="ssa_specmid" description="The middle of the spectral coverage,
      m" >(ssa_specend+ssa_specstart)/2</mixinPar>
    <mixinPar key="ssa_specext" description="The width of the spectral coverage,
      m">(ssa_specend-ssa_specstart)</mixinPar>
    <mixinPar key="ssa_specstart" description="The shortest wavelength covered,
      m">NULL</mixinPar>
    <mixinPar key="ssa_specend" description="The longest wavelength covered, m"
      >NULL</mixinPar>
    <mixinPar key="ssa_length" description="The number of samples"
      >NULL</mixinPar>
    <mixinPar key="ssa_model" description="The data model of the spectra"
      >'Spectrum-1.0'</mixinPar>
    <mixinPar key="ssa_csysName" description="The reference frame of the
      positions">'ICRS'</mixinPar>
    <mixinPar key="ssa_timeSI" description="SI conversion factor of times
      (rarely given)">NULL</mixinPar>
    <mixinPar key="ssa_spectralSI" description="SI conversion factor of the
      spectral axis (rarely given)">NULL</mixinPar>
    <mixinPar key="ssa_spectralucd" description="The UCD of the spectral axis in
      the spectra (em.wl;obs.atmos: wavelengths in air)"
      >'em.wl;obs.atmos'</mixinPar>
    <mixinPar key="ssa_spectralunit" description="The unit of the spectral axis
      in the spectra, e.g. 'Angstrom' (required)"/>
    <mixinPar key="ssa_fluxSI" description="SI conversion factor of fluxes
      (rarely given)">NULL</mixinPar>
    <mixinPar key="ssa_fluxucd" description="The UCD of the flux in the spectra"
      >'phot.flux.density;em.wl'</mixinPar>
    <mixinPar key="ssa_fluxunit" description="The unit of the flux in the
      spectra (and of the flux errors)">NULL</mixinPar>
    <mixinPar key="ssa_dstype" description="The type of dataset: 'spectrum',
      'timeseries'">'spectrum'</mixinPar>
    <mixinPar key="ssa_publisher" description="Who publishes the spectra"
      >\sqlquote{\metaString{publisher}{unknown}}</mixinPar>
    <mixinPar key="ssa_creator" description="Who made the spectra"
      >NULL</mixinPar>
    <mixinPar key="ssa_collection" description="The collection the spectrum
      belongs to">NULL</mixinPar>
    <mixinPar key="ssa_instrument" description="The instrument or code that made
      it">\sqlquote{\metaString{instrument}{unknown}}</mixinPar>
    <mixinPar key="ssa_datasource" description="survey, pointed, custom, theory
      or artificial">\sqlquote{\metaString{ssap.dataSource}{unknown}}</mixinPar>
    <mixinPar key="ssa_creationtype" description="archival, cutout, filtered,
      mosaic, projection, spectralExtraction or catalogExtraction"
      >\sqlquote{\metaString{ssap.creationType}{unknown}}</mixinPar>
    <mixinPar key="ssa_reference" description="A bibcode or URL of a paper on
      it">\sqlquote{\metaString{source}{unknown}}</mixinPar>
    <mixinPar key="ssa_fluxStatError" description="Statistical error of the
      flux">NULL</mixinPar>
    <mixinPar key="ssa_fluxSysError" description="Systematic error of the flux"
      >NULL</mixinPar>
    <mixinPar key="ssa_fluxcalib" description="ABSOLUTE, CALIBRATED, RELATIVE,
      NORMALIZED or UNCALIBRATED (required)"/>
    <mixinPar key="ssa_binSize" description="The typical bin width, m of
      wavelength">NULL</mixinPar>
    <mixinPar key="ssa_spectStatError" description="Statistical error of the
      spectral coordinate">NULL</mixinPar>
    <mixinPar key="ssa_spectSysError" description="Systematic error of the
      spectral coordinate">NULL</mixinPar>
    <mixinPar key="ssa_speccalib" description="How the spectral axis is
      calibrated">NULL</mixinPar>
    <mixinPar key="ssa_specres" description="The spectral resolution, m of
      wavelength">NULL</mixinPar>
    <mixinPar key="ssa_spaceError" description="Statistical error of the
      position">NULL</mixinPar>
    <mixinPar key="ssa_spaceCalib" description="How the positions are
      calibrated">NULL</mixinPar>
    <mixinPar key="ssa_spaceRes" description="The spatial resolution"
      >NULL</mixinPar>
    <events>
      <FEED source="//products#prodcolUsertable"/>
      <FEED source="hcd_fields"/>
      <FEED source="hcd_outpars" fluxUnit="" spectralUnit="" timeSI="" fluxSI=""
        spectralSI="" spectralUCD="" fluxUCD="" creator="" publisher=""
        instrument="" datasource="" creationType="" reference=""
        statFluxError="" sysFluxError="" fluxCalibration="" statSpectError=""
        sysSpectError="" spectralCalibration="" statSpaceError="" collection=""
        spectralResolution=""/>
    </events>
  </mixinDef>

  <!-- The SSA 1.1 query parameters of an ssapCore over a //ssap#hcd table, for
       the ssap.xml renderer (engine/services/ssa.py turns them into SQL).
       RDs FEED it into their ssapCore as in DaCHS. -->
  <STREAM id="hcd_condDescs">
    <condDesc kind="ssa">
      <property name="onlyForRenderer">ssap.xml</property>
      <inputKey name="POS" type="text" unit="deg" ucd="pos.eq" std="True"
        utype="ssa:Char.SpatialAxis.Coverage.Location.Value" tablehead="Position"
        description="ICRS position of the search cone, RA,DEC in decimal degrees
          (e.g. 232.65,42.72)"/>
      <inputKey name="SIZE" type="text" unit="deg" std="True"
        utype="ssa:Char.SpatialAxis.Coverage.Bounds.Extent" tablehead="Diameter"
        description="Diameter of the search cone in degrees (default 0.1)"/>
      <inputKey name="BAND" type="text" unit="m" std="True"
        utype="ssa:Char.SpectralAxis.Coverage.Bounds.Extent" tablehead="Band"
        description="Wavelengths in metres the spectra must cover: a value, a range
          lo/hi (open ends allowed), a comma-separated list of those, or a band
          name (e.g. optical); numbers may carry a unit of wavelength, frequency
          or energy (345.7GHz/345.9GHz, 0.5keV/2keV)"/>
      <inputKey name="TIME" type="text" std="True"
        utype="ssa:Char.TimeAxis.Coverage.Bounds.Extent" tablehead="Time"
        description="ISO 8601 time, or range start/end, the observation must
          overlap"/>
      <inputKey name="FORMAT" type="text" std="True" tablehead="Format"
        description="all, compliant, native, votable, fits, graphic, a MIME type
          or a comma-separated list of them; METADATA describes the service"/>
      <inputKey name="TARGETNAME" type="text" std="True" tablehead="Target"
        description="Name of the object observed (case and blanks ignored)"/>
      <inputKey name="COLLECTION" type="text" std="True" tablehead="Collection"
        description="Name of the data collection"/>
      <inputKey name="REQUEST" type="text" std="True" tablehead="Request"
        description="queryData (the search), or getData with PUBDID (one
          spectrum as the Spectral Data Model has it)"/>
    </condDesc>
  </STREAM>

  <mixinDef id="sdm-instance">
    <doc>The table of one spectrum as the Spectral Data Model has it, made by
      the builder data element of //soda#sdm_genData: the columns spectral and
      flux (add more, e.g. a flux error).  DR gives the delivered spectrum the
      metadata of its SSA row and of the SSA table's params itself (what
      DaCHS's gazillion params and //ssap#feedSSAToSDM do), and the units and
      UCDs the SSA table declares (ssa_spectralunit, ssa_fluxunit...), so the
      builder only yields the samples, in those units.</doc>
    <mixinPar key="ssaTable" description="The SSA table (//ssap#hcd) the
      spectra are described in"/>
    <mixinPar key="spectralDescription" description="Description of the spectral
      column">The independent variable of this spectrum (see its UCD for
      whether it is a wavelength, frequency or energy)</mixinPar>
    <mixinPar key="fluxDescription" description="Description of the flux
      column">The dependent variable of this spectrum (see its UCD for its
      physical meaning)</mixinPar>
    <mixinPar key="spectralUnitOverride" description="Force the unit of the
      spectral column (better: fix the SSA table)">__EMPTY__</mixinPar>
    <mixinPar key="spectralUCDOverride" description="Force the UCD of the
      spectral column">__EMPTY__</mixinPar>
    <mixinPar key="fluxUnitOverride" description="Force the unit of the flux
      column (better: fix the SSA table)">__EMPTY__</mixinPar>
    <mixinPar key="fluxUCDOverride" description="Force the UCD of the flux
      column">__EMPTY__</mixinPar>
    <events>
      <column name="spectral" type="double precision"
        utype="spec:Spectrum.Data.SpectralAxis.Value" unit="\spectralUnitOverride"
        ucd="\spectralUCDOverride" description="\spectralDescription"/>
      <column name="flux" type="double precision"
        utype="spec:Spectrum.Data.FluxAxis.Value" unit="\fluxUnitOverride"
        ucd="\fluxUCDOverride" description="\fluxDescription"/>
    </events>
  </mixinDef>

  <procDef type="apply" id="feedSSAToSDM">
    <doc>In DaCHS, copies an SSA row and the SSA table's params into the params
      of an SDM instance table (in a parmaker).  DR does this itself when it
      delivers a spectrum, so this does nothing.</doc>
  </procDef>
</resource>
