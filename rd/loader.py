"""Finding and loading RDs: ``califa`` means ``<inputs>/califa/q.rd``; paths work too."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rd.elements.resource import Resource
from rd.errors import RDError
from rd.reader import Reader, parse_xml
from rd.rowcode import CompiledRowmaker, compile_rowmaker


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
    return load_rd_file(path, rd_id)


def load_rd_file(path: Path, rd_id: str) -> Resource:
    source = path.read_bytes()
    shown = _display_path(path)
    reader = Reader(shown, parse_xml(source, shown), rd_id=rd_id)
    rd = reader.read()
    rd.path = path
    rd.sha256 = hashlib.sha256(source).hexdigest()
    rd.compiled = {}
    for data in rd.data:
        for make in data.makes:
            table, rowmaker = make.resolve()
            rd.compiled[id(make)] = compile_rowmaker(rowmaker, table)
    return rd


def compiled_rowmaker(rd: Resource, make) -> CompiledRowmaker:
    return rd.compiled[id(make)]


def all_rd_files(inputs_dir: Path) -> list[Path]:
    """Every RD below the inputs directory."""
    return sorted(p for p in inputs_dir.rglob("*.rd") if p.is_file())
