<?xml version="1.0" encoding="utf-8"?>
<!-- A table only the group "staff" may read, and services over it. -->
<resource schema="secret">
  <meta name="title">Secret objects</meta>
  <meta name="description">SECRET-RD-DESCRIPTION</meta>

  <table id="objects" onDisk="True" adql="True" primary="name" readGroups="staff"
      mixin="//scs#pgs-pos-index" description="SECRET-TABLE-DESCRIPTION">
    <column name="name" type="text" required="True" ucd="meta.id;meta.main"
      description="Object name"/>
    <column name="ra" type="double precision" unit="deg" required="True"
      ucd="pos.eq.ra;meta.main" description="RA"/>
    <column name="dec" type="double precision" unit="deg" required="True"
      ucd="pos.eq.dec;meta.main" description="Dec"/>
  </table>

  <data id="import">
    <sources pattern="data/objects.csv"/>
    <csvGrammar/>
    <make table="objects">
      <rowmaker idmaps="*"/>
    </make>
  </data>

  <service id="cone" allowed="form,scs.xml,api">
    <meta name="title">SECRET-CONE-TITLE</meta>
    <scsCore queriedTable="objects">
      <FEED source="//scs#coreDescs"/>
    </scsCore>
  </service>

  <service id="counts" allowed="form,api">
    <meta name="title">SECRET-COUNTS-TITLE</meta>
    <fixedQueryCore>
      <query>SELECT count(*) AS n FROM Secret.Objects</query>
      <outputTable>
        <outputField name="n" type="bigint" ucd="meta.number" description="Objects"/>
      </outputTable>
    </fixedQueryCore>
  </service>
</resource>
