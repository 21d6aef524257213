<?xml version="1.0" encoding="utf-8"?>
<!-- Spectra for tests/security/test_access_matrix.py (no files: products rows
  only, from spectra/*.csv): a table only the group "staff" may read, and a
  public one with one row under embargo for "staff", each with an SSA
  service. -->
<resource schema="vault_spectra">
  <meta name="title">VAULT-SPECTRA-RD-TITLE</meta>
  <meta name="description">Spectra of the access matrix.</meta>

  <table id="staff" onDisk="True" adql="True" readGroups="staff"
      description="VAULT-SPECTRA-TABLE">
    <mixin fluxCalibration="RELATIVE" spectralUnit="Angstrom">//ssap#hcd</mixin>
  </table>

  <table id="open" onDisk="True" adql="True" embargoColumn="embargo"
      ownerColumn="owner" description="Public spectra, one
      embargoed">
    <mixin fluxCalibration="RELATIVE" spectralUnit="Angstrom">//ssap#hcd</mixin>
  </table>

  <STREAM id="rows">
    <csvGrammar>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.\table"</bind>
        <bind key="accref">"vault/spectra/" + @name</bind>
        <bind key="path">"vault/spectra/" + @name</bind>
        <bind key="fsize">1000</bind>
        <bind key="mime">"text/csv"</bind>
        <bind key="preview">None</bind>
        <bind key="owner">@owner or None</bind>
        <bind key="embargo">@embargo or None</bind>
      </rowfilter>
    </csvGrammar>
    <make table="\table">
      <rowmaker idmaps="*">
        <apply procDef="//ssap#setMeta">
          <bind key="pubDID">\standardPubDID</bind>
          <bind key="dstitle">@name</bind>
          <bind key="targname">@name</bind>
          <bind key="alpha">float(@ra)</bind>
          <bind key="delta">float(@dec)</bind>
          <bind key="specstart">4e-7</bind>
          <bind key="specend">7e-7</bind>
        </apply>
      </rowmaker>
    </make>
  </STREAM>

  <data id="import_staff">
    <sources pattern="spectra/staff.csv"/>
    <FEED source="rows" table="staff"/>
  </data>

  <data id="import_open">
    <sources pattern="spectra/open.csv"/>
    <FEED source="rows" table="open"/>
  </data>

  <service id="staffssa" allowed="ssap.xml">
    <meta name="title">VAULT-SSA-TITLE</meta>
    <ssapCore queriedTable="staff">
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>

  <service id="openssa" allowed="ssap.xml">
    <meta name="title">Public spectra of the access matrix</meta>
    <ssapCore queriedTable="open">
      <FEED source="//ssap#hcd_condDescs"/>
    </ssapCore>
  </service>

  <!-- Computations (pythonCore, uws.xml): one for staff, one for everyone. -->
  <service id="staffjobs" allowed="uws.xml,api" limitTo="staff">
    <meta name="title">VAULT-JOBS-TITLE</meta>
    <pythonCore>
      <coreProc>
        <code>
          return ("text/plain", "VAULT-COMPUTED")
        </code>
      </coreProc>
    </pythonCore>
  </service>

  <service id="openjobs" allowed="uws.xml,api">
    <pythonCore>
      <coreProc>
        <code>
          return ("text/plain", "computed for all")
        </code>
      </coreProc>
    </pythonCore>
  </service>
</resource>
