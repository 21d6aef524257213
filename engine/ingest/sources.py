"""The source files a data element imports (its ``<sources>``, less those its
``ignoreSources`` names), and the facts kept of each for provenance and updating
imports: size, sha256, mtime."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from rd.elements.data import Data, is_listed
from rd.elements.resource import Resource
from rd.errors import RDError


@dataclass(frozen=True)
class SourceFile:
    path: Path | None  # None: no source at all (see no_source)
    relpath: str  # relative to the resource directory
    size: int
    sha256: str
    mtime: datetime.datetime


def describe_source(path: Path, resdir: Path) -> SourceFile:
    if not path.is_absolute() and not (resdir / path).is_file():
        # A <sources> item that is no file: a token for the grammar (DaCHS's items).
        return SourceFile(path, str(path), 0, hashlib.sha256(str(path).encode()).hexdigest(),
                          datetime.datetime.now(datetime.UTC))
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    stat = path.stat()
    try:
        rel = str(path.relative_to(resdir))
    except ValueError:
        rel = str(path)
    return SourceFile(path, rel, stat.st_size, digest.hexdigest(),
                      datetime.datetime.fromtimestamp(stat.st_mtime, datetime.UTC))


def no_source() -> SourceFile:
    """The one "source" of a grammar run without sources: its token is None."""
    return SourceFile(None, "", 0, hashlib.sha256(b"").hexdigest(),
                      datetime.datetime.now(datetime.UTC))


def sources_of(cur, rd: Resource, data: Data) -> list[SourceFile]:
    """The sources ``data`` of ``rd`` imports, described (``cur`` runs the queries
    of its ignoreSources fromdb)."""
    if data.sources is None:
        if data.grammar is not None and data.grammar.runs_without_sources:
            return [no_source()]  # the grammar's code makes the rows (DaCHS)
        raise RDError("has no sources to import", path=data.pos.path,
                      line=data.pos.line, element="data")
    resdir = rd.resdir_path
    if not data.sources.resolve(resdir, ignore=False):
        raise RDError(f"sources {', '.join(data.sources.patterns())} match no file "
                      f"in {resdir}", path=data.sources.pos.path,
                      line=data.sources.pos.line, element="sources")
    paths = data.sources.resolve(resdir)
    ignored = _ignored_by_query(cur, data)
    if ignored:
        inputs = rd.inputs_dir
        paths = [p for p in paths if not is_listed(p, resdir, ignored)
                 and not (inputs is not None and is_listed(p, inputs, ignored))]
    return [describe_source(p, resdir) for p in paths]


def _ignored_by_query(cur, data: Data) -> set[str]:
    """What ignoreSources fromdb (and fromdbUpdating, when updating) name."""
    spec = data.sources.ignored if data.sources is not None else None
    queries = [spec.fromdb] if spec is not None and spec.fromdb else []
    if spec is not None and spec.fromdb_updating and data.updating:
        queries.append(spec.fromdb_updating)
    found: set[str] = set()
    for sql in queries:
        cur.execute("SAVEPOINT dr_ignore")
        try:
            cur.execute(sql)
            found.update(str(row[0]) for row in cur.fetchall()
                         if row and row[0] is not None)
        except psycopg2.errors.UndefinedTable:
            pass  # a first import: the table the query reads does not exist yet
        except psycopg2.Error as exc:
            raise spec.error(f"fromdb query failed: {str(exc).strip().splitlines()[0]}"
                             ) from None
        finally:
            cur.execute("ROLLBACK TO SAVEPOINT dr_ignore")
            cur.execute("RELEASE SAVEPOINT dr_ignore")
    return found
