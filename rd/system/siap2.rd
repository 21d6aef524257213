<?xml version="1.0" encoding="utf-8"?>
<!-- DR's system RD for SIA 2.0: the parameters (//siap2#parameters) and the
     site-wide service over ivoa.obscore, served at
     /__system__/siap2/sitewide/siap2.xml once a table publishes into
     ivoa.obscore.

     Each condDesc is one SIA 2.0 parameter, known by its inputKey's name;
     engine/sia/sia2.py reads the values (DALI intervals, POS shapes; repeated
     values ORed) and writes the SQL over ivoa.obscore.  A service of another
     RD gets SIA 2.0 the same way: a dbCore over //obscore#ObsCore feeding
     //siap2#parameters, allowing siap2.xml. -->
<resource schema="ivoa">
  <meta name="description">Simple Image Access 2.0 over every dataset this site
    publishes in ivoa.obscore.</meta>

  <STREAM id="parameters">
    <condDesc id="POS">
      <inputKey name="POS" type="text" multiplicity="multiple" tablehead="Position"
        unit="deg" std="True" description="A region the data must overlap: CIRCLE ra
        dec radius, RANGE ra1 ra2 dec1 dec2 or POLYGON ra1 dec1 ra2 dec2 ... (ICRS,
        degrees)"/>
    </condDesc>
    <condDesc id="BAND">
      <inputKey name="BAND" type="text" multiplicity="multiple" tablehead="Wavelength"
        unit="m" std="True" description="A wavelength (or an interval of them, -Inf
        and +Inf for open ends) the data must cover, in metres"/>
    </condDesc>
    <condDesc id="TIME">
      <inputKey name="TIME" type="text" multiplicity="multiple" tablehead="Time (MJD)"
        unit="d" std="True" description="A time (or an interval of them) the
        observation must overlap, as MJD"/>
    </condDesc>
    <condDesc id="POL">
      <inputKey name="POL" type="text" multiplicity="multiple"
        tablehead="Polarisation" std="True" description="A polarisation state the
        data must have (I, Q, U, V, RR, LL, ...)"/>
    </condDesc>
    <condDesc id="FOV">
      <inputKey name="FOV" type="text" multiplicity="multiple" tablehead="Field of view"
        unit="deg" std="True" description="An interval the field of view (diameter)
        must lie in, in degrees"/>
    </condDesc>
    <condDesc id="SPATRES">
      <inputKey name="SPATRES" type="text" multiplicity="multiple"
        tablehead="Spatial resolution" unit="arcsec" std="True" description="An
        interval the spatial resolution must lie in, in arcsec"/>
    </condDesc>
    <condDesc id="EXPTIME">
      <inputKey name="EXPTIME" type="text" multiplicity="multiple"
        tablehead="Exposure time" unit="s" std="True" description="An interval the
        exposure time must lie in, in seconds"/>
    </condDesc>
    <condDesc id="TIMERES">
      <inputKey name="TIMERES" type="text" multiplicity="multiple"
        tablehead="Time resolution" unit="s" std="True" description="An interval the
        time resolution must lie in, in seconds"/>
    </condDesc>
    <condDesc id="SPECRP">
      <inputKey name="SPECRP" type="text" multiplicity="multiple"
        tablehead="Spectral resolving power" std="True" description="An interval the
        spectral resolving power must lie in"/>
    </condDesc>
    <condDesc id="ID">
      <inputKey name="ID" type="text" multiplicity="multiple" tablehead="Dataset id"
        std="True" description="The publisher DID of a dataset"/>
    </condDesc>
    <condDesc id="COLLECTION">
      <inputKey name="COLLECTION" type="text" multiplicity="multiple"
        tablehead="Collection" std="True" description="The name of a data
        collection"/>
    </condDesc>
    <condDesc id="FACILITY">
      <inputKey name="FACILITY" type="text" multiplicity="multiple"
        tablehead="Facility" std="True" description="The telescope or facility"/>
    </condDesc>
    <condDesc id="INSTRUMENT">
      <inputKey name="INSTRUMENT" type="text" multiplicity="multiple"
        tablehead="Instrument" std="True" description="The instrument"/>
    </condDesc>
    <condDesc id="DPTYPE">
      <inputKey name="DPTYPE" type="text" multiplicity="multiple"
        tablehead="Product type" std="True" description="The type of the data product
        (image or cube)"/>
    </condDesc>
    <condDesc id="CALIB">
      <inputKey name="CALIB" type="text" multiplicity="multiple"
        tablehead="Calibration level" std="True" description="The calibration level
        (0 raw to 4 analysis products)"/>
    </condDesc>
    <condDesc id="TARGET">
      <inputKey name="TARGET" type="text" multiplicity="multiple" tablehead="Target"
        std="True" description="The name of the observation's target"/>
    </condDesc>
    <condDesc id="FORMAT">
      <inputKey name="FORMAT" type="text" multiplicity="multiple" tablehead="Format"
        std="True" description="The media type of the data (e.g. image/fits)"/>
    </condDesc>
  </STREAM>

  <service id="sitewide" allowed="siap2.xml,form">
    <meta name="title">Site-wide image and cube search (SIA 2.0)</meta>
    <meta name="shortName">SIAv2</meta>
    <meta name="description">Finds images, cubes and other datasets of every
      collection this site publishes (ivoa.obscore) by position, wavelength,
      time, polarisation, collection and more.</meta>
    <dbCore queriedTable="//obscore#ObsCore">
      <FEED source="parameters"/>
    </dbCore>
  </service>
</resource>
