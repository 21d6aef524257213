"""DaCHS's macros: what each expands to, macDef, escapes, and the warning for what does not."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from rd import site
from rd.loader import load_rd


@pytest.fixture
def configured():
    before = site.current()
    site.install(site.Site({"web.serverurl": "https://data.example.edu/",
                            "ivoa.authority": "example.edu", "general.inputsdir": "/in"}))
    yield
    site.install(before)


def load(tmp_path: Path, body: str, schema: str = "sch"):
    path = tmp_path / "res" / "q.rd"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<resource schema="{schema}">' + textwrap.dedent(body)
                    + "\n</resource>\n")
    return load_rd("res", tmp_path)


def described(tmp_path: Path, text: str, extra: str = ""):
    rd = load(tmp_path, f"""
  <meta name="title">A Catalogue</meta>
  <meta name="creator">Doe, J.</meta>
  <meta name="creator">Roe, R.</meta>{extra}
  <meta name="description">{text}</meta>""")
    return rd.meta.get("description"), rd.warnings


@pytest.mark.parametrize("text, expected", [
    (r"\schema and \rdId and \rdIdDotted and \resdir", "sch and res/q and res.q and res"),
    (r"\getConfig{web}{serverURL} \getConfig{ivoa}{authority} \getConfig{inputsDir}",
     "https://data.example.edu/ example.edu /in"),
    (r"\internallink{res/q/cone/form}", "https://data.example.edu/res/q/cone/form"),
    (r"\metaString{title} by \metaSeq{creator}", "A Catalogue by Doe, J., Roe, R."),
    (r"\metaString{nothere}{fallback}", "fallback"),
    (r"\RSTservicelink{res/q/cone/form}{the cone}", "`the cone </res/q/cone/form>`_"),
    (r"\RSTtable{sch.main}", "`sch.main </tableinfo/sch.main>`_"),
    (r"""\sqlquote{O'Brien} \sqlquote{NULL} \quote{say "hi"}""",
     "'O''Brien' NULL \"say \\\"hi\\\"\""),
    (r"\upper{abc} \lower{ABC} \decapitalize{ABC} \urlquote{a b}", "ABC abc aBC a%20b"),
    (r"\test{x}{y} \magicEmpty{} \magicEmpty{v}", "test macro expansion __EMPTY__ v"),
    (r"\reSub{o+}{0}{foo boo}", "f0 b0"),
    (r"\sql_standardPubDID", "'ivo://example.edu/~?' || accref"),
    (r"nested: \upper{\schema} glued: \schema\+x backslash: a\\b", "nested: SCH glued: "
     "schx backslash: a\\b"),
])
def test_text_macros_expand_with_dachs_meaning(tmp_path, configured, text, expected):
    value, warnings = described(tmp_path, text)
    assert value == expected
    assert warnings == []


def test_today_and_now_are_dates(tmp_path):
    value, _ = described(tmp_path, r"\today|\now")
    today, now = value.split("|")
    assert today == datetime.date.today().isoformat()
    assert datetime.datetime.strptime(now, "%Y-%m-%dT%H:%M:%SZ")


def test_macdef_defines_a_macro_for_the_rest_of_the_rd(tmp_path):
    value, warnings = described(tmp_path, r"\survey{} in \schema",
                                '\n  <macDef name="survey">The \\upper{big} survey</macDef>')
    assert value == "The BIG survey in sch"
    assert warnings == []


def test_table_macros_name_the_table_and_its_columns(tmp_path):
    rd = load(tmp_path, r"""
  <table id="main" onDisk="True">
    <column name="ra" type="double precision" ucd="pos.eq.ra;meta.main"/>
    <column name="dec" type="double precision" ucd="POS_EQ_DEC_MAIN"/>
    <param name="epoch" type="real">2000</param>
    <meta name="description">\qName \tablename: \colNames;
      ra is \nameForUCD{pos.eq.ra;meta.main},
      dec \nameForUCDs{pos.eq.dec;meta.main|POS_EQ_DEC_MAIN},
      epoch \getParam{epoch}</meta>
  </table>""")
    assert rd.table("main").meta.get("description") == (
        "sch.main main: ra, dec; ra is ra, dec dec, epoch 2000")
    assert rd.warnings == []


def test_table_macros_write_delimited_column_names_as_sql_does(tmp_path):
    rd = load(tmp_path, r"""
  <table id="main" onDisk="True">
    <column name="quoted/B-V" type="real" ucd="phot.color"/>
    <column name="quoted/say &quot;hi&quot;" type="text"/>
    <column name="mag" type="real"/>
    <meta name="description">\colNames; colour \nameForUCD{phot.color}</meta>
  </table>""")
    assert rd.table("main").meta.get("description") == (
        '"B-V", "say ""hi""", mag; colour "B-V"')


def test_unknown_and_misplaced_macros_warn_with_file_and_line_and_stay(tmp_path):
    rd = load(tmp_path, r"""
  <meta name="title">T</meta>
  <meta name="description">\bogus{x} and \inputRelativePath and \metaString{nothere}
    and \getConfig{nosection}{nokey}</meta>""")
    assert rd.meta.get("description") == (
        r"\bogus{x} and \inputRelativePath and \metaString{nothere} and "
        r"\getConfig{nosection}{nokey}")
    assert [w.split(": ", 1)[1] for w in rd.warnings] == [
        r"<meta> unknown macro \bogus; left as written",
        r"<meta> macro \inputRelativePath is only available in rowmakers and grammars; "
        "left as written",
        r"<meta> macro \metaString no meta item 'nothere' is defined here (yet); "
        "left as written",
        r"<meta> macro \getConfig DR has no configuration item [nosection] nokey; "
        "left as written"]
    assert all(w.startswith(f"{tmp_path}/res/q.rd:3: ") or "res/q.rd:3:" in w
               for w in rd.warnings)


def test_source_macros_in_rowmakers_become_code(tmp_path):
    rd = load(tmp_path, r"""
  <table id="main" onDisk="True"><column name="path" type="text"/></table>
  <data id="d">
    <sources pattern="*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker><map key="path">\inputRelativePath{False} + \srcstem</map></rowmaker>
    </make>
  </data>""")
    rowmaker = rd.data[0].makes[0].resolve()[1]
    assert rowmaker.maps[0].code == (
        "_source_.input_relative_path(False) + _source_.stem()")
    assert rd.warnings == []


def test_datalink_macros_build_urls_from_the_pubdid(tmp_path, configured):
    rd = load(tmp_path, r"""
  <table id="main" onDisk="True"><column name="dl" type="text"/></table>
  <data id="d">
    <sources pattern="*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker><map key="dl">\dlMetaURI{dl}</map><var key="x">\fullDLURL{dl}</var>
      </rowmaker>
    </make>
  </data>""")
    rowmaker = rd.data[0].makes[0].resolve()[1]
    assert rowmaker.maps[0].code == (
        "'https://data.example.edu/res/q/dl/dlmeta?ID=' + "
        "urllib.parse.quote(_source_.standard_pubdid(vars))")
    assert "/res/q/dl/dlget?ID=" in rowmaker.vars[0].code
