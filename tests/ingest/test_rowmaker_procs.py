"""Rowmaker vocabulary at import: var/map aliases, simplemaps, procDef/apply/bind/setup,
rowfilters, the //procs procedures and the per-source macros (\\inputRelativePath...)."""

from __future__ import annotations

from tests.ingest.resources import write_resource

TABLE = """
  <table id="main" onDisk="True">
    <column name="id" type="integer"/>
    <column name="label" type="text"/>
    <column name="mag" type="real"/>
    <column name="note" type="text"/>
  </table>"""



def imported(db, *args: str) -> None:
    result = db.cli("imp", *args)
    assert result.status == 0, result.err


def test_var_name_simplemaps_element_and_map_aliases(db, inputs):
    write_resource(inputs, "res", TABLE + """
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker>
        <simplemaps>
          id: ident,
          label: @name
        </simplemaps>
        <var name="doubled">float(@m) * 2</var>
        <map dest="mag">@doubled</map>
        <map name="note" src="name"/>
      </rowmaker>
    </make>
  </data>""", {"data/a.csv": "ident,name,m\n1,alpha,1.5\n2,beta,2\n"})
    imported(db, "res")
    assert db.query("SELECT id, label, mag, note FROM res.main ORDER BY id") == [
        (1, "alpha", 3.0, "alpha"), (2, "beta", 4.0, "beta")]


def test_a_procdef_applied_with_bindings_setup_and_late_pars(db, inputs):
    write_resource(inputs, "res", TABLE + """
  <procDef type="apply" id="scaled">
    <setup>
      <par key="factor">1</par>
      <par key="source"/>
      <par key="value" late="True">vars[source]</par>
      <code>
        def scale(x):
            return float(x) * factor + offset
      </code>
    </setup>
    <code>
      result["mag"] = scale(value)
      result["note"] = prefix + vars[source]
    </code>
  </procDef>
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker idmaps="id">
        <apply procDef="scaled" name="scaler">
          <bind key="factor">10</bind>
          <bind name="source">"m"</bind>
          <setup>
            <par key="offset">0.5</par>
            <code>prefix = "m="</code>
          </setup>
        </apply>
        <map key="label">"row %s" % @id</map>
      </rowmaker>
    </make>
  </data>""", {"data/a.csv": "id,m\n1,1.5\n2,2\n"})
    imported(db, "res")
    assert db.query("SELECT id, label, mag, note FROM res.main ORDER BY id") == [
        (1, "row 1", 15.5, "m=1.5"), (2, "row 2", 20.5, "m=2")]


def test_dictmap_and_mapvalue_from_procs(db, inputs):
    write_resource(inputs, "res", TABLE + """
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker idmaps="id,label,note">
        <apply procDef="//procs#dictMap">
          <bind key="key">"label"</bind>
          <bind key="mapping">{"a": "Alpha", "b": "Beta"}</bind>
          <bind key="default">NotGiven</bind>
        </apply>
        <apply procDef="//procs#mapValue">
          <bind key="destination">"note"</bind>
          <bind key="value">@obj</bind>
          <bind key="sourceName">"res/names.txt"</bind>
          <bind key="failuresMapThrough">True</bind>
        </apply>
      </rowmaker>
    </make>
  </data>""", {"data/a.csv": "id,label,obj\n1,a,alp Cyg\n2,b,M 31\n3,c,nobody\n",
              "names.txt": "# fixes\nalpha Cyg\talp=20Cyg aCyg\nAndromeda\tM=2031\n"})
    imported(db, "res")
    assert db.query("SELECT id, label, note FROM res.main ORDER BY id") == [
        (1, "Alpha", "alpha Cyg"), (2, "Beta", "Andromeda"), (3, "c", "nobody")]


def test_dictmap_rejects_an_unmapped_value_naming_source_and_line(db, inputs):
    write_resource(inputs, "res", TABLE + """
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker idmaps="id,label">
        <apply procDef="//procs#dictMap">
          <bind key="key">"label"</bind>
          <bind key="mapping">{"a": "Alpha"}</bind>
        </apply>
      </rowmaker>
    </make>
  </data>""", {"data/a.csv": "id,label\n1,a\n2,zz\n"})
    result = db.cli("imp", "res")
    assert result.status != 0
    assert "a.csv:3" in result.err and "'zz' is not in the mapping" in result.err
    assert "<apply>" in result.err and "q.rd:" in result.err
    assert "Traceback" not in result.err


def test_simpleselect_looks_up_another_table_in_the_import(db, inputs):
    write_resource(inputs, "ref", """
  <table id="names" onDisk="True">
    <column name="code" type="text"/>
    <column name="fullname" type="text"/>
    <column name="weight" type="real"/>
  </table>
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="names"><rowmaker idmaps="*"/></make>
  </data>""", {"data/n.csv": "code,fullname,weight\nA,Alpha,1.5\nB,Beta,\n"})
    imported(db, "ref")
    write_resource(inputs, "res", TABLE + """
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker idmaps="id">
        <apply procDef="//procs#simpleSelect">
          <bind key="table">"ref.names"</bind>
          <bind key="column">"code"</bind>
          <bind key="assignments">"fullname:label weight:w(7)"</bind>
          <bind key="val">@code</bind>
        </apply>
        <map key="label">@label</map>
        <map key="mag">float(@w)</map>
      </rowmaker>
    </make>
  </data>""", {"data/a.csv": "id,code\n1,A\n2,B\n"})
    imported(db, "res")
    assert db.query("SELECT id, label, mag FROM res.main ORDER BY id") == [
        (1, "Alpha", 1.5), (2, "Beta", 7.0)]


def test_rowfilters_expand_rows_before_the_rowmaker(db, inputs):
    write_resource(inputs, "res", TABLE + """
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar>
      <rowfilter procDef="//procs#expandIntegers">
        <bind key="startName">"first"</bind>
        <bind key="endName">"last"</bind>
        <bind key="indName">"id"</bind>
      </rowfilter>
      <rowfilter procDef="//procs#expandComma">
        <bind key="srcField">"names"</bind>
        <bind key="destField">"label"</bind>
      </rowfilter>
      <rowfilter>
        <code>
          row["note"] = "seen"
          if row["label"] != "skip":
              yield row
        </code>
      </rowfilter>
    </csvGrammar>
    <make table="main">
      <rowmaker idmaps="id,label,note"/>
    </make>
  </data>""", {"data/a.csv": 'first,last,names\n1,2,"x, y"\n5,5,"skip,z"\n'})
    imported(db, "res")
    assert db.query("SELECT id, label, note FROM res.main ORDER BY id, label") == [
        (1, "x", "seen"), (1, "y", "seen"), (2, "x", "seen"), (2, "y", "seen"),
        (5, "z", "seen")]


def test_expanddates_makes_one_row_per_interval(db, inputs):
    write_resource(inputs, "res", """
  <table id="main" onDisk="True">
    <column name="t" type="timestamp"/>
  </table>
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar>
      <rowfilter procDef="//procs#expandDates">
        <bind key="start">"from"</bind>
        <bind key="end">"to"</bind>
        <bind key="dest">"t"</bind>
        <bind key="hrInterval">12</bind>
      </rowfilter>
    </csvGrammar>
    <make table="main"><rowmaker idmaps="t"/></make>
  </data>""", {"data/a.csv": "from,to\n2020-01-01,2020-01-02\n"})
    imported(db, "res")
    assert [str(r[0]) for r in db.query("SELECT t FROM res.main ORDER BY t")] == [
        "2020-01-01 00:00:00", "2020-01-01 12:00:00", "2020-01-02 00:00:00",
        "2020-01-02 12:00:00"]


def test_a_failing_rowfilter_names_source_line_and_rowfilter(db, inputs):
    write_resource(inputs, "res", TABLE + """
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar>
      <rowfilter name="picky">
        <code>
          if row["id"] == "2":
              raise ValueError("no twos")
          yield row
        </code>
      </rowfilter>
    </csvGrammar>
    <make table="main"><rowmaker idmaps="id"/></make>
  </data>""", {"data/a.csv": "id\n1\n2\n"})
    result = db.cli("imp", "res")
    assert result.status != 0
    assert "a.csv:3" in result.err and "ValueError: no twos" in result.err
    assert "<rowfilter> at" in result.err and "Traceback" not in result.err


def test_source_macros_expand_per_source_file(db, inputs):
    write_resource(inputs, "res", """
  <table id="main" onDisk="True">
    <column name="rel" type="text"/>
    <column name="rootless" type="text"/>
    <column name="stem" type="text"/>
    <column name="full" type="text"/>
    <column name="size" type="integer"/>
    <column name="pubdid" type="text"/>
    <column name="qname" type="text"/>
    <column name="field" type="text"/>
  </table>
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar>
      <sourceFields>
        <code>
          return {"fromSource": sourceToken.rsplit("/", 1)[-1].upper()}
        </code>
      </sourceFields>
    </csvGrammar>
    <make table="main">
      <rowmaker>
        <map key="rel">\\inputRelativePath</map>
        <map key="rootless">\\rootlessPath</map>
        <map key="stem">\\srcstem</map>
        <map key="full">\\fullPath</map>
        <map key="size">\\inputSize</map>
        <map key="pubdid">\\standardPubDID</map>
        <map key="qname">\\qName</map>
        <map key="field">@fromSource</map>
      </rowmaker>
    </make>
  </data>""", {"data/one.csv": "x\n1\n"})
    imported(db, "res")
    full = str((inputs / "res" / "data" / "one.csv").resolve())
    assert db.query("SELECT * FROM res.main") == [
        ("res/data/one.csv", "data/one.csv", "one", full, 4,
         "ivo://dr.example.org/~?res/data/one.csv", "res.main", "ONE.CSV")]


def test_an_unbound_par_is_an_rd_error_naming_the_apply(db, inputs):
    write_resource(inputs, "res", TABLE + """
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker>
        <apply procDef="//procs#dictMap">
          <bind key="key">"label"</bind>
        </apply>
      </rowmaker>
    </make>
  </data>""", {"data/a.csv": "id\n1\n"})
    result = db.cli("val", "res")
    said = result.out + result.err
    assert result.status != 0
    assert "q.rd:13:" in said and "<apply>" in said
    assert "par 'mapping' of procDef '//procs#dictMap' has no default" in said


def test_binding_an_unknown_par_or_a_wrong_type_is_an_error(db, inputs):
    write_resource(inputs, "res", TABLE + """
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker>
        <apply procDef="//procs#expandComma">
          <bind key="srcField">"a"</bind>
          <bind key="destField">"b"</bind>
        </apply>
      </rowmaker>
    </make>
  </data>""", {"data/a.csv": "id\n1\n"})
    result = db.cli("val", "res")
    said = result.out + result.err
    assert result.status != 0 and "q.rd:13:" in said
    assert "has type rowfilter, but <apply> needs one of type apply" in said


def test_procdef_macros_expand_where_the_procdef_is_applied(db, inputs):
    write_resource(inputs, "res", TABLE + """
  <procDef type="apply" id="origin">
    <setup><par key="tag">"\\schema"</par></setup>
    <code>result["note"] = tag + ":" + \\srcstem</code>
  </procDef>
  <procDef type="rowfilter" id="mark">
    <setup><par key="where" late="True">\\inputRelativePath</par></setup>
    <code>
      yield {**row, "label": where}
    </code>
  </procDef>
  <data id="d">
    <sources pattern="data/*.csv"/>
    <csvGrammar><rowfilter procDef="mark"/></csvGrammar>
    <make table="main">
      <rowmaker idmaps="id,label"><apply procDef="origin"/></rowmaker>
    </make>
  </data>""", {"data/src1.csv": "id\n1\n"})
    imported(db, "res")
    assert db.query("SELECT id, label, note FROM res.main") == [
        (1, "res/data/src1.csv", "res:src1")]
