"""The translator's structure: every construct has its check and SQL rules, a node
without a rule is refused, and the modules of adql/ import each other without cycles."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import adql
from adql import ADQLError
from adql import nodes as n
from adql import nodes_geometry as g
from adql import nodes_query as q
from adql.checking import CONDITIONS, FROM_ITEMS, QUERIES, VALUES, Checker, Context
from adql.generator import SQL, Generator

CHECK_TABLES = {"value": VALUES, "condition": CONDITIONS, "query": QUERIES,
                "FROM": FROM_ITEMS}
# Parts of a construct, handled by the rules of the node that holds them
# (a * is expanded into columns by the SELECT's rule).
PARTS = {n.When, n.CastTarget, n.Star, q.SelectItem, q.OrderItem, q.CommonTable}
ADQL_DIR = Path(adql.__file__).parent


def _node_classes() -> set[type[n.Node]]:
    found = set()
    for module in (n, q, g):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, n.Node) and cls.__module__ == module.__name__:
                found.add(cls)
    return found - {n.Node, q.Query}


def test_every_construct_has_one_check_rule_and_one_sql_rule():
    for cls in sorted(_node_classes() - PARTS - {q.Statement}, key=lambda c: c.__name__):
        roles = [role for role, table in CHECK_TABLES.items() if cls in table.classes()]
        assert len(roles) == 1, f"{cls.__name__} has check rules for {roles or 'no role'}"
        assert cls in SQL.classes(), f"{cls.__name__} has no SQL rule"


def test_parts_have_no_rules_of_their_own():
    for table in [*CHECK_TABLES.values(), SQL]:
        assert not PARTS & table.classes()


def test_the_statement_is_translated():
    assert q.Statement in SQL.classes()


class Unheard(n.Node):
    arg_types = {}


class Sneaky(n.StringLiteral):
    """A subclass of a handled node: rules are found by exact class, so it has none."""


@pytest.mark.parametrize("node", [Unheard(7), Sneaky(7, value="x")],
                         ids=["unknown", "subclass"])
def test_a_node_without_rules_is_refused_at_its_position(node):
    context = Context(Checker({}), None, "WHERE")
    for check in (context.check, context.check_condition, context.check_query,
                  context.check_from, Generator().sql):
        with pytest.raises(ADQLError) as info:
            check(node)
        assert info.value.offset == 7


def test_a_child_cannot_hide_an_annotation():
    with pytest.raises(TypeError, match="hides"):
        class Clash(n.Node):
            arg_types = {"column": True}
            column: object = None


def _imports(path: Path) -> set[str]:
    """The adql modules ``path`` imports, at module level or inside functions."""
    modules = {p.stem for p in ADQL_DIR.glob("*.py")}
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "adql"}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path.name}: relative import"
            if node.module == "adql":
                found |= {f"adql.{a.name}" if a.name in modules else "adql"
                          for a in node.names}
            elif node.module and node.module.startswith("adql."):
                found.add(node.module)
    return found


def test_adql_modules_import_each_other_without_cycles():
    graph = {("adql" if p.stem == "__init__" else f"adql.{p.stem}"): _imports(p)
             for p in ADQL_DIR.glob("*.py")}
    assert "adql.checking" in graph["adql.check_expr"]      # the analysis sees imports
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = path[path.index(module):] + [module]
            pytest.fail("import cycle: " + " → ".join(cycle))
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            visit(target, path + [module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
