"""Broken RDs are reported with file, line and element; DaCHS-only vocabulary warns."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rd.errors import RDError
from rd.loader import load_rd

GOOD_TABLE = """
  <table id="main" onDisk="True">
    <column name="x" type="integer"/>
  </table>"""


def write_rd(tmp_path: Path, body: str, schema: str = 'schema="t"') -> Path:
    resdir = tmp_path / "res"
    resdir.mkdir(exist_ok=True)
    path = resdir / "q.rd"
    path.write_text(f"<resource {schema}>" + textwrap.dedent(body) + "\n</resource>\n")
    return path


@pytest.mark.parametrize("body, line, message", [
    ("\n  <tabel id='x'/>", 2, "<tabel> unknown element <tabel> inside <resource>"),
    ("\n  <table id='x' onDisk='maybe'/>", 2,
     "<table> attribute onDisk: 'maybe' is not a boolean"),
    ("\n  <table id='x'>\n    <column name='a' type='float128'/>\n  </table>", 3,
     "<column> unknown column type 'float128'"),
    ("\n  <table id='x'>\n    <column name='a' colour='red'/>\n  </table>", 3,
     "<column> unknown attribute 'colour'"),
    (GOOD_TABLE + "\n  <data id='d'>\n    <make table='mian'/>\n  </data>", 6,
     "<make> 'mian' is not a table of this RD (tables: main)"),
    ("\n  <FEED source='nowhere'/>", 2, "<FEED> no STREAM with id 'nowhere'"),
    ("\n  <table id='x' mixin='//scs#nothing'/>", 2, "no system element '//scs#nothing'"),
    ("\n  <table id='x'>\n    <column name='a'/>\n    <column name='A'/>\n  </table>", 4,
     "<column> column 'A' is defined twice"),
    ("\n  <table id='x' primary='b'>\n    <column name='a'/>\n  </table>", 2,
     "<table> primary key column 'b' is not a column of this table"),
    ("\n  <table id='x' mixin='//scs#pgs-pos-index'>\n    <column name='a'/>\n"
     "  </table>", 2, "needs columns with the UCDs pos.eq.ra;meta.main"),
    (GOOD_TABLE + "\n  <data id='d'>\n    <csvGrammar/>\n    <make table='main'>\n"
     "      <rowmaker>\n        <map key='x'>\n          int(@x +)\n        </map>\n"
     "      </rowmaker>\n    </make>\n  </data>", 10,
     "<map> Python syntax error in the expression"),
    (GOOD_TABLE + "\n  <data id='d'>\n    <csvGrammar/>\n    <make table='main'>\n"
     "      <rowmaker idmaps='y*'/>\n    </make>\n  </data>", 8,
     "<rowmaker> idmaps 'y*' matches no column of table 'main'"),
    ("\n  <table id='x'>\n    <column name='a'>text here</column>\n  </table>", 3,
     "<column> takes no text content"),
    ("\n  <meta name='title'>T</meta>\n  <table id='x'>\n  </tabl>", 4,
     "not well-formed XML"),
    (GOOD_TABLE + "\n  <service id='s' allowed='form,sssap.xml'>\n"
     "    <dbCore queriedTable='main'/>\n  </service>", 5,
     "<service> renderer(s) sssap.xml not known to DR or DaCHS"),
    (GOOD_TABLE + "\n  <service id='s'/>", 5, "<service> needs a core"),
    (GOOD_TABLE + "\n  <service id='s'>\n    <dbCore queriedTable='mane'/>\n"
     "  </service>", 6, "<dbCore> 'mane' is not a table of this RD"),
    (GOOD_TABLE + "\n  <service id='s' allowed='form'>\n"
     "    <publish render='scs.xml'/>\n    <dbCore queriedTable='main'/>\n"
     "  </service>", 6, "<publish> publishes renderer 'scs.xml', which the service does "
     "not allow"),
])
def test_a_broken_rd_names_file_line_and_element(tmp_path, body, line, message):
    path = write_rd(tmp_path, body)
    with pytest.raises(RDError) as info:
        load_rd(str(path), tmp_path)
    text = str(info.value)
    assert f"q.rd:{line}:" in text, text
    assert message in text, text


def test_a_missing_schema_is_reported(tmp_path):
    path = write_rd(tmp_path, GOOD_TABLE, schema="")
    with pytest.raises(RDError, match="q.rd:1: <resource> lacks the required attribute "
                                      "'schema'"):
        load_rd(str(path), tmp_path)


def test_dachs_vocabulary_dr_lacks_loads_with_warnings(tmp_path):
    path = write_rd(tmp_path, """
      <table id="main" onDisk="True" mixin="//epntap2#table-2_0" dupePolicy="drop">
        <stc>Position ICRS "ra" "dec"</stc>
        <column name="x" type="integer"/>
      </table>
      <regSuite/>""")
    rd = load_rd(str(path), tmp_path)
    assert [c.name for c in rd.tables[0].columns] == ["x"]
    joined = "\n".join(rd.warnings)
    assert "q.rd:2: <table> //epntap2#table-2_0 is DaCHS vocabulary DR does not provide" \
        in joined
    assert "q.rd:2: <table> attribute 'dupePolicy' is not implemented" in joined
    assert "q.rd:3: <stc> is not implemented by DR yet (inside <table>)" in joined
    assert "q.rd:6: <regSuite> is not implemented by DR yet" in joined


def test_streams_loops_and_feeds_expand_their_macros(tmp_path):
    path = write_rd(tmp_path, """
      <STREAM id="magcol">
        <column name="mag_\\band" type="real" unit="mag" ucd="phot.mag;\\ucd"/>
      </STREAM>
      <table id="main" onDisk="True">
        <FEED source="magcol" band="v" ucd="em.opt.V"/>
        <LOOP listItems="u g"><events>
          <column name="flux_\\item" type="real"/>
        </events></LOOP>
        <LOOP><csvItems>
          name, unit
          err_a, deg
          err_b, arcsec
        </csvItems><events>
          <column name="\\name" unit="\\unit"/>
        </events></LOOP>
      </table>
      <FEED source="//procs#license-cc-by" what="This table"/>
      <meta name="description">Schema \\schema of \\rdId.</meta>""")
    rd = load_rd(str(path), tmp_path)
    cols = rd.tables[0].columns
    assert [(c.name, c.unit) for c in cols] == [
        ("mag_v", "mag"), ("flux_u", ""), ("flux_g", ""), ("err_a", "deg"),
        ("err_b", "arcsec")]
    assert cols[0].ucd == "phot.mag;em.opt.V"
    assert rd.meta.get("rights").startswith("This table is licensed under the Creative")
    assert rd.meta.get("description") == f"Schema t of {rd.rd_id}."


def test_meta_nests_streams_and_repeats(tmp_path):
    path = write_rd(tmp_path, """
      <meta name="creator"><meta name="name">Doe, J.</meta></meta>
      <meta name="creator.name">Roe, R.</meta>
      <meta>
        subject: galaxies
        subject: redshift surveys
        description: A long
          description over lines.
      </meta>
      <table id="main" onDisk="True"><column name="x"/>
        <meta name="title">Own title</meta>
      </table>""")
    rd = load_rd(str(path), tmp_path)
    assert [m.value for m in rd.meta.get_all("creator.name")] == ["Doe, J.", "Roe, R."]
    assert [m.value for m in rd.meta.get_all("subject")] == ["galaxies",
                                                             "redshift surveys"]
    assert rd.meta.get("description") == "A long description over lines."
    table = rd.tables[0]
    assert table.meta.get("title") == "Own title"
    assert table.meta.get("subject") == "galaxies"  # inherited from the RD


def test_q3cindex_of_dachs_rds_becomes_the_pgsphere_index(tmp_path):
    path = write_rd(tmp_path, """
      <table id="main" onDisk="True" mixin="//scs#q3cindex">
        <column name="raj2000" type="double precision" ucd="pos.eq.ra;meta.main"/>
        <column name="dej2000" type="double precision" ucd="pos.eq.dec;meta.main"/>
      </table>""")
    table = load_rd(str(path), tmp_path).tables[0]
    assert (table.position_index.ra, table.position_index.dec) == ("raj2000", "dej2000")
    assert table.metadata().position.ra == "raj2000"
