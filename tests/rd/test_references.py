"""References across RDs and inside one: FEED source, original (ids, names, table.column,
rd#id, //system), mixins written as attributes or elements, and where errors point."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from rd.errors import RDError
from rd.loader import load_rd


def write(inputs: Path, rd_id: str, body: str, schema: str = "s") -> Path:
    path = inputs / f"{rd_id}.rd"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<resource schema="{schema}">' + textwrap.dedent(body)
                    + "\n</resource>\n")
    return path


OTHER = """
  <STREAM id="magcols">
    <column name="\\band\\+mag" type="real" unit="mag" description="\\band magnitude"/>
    <FEED source="errcol" band="\\band"/>
  </STREAM>
  <STREAM id="errcol">
    <column name="e_\\band\\+mag" type="real" description="error of \\band"/>
  </STREAM>
  <table id="objects" onDisk="True" mixin="//scs#pgs-pos-index">
    <column name="ra" type="double precision" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" ucd="pos.eq.dec;meta.main"/>
    <column name="name" type="text" description="in \\schema"/>
  </table>"""


def test_feed_replays_a_stream_of_another_rd_with_its_nested_feeds(tmp_path):
    write(tmp_path, "lib/q", OTHER, schema="lib")
    write(tmp_path, "res/q", """
  <table id="t" onDisk="True">
    <FEED source="lib/q#magcols" band="V"/>
  </table>""")
    rd = load_rd("res", tmp_path)
    assert [(c.name, c.description) for c in rd.table("t").columns] == [
        ("Vmag", "V magnitude"), ("e_Vmag", "error of V")]


def test_original_copies_a_table_of_another_rd_as_it_was_built(tmp_path):
    write(tmp_path, "lib/q", OTHER, schema="lib")
    write(tmp_path, "res/q", """
  <table id="mine" original="lib/q#objects">
    <column name="extra" type="integer"/>
  </table>
  <table id="col" onDisk="True">
    <column original="lib/q#objects.name" description="copied column"/>
  </table>""")
    rd = load_rd("res", tmp_path)
    mine = rd.table("mine")
    assert [c.name for c in mine.columns] == ["ra", "dec", "name", "extra"]
    assert mine.column("name").description == "in lib"  # expanded where it was written
    assert mine.on_disk and mine.position_index is not None
    assert len(mine.indexes) == 1  # the mixin is applied once, not copied and re-applied
    assert rd.table("col").columns[0].description == "copied column"


def test_original_finds_columns_by_name_in_the_table_and_the_queried_table(tmp_path):
    write(tmp_path, "res/q", """
  <table id="main" onDisk="True">
    <column name="mag" type="real" unit="mag" ucd="phot.mag" description="brightness"/>
    <column original="mag" name="mag2" description="again"/>
  </table>
  <table id="also" onDisk="True">
    <column original="main.mag"/>
  </table>
  <service id="s" allowed="form">
    <dbCore queriedTable="main">
      <condDesc>
        <inputKey original="mag" tablehead="Magnitude"/>
      </condDesc>
    </dbCore>
  </service>""")
    rd = load_rd("res", tmp_path)
    main = rd.table("main")
    assert (main.column("mag2").unit, main.column("mag2").description) == ("mag", "again")
    assert rd.table("also").column("mag").ucd == "phot.mag"
    key = rd.service("s").resolve_core().cond_descs[0].input_keys[0]
    assert (key.name, key.unit, key.tablehead) == ("mag", "mag", "Magnitude")


def test_macros_expand_in_original_feed_source_and_loop_items(tmp_path):
    write(tmp_path, "res/q", """
  <STREAM id="cols">
    <LOOP listItems="\\names">
      <events><column name="\\item" type="real"/></events>
    </LOOP>
  </STREAM>
  <table id="base" onDisk="True">
    <FEED source="cols" names="a b"/>
  </table>
  <table id="copy" onDisk="True">
    <LOOP listItems="a b">
      <events><column original="base.\\item" description="copy of \\item"/></events>
    </LOOP>
  </table>""")
    rd = load_rd("res", tmp_path)
    assert [c.name for c in rd.table("base").columns] == ["a", "b"]
    assert [(c.name, c.description) for c in rd.table("copy").columns] == [
        ("a", "copy of a"), ("b", "copy of b")]


def test_system_references_work_in_every_spelling(tmp_path):
    write(tmp_path, "res/q", """
  <table id="a" onDisk="True" mixin="__system__/scs#pgs-pos-index">
    <column name="ra" type="double precision" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" ucd="pos.eq.dec;meta.main"/>
  </table>
  <table id="b" onDisk="True">
    <mixin>//scs#q3cindex</mixin>
    <column name="ra" type="double precision" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" ucd="pos.eq.dec;meta.main"/>
  </table>""")
    rd = load_rd("res", tmp_path)
    assert rd.table("a").position_index is not None
    assert rd.table("b").position_index is not None  # <mixin> as an element applies


def test_dachs_system_vocabulary_dr_lacks_warns_and_the_rest_loads(tmp_path):
    write(tmp_path, "res/q", """
  <table id="main" onDisk="True" mixin="//epntap2#table-2_0">
    <column name="x" type="integer"/>
    <column original="time_min" description="from the mixin DR lacks"/>
  </table>
  <STREAM id="s"><FEED source="//echelle#ssacols"/></STREAM>
  <FEED source="s"/>""")
    rd = load_rd("res", tmp_path)
    assert [c.name for c in rd.table("main").columns] == ["x"]
    text = "\n".join(rd.warnings)
    assert ("q.rd:2: <table> //epntap2#table-2_0 is DaCHS vocabulary DR does not "
            "provide yet") in text
    assert "original 'time_min' names nothing DR knows" in text
    assert "//echelle#ssacols is DaCHS vocabulary DR does not provide yet" in text


@pytest.mark.parametrize("body, line, message", [
    ("\n  <FEED source='nothere/q#cols'/>", 2,
     "<FEED> reference 'nothere/q#cols': no RD 'nothere/q'"),
    ("\n  <FEED source='lib/q#nosuch'/>", 2,
     "<FEED> reference 'lib/q#nosuch': lib/q has no element with id 'nosuch'"),
    ("\n  <table id='t' original='lib/q#nosuch'/>", 2,
     "<table> reference 'lib/q#nosuch': lib/q has no element with id 'nosuch'"),
    ("\n  <table id='t'>\n    <column original='nocol'/>\n  </table>", 3,
     "<column> original 'nocol' names no element"),
    ("\n  <table id='t' original='//scs#nosuch'/>", 2,
     "<table> no system element '//scs#nosuch'"),
    ("\n  <table id='t' mixin='//nosuchrd#x'/>", 2, "no system RD //nosuchrd"),
])
def test_an_unresolvable_reference_names_file_line_element_and_reference(
        tmp_path, body, line, message):
    write(tmp_path, "lib/q", OTHER, schema="lib")
    path = write(tmp_path, "res/q", body)
    with pytest.raises(RDError) as info:
        load_rd("res", tmp_path)
    assert f"{path}:{line}:" in str(info.value) or f"q.rd:{line}:" in str(info.value)
    assert message in str(info.value)


def test_circular_references_between_rds_are_an_error(tmp_path):
    write(tmp_path, "a/q", "\n  <table id='t' original='b/q#t'/>")
    write(tmp_path, "b/q", "\n  <table id='t' original='a/q#t'/>")
    with pytest.raises(RDError, match="circular"):
        load_rd("a", tmp_path)


def test_an_error_inside_the_referenced_rd_says_which_rd(tmp_path):
    write(tmp_path, "lib/q", "\n  <table id='t'>\n    <colum name='x'/>\n  </table>")
    write(tmp_path, "res/q", "\n  <table id='u' original='lib/q#t'/>")
    with pytest.raises(RDError) as info:
        load_rd("res", tmp_path)
    text = str(info.value)
    assert "q.rd:2: <table> reference 'lib/q#t': lib/q does not load:" in text
    assert "lib/q.rd:3: <colum> unknown element" in text


def test_any_attribute_may_be_written_as_an_element(tmp_path):
    write(tmp_path, "res/q", """
  <table id="t">
    <onDisk>True</onDisk>
    <column name="x" type="integer">
      <unit>m</unit>
    </column>
  </table>""")
    rd = load_rd("res", tmp_path)
    assert rd.table("t").on_disk and rd.table("t").column("x").unit == "m"


def test_active_tags_take_their_attributes_as_elements_defaults_and_code(tmp_path):
    write(tmp_path, "res/q", """
  <NXSTREAM id="band">
    <DEFAULTS unit="mag"/>
    <column name="\\name" type="real" unit="\\unit"/>
  </NXSTREAM>
  <table id="t" onDisk="True">
    <LOOP>
      <listItems>u g</listItems>
      <events><FEED source="band" name="\\item"/></events>
    </LOOP>
    <LOOP source="band">
      <codeItems>
        for i in range(2):
            yield {"name": f"flux{i}", "unit": "Jy"}
      </codeItems>
    </LOOP>
    <FEED>
      <events><column name="last" type="integer"/></events>
    </FEED>
  </table>""")
    rd = load_rd("res", tmp_path)
    assert [(c.name, c.unit) for c in rd.table("t").columns] == [
        ("u", "mag"), ("g", "mag"), ("flux0", "Jy"), ("flux1", "Jy"), ("last", "")]


def test_procs_rangecond_is_a_range_condition_on_the_column(tmp_path):
    write(tmp_path, "res/q", """
  <table id="main" onDisk="True"><column name="mag" type="real"/></table>
  <service id="s" allowed="form">
    <dbCore queriedTable="main">
      <FEED source="//procs#rangeCond" name="mag" groupdesc="magnitudes"/>
    </dbCore>
  </service>""")
    rd = load_rd("res", tmp_path)
    assert [c.build_from for c in rd.service("s").resolve_core().cond_descs] == ["mag"]
    assert rd.warnings == []
