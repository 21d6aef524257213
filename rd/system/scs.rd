<?xml version="1.0" encoding="utf-8"?>
<!-- DR's system RD for positions and cone search: //scs#... -->
<resource schema="dc">
  <meta name="description">Position indexing and cone search support.</meta>

  <mixinDef id="pgs-pos-index">
    <!-- A pgsphere GiST index on spoint(radians(ra), radians(dec)) over the
         columns with UCDs pos.eq.ra;meta.main and pos.eq.dec;meta.main.
         //scs#q3cindex (DaCHS's q3c index) maps to this mixin. -->
    <events>
      <index kind="position"/>
    </events>
  </mixinDef>

  <!-- The Simple Cone Search parameters (SCS 1.03), for machines. -->
  <condDesc id="protoInput" kind="cone" required="True">
    <property name="onlyForRenderer">scs.xml, api</property>
    <inputKey name="RA" type="double precision" unit="deg" ucd="pos.eq.ra"
      std="True" description="Right ascension of the cone's centre (ICRS)"/>
    <inputKey name="DEC" type="double precision" unit="deg" ucd="pos.eq.dec"
      std="True" description="Declination of the cone's centre (ICRS)"/>
    <inputKey name="SR" type="double precision" unit="deg" std="True"
      description="Radius of the cone"/>
  </condDesc>

  <!-- A position for people: sexagesimal, decimal degrees or an object name. -->
  <condDesc id="humanInput" kind="humanCone">
    <property name="onlyForRenderer">form</property>
    <inputKey name="hscs_pos" type="text" tablehead="Position/Name"
      description="Coordinates (ra, dec in degrees or sexagesimal, ICRS) or an object
        name known to this service, e.g. NGC 5947"/>
    <inputKey name="hscs_sr" type="real" unit="arcmin" tablehead="Search radius"
      description="Search radius in arcminutes">
      <values default="1"/>
    </inputKey>
  </condDesc>

  <STREAM id="coreDescs">
    <condDesc original="//scs#protoInput"/>
    <condDesc original="//scs#humanInput"/>
  </STREAM>
</resource>
