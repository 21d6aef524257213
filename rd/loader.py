"""Finding and loading RDs: ``califa`` means ``<inputs>/califa/q.rd``; paths work too."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rd.corecode import compile_core_procs
from rd.datalinkcode import compile_meta_makers
from rd.elements.resource import Resource
from rd.errors import DRError, RDError
from rd.importing import ImportGrammar
from rd.reader import Reader, parse_xml
from rd.rowcode import CompiledRowmaker, compile_grammar_procs, compile_rowmaker
from rd.structure import Element


def resolve_reference(ref: str, inputs_dir: Path) -> tuple[Path, str]:
    """The RD file and RD id (path below inputs without .rd) for a user's reference."""
    candidates: list[Path] = []
    as_path = Path(ref)
    if as_path.suffix == ".rd" or as_path.is_file():
        candidates.append(as_path)
    else:
        candidates += [inputs_dir / ref / "q.rd", inputs_dir / f"{ref}.rd"]
    for path in candidates:
        if path.is_file():
            path = path.resolve()
            try:
                rd_id = str(path.relative_to(inputs_dir.resolve()).with_suffix(""))
            except ValueError:
                rd_id = str(path.with_suffix("")).lstrip("/")
            return path, rd_id
    tried = ", ".join(str(c) for c in candidates)
    raise RDError(f"no RD {ref!r} (looked for {tried})",
                  hint="name a resource directory under the inputs directory, "
                       "resdir/name, or the path of an .rd file")


def _display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_rd(ref: str, inputs_dir: Path) -> Resource:
    """Read, validate and compile one RD; raises RDError naming file, line, element."""
    path, rd_id = resolve_reference(ref, inputs_dir)
    return load_rd_file(path, rd_id, inputs_dir)


def inputs_dir_of(path: Path, rd_id: str) -> Path | None:
    """The inputs directory an RD at ``path`` with id ``rd_id`` lies in, if it does."""
    parts = Path(rd_id).parts
    resolved = path.resolve().with_suffix("")
    if parts and resolved.parts[-len(parts):] == parts:
        return resolved.parents[len(parts) - 1]
    return None


def load_rd_file(path: Path, rd_id: str, inputs_dir: Path | None = None) -> Resource:
    """Like :func:`load_rd` for a file; references to other RDs resolve in ``inputs_dir``
    (default: the directory ``rd_id`` says the file lies in)."""
    shown = _display_path(path)
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise RDError(f"cannot read the RD: {exc.strerror}", path=shown) from None
    if not source.strip():
        raise RDError("is missing: the file is empty", path=shown, line=1,
                      element="resource", hint='an RD is a <resource schema="..."> element')
    if inputs_dir is None:
        inputs_dir = inputs_dir_of(path, rd_id)
    reader = Reader(shown, parse_xml(source, shown), rd_id=rd_id,
                    inputs_dir=inputs_dir.resolve() if inputs_dir else None)
    with _no_traceback(shown):
        rd = reader.read()
    rd.path = path
    rd.sha256 = hashlib.sha256(source).hexdigest()
    rd.compiled = {}
    for data in rd.data:
        if data.unimportable is not None or not data.fills_rows:
            continue  # nothing to map rows with (the importer says why, if asked)
        for make in data.makes:
            table, rowmaker = make.resolve()
            with _no_traceback(shown, make):
                rd.compiled[id(make)] = compile_rowmaker(rowmaker, table)
        with _no_traceback(shown, data.grammar):
            rd.compiled[id(data.grammar)] = compile_grammar_procs(data.grammar)
    with _no_traceback(shown):
        rd.compiled.update(compile_meta_makers(rd))
        rd.compiled.update(compile_core_procs(rd))
    return rd


@contextmanager
def _no_traceback(shown: str, at: Element | None = None) -> Iterator[None]:
    """Bugs (not the RD's fault) still name the file and, if known, the element."""
    try:
        yield
    except DRError:
        raise
    except (ArithmeticError, AssertionError, AttributeError, LookupError, NameError,
            RecursionError, SyntaxError, TypeError, ValueError) as exc:
        message = f"cannot be read: {type(exc).__name__}: {exc}"
        hint = "this is a bug in DR, not in your RD; please report it with the RD"
        if at is not None:
            raise at.error(message, hint=hint) from exc
        raise RDError(message, path=shown, hint=hint) from exc


def compiled_rowmaker(rd: Resource, make) -> CompiledRowmaker:
    return rd.compiled[id(make)]


def import_grammar(rd: Resource, element: Element,
                   query: Callable[[str, Any], list[dict[str, Any]]] | None,
                   grammar: Any) -> Any:
    """``grammar`` (of grammar element ``element``) as an import of ``rd`` reads it:
    the current source known to RD code, rowfilters and sourceFields applied;
    ``query(sql, params)`` answers procedures querying the database."""
    rowfilters, source_fields = rd.compiled.get(id(element), ([], []))
    return ImportGrammar(grammar, rd.inputs_dir or rd.resdir_path, rd.resdir_path,
                         query, rowfilters, source_fields)


def all_rd_files(inputs_dir: Path) -> list[Path]:
    """Every RD below the inputs directory."""
    return sorted(p for p in inputs_dir.rglob("*.rd") if p.is_file())
