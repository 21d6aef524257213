<?xml version="1.0" encoding="utf-8"?>
<!-- A CALIFA-like sample of real galaxies from OpenNGC, in the CALIFA
  annotated-CSV format.  Make the data with `python inputs/califa/generate.py`. -->
<resource schema="califa">
  <meta name="title">CALIFA-like galaxy sample from OpenNGC</meta>
  <meta name="description">
    2981 real galaxies chosen the way the CALIFA survey chose its mother
    sample: redshift between 0.005 and 0.03 and apparent major axis between
    0.75 and 1.33 arcmin.  Positions, morphological types, sizes, B, V, J, H
    and K magnitudes, radial velocities and redshifts are those of the
    OpenNGC database (the NGC and IC catalogues, revised by Mattia Verga).
    A second table holds every designation of each galaxy (NGC, IC, UGC,
    PGC, MCG, 2MASX, SDSS, IRAS, ESO and common names) for look-ups by name.
  </meta>
  <meta name="creator">
    <meta name="name">Verga, M.</meta>
  </meta>
  <meta name="creator">
    <meta name="name">DR demo team</meta>
  </meta>
  <meta name="subject">galaxies</meta>
  <meta name="subject">catalogs</meta>
  <meta name="subject">redshift surveys</meta>
  <meta name="creationDate">2026-11-27T00:00:00Z</meta>
  <meta name="version">1.0</meta>
  <meta name="source">OpenNGC, https://github.com/mattiaverga/OpenNGC (database of 2026-05-01, via pyongc 1.2.2)</meta>
  <meta name="referenceURL">https://github.com/mattiaverga/OpenNGC</meta>
  <meta name="rights">
    The data are from OpenNGC by Mattia Verga, licensed under CC-BY-SA-4.0;
    this derived sample is shared under the same licence.
  </meta>
  <meta name="rightsURI">https://creativecommons.org/licenses/by-sa/4.0/</meta>
  <meta name="contentLevel">Research</meta>
  <meta name="contentLevel">University</meta>
  <meta name="type">Catalog</meta>
  <meta name="coverage.waveband">Optical</meta>
  <meta name="coverage.waveband">Infrared</meta>

  <meta name="_example" title="Galaxies near NGC 5947">
    All sample galaxies within 2 degrees of the CALIFA galaxy NGC 5947,
    nearest first.

    .. tapquery::

      SELECT califaid, name, ra, dec, hubtype, redshift,
        DISTANCE(POINT('ICRS', ra, dec), POINT('ICRS', 232.6525, 42.7171)) AS dist
      FROM califa.main
      WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', 232.6525, 42.7171, 2))
      ORDER BY dist
  </meta>
  <meta name="_example" title="Look a galaxy up by any of its names">
    The identifiers table knows the normalised spelling ("UGC 9877") and
    OpenNGC's own ("UGC 09877") of every designation.

    .. tapquery::

      SELECT m.califaid, m.name, m.ra, m.dec, m.redshift, i.catname
      FROM califa.ids AS i
      JOIN califa.main AS m ON m.califaid = i.califaid
      WHERE i.ident = 'UGC 9877'
  </meta>
  <meta name="_example" title="Morphological types in the sample">
    .. tapquery::

      SELECT hubtype, COUNT(*) AS n, AVG(redshift) AS mean_z, AVG(bmag) AS mean_b
      FROM califa.main
      GROUP BY hubtype
      ORDER BY n DESC
  </meta>

  <table id="main" onDisk="True" adql="True" primary="califaid"
      mixin="//scs#pgs-pos-index"
      description="The galaxies of the sample, one row each, numbered by RA.">
    <column name="califaid" type="integer" required="True"
      ucd="meta.id;meta.main" verbLevel="1"
      description="Number of the galaxy in this sample (1..N by right ascension)"/>
    <column name="name" type="text" required="True"
      ucd="meta.id" verbLevel="1"
      description="NGC or IC designation, normalised (NGC 1, IC 1008 NED02)"/>
    <column name="ongcname" type="text" required="True"
      ucd="meta.id" verbLevel="15"
      description="Designation as spelt in OpenNGC (NGC0001)"/>
    <column name="ra" type="double precision" unit="deg" required="True"
      ucd="pos.eq.ra;meta.main" verbLevel="1" displayHint="type=hms"
      description="Right ascension, ICRS (J2000)"/>
    <column name="dec" type="double precision" unit="deg" required="True"
      ucd="pos.eq.dec;meta.main" verbLevel="1" displayHint="type=dms,sf=1"
      description="Declination, ICRS (J2000)"/>
    <column name="constel" type="text"
      verbLevel="20"
      description="Constellation (IAU abbreviation)">
      <values fromdb="constel FROM califa.main ORDER BY constel"/>
    </column>
    <column name="hubtype" type="text"
      ucd="src.morph.type" verbLevel="5"
      description="Morphological (Hubble) type">
      <!-- dr limits lists the types found; the form offers them. -->
      <property name="statistics">enumerate</property>
    </column>
    <column name="majax" type="real" unit="arcmin"
      ucd="phys.angSize;src" verbLevel="5" displayHint="sf=2"
      description="Major axis of the 25 mag/arcsec2 isophote"/>
    <column name="minax" type="real" unit="arcmin"
      ucd="phys.angSize" verbLevel="10" displayHint="sf=2"
      description="Minor axis of the 25 mag/arcsec2 isophote"/>
    <column name="pa" type="smallint" unit="deg"
      ucd="pos.posAng" verbLevel="10"
      description="Position angle of the major axis, north through east"/>
    <column name="bmag" type="real" unit="mag"
      ucd="phot.mag;em.opt.B" verbLevel="5" displayHint="sf=2"
      description="Apparent total B magnitude"/>
    <column name="vmag" type="real" unit="mag"
      ucd="phot.mag;em.opt.V" verbLevel="10" displayHint="sf=2"
      description="Apparent total V magnitude"/>
    <column name="jmag" type="real" unit="mag"
      ucd="phot.mag;em.IR.J" verbLevel="15" displayHint="sf=2"
      description="2MASS J magnitude"/>
    <column name="hmag" type="real" unit="mag"
      ucd="phot.mag;em.IR.H" verbLevel="15" displayHint="sf=2"
      description="2MASS H magnitude"/>
    <column name="kmag" type="real" unit="mag"
      ucd="phot.mag;em.IR.K" verbLevel="15" displayHint="sf=2"
      description="2MASS Ks magnitude"/>
    <column name="sbright" type="real" unit="mag/arcsec**2"
      ucd="phot.mag.sb;em.opt.B" verbLevel="20" displayHint="sf=2"
      description="Mean B surface brightness within the 25 mag/arcsec2 isophote"/>
    <column name="radvel" type="integer" unit="km/s"
      ucd="spect.dopplerVeloc.opt" verbLevel="10"
      description="Heliocentric radial velocity"/>
    <column name="redshift" type="double precision"
      ucd="src.redshift" verbLevel="5" displayHint="sf=5"
      description="Heliocentric redshift"/>
    <column name="pgc" type="integer"
      ucd="meta.id.cross" verbLevel="15"
      description="PGC (HyperLEDA) number"/>
    <column name="nednotes" type="text"
      ucd="meta.note" verbLevel="25"
      description="Notes from NED"/>
    <column name="ongcnotes" type="text"
      ucd="meta.note" verbLevel="25"
      description="Notes of the OpenNGC maintainers"/>
    <!-- In the VO Registry (dr pub califa): the cone search serves it, and TAP. -->
    <publish sets="ivo_managed" services="cone"/>
  </table>

  <table id="ids" onDisk="True" adql="True" primary="califaid,ident"
      description="Every designation of every galaxy, for look-ups by name.  Numbered
        catalogues appear normalised (NGC 1, UGC 57, PGC 564, M 51) and, where
        OpenNGC spells them otherwise, also as spelt there (NGC0001, UGC 00057).">
    <foreignKey inTable="main" source="califaid" dest="califaid"/>
    <index columns="ident"/>
    <column name="califaid" type="integer" required="True"
      ucd="meta.id.assoc" verbLevel="1"
      description="The galaxy (califa.main.califaid)"/>
    <column name="ident" type="text" required="True"
      ucd="meta.id" verbLevel="1"
      description="A designation or common name of the galaxy"/>
    <column name="catname" type="text" required="True"
      ucd="meta.code" verbLevel="5"
      description="Catalogue of the designation (NGC, IC, UGC, PGC, MCG, 2MASX,
        SDSS, ...); NAME for common names"/>
    <column name="form" type="text" required="True"
      ucd="meta.code" verbLevel="10"
      description="norm: the normalised spelling; raw: as spelt in OpenNGC"/>
  </table>

  <!-- Coverage for the registry records: dr limits measures the galaxies. -->
  <coverage><updater sourceTable="main"/></coverage>

  <data id="import">
    <sources pattern="data/califa_sample.csv"/>
    <califaGrammar/>
    <make table="main">
      <rowmaker idmaps="*"/>
    </make>
  </data>

  <data id="import_ids">
    <sources pattern="data/califa_ids.csv"/>
    <califaGrammar/>
    <make table="ids">
      <rowmaker idmaps="*"/>
    </make>
  </data>

  <service id="cone" allowed="form,scs.xml,api">
    <meta name="shortName">CALIFA-like cone</meta>
    <meta name="title">CALIFA-like galaxies: search by position, name and properties</meta>
    <meta name="description">Find galaxies of the sample around a position or a
      galaxy name (any designation the sample knows, e.g. NGC 5947 or UGC 9877),
      and by redshift, morphological type or magnitude.</meta>
    <meta name="testQuery">
      <meta name="ra">232.6525</meta>
      <meta name="dec">42.7171</meta>
      <meta name="sr">0.5</meta>
    </meta>
    <publish render="form" sets="local"/>
    <publish render="scs.xml" sets="local,ivo_managed"/>
    <scsCore queriedTable="main">
      <FEED source="//scs#coreDescs"/>
      <condDesc buildFrom="redshift"/>
      <condDesc buildFrom="hubtype"/>
      <condDesc buildFrom="bmag"/>
      <condDesc buildFrom="constel"/>
    </scsCore>
  </service>

  <service id="galaxy" allowed="qp">
    <meta name="shortName">CALIFA-like galaxy pages</meta>
    <meta name="title">CALIFA-like galaxies: a page for each</meta>
    <meta name="description">Everything about one galaxy of the sample: its
      catalogue values, its identifiers, its cubes, ancillary files and
      integrated spectrum with previews and DataLink links, and what the
      collaboration measured (for its members).  /califa/q/galaxy/qp/ lists
      every galaxy.</meta>
    <property name="queryField">califaid</property>
    <dbCore queriedTable="main"/>
  </service>

  <service id="types" allowed="form,api">
    <meta name="shortName">CALIFA-like types</meta>
    <meta name="title">CALIFA-like galaxies: how many of each morphological type</meta>
    <meta name="description">The number of sample galaxies of each Hubble type,
      with their mean redshift.</meta>
    <publish render="form" sets="local"/>
    <fixedQueryCore>
      <query>SELECT hubtype, count(*) AS n, avg(redshift) AS mean_z
        FROM califa.main GROUP BY hubtype ORDER BY n DESC</query>
      <outputTable>
        <outputField name="hubtype" type="text" ucd="src.morph.type"
          description="Morphological (Hubble) type"/>
        <outputField name="n" type="bigint" ucd="meta.number"
          description="Galaxies of this type"/>
        <outputField name="mean_z" type="double precision" ucd="src.redshift"
          displayHint="sf=4" description="Mean redshift of these galaxies"/>
      </outputTable>
    </fixedQueryCore>
  </service>
</resource>
