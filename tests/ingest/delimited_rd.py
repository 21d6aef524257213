"""A resource whose columns have DaCHS's delimited names (``quoted/...``), for the
import, TAP and web tests: a mixed-case name with a space, ``B-V``, the reserved
word ``select``, used as key, index, foreign key, rowmaker target and condDesc."""

from __future__ import annotations

from pathlib import Path

from tests.ingest.resources import write_resource

TABLES = """
  <table id="stars" onDisk="True" adql="True" primary="quoted/Star ID"
      mixin="//scs#pgs-pos-index">
    <meta name="title">Stars with delimited column names</meta>
    <column name="quoted/Star ID" type="integer" required="True"
      ucd="meta.id;meta.main" verbLevel="1" description="Star number"/>
    <column name="ra" type="double precision" unit="deg" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" unit="deg" ucd="pos.eq.dec;meta.main"/>
    <column name="quoted/B-V" type="real" unit="mag" ucd="phot.color"
      tablehead="B-V colour" description="B minus V"/>
    <column name="quoted/Mixed Case" type="text" ucd="meta.id"/>
    <column name="quoted/select" type="integer"/>
    <column name="vmag" type="real" unit="mag"/>
    <index columns="quoted/B-V"/>
  </table>
  <table id="notes" onDisk="True" adql="True">
    <column name="quoted/Star ID" type="integer"/>
    <column name="note" type="text"/>
    <foreignKey inTable="stars" source="quoted/Star ID"/>
  </table>"""

DATA = """
  <data id="import">
    <sources pattern="data/stars.csv"/>
    <csvGrammar/>
    <make table="stars">
      <rowmaker idmaps="ra,dec,quoted/B-V" simplemaps="quoted/Mixed Case:label">
        <map key="quoted/Star ID">int(@id)</map>
        <map dest="quoted/select">int(@sel) * 10</map>
        <map key="vmag">float(@vmag)</map>
      </rowmaker>
    </make>
  </data>
  <data id="import_notes">
    <sources pattern="data/notes.csv"/>
    <csvGrammar/>
    <make table="notes"><rowmaker idmaps="*"/></make>
  </data>"""

SERVICES = """
  <service id="cone" allowed="scs.xml,form">
    <meta name="title">Delimited cone</meta>
    <scsCore queriedTable="stars">
      <FEED source="//scs#coreDescs"/>
      <condDesc buildFrom="quoted/B-V"/>
      <condDesc buildFrom="quoted/Mixed Case"/>
    </scsCore>
  </service>
  <service id="picked" allowed="form">
    <dbCore queriedTable="stars">
      <condDesc buildFrom="quoted/select"/>
      <outputTable autoCols="quoted/Star ID">
        <outputField original="B-V" tablehead="Colour"/>
        <outputField name="quoted/Mixed Case" verbLevel="1"/>
        <outputField original="stars.quoted/select" tablehead="Sel"/>
      </outputTable>
    </dbCore>
  </service>"""

STARS_CSV = """
  id,ra,dec,B-V,label,sel,vmag
  1,10.0,20.0,0.65,Sun Like,1,4.8
  2,10.01,20.01,-0.2,Hot One,2,2.1
  3,200.0,-45.0,1.5,Åsa,3,9.5
"""

NOTES_CSV = """
  Star ID,note
  1,bright
  3,red
"""


def write_delimited(inputs: Path, resdir: str = "colours") -> Path:
    return write_resource(inputs, resdir, TABLES + DATA + SERVICES,
                          {"data/stars.csv": STARS_CSV, "data/notes.csv": NOTES_CSV},
                          schema=resdir)
