<?xml version="1.0" encoding="utf-8"?>
<!-- The CALIFA-like sample once more, imported from its FITS binary table
  (data/califa_sample.fits, written by generate.py beside the CSV).  The
  columns are those of califa/q#main, so the two tables can be compared row
  by row: integer NULLs come from TNULLn, float NULLs from NaN, string NULLs
  from empty strings. -->
<resource schema="califa_fits">
  <meta name="title">CALIFA-like galaxy sample from OpenNGC (FITS import)</meta>
  <meta name="description">
    The galaxies of the CALIFA-like OpenNGC sample (see califa/q), imported
    from the FITS version of the table instead of the annotated CSV.  It
    exists to show, and to test, that both CALIFA table formats give the
    same table.
  </meta>
  <meta name="creator">
    <meta name="name">Verga, M.</meta>
  </meta>
  <meta name="creator">
    <meta name="name">DR demo team</meta>
  </meta>
  <meta name="subject">galaxies</meta>
  <meta name="subject">catalogs</meta>
  <meta name="creationDate">2026-11-27T00:00:00Z</meta>
  <meta name="version">1.0</meta>
  <meta name="source">OpenNGC, https://github.com/mattiaverga/OpenNGC (database of 2026-05-01, via pyongc 1.2.2)</meta>
  <meta name="rights">
    The data are from OpenNGC by Mattia Verga, licensed under CC-BY-SA-4.0;
    this derived sample is shared under the same licence.
  </meta>
  <meta name="rightsURI">https://creativecommons.org/licenses/by-sa/4.0/</meta>
  <meta name="contentLevel">Research</meta>
  <meta name="type">Catalog</meta>
  <meta name="coverage.waveband">Optical</meta>

  <meta name="_example" title="Rows where the FITS and CSV imports differ">
    Both imports of the sample should agree; this lists the galaxies where
    they do not (none, if all is well).

    .. tapquery::

      SELECT c.califaid, c.name, c.bmag, f.bmag AS bmag_fits, c.pa, f.pa AS pa_fits
      FROM califa.main AS c
      JOIN califa_fits.main_fits AS f ON f.califaid = c.califaid
      WHERE c.name &lt;&gt; f.name OR c.ra &lt;&gt; f.ra OR c.dec &lt;&gt; f.dec
        OR c.bmag &lt;&gt; f.bmag OR c.pa &lt;&gt; f.pa
        OR (c.pa IS NULL AND f.pa IS NOT NULL) OR (c.pgc IS NULL AND f.pgc IS NOT NULL)
  </meta>
  <meta name="_example" title="Bright early-type galaxies">
    .. tapquery::

      SELECT name, ra, dec, hubtype, bmag, kmag, bmag - kmag AS b_k
      FROM califa_fits.main_fits
      WHERE hubtype IN ('E', 'E-S0', 'S0') AND bmag &lt; 13.5
      ORDER BY bmag
  </meta>

  <table id="main_fits" onDisk="True" adql="True" primary="califaid"
      mixin="//scs#pgs-pos-index"
      description="The galaxies of the sample as read from califa_sample.fits; the same
        rows as califa.main.">
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
      description="Constellation (IAU abbreviation)"/>
    <column name="hubtype" type="text"
      ucd="src.morph.type" verbLevel="5"
      description="Morphological (Hubble) type"/>
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
  </table>

  <data id="import">
    <sources pattern="data/califa_sample.fits"/>
    <fitsTableGrammar hdu="1"/>
    <make table="main_fits">
      <rowmaker idmaps="*"/>
    </make>
  </data>
</resource>
