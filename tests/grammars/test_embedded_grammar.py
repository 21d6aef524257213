"""embeddedGrammar: rows from Python in the RD, compiled when the RD loads."""

from __future__ import annotations

import pytest

from rd.errors import RDError, SourceError

COUNTING = """
  <data id="d">
    <sources pattern="*.txt"/>
    <embeddedGrammar>
      <property name="prefix">obj</property>
      <iterator>
        <setup imports="math, os.path">
          <par key="scale">2</par>
          <par key="unused">1/0</par>
          <par key="stem" late="True">os.path.basename(self.sourceToken)</par>
          <code>
            def square(x):
                return x * x
          </code>
        </setup>
        <bind key="scale">10</bind>
        <bind key="unused">None</bind>
        <code>
          with open(self.sourceToken) as f:
              for line in f:
                  n = int(line)
                  yield {"n": n * scale, "sq": square(n), "root": math.sqrt(n),
                         "label": self.grammar.getProperty("prefix") + "-" + stem}
        </code>
      </iterator>
      <pargetter><code>
        self.started = True
        return {"file": os.path.basename(self.sourceToken)}
      </code></pargetter>
    </embeddedGrammar>
  </data>"""


def test_the_iterator_yields_rows_with_setup_pars_binds_and_properties(
        rd_grammar, tmp_path, read_all):
    grammar = rd_grammar(COUNTING, {"a.txt": "1\n4\n"})
    columns, lines = read_all(grammar, tmp_path / "res" / "a.txt")
    assert columns == {"n": [10, 40], "sq": [1, 16], "root": [1.0, 2.0],
                       "label": ["obj-a.txt", "obj-a.txt"]}
    assert lines == [1, 2]
    assert grammar.parameters(tmp_path / "res" / "a.txt") == {"file": "a.txt"}


def test_an_error_in_the_iterator_names_the_source_row_and_iterator(rd_grammar, tmp_path):
    grammar = rd_grammar(COUNTING, {"a.txt": "1\nzwei\n"})
    source = tmp_path / "res" / "a.txt"
    with pytest.raises(SourceError) as caught:
        list(grammar.batches(source))
    rd = tmp_path / "res" / "q.rd"
    assert caught.value.message == (
        f"{source}: row 2: ValueError: invalid literal for int() with base 10: 'zwei\\n' "
        f"(raised by the <iterator> at {rd}:6)")


def test_source_parse_error_from_dachs_utils_is_a_source_error(rd_grammar):
    grammar = rd_grammar("""
      <data><embeddedGrammar><iterator><code>
        yield {"a": 1}
        raise utils.SourceParseError("Bad line", offending="x", location="line 7")
      </code></iterator></embeddedGrammar></data>""")
    with pytest.raises(SourceError, match=r"token: row 2: at line 7: Bad line "
                                          r"\(offending: 'x'\)"):
        list(grammar.batches("token"))


def test_the_source_token_of_a_non_file_source_is_passed_as_given(rd_grammar, read_all):
    grammar = rd_grammar("""
      <data><embeddedGrammar><iterator><code>
        for i in range(int(self.sourceToken)):
            yield {"i": i}
      </code></iterator></embeddedGrammar></data>""")
    assert read_all(grammar, "3")[0] == {"i": [0, 1, 2]}


def test_a_dispatching_iterator_routes_rows_by_role(rd_grammar):
    grammar = rd_grammar("""
      <data><embeddedGrammar isDispatching="True"><iterator><code>
        yield "one", {"x": "x1"}
        yield "two", {"y": "y1"}
        yield "one", {"x": "x2"}
      </code></iterator></embeddedGrammar></data>""")
    batch = next(grammar.batches("token"))
    assert batch.for_role("one").columns["x"] == ["x1", "x2"]
    assert batch.for_role("one").lines == [1, 3]
    assert batch.for_role("two").columns["y"] == ["y1"]


def test_a_python_syntax_error_is_an_rd_error_at_its_line(rd_grammar):
    with pytest.raises(RDError, match=r"q.rd:5: <iterator> Python syntax error"):
        rd_grammar("""
          <data><embeddedGrammar><iterator><code>
            for i in range(3):
                yield {"i": i}
            yield {"i": }
          </code></iterator></embeddedGrammar></data>""")


@pytest.mark.parametrize("iterator, message", [
    ('<setup><par key="n"/></setup><code>yield {}</code>',
     "par 'n' of <iterator> has no default"),
    ('<setup imports="no_such_module_x"/><code>yield {}</code>',
     "ModuleNotFoundError: No module named 'no_such_module_x'"),
    ("<setup><code>1/0</code></setup><code>yield {}</code>",
     r"q.rd:1: <setup> the setup code failed .*ZeroDivisionError"),
])
def test_a_setup_that_cannot_run_is_an_rd_error(rd_grammar, iterator, message):
    with pytest.raises(RDError, match=message):
        rd_grammar(f"<data><embeddedGrammar><iterator>{iterator}"
                   "</iterator></embeddedGrammar></data>")


def test_binding_a_par_nobody_declares_is_an_rd_error(rd_grammar):
    with pytest.raises(RDError, match="binds 'x', which <iterator> does not declare"):
        rd_grammar('<data><embeddedGrammar><iterator><bind key="x">1</bind>'
                   "<code>yield {}</code></iterator></embeddedGrammar></data>")


def test_an_iterator_may_apply_a_procdef(rd_grammar, read_all):
    grammar = rd_grammar("""
      <procDef id="counter" type="iterator">
        <setup><par key="n">2</par></setup>
        <code>
          for i in range(n):
              yield {"i": i, "token": self.sourceToken}
        </code>
      </procDef>
      <data><embeddedGrammar>
        <iterator procDef="counter"><bind key="n">3</bind></iterator>
      </embeddedGrammar></data>""")
    assert read_all(grammar, "x")[0] == {"i": [0, 1, 2], "token": ["x", "x", "x"]}
