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

  <mixinDef id="healpix-partitions">
    <!-- DR's own (no DaCHS RD names it): the table becomes a PostgreSQL table
         partitioned by ranges of healpix_nest(order, spoint(ra, dec)) over its
         main position columns, each partition with the position index; ADQL
         and cone searches on it scan only the partitions their region
         touches (rd/partitioning.py, engine/ingest/partitions.py). -->
    <mixinPar name="order" description="HEALPix order of the partition key
      (nested scheme; 6 means cells of about 0.9 degrees)">6</mixinPar>
    <mixinPar name="partitions" description="Number of partitions, each a
      contiguous range of nested cells (a power of 2, or 12 times one, makes
      each a union of coarser cells)">16</mixinPar>
    <mixinPar name="writers" description="Connections dr imp loads the source
      files and builds the partitions' indexes with, in parallel, before
      swapping them in within its one transaction (1: load within it)"
      >2</mixinPar>
    <events>
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
