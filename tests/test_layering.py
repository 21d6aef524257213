"""The import arrows of DESIGN.md hold, read from the source: between the top-level
packages, and between the parts of ``engine/``.

Every import counts, including those inside functions: a function-level import
hides a dependency from Python's import order, not from the design.  A failure
lists each offending import as ``file:line: importer -> imported``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# DESIGN.md, "Layout": who may import whom among our packages.
PACKAGES: dict[str, frozenset[str]] = {
    "rd": frozenset(),
    "grammars": frozenset({"rd"}),
    "adql": frozenset({"rd"}),
    "engine": frozenset({"rd", "grammars", "adql"}),
}
# "adql → rd (only its plain metadata classes)".
ADQL_USES_OF_RD = frozenset({"rd.tablemeta", "rd.types", "rd.errors"})

# engine's parts (its modules and subpackages), bottom layer first.  A part may
# import the parts of lower layers, never those of its own layer or higher ones.
ENGINE_LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors",),                     # the exception hierarchy
    ("config",),                     # gavo.conf, as data
    ("formats",),                    # column batches and output formats; no database
    ("db",),                         # connections, the cluster, fetching, dc metadata
    ("accounts", "limits"),          # users, groups, passwords, tokens; dr limits' figures
    ("products",),                   # dc.products: files, their serving and previews
    ("soda",),                       # cutouts of FITS images and cubes
    ("obscore", "provenance"),       # ivoa.obscore; the provenance views
    ("ingest", "services", "vosi"),  # dr imp; cores and condDescs; VOSI documents
    ("uws",),                        # the job store and its runner (jobs of any kind)
    ("tap", "sia", "ssa", "datalink", "registry", "pycore"),  # TAP; SIA; SSA;
    #                                DataLink; OAI-PMH; pythonCore services
    ("install",),                    # DR's system schemas: dc, tap_schema, UDFs, uws
    ("web",),                        # the Twisted server, routes and renderers
    ("commands",),                   # the dr subcommands
    ("cli",),                        # the dr entry point
)
LAYER_OF = {part: n for n, layer in enumerate(ENGINE_LAYERS) for part in layer}

# Known violations, each with what it waits for; remove an entry when that lands
# (test_known_exceptions_are_still_needed says so).  Keys: (importing part,
# imported module), e.g. ("db", "engine.vosi") while db/metadata.py took
# delimited() from vosi.py.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    importer: str  # dotted module name
    imported: str  # dotted module name (ours only)

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}: {self.importer} -> {self.imported}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path) -> list[Import]:
    """Every import of one of our packages in ``path``, wherever in the file it is."""
    return imports_in(path.read_text(encoding="utf-8"), path)


def imports_in(text: str, path: Path) -> list[Import]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(text, str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # "from engine import vosi" imports the module engine.vosi
            targets = [f"{base}.{a.name}" if is_module(f"{base}.{a.name}") else base
                       for a in node.names]
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ast.unparse(node.func) in ("importlib.import_module", "__import__")):
            targets = [node.args[0].value]
        found += [Import(path, node.lineno, name, target)
                  for target in dict.fromkeys(targets)
                  if target.split(".")[0] in PACKAGES]
    return found


def all_imports() -> list[Import]:
    return [imp for package in PACKAGES
            for path in sorted((ROOT / package).rglob("*.py"))
            for imp in imports_of(path)]


def engine_part(module: str) -> str | None:
    """``engine.web.routes`` -> ``web``; None for the package ``engine`` itself."""
    parts = module.split(".")
    return parts[1] if parts[0] == "engine" and len(parts) > 1 else None


def package_violations(imports: list[Import]) -> list[str]:
    out = []
    for imp in imports:
        source, target = imp.importer.split(".")[0], imp.imported.split(".")[0]
        if source != target and target not in PACKAGES[source]:
            out.append(f"{imp}  ({source} may import {sorted(PACKAGES[source]) or 'none'})")
        elif source == "adql" and target == "rd" and not any(
                imp.imported == m or imp.imported.startswith(m + ".")
                for m in ADQL_USES_OF_RD):
            out.append(f"{imp}  (adql uses only rd's metadata classes: "
                       f"{', '.join(sorted(ADQL_USES_OF_RD))})")
    return out


def engine_violations(imports: list[Import]) -> tuple[list[str], set[tuple[str, str]]]:
    """Imports against ENGINE_LAYERS, and the known exceptions still in use."""
    out, used = [], set()
    for imp in imports:
        source, target = engine_part(imp.importer), engine_part(imp.imported)
        if source is None or target is None or source == target:
            continue
        if LAYER_OF[target] < LAYER_OF[source]:
            continue
        if (source, imp.imported) in KNOWN_EXCEPTIONS:
            used.add((source, imp.imported))
            continue
        how = "the same layer as" if LAYER_OF[target] == LAYER_OF[source] else \
            "a higher layer than"
        out.append(f"{imp}  ({target} is in {how} {source})")
    return out, used


def test_every_engine_part_has_a_layer():
    parts = {p.stem if p.is_file() else p.name for p in (ROOT / "engine").iterdir()
             if (p.suffix == ".py" and p.stem != "__init__")
             or (p / "__init__.py").is_file()}
    assert parts == set(LAYER_OF), "add new parts of engine/ to ENGINE_LAYERS"


def test_packages_import_only_what_the_design_allows():
    bad = package_violations(all_imports())
    assert not bad, "imports against DESIGN.md's Layout:\n" + "\n".join(bad)


def test_engine_parts_import_only_lower_layers():
    bad, _ = engine_violations(all_imports())
    assert not bad, "imports against ENGINE_LAYERS:\n" + "\n".join(bad)


def test_known_exceptions_are_still_needed():
    _, used = engine_violations(all_imports())
    stale = sorted(set(KNOWN_EXCEPTIONS) - used)
    assert not stale, f"remove from KNOWN_EXCEPTIONS (no longer needed): {stale}"


def test_the_checker_sees_imports_inside_functions():
    text = ("import os\n\ndef f():\n    from engine import vosi\n"
            "    import adql.parse\n    from . import structure\n")
    found = imports_in(text, ROOT / "rd" / "example.py")
    assert [(i.line, i.imported) for i in found] == [
        (4, "engine.vosi"), (5, "adql.parse"), (6, "rd.structure")]
    assert package_violations(found) == [
        "rd/example.py:4: rd.example -> engine.vosi  (rd may import none)",
        "rd/example.py:5: rd.example -> adql.parse  (rd may import none)"]
    found = imports_in("def f():\n    from engine.ingest import ddl\n",
                       ROOT / "engine" / "services" / "example.py")
    assert engine_violations(found)[0] == [
        "engine/services/example.py:2: engine.services.example -> engine.ingest.ddl  "
        "(ingest is in the same layer as services)"]


def test_engine_modules_import_each_other_without_cycles():
    graph: dict[str, set[str]] = {}
    for imp in all_imports():
        target = imp.imported
        while target and not is_module(target):  # "from m import name"
            target = target.rpartition(".")[0]
        if imp.importer.startswith("engine.") and target.startswith("engine.") \
                and target != imp.importer:
            graph.setdefault(imp.importer, set()).add(target)
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycle = path[path.index(module):] + [module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        for target in sorted(graph.get(module, ())):
            visit(target, [*path, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
