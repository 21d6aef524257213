"""Ancillary file sets: the files that belong to catalogue rows (a galaxy's spectra,
images, notes), and how to list the files of one row.

The RD says it with DaCHS's vocabulary only: a second table mixes in
//products#table, has a column naming the parent row and a ``foreignKey``
to the catalogue, and is filled by a data element whose sources are the
files, each a product through //products#define::

    <table id="main" onDisk="True" primary="gal_id">...the catalogue...</table>

    <table id="files" onDisk="True" mixin="//products#table" primary="accref">
      <column name="gal_id" type="integer" ucd="meta.id"
        description="The galaxy this file belongs to"/>
      <column name="kind" type="text" description="spectrum, image, notes..."/>
      <foreignKey inTable="main" source="gal_id" dest="gal_id"/>
    </table>

    <data id="import_files">
      <sources pattern="ancillary/*/*"/>      <!-- ancillary/<gal_id>/<file> -->
      <embeddedGrammar>
        <iterator><code>
          folder, name = self.sourceToken.split("/")[-2:]
          yield {"gal_id": int(folder), "kind": name.split(".")[0]}
        </code></iterator>
        <rowfilter procDef="//products#define">
          <setup imports="mimetypes"/>
          <bind key="table">"\\schema.files"</bind>
          <bind key="mime">mimetypes.guess_type(\\fullPath)[0]</bind>
          <bind key="preview">None</bind>
        </rowfilter>
      </embeddedGrammar>
      <make table="files"/>
    </data>

(a manifest, say a CSV naming each file and its row, works as well: bind
``path`` and ``fsize`` to its columns.)  Every table that mixes in
//products#table and has a foreign key into the catalogue is a file set of
it; :func:`row_files` lists a row's files from all of them, with each file's
dc.products record and its row in the file table (for descriptions, kinds…).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.db.identifiers import q, qualified
from engine.products.collect import is_product_table
from engine.products.store import COLUMNS, Product
from rd.elements.table import Table


@dataclass(frozen=True)
class FileSet:
    """A table of files belonging to rows of ``parent``: which columns say which row."""

    table: Table
    columns: tuple[str, ...]  # SQL names in ``table``
    parent_columns: tuple[str, ...]  # the SQL names they refer to in the parent


@dataclass(frozen=True)
class RowFile:
    """One file of a row: its product and its row in the file table."""

    product: Product
    table: str  # the file table, qualified
    row: dict[str, Any]


def file_sets(parent: Table, tables: Iterable[Table]) -> list[FileSet]:
    """The product tables among ``tables`` with a foreign key into ``parent``."""
    found = []
    wanted = parent.qualified_name.lower()
    for table in tables:
        if not table.on_disk or not is_product_table(table):
            continue
        for fk in table.foreign_keys:
            target = table.rd.resolve_table(fk.in_table, fk)
            if target.qualified_name.lower() == wanted:
                found.append(FileSet(table, table.sql_names(fk.source),
                                     target.sql_names(fk.dest)))
    return found


def row_files(cur, parent: Table, key: Mapping[str, Any],
              tables: Iterable[Table]) -> list[RowFile]:
    """The files of the row of ``parent`` whose columns have the values in ``key``
    (by SQL name: ``{"gal_id": 2}``), from every file set of ``tables``, ordered by
    table and accref.  Restricted (embargoed) files are included: the caller
    decides whom to show them to."""
    out: list[RowFile] = []
    for fileset in file_sets(parent, tables):
        if any(name not in key for name in fileset.parent_columns):
            missing = ", ".join(n for n in fileset.parent_columns if n not in key)
            raise KeyError(f"the row of {parent.qualified_name} needs {missing} to find "
                           f"its files in {fileset.table.qualified_name}")
        own = [c.sql_name for c in fileset.table.columns if not c.hidden]
        conditions = " AND ".join(f"f.{q(col)} = %s" for col in fileset.columns)
        sql = (f"SELECT {', '.join('p.' + c for c in COLUMNS)}, "
               f"{', '.join('f.' + q(c) for c in own)} "
               f"FROM {qualified(fileset.table.schema, fileset.table.id)} f "
               f"JOIN dc.products p ON p.accref = f.{q('accref')} "
               f"WHERE {conditions} ORDER BY p.accref")
        cur.execute(sql, [key[name] for name in fileset.parent_columns])
        name = fileset.table.qualified_name.lower()
        for row in cur.fetchall():
            out.append(RowFile(Product(*row[:len(COLUMNS)]), name,
                               dict(zip(own, row[len(COLUMNS):]))))
    return out
