<?xml version="1.0" encoding="utf-8"?>
<!-- Images only the group "staff" may see (a copy of two J-PLUS-like demo
  images, put in place by tests/security/test_access_matrix.py), with SIA 1,
  DataLink/SODA and SIA 2 services over them.  Not the public demo. -->
<resource schema="vault">
  <meta name="title">VAULT-RD-TITLE</meta>
  <meta name="description">VAULT-RD-DESCRIPTION</meta>

  <table id="images" onDisk="True" adql="True" primary="accref" mixin="//siap#pgs,//obscore#publishSIAP"
      readGroups="staff" description="VAULT-TABLE-DESCRIPTION">
    <column name="filter" type="text" required="True" ucd="instr.filter"
      description="Filter"/>
  </table>

  <data id="import">
    <sources pattern="data/*.fits.gz"/>
    <fitsProdGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.images"</bind>
      </rowfilter>
    </fitsProdGrammar>
    <make table="images">
      <rowmaker>
        <apply procDef="//siap#computePGS"/>
        <apply procDef="//siap#setMeta">
          <bind key="title">"VAULT-IMAGE %s" % @FILTER</bind>
          <bind key="bandpassId">@FILTER</bind>
        </apply>
        <map key="filter">@FILTER</map>
      </rowmaker>
    </make>
  </data>

  <service id="web" allowed="form,siap.xml,api">
    <meta name="title">VAULT-SIA-TITLE</meta>
    <meta name="sia.type">Pointed</meta>
    <dbCore queriedTable="images">
      <condDesc original="//siap#protoInput"/>
      <condDesc original="//siap#humanInput"/>
    </dbCore>
  </service>

  <service id="page" allowed="qp">
    <meta name="title">VAULT-PAGE-TITLE</meta>
    <property name="queryField">filter</property>
    <dbCore queriedTable="images"/>
  </service>

  <service id="dl" allowed="dlget,dlmeta,dlasync" limitTo="staff">
    <meta name="title">VAULT-DL-TITLE</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#fits_genDesc">
        <bind key="accrefPrefix">"vault/data/"</bind>
      </descriptorGenerator>
      <FEED source="//soda#fits_standardDLFuncs"/>
    </datalinkCore>
  </service>

  <service id="pubdl" allowed="dlget,dlmeta,dlasync">
    <meta name="title">Public DataLink over the demo's images</meta>
    <datalinkCore>
      <descriptorGenerator procDef="//soda#fits_genDesc">
        <bind key="accrefPrefix">"jplus/"</bind>
      </descriptorGenerator>
      <FEED source="//soda#fits_standardDLFuncs"/>
    </datalinkCore>
  </service>

  <service id="sia2" allowed="siap2.xml" limitTo="staff">
    <meta name="title">VAULT-SIA2-TITLE</meta>
    <dbCore queriedTable="//obscore#ObsCore">
      <FEED source="//siap2#parameters"/>
    </dbCore>
  </service>
</resource>
