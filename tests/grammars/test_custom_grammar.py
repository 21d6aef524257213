"""customGrammar: rows from the RowIterator class of a module in the resource directory."""

from __future__ import annotations

import pytest

from rd.errors import RDError, SourceError

GRAMMAR_MODULE = '''
    from gavo.api import CustomRowIterator


    def makeDataPack(grammar):
        return int(grammar.getProperty("factor"))


    class RowIterator(CustomRowIterator):
        def _iterRows(self):
            self.lineNumber = 0
            with open(self.sourceToken) as f:
                for self.lineNumber, line in enumerate(f, 1):
                    key, value = line.split(" ", 1)
                    yield {"key": key, "value": int(value) * self.grammar.dataPack}

        def getLocator(self):
            return f"line {self.lineNumber}"
'''
RD = """
  <data>
    <sources pattern="data/*.txt"/>
    <customGrammar module="res/kvgrammar">
      <property name="factor">3</property>
    </customGrammar>
  </data>"""


def test_the_row_iterator_yields_rows_and_sees_its_data_pack(rd_grammar, tmp_path,
                                                             read_all):
    grammar = rd_grammar(RD, {"res/kvgrammar.py": GRAMMAR_MODULE,
                              "data/a.txt": "a 1\nb 2\n"})
    assert read_all(grammar, tmp_path / "res" / "data" / "a.txt") == (
        {"key": ["a", "b"], "value": [3, 6]}, [1, 2])


def test_an_error_is_located_by_the_iterators_locator(rd_grammar, tmp_path):
    grammar = rd_grammar(RD, {"res/kvgrammar.py": GRAMMAR_MODULE,
                              "data/a.txt": "a 1\nb two\n"})
    with pytest.raises(SourceError) as caught:
        list(grammar.batches(tmp_path / "res" / "data" / "a.txt"))
    module = tmp_path / "res" / "res" / "kvgrammar.py"
    assert caught.value.message.endswith(
        "a.txt: line 2: ValueError: invalid literal for int() with base 10: 'two\\n' "
        f"(raised by the RowIterator of {module}, at {module}:14)")


def test_the_older_import_path_and_get_parameters_work(rd_grammar, read_all):
    grammar = rd_grammar(
        '<data><customGrammar module="res/g.py"/></data>',
        {"res/g.py": """
            from gavo.grammars.customgrammar import CustomRowIterator

            class RowIterator(CustomRowIterator):
                def getParameters(self):
                    return {"token": self.sourceToken}

                def _iterRows(self):
                    yield {"n": int(self.sourceToken)}
            """})
    assert grammar.parameters("4") == {"token": "4"}
    assert read_all(grammar, "4")[0] == {"n": [4]}


@pytest.mark.parametrize("module, message", [
    (None, "module .*res/missing.py does not exist"),
    ("x = 1\n", "defines no RowIterator class"),
    ("def f(:\n    pass\n", r"missing.py:1: Python syntax error"),
    ("import no_such_module_x\n", r"missing.py:1 failed to load: ModuleNotFoundError"),
])
def test_a_module_that_cannot_serve_is_an_rd_error(rd_grammar, module, message):
    files = {} if module is None else {"res/missing.py": module}
    with pytest.raises(RDError, match=message):
        rd_grammar('<data><customGrammar module="res/missing"/></data>', files)
