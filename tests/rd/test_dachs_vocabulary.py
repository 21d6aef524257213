"""DaCHS vocabulary in DR: notes, properties, publish, services DR cannot serve yet,
output fields, and the vocabulary lists matching DaCHS's reference."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from engine.services.core import BoundService
from engine.web.routes import SERVICE_RENDERERS
from rd.loader import load_rd
from rd.vocabulary import DACHS_ATTRIBUTES, DACHS_ELEMENTS

TABLE = """
  <table id="main" onDisk="True">
    <column name="id" type="integer" ucd="meta.id;meta.main" verbLevel="1"
      tablehead="Ident"/>
    <column name="ra" type="double precision" ucd="pos.eq.ra;meta.main" unit="deg"
      verbLevel="5"/>
    <column name="dec" type="double precision" ucd="pos.eq.dec;meta.main" unit="deg"
      verbLevel="5"/>
    <column name="flag" type="integer" note="f" verbLevel="25"/>
    <meta name="note" tag="f">
      Quality flag

      = ======
      0 good
      1 bad
      = ======
    </meta>
  </table>"""


def load(tmp_path: Path, body: str, schema: str = "t"):
    resdir = tmp_path / "res"
    resdir.mkdir(exist_ok=True)
    path = resdir / "q.rd"
    path.write_text(f'<resource schema="{schema}">' + textwrap.dedent(body)
                    + "\n</resource>\n")
    return load_rd(str(path), tmp_path)


def served(rd):
    """``rd`` with its services bound to DR's renderers, as dr serve and dr val do."""
    for service in rd.services:
        service.serve_renderers(SERVICE_RENDERERS)
    return rd


def test_column_notes_refer_to_tagged_notes_of_their_table(tmp_path):
    rd = load(tmp_path, TABLE)
    table = rd.tables[0]
    flag = table.column("flag")
    assert flag.note == "f"
    assert flag.note_text.startswith("Quality flag\n\n= ======\n0 good")  # rst kept
    assert set(table.notes) == {"f"}
    assert rd.warnings == []


def test_a_note_nobody_defined_is_an_error_naming_the_column(tmp_path):
    with pytest.raises(Exception, match=r"q\.rd:3: <column> note 'x' is not a note of "
                                        r"table 'main' \(its notes: none\)"):
        load(tmp_path, """
          <table id="main" onDisk="True">
            <column name="a" type="integer" note="x"/>
          </table>""")


def test_meta_keeps_dachs_attributes_of_any_name(tmp_path):
    rd = load(tmp_path, """
      <meta name="coverage" refframe="Mars">0/1-3</meta>
      <meta name="_related" title="The foo page" ivoId="ivo://x/y">http://foo</meta>""")
    coverage = rd.meta.get_all("coverage")[0]
    assert coverage.attr("refframe") == "Mars"
    related = rd.meta.get_all("_related")[0]
    assert (related.attr("title"), related.attr("ivoId")) == ("The foo page", "ivo://x/y")


def test_properties_are_kept_on_tables_columns_data_and_the_resource(tmp_path):
    rd = load(tmp_path, """
      <property name="site">here</property>
      <table id="main" onDisk="True">
        <property name="forceStats">1</property>
        <column name="link" type="text">
          <property name="targetType">application/x-votable+xml</property>
        </column>
      </table>
      <data id="d">
        <property name="previewDir">previews</property>
        <make table="main"/>
      </data>""")
    assert rd.properties == {"site": "here"}
    assert rd.tables[0].property("forceStats") == "1"
    assert rd.tables[0].column("link").property("targetType") == \
        "application/x-votable+xml"
    assert rd.data[0].properties == {"previewDir": "previews"}


def test_a_table_publication_loads_without_a_warning(tmp_path):
    rd = load(tmp_path, TABLE.replace("</table>", """
        <publish sets="ivo_managed,local" services="cone"/>
      </table>""") + """
      <service id="cone" allowed="scs.xml"><scsCore queriedTable="main"/></service>""")
    pub = rd.tables[0].publications[0]
    assert (pub.sets, pub.services) == (("ivo_managed", "local"), ("cone",))
    assert not any("<publish>" in w for w in rd.warnings), rd.warnings


def test_a_service_with_a_core_dr_lacks_loads_as_unavailable(tmp_path):
    rd = load(tmp_path, TABLE + """
      <service id="ssa" allowed="form,soap">
        <siapCutoutCore queriedTable="main">
          <FEED source="//siap#protoInput"/>
        </siapCutoutCore>
      </service>
      <customCore id="custom" module="res/mycore"/>
      <service id="dl" allowed="form" core="custom"/>
      <service id="web" allowed="form"><dbCore queriedTable="main"/></service>
      <service id="sl" allowed="slap.xml"><dbCore queriedTable="main"/></service>""")
    ssa, dl, web, sl = served(rd).services
    assert ssa.unavailable == "DR does not implement <siapCutoutCore> yet"
    assert dl.unavailable == "DR does not implement <customCore> yet"
    assert sl.unavailable == "DR does not implement its renderer(s) slap.xml yet"
    assert web.unavailable is None
    assert BoundService(rd, web).table.id == "main"
    joined = "\n".join(rd.warnings)
    assert "q.rd:19: <service> renderer(s) soap not implemented by DR yet; served " \
           "as form only" in joined
    assert "q.rd:19: <service> service 'ssa' is unavailable: DR does not implement " \
           "<siapCutoutCore> yet" in joined


def test_renderers_dr_lacks_are_dropped_with_their_publications(tmp_path):
    rd = load(tmp_path, TABLE + """
      <service id="i" allowed="form,slap.xml" defaultRenderer="slap.xml">
        <publish render="slap.xml" sets="ivo_managed"/>
        <publish render="form" sets="local"/>
        <dbCore queriedTable="main"/>
      </service>
      <service id="web" allowed="api">
        <publish render="form" sets="local" service="i"/>
        <dbCore queriedTable="main"/>
      </service>""")
    assert rd.services[0].allowed == ("form", "slap.xml")  # rd knows DaCHS's renderers
    i, web = served(rd).services
    assert i.allowed == ("form",) and i.unserved == ("slap.xml",)
    assert i.default_renderer == ""
    assert [p.render for p in i.publications] == ["form"]
    assert [(p.render, p.service) for p in web.publications] == [("form", "i")]
    assert any("<publish> renderer 'slap.xml' is not implemented by DR yet; not "
               "published" in w for w in rd.warnings)


def test_output_fields_override_what_they_say_of_the_column_they_name(tmp_path):
    rd = load(tmp_path, TABLE + """
      <service id="s" allowed="form">
        <dbCore queriedTable="main"/>
        <outputTable verbLevel="10">
          <outputField name="ra" tablehead="RA (ICRS)" verbLevel="1"/>
          <outputField name="flag" note="q" description="Flag (see note)"/>
          <outputField name="both" select="ra + dec" tablehead="Sum" unit="deg"/>
          <meta name="note" tag="q">Our own note on the flag.</meta>
        </outputTable>
      </service>""")
    outputs = {o.column.name: o for o in BoundService(rd, rd.services[0]).outputs}
    assert list(outputs) == ["id", "ra", "dec", "flag", "both"]
    assert (outputs["id"].source.tablehead, outputs["id"].verb_level) == ("Ident", 1)
    ra = outputs["ra"]
    assert (ra.source.tablehead, ra.verb_level, ra.column.unit) == ("RA (ICRS)", 1, "deg")
    flag = outputs["flag"]
    assert flag.column.description == "Flag (see note)"
    assert flag.source.note_text == "Our own note on the flag."
    assert flag.verb_level == 25  # not given here: the column's
    assert outputs["both"].source.tablehead == "Sum"
    assert rd.tables[0].column("ra").tablehead == ""  # the table's column is unchanged


def test_dachs_spellings_load(tmp_path):
    """Attributes written as elements, a mixed-case schema, DaCHS's index kinds."""
    rd = load(tmp_path, """
      <table id="main" onDisk="True">
        <primary>id</primary>
        <column><name>id</name><type>integer</type></column>
        <column name="mag" type="real"/>
        <index columns="mag" kind="straight"/>
      </table>
      <data id="d">
        <make table="main"><rowmaker><simplemaps>id: ID, mag: MAG</simplemaps>
        </rowmaker></make>
      </data>""", schema="MyCat")
    table = rd.tables[0]
    assert rd.schema == "mycat"
    assert table.primary == ("id",)
    assert [c.name for c in table.columns] == ["id", "mag"]
    assert table.indexes[0].kind == "straight"


def test_the_vocabulary_lists_every_name_of_the_dachs_reference(shared):
    text = (shared / "dachs-reference/dachs-2.7-refdoc.rst").read_text()
    elements = set(re.findall(r"^Element (\w+)(?: \(data\))?\n'+$", text, re.M))
    attributes = set(re.findall(r"^\* \*\*(\w+)\*\* \(", text, re.M))
    assert len(elements) > 100 and len(attributes) > 150
    assert elements - DACHS_ELEMENTS == set()
    assert attributes - DACHS_ATTRIBUTES == set()
