<?xml version="1.0" encoding="utf-8"?>
<!-- A public table with public and restricted services (rd id archive/open/q). -->
<resource schema="openstars">
  <meta name="title">Open stars</meta>
  <meta name="description">A public table of a few stars.</meta>

  <table id="main" onDisk="True" adql="True" primary="name"
      mixin="//scs#pgs-pos-index" description="Public stars.">
    <column name="name" type="text" required="True" ucd="meta.id;meta.main"
      description="Star name"/>
    <column name="ra" type="double precision" unit="deg" required="True"
      ucd="pos.eq.ra;meta.main" displayHint="type=hms" description="RA"/>
    <column name="dec" type="double precision" unit="deg" required="True"
      ucd="pos.eq.dec;meta.main" displayHint="type=dms,sf=1" description="Dec"/>
    <column name="mag" type="real" unit="mag" ucd="phot.mag" displayHint="sf=2"
      description="Magnitude"/>
  </table>

  <data id="import">
    <sources pattern="data/stars.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker idmaps="*"/>
    </make>
  </data>

  <service id="cone" allowed="form,scs.xml,api">
    <meta name="title">Open stars cone</meta>
    <meta name="description">Public cone search over the open stars.</meta>
    <scsCore queriedTable="main">
      <FEED source="//scs#coreDescs"/>
      <condDesc buildFrom="mag"/>
    </scsCore>
  </service>

  <service id="page" allowed="qp">
    <meta name="title">Open objects, a page each</meta>
    <property name="queryField">name</property>
    <dbCore queriedTable="main"/>
  </service>

  <service id="staffonly" allowed="form,scs.xml,api" limitTo="staff">
    <meta name="title">Staff-only cone over open stars</meta>
    <meta name="description">STAFF-ONLY-SERVICE-DESCRIPTION</meta>
    <scsCore queriedTable="main">
      <FEED source="//scs#coreDescs"/>
    </scsCore>
  </service>

  <service id="images" allowed="slap.xml">
    <meta name="title">Open images</meta>
    <scsCore queriedTable="main">
      <FEED source="//scs#coreDescs"/>
    </scsCore>
  </service>
</resource>
