<?xml version="1.0" encoding="utf-8"?>
<!-- DR's system RD for ObsCore 1.1: the ivoa.obscore table and the
     //obscore#publish... mixins that put a table's rows into it.

     ivoa.obscore is a view: one SELECT per table publishing into it, each
     column taken from the mixin parameter of the same name (an SQL expression
     over that table) and cast to the column's type; tables lacking a value get
     NULL (engine/obscore).  `dr imp` and `dr drop` rebuild it.  Names,
     aliases and defaults of the parameters are DaCHS's (2.7; the aliases are
     its older names, which many RDs still use). -->
<resource schema="ivoa">
  <meta name="description">The IVOA ObsCore data model: one row per dataset
    (image, cube, spectrum, event list...) this site publishes, whatever
    collection it belongs to.</meta>

  <!-- The columns of ivoa.obscore: ObsCore 1.1's (with its units, UCDs and
       utypes) and two of DaCHS's.  DaCHS RDs FEED them into tables of their own. -->
  <STREAM id="obscore-columns">
    <column name="dataproduct_type" type="text" ucd="meta.code.class"
      utype="obscore:ObsDataset.dataProductType" verbLevel="5" std="True"
      description="Kind of data: image, cube, spectrum, sed, timeseries,
        visibility, event or measurements (NULL if none fits)">
      <values>
        <option>image</option><option>cube</option><option>spectrum</option>
        <option>sed</option><option>timeseries</option><option>visibility</option>
        <option>event</option><option>measurements</option>
      </values>
    </column>
    <column name="dataproduct_subtype" type="text" ucd="meta.code.class"
      utype="obscore:ObsDataset.dataProductSubtype" verbLevel="15" std="True"
      description="A finer kind of data, as the collection defines it"/>
    <column name="calib_level" type="integer" required="True"
      ucd="meta.code;obs.calib" utype="obscore:ObsDataset.calibLevel" verbLevel="10"
      std="True"
      description="How far the data are processed: 0 raw instrumental data,
        1 instrumental data in a standard format, 2 calibrated science-ready
        data, 3 enhanced products combining observations (mosaics...),
        4 analysis products (catalogues, maps)">
      <values min="0" max="4"/>
    </column>
    <column name="obs_collection" type="text" required="True" ucd="meta.id"
      utype="obscore:DataID.Collection" verbLevel="5" std="True"
      description="Short name of the collection (survey, project,
        instrument) the dataset belongs to"/>
    <column name="obs_id" type="text" required="True" ucd="meta.id"
      utype="obscore:DataID.observationID" verbLevel="5" std="True"
      description="Identifier of the observation; datasets from the same
        observation share it"/>
    <column name="obs_title" type="text" ucd="meta.title;obs"
      utype="obscore:DataID.Title" verbLevel="5" std="True"
      description="Human-readable title of the dataset"/>
    <column name="obs_publisher_did" type="text" required="True"
      ucd="meta.ref.ivoid" utype="obscore:Curation.PublisherDID" verbLevel="5"
      std="True"
      description="IVOA identifier this site gives the dataset"/>
    <column name="obs_creator_did" type="text" ucd="meta.id"
      utype="obscore:DataID.CreatorDID" verbLevel="15" std="True"
      description="IVOA identifier the dataset's creator gave it, if any"/>
    <column name="access_url" type="text" ucd="meta.ref.url"
      utype="obscore:Access.Reference" verbLevel="1" std="True"
      displayHint="type=url"
      description="URL from which the dataset can be retrieved"/>
    <column name="access_format" type="text" ucd="meta.code.mime"
      utype="obscore:Access.Format" verbLevel="5" std="True"
      description="Media (MIME) type of what access_url returns"/>
    <column name="access_estsize" type="bigint" unit="kbyte"
      ucd="phys.size;meta.file" utype="obscore:Access.Size" verbLevel="5"
      std="True"
      description="Approximate size of what access_url returns"/>
    <column name="target_name" type="text" ucd="meta.id;src"
      utype="obscore:Target.Name" verbLevel="10" std="True"
      description="Name of the object observed, for targeted observations"/>
    <column name="target_class" type="text" ucd="src.class"
      utype="obscore:Target.Class" verbLevel="20" std="True"
      description="Class of the object observed (star, galaxy, QSO...)"/>
    <column name="s_ra" type="double precision" unit="deg" ucd="pos.eq.ra"
      utype="obscore:Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C1"
      verbLevel="1" std="True"
      description="Right ascension of the centre of the dataset (ICRS)"/>
    <column name="s_dec" type="double precision" unit="deg" ucd="pos.eq.dec"
      utype="obscore:Char.SpatialAxis.Coverage.Location.Coord.Position2D.Value2.C2"
      verbLevel="1" std="True"
      description="Declination of the centre of the dataset (ICRS)"/>
    <column name="s_fov" type="double precision" unit="deg"
      ucd="phys.angSize;instr.fov"
      utype="obscore:Char.SpatialAxis.Coverage.Bounds.Extent.diameter"
      verbLevel="5" std="True"
      description="Approximate diameter of the area the dataset covers"/>
    <column name="s_region" type="spoly" ucd="pos.outline;obs.field"
      utype="obscore:Char.SpatialAxis.Coverage.Support.Area" verbLevel="10"
      std="True"
      description="Footprint of the dataset on the sky, a polygon (ICRS)"/>
    <column name="s_resolution" type="double precision" unit="arcsec"
      ucd="pos.angResolution" utype="obscore:Char.SpatialAxis.Resolution.Refval.value"
      verbLevel="10" std="True"
      description="Best spatial resolution within the dataset"/>
    <column name="s_xel1" type="bigint" ucd="meta.number"
      utype="obscore:Char.SpatialAxis.numBins1" verbLevel="10" std="True"
      description="Number of samples (pixels) along the first spatial axis"/>
    <column name="s_xel2" type="bigint" ucd="meta.number"
      utype="obscore:Char.SpatialAxis.numBins2" verbLevel="10" std="True"
      description="Number of samples (pixels) along the second spatial axis"/>
    <column name="s_pixel_scale" type="double precision" unit="arcsec"
      ucd="phys.angSize;instr.pixel"
      utype="obscore:Char.SpatialAxis.Sampling.RefVal.SamplingPeriod"
      verbLevel="15" std="True"
      description="Size of a spatial pixel on the sky"/>
    <column name="t_min" type="double precision" unit="d"
      ucd="time.start;obs.exposure"
      utype="obscore:Char.TimeAxis.Coverage.Bounds.Limits.StartTime" verbLevel="10"
      std="True"
      description="Start of the time the dataset covers, as MJD"/>
    <column name="t_max" type="double precision" unit="d"
      ucd="time.end;obs.exposure"
      utype="obscore:Char.TimeAxis.Coverage.Bounds.Limits.StopTime" verbLevel="10"
      std="True"
      description="End of the time the dataset covers, as MJD"/>
    <column name="t_exptime" type="double precision" unit="s"
      ucd="time.duration;obs.exposure"
      utype="obscore:Char.TimeAxis.Coverage.Support.Extent" verbLevel="10"
      std="True"
      description="Total exposure (integration) time"/>
    <column name="t_resolution" type="double precision" unit="s"
      ucd="time.resolution" utype="obscore:Char.TimeAxis.Resolution.Refval.value"
      verbLevel="15" std="True"
      description="Shortest time interval the dataset resolves"/>
    <column name="t_xel" type="bigint" ucd="meta.number"
      utype="obscore:Char.TimeAxis.numBins" verbLevel="10" std="True"
      description="Number of samples along the time axis"/>
    <column name="em_min" type="double precision" unit="m" ucd="em.wl;stat.min"
      utype="obscore:Char.SpectralAxis.Coverage.Bounds.Limits.LoLimit"
      verbLevel="10" std="True"
      description="Shortest wavelength the dataset covers (in vacuum)"/>
    <column name="em_max" type="double precision" unit="m" ucd="em.wl;stat.max"
      utype="obscore:Char.SpectralAxis.Coverage.Bounds.Limits.HiLimit"
      verbLevel="10" std="True"
      description="Longest wavelength the dataset covers (in vacuum)"/>
    <column name="em_res_power" type="double precision" ucd="spect.resolution"
      utype="obscore:Char.SpectralAxis.Resolution.ResolPower.refVal"
      verbLevel="15" std="True"
      description="Typical spectral resolving power, lambda over delta lambda"/>
    <column name="em_xel" type="bigint" ucd="meta.number"
      utype="obscore:Char.SpectralAxis.numBins" verbLevel="10" std="True"
      description="Number of samples along the spectral axis"/>
    <column name="em_ucd" type="text" ucd="meta.ucd"
      utype="obscore:Char.SpectralAxis.ucd" verbLevel="15" std="True"
      description="What the spectral axis measures, as a UCD (em.wl, em.freq,
        em.energy...)"/>
    <column name="o_ucd" type="text" ucd="meta.ucd"
      utype="obscore:Char.ObservableAxis.ucd" verbLevel="15" std="True"
      description="What the data values measure, as a UCD"/>
    <column name="pol_states" type="text" ucd="meta.code;phys.polarization"
      utype="obscore:Char.PolarizationAxis.stateList" verbLevel="15" std="True"
      description="Polarization states present, alphabetically between slashes,
        e.g. /I/Q/U/"/>
    <column name="pol_xel" type="bigint" ucd="meta.number"
      utype="obscore:Char.PolarizationAxis.numBins" verbLevel="15" std="True"
      description="Number of polarization states (samples along the
        polarization axis)"/>
    <column name="facility_name" type="text" ucd="meta.id;instr.tel"
      utype="obscore:Provenance.ObsConfig.Facility.name" verbLevel="10" std="True"
      description="Observatory or telescope that took the data"/>
    <column name="instrument_name" type="text" ucd="meta.id;instr"
      utype="obscore:Provenance.ObsConfig.Instrument.name" verbLevel="10"
      std="True"
      description="Instrument that took the data"/>
    <!-- Not ObsCore; DaCHS has them too. -->
    <column name="preview" type="text" ucd="meta.ref.url;meta.preview"
      verbLevel="15" displayHint="type=url"
      description="URL of a small preview (an image) of the dataset"/>
    <column name="source_table" type="text" ucd="meta.id;meta.table"
      verbLevel="25"
      description="The table of this site the row comes from (its schema.name)"/>
  </STREAM>

  <table id="ObsCore" onDisk="True" adql="True" system="True">
    <meta name="title">ObsCore datasets</meta>
    <meta name="description">Every dataset of this site in the IVOA ObsCore 1.1
      model: what it is, where it is on the sky, in time and in the spectrum, and
      where to get it.  Collections publish into it through //obscore#publish and
      its siblings.</meta>
    <meta name="utype">ivo://ivoa.net/std/ObsCore#table-1.1</meta>
    <!-- What TAPRegExt says this site's TAP service supports. -->
    <property name="supportsModel">ObsCore-1.1</property>
    <property name="supportsModelURI">ivo://ivoa.net/std/ObsCore#core-1.1</property>

    <FEED source="obscore-columns"/>

    <!-- A view has no indexes of its own: conditions on these columns use the
         indexes of the tables behind it, which dr imp makes where a table lacks
         them (engine/obscore/sources.py). -->
    <index kind="position" columns="s_ra, s_dec" metaOnly="True"/>
    <index columns="s_region" metaOnly="True"/>
  </table>

  <!-- Parameters all publish mixins share: one per ivoa.obscore column, an SQL
       expression over the publishing table (NULL: none). -->
  <STREAM id="_publishCommon">
    <mixinPar name="dataproduct_subtype" alias="productSubtype"
      description="A finer kind of data, as the collection defines it">NULL</mixinPar>
    <mixinPar name="calib_level" alias="calibLevel"
      description="Calibration level, 0 to 4 (see ivoa.obscore's note)">2</mixinPar>
    <mixinPar name="obs_collection" alias="collectionName"
      description="A short name of the collection; not the resource title"
      >'unnamed'</mixinPar>
    <mixinPar name="obs_title" alias="title"
      description="A human-readable title of the dataset">NULL</mixinPar>
    <mixinPar name="obs_creator_did" alias="creatorDID"
      description="The IVOA identifier the creator gave the dataset; NULL unless
        the creator really assigned one">NULL</mixinPar>
    <mixinPar name="target_name" alias="targetName"
      description="Name of the object observed">NULL</mixinPar>
    <mixinPar name="target_class" alias="targetClass"
      description="Class of the object observed, from Simbad's object types"
      >NULL</mixinPar>
    <mixinPar name="s_ra" alias="ra"
      description="RA of the centre, ICRS degrees; a column with a position
        index (with s_dec) makes cone searches on ivoa.obscore fast">NULL</mixinPar>
    <mixinPar name="s_dec" alias="dec"
      description="Dec of the centre, ICRS degrees">NULL</mixinPar>
    <mixinPar name="s_fov" alias="fov"
      description="Approximate diameter of the area covered, degrees"
      >NULL</mixinPar>
    <mixinPar name="s_region" alias="coverage"
      description="The footprint, an spoly in ICRS; a GiST-indexed column makes
        INTERSECTS on ivoa.obscore fast">NULL</mixinPar>
    <mixinPar name="s_resolution" alias="sResolution"
      description="Best angular resolution, arcsec">NULL</mixinPar>
    <mixinPar name="s_xel1" alias="sXel1"
      description="Number of pixels along the first spatial axis">NULL</mixinPar>
    <mixinPar name="s_xel2" alias="sXel2"
      description="Number of pixels along the second spatial axis">NULL</mixinPar>
    <mixinPar name="s_pixel_scale" alias="sPixelScale"
      description="Size of a spatial pixel, arcsec">NULL</mixinPar>
    <mixinPar name="t_min" alias="tMin"
      description="Start of the time covered, MJD (ts_to_mjd(ts) converts a
        timestamp)">NULL</mixinPar>
    <mixinPar name="t_max" alias="tMax"
      description="End of the time covered, MJD">NULL</mixinPar>
    <mixinPar name="t_exptime" alias="expTime"
      description="Total exposure time, seconds">NULL</mixinPar>
    <mixinPar name="t_resolution" alias="tResolution"
      description="Time resolution, seconds">NULL</mixinPar>
    <mixinPar name="t_xel" alias="tXel"
      description="Number of samples along the time axis">NULL</mixinPar>
    <mixinPar name="em_min" alias="emMin"
      description="Shortest wavelength covered, metres">NULL</mixinPar>
    <mixinPar name="em_max" alias="emMax"
      description="Longest wavelength covered, metres">NULL</mixinPar>
    <mixinPar name="em_res_power" alias="emResPower"
      description="Spectral resolving power, lambda over delta lambda"
      >NULL</mixinPar>
    <mixinPar name="em_xel" alias="emXel"
      description="Number of samples along the spectral axis">NULL</mixinPar>
    <mixinPar name="em_ucd" alias="emUCD"
      description="UCD of the spectral axis (em.wl, em.freq, em.energy, or one
        of ObsCore 1.1's Doppler UCDs)">NULL</mixinPar>
    <mixinPar name="o_ucd" alias="oUCD"
      description="UCD of the observable, e.g. phot.flux.density">NULL</mixinPar>
    <mixinPar name="pol_states" alias="polStates"
      description="Polarization states present, chosen from I Q U V RR LL RL LR
        XX YY XY YX POLI POLA, alphabetically between slashes: /I/Q/XX/"
      >NULL</mixinPar>
    <mixinPar name="pol_xel" alias="polXel"
      description="Number of polarization states">NULL</mixinPar>
    <mixinPar name="facility_name" alias="facilityName"
      description="Observatory or telescope that took the data">NULL</mixinPar>
    <mixinPar name="instrument_name" alias="instrumentName"
      description="Instrument that took the data">NULL</mixinPar>
    <mixinPar name="source_table"
      description="The table the rows come from (leave it)">'\qName'</mixinPar>
    <mixinPar name="createDIDIndex"
      description="True: index the obs_publisher_did expression of this table
        (worth it beyond a few hundred datasets unless it is an indexed column)"
      >False</mixinPar>
    <mixinPar name="extra_columns"
      description="DR: columns of this table that ivoa.obscore gets as extra
        columns, comma-separated (with their type, unit, UCD and description;
        tables without them contribute NULL)">__EMPTY__</mixinPar>
  </STREAM>

  <!-- Parameters whose defaults are the product columns (//products#table). -->
  <STREAM id="_publishProduct">
    <mixinPar name="obs_id" alias="obsId"
      description="Identifier of the observation; the accref by default"
      >accref</mixinPar>
    <mixinPar name="obs_publisher_did" alias="did"
      description="The dataset's IVOA identifier; by default the standard
        pubDID of its accref, ivo://[authority]/~?[accref]"
      >\sql_standardPubDID</mixinPar>
    <mixinPar name="access_url" alias="accessURL"
      description="Where to get the dataset; by default its /getproduct URL
        (an accref that is a URL is taken as it is)"
      >CASE WHEN accref ~ '^https?://' THEN accref
        ELSE '\internallink{getproduct/}' || accref END</mixinPar>
    <mixinPar name="access_format" alias="mime"
      description="MIME type of the file">mime</mixinPar>
    <mixinPar name="access_estsize" alias="size"
      description="Size of the file in kilobytes">accsize/1024</mixinPar>
    <mixinPar name="preview"
      description="URL of a preview; NULL if the collection has none"
      >'\internallink{getproduct/}' || accref || '?preview=True'</mixinPar>
  </STREAM>

  <!-- The publish mixins give parameters only: engine/obscore reads them from
       the tables mixing them in.  A default naming a column the table lacks
       counts as NULL. -->
  <mixinDef id="publish">
    <doc>Publishes this table's rows into ivoa.obscore.  Each parameter is an SQL
      expression over this table giving the ObsCore column of its name (plain
      column names are expressions, too; constants are SQL literals: 'image').
      Those left out are NULL, or, for product tables (//products#table), taken
      from the product columns.  dataproduct_type is required.</doc>
    <LFEED source="_publishProduct"/>
    <LFEED source="_publishCommon"/>
    <mixinPar name="dataproduct_type" alias="productType"
      description="image, cube, spectrum, sed, timeseries, visibility, event,
        measurements, or NULL if none fits"/>
    <events/>
  </mixinDef>

  <mixinDef id="publishSIAP">
    <doc>Like //obscore#publish for a table mixing in //siap#pgs: the ObsCore
      columns default to its SIAP columns (where the table has them).</doc>
    <LFEED source="_publishProduct"/>
    <LFEED source="_publishCommon"/>
    <mixinPar name="dataproduct_type" alias="productType">'image'</mixinPar>
    <mixinPar name="obs_title" alias="title">imageTitle</mixinPar>
    <mixinPar name="s_ra" alias="ra">centerAlpha</mixinPar>
    <mixinPar name="s_dec" alias="dec">centerDelta</mixinPar>
    <mixinPar name="s_fov" alias="fov"
      description="the extent along the first axis, a rough estimate"
      >pixelScale[1]*pixelSize[1]</mixinPar>
    <mixinPar name="s_region" alias="coverage">coverage</mixinPar>
    <mixinPar name="s_resolution" alias="sResolution"
      description="the pixel scale, a rough estimate">pixelScale[1]*3600</mixinPar>
    <mixinPar name="s_pixel_scale" alias="sPixelScale"
      >pixelScale[1]*3600</mixinPar>
    <mixinPar name="s_xel1" alias="sXel1">pixelSize[1]</mixinPar>
    <mixinPar name="s_xel2" alias="sXel2">pixelSize[2]</mixinPar>
    <mixinPar name="t_min" alias="tMin">dateObs</mixinPar>
    <mixinPar name="t_max" alias="tMax">dateObs</mixinPar>
    <mixinPar name="em_min" alias="emMin">bandpassLo</mixinPar>
    <mixinPar name="em_max" alias="emMax">bandpassHi</mixinPar>
    <mixinPar name="o_ucd" alias="oUCD"
      description="optical by default; fix it for other bands">'em.opt'</mixinPar>
    <mixinPar name="instrument_name" alias="instrumentName">instId</mixinPar>
    <mixinPar name="facility_name" alias="facilityName"
      description="the RD's facility meta by default"
      >\sqlquote{\metaSeq{facility}{NULL}}</mixinPar>
    <events/>
  </mixinDef>

  <STREAM id="_publishSSAP">
    <mixinPar name="dataproduct_type" alias="productType">'spectrum'</mixinPar>
    <mixinPar name="obs_title" alias="title">ssa_dstitle</mixinPar>
    <mixinPar name="obs_creator_did" alias="creatorDID">ssa_creatorDID</mixinPar>
    <mixinPar name="target_name" alias="targetName">ssa_targname</mixinPar>
    <mixinPar name="target_class" alias="targetClass">ssa_targclass</mixinPar>
    <mixinPar name="s_ra" alias="ra">degrees(long(ssa_location))</mixinPar>
    <mixinPar name="s_dec" alias="dec">degrees(lat(ssa_location))</mixinPar>
    <mixinPar name="s_fov" alias="fov">ssa_aperture</mixinPar>
    <mixinPar name="s_region" alias="coverage"
      description="NULL: SSA tables have no polygon (//ssap#simpleCoverage's
        ssa_region is one)">NULL</mixinPar>
    <mixinPar name="s_resolution" alias="sResolution"
      >\getParam{ssa_spaceRes}{NULL}/3600.</mixinPar>
    <mixinPar name="s_xel1" alias="sXel1">1</mixinPar>
    <mixinPar name="s_xel2" alias="sXel2">1</mixinPar>
    <mixinPar name="t_min" alias="tMin" description="the exposure's start: its
      middle less half its length in days (DaCHS divides by 43200, giving twice
      the exposure either side; DR does not copy that)"
      >ssa_dateObs-ssa_timeExt/172800.</mixinPar>
    <mixinPar name="t_max" alias="tMax">ssa_dateObs+ssa_timeExt/172800.</mixinPar>
    <mixinPar name="t_exptime" alias="expTime">ssa_timeExt</mixinPar>
    <mixinPar name="em_min" alias="emMin">ssa_specstart</mixinPar>
    <mixinPar name="em_max" alias="emMax">ssa_specend</mixinPar>
    <mixinPar name="em_ucd" alias="emUCD"
      >\sqlquote{\getParam{ssa_spectralucd}{NULL}}</mixinPar>
    <mixinPar name="o_ucd" alias="oUCD"
      >\sqlquote{\getParam{ssa_fluxucd}{NULL}}</mixinPar>
    <mixinPar name="facility_name" alias="facilityName"
      >\sqlquote{\metaSeq{facility}{NULL}}</mixinPar>
  </STREAM>

  <mixinDef id="publishSSAPMIXC">
    <doc>Like //obscore#publish for a table mixing in //ssap#view (or
      //ssap#mixc): the ObsCore columns default to its SSA columns (where the
      table has them).  s_region stays NULL unless given (e.g. ssa_region of
      //ssap#simpleCoverage); calib_level usually wants setting.</doc>
    <LFEED source="_publishProduct"/>
    <LFEED source="_publishCommon"/>
    <LFEED source="_publishSSAP"/>
    <mixinPar name="obs_collection" alias="collectionName">ssa_collection</mixinPar>
    <mixinPar name="obs_publisher_did" alias="did">ssa_pubdid</mixinPar>
    <mixinPar name="dataproduct_type" alias="productType">ssa_dstype</mixinPar>
    <mixinPar name="instrument_name" alias="instrumentName">ssa_instrument</mixinPar>
    <mixinPar name="em_xel" alias="emXel">ssa_length</mixinPar>
    <mixinPar name="em_res_power" alias="emResPower"
      >ssa_specstart/ssa_specres</mixinPar>
    <!-- a column where the table has it (//ssap#view), else the param (mixc) -->
    <mixinPar name="em_ucd" alias="emUCD">ssa_spectralucd</mixinPar>
    <mixinPar name="o_ucd" alias="oUCD">ssa_fluxucd</mixinPar>
    <events/>
  </mixinDef>

  <mixinDef id="publishSSAPHCD">
    <doc>Like //obscore#publishSSAPMIXC for a table mixing in the deprecated
      //ssap#hcd, whose collection and instrument are params.</doc>
    <LFEED source="_publishProduct"/>
    <LFEED source="_publishCommon"/>
    <LFEED source="_publishSSAP"/>
    <mixinPar name="obs_collection" alias="collectionName"
      >\sqlquote{\getParam{ssa_collection}{NULL}}</mixinPar>
    <mixinPar name="instrument_name" alias="instrumentName"
      >\sqlquote{\getParam{ssa_instrument}{NULL}}</mixinPar>
    <events/>
  </mixinDef>

  <mixinDef id="publishObscoreLike">
    <doc>Publishes a table that has (most of) the ObsCore columns itself: every
      parameter defaults to the column of its name (NULL where the table lacks
      it).  Product tables need access_url, access_format and access_estsize
      given.</doc>
    <LFEED source="_publishCommon"/>
    <mixinPar name="dataproduct_type">dataproduct_type</mixinPar>
    <mixinPar name="dataproduct_subtype">dataproduct_subtype</mixinPar>
    <mixinPar name="calib_level">calib_level</mixinPar>
    <mixinPar name="obs_collection">obs_collection</mixinPar>
    <mixinPar name="obs_id">obs_id</mixinPar>
    <mixinPar name="obs_title">obs_title</mixinPar>
    <mixinPar name="obs_publisher_did">obs_publisher_did</mixinPar>
    <mixinPar name="obs_creator_did">obs_creator_did</mixinPar>
    <mixinPar name="access_url">access_url</mixinPar>
    <mixinPar name="access_format">access_format</mixinPar>
    <mixinPar name="access_estsize">access_estsize</mixinPar>
    <mixinPar name="target_name">target_name</mixinPar>
    <mixinPar name="target_class">target_class</mixinPar>
    <mixinPar name="s_ra">s_ra</mixinPar>
    <mixinPar name="s_dec">s_dec</mixinPar>
    <mixinPar name="s_fov">s_fov</mixinPar>
    <mixinPar name="s_region">s_region</mixinPar>
    <mixinPar name="s_resolution">s_resolution</mixinPar>
    <mixinPar name="s_xel1">s_xel1</mixinPar>
    <mixinPar name="s_xel2">s_xel2</mixinPar>
    <mixinPar name="s_pixel_scale">s_pixel_scale</mixinPar>
    <mixinPar name="t_min">t_min</mixinPar>
    <mixinPar name="t_max">t_max</mixinPar>
    <mixinPar name="t_exptime">t_exptime</mixinPar>
    <mixinPar name="t_resolution">t_resolution</mixinPar>
    <mixinPar name="t_xel">t_xel</mixinPar>
    <mixinPar name="em_min">em_min</mixinPar>
    <mixinPar name="em_max">em_max</mixinPar>
    <mixinPar name="em_res_power">em_res_power</mixinPar>
    <mixinPar name="em_xel">em_xel</mixinPar>
    <mixinPar name="em_ucd">em_ucd</mixinPar>
    <mixinPar name="o_ucd">o_ucd</mixinPar>
    <mixinPar name="pol_states">pol_states</mixinPar>
    <mixinPar name="pol_xel">pol_xel</mixinPar>
    <mixinPar name="facility_name">facility_name</mixinPar>
    <mixinPar name="instrument_name">instrument_name</mixinPar>
    <mixinPar name="preview">preview</mixinPar>
    <events/>
  </mixinDef>
</resource>
