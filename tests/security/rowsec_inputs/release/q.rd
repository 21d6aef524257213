<?xml version="1.0" encoding="utf-8"?>
<!-- Observations under a proprietary period: a row whose release date lies in
  the future is seen only by the group in its project column. -->
<resource schema="release">
  <meta name="title">Observations with proprietary periods</meta>
  <meta name="description">ROWSEC-RD-DESCRIPTION</meta>

  <table id="obs" onDisk="True" adql="True" primary="obsid"
      mixin="//scs#pgs-pos-index" embargoColumn="released" ownerColumn="project"
      description="One row per observation; proprietary until its release date.">
    <mixin
      dataproduct_type="'image'"
      obs_collection="'ROWSEC'"
      obs_id="obsid"
      obs_publisher_did="'ivo://dr.example.org/rowsec?' || obsid"
      access_url="'http://127.0.0.1/nothing/' || obsid"
      s_ra="ra"
      s_dec="dec"
      >//obscore#publish</mixin>
    <column name="obsid" type="text" required="True" ucd="meta.id;meta.main"
      description="Observation identifier"/>
    <column name="ra" type="double precision" unit="deg" required="True"
      ucd="pos.eq.ra;meta.main" description="RA"/>
    <column name="dec" type="double precision" unit="deg" required="True"
      ucd="pos.eq.dec;meta.main" description="Dec"/>
    <column name="released" type="date" ucd="time.release"
      description="Public from this day on"/>
    <column name="project" type="text" ucd="meta.id;obs.proposal"
      description="The group that sees the row before its release"/>
  </table>

  <data id="import">
    <sources pattern="data/obs.csv"/>
    <csvGrammar/>
    <make table="obs">
      <rowmaker idmaps="*"/>
    </make>
  </data>

  <service id="cone" allowed="form,scs.xml">
    <meta name="title">Observations by position</meta>
    <scsCore queriedTable="obs">
      <FEED source="//scs#coreDescs"/>
    </scsCore>
  </service>
</resource>
