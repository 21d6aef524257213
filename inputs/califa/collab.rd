<?xml version="1.0" encoding="utf-8"?>
<!-- A collaboration-only table beside the public CALIFA-like sample: colours
  of the sample galaxies.  Who reads it is decided as CALIFA decides it: by the
  approvals in its source's header (approvalGroup).  data/califa_colours.csv
  names who approved it for the collaboration (COLAPRV) and nobody for the
  public (PUBAPRV: None), so only the group "califa" reads it (the demo account
  "collab" is in it) - in TAP, TAP_SCHEMA, the form and the table page alike;
  everyone else sees no trace of it in TAP and gets 401 or 403 from its form.
  Once PUBAPRV names someone, the next dr imp makes it public. -->
<resource schema="califa_collab">
  <meta name="title">CALIFA-like sample: colours (collaboration only)</meta>
  <meta name="description">
    Optical and near-infrared colours (B-V and J-H) of the galaxies of the
    CALIFA-like sample, computed from the OpenNGC magnitudes.  Like CALIFA's
    internal tables before their public release, this table is served only
    to members of the collaboration (the group califa).
  </meta>
  <meta name="creator">
    <meta name="name">DR demo team</meta>
  </meta>
  <meta name="subject">galaxies</meta>
  <meta name="subject">colour index</meta>
  <meta name="creationDate">2026-12-06T00:00:00Z</meta>
  <meta name="version">0.1</meta>
  <meta name="source">Derived from OpenNGC (Mattia Verga; CC-BY-SA-4.0)</meta>
  <meta name="rights">Collaboration-internal until approved for release.</meta>
  <meta name="contentLevel">Research</meta>
  <meta name="type">Catalog</meta>

  <table id="colours" onDisk="True" adql="True" primary="califaid"
      mixin="//scs#pgs-pos-index" approvalGroup="califa"
      description="Colours of the sample galaxies, for the collaboration.">
    <foreignKey inTable="califa/q#main" source="califaid" dest="califaid"/>
    <column name="califaid" type="integer" required="True"
      ucd="meta.id;meta.main" verbLevel="1"
      description="ID of the galaxy in the sample (califa.main)"/>
    <column name="name" type="text" required="True"
      ucd="meta.id" verbLevel="1"
      description="NGC or IC designation"/>
    <column name="ra" type="double precision" unit="deg" required="True"
      ucd="pos.eq.ra;meta.main" verbLevel="1" displayHint="type=hms"
      description="Right ascension (J2000.0)"/>
    <column name="dec" type="double precision" unit="deg" required="True"
      ucd="pos.eq.dec;meta.main" verbLevel="1" displayHint="type=dms,sf=1"
      description="Declination (J2000.0)"/>
    <column name="b_v" type="real" unit="mag" ucd="phot.color;em.opt.B;em.opt.V"
      verbLevel="1" displayHint="sf=2"
      description="B-V colour (OpenNGC total magnitudes)"/>
    <column name="j_h" type="real" unit="mag" ucd="phot.color;em.IR.J;em.IR.H"
      verbLevel="1" displayHint="sf=2"
      description="J-H colour (2MASS magnitudes via OpenNGC)"/>
  </table>

  <data id="import">
    <sources pattern="data/califa_colours.csv"/>
    <califaGrammar/>
    <make table="colours">
      <rowmaker idmaps="*"/>
    </make>
  </data>

  <service id="web" allowed="form,scs.xml">
    <meta name="shortName">CALIFA colours</meta>
    <meta name="title">CALIFA-like colours by position (collaboration only)</meta>
    <meta name="description">Colours of the sample galaxies around a position;
      only for members of the collaboration.</meta>
    <scsCore queriedTable="colours">
      <FEED source="//scs#coreDescs"/>
    </scsCore>
  </service>
</resource>
