<?xml version="1.0" encoding="utf-8"?>
<!-- Three collaboration tables whose audience their sources' CALIFA approvals
  decide (approvalGroup="staff"): internal (COLAPRV only: staff), released
  (PUBAPRV too: everyone) and pending (neither: nobody). -->
<resource schema="approvals">
  <meta name="title">Tables under the collaboration's approval</meta>
  <meta name="description">APPROVALS-RD-DESCRIPTION</meta>

  <STREAM id="galaxies">
    <column name="galaxy" type="text" required="True" ucd="meta.id;meta.main"
      description="Galaxy name"/>
    <column name="mass" type="double precision" unit="solMass" ucd="phys.mass"
      description="Stellar mass"/>
  </STREAM>

  <table id="internal" onDisk="True" adql="True" approvalGroup="staff"
      description="Approved for the collaboration only.">
    <FEED source="galaxies"/>
  </table>
  <table id="released" onDisk="True" adql="True" approvalGroup="staff"
      description="Approved for the public.">
    <FEED source="galaxies"/>
  </table>
  <table id="pending" onDisk="True" adql="True" approvalGroup="staff"
      description="Approved by nobody yet.">
    <FEED source="galaxies"/>
  </table>

  <data id="import_internal">
    <sources pattern="data/internal.csv"/>
    <califaGrammar/>
    <make table="internal"><rowmaker idmaps="*"/></make>
  </data>
  <data id="import_released">
    <sources pattern="data/released.csv"/>
    <califaGrammar/>
    <make table="released"><rowmaker idmaps="*"/></make>
  </data>
  <data id="import_pending">
    <sources pattern="data/pending.csv"/>
    <califaGrammar/>
    <make table="pending"><rowmaker idmaps="*"/></make>
  </data>
</resource>
