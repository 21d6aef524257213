"""``//ssap#view``: the SSA table as a view over a table of the publisher's own.

DaCHS 2.7's recommended way of publishing spectra.  The mixinDef in
rd/system/ssap.rd gives the view its columns (every SSA column, those
``//ssap#hcd`` keeps as params too) and a parameter per column: an SQL
expression over the source table (a column name, a quoted literal, NULL...).
What the mixin cannot say in RD text is done here, once the table is read:

* the SSA params the mixin's events bring (those ``//ssap#hcd`` keeps constant)
  become columns;
* each column becomes ``(expression)::type AS name`` of the view's SELECT — or,
  where the source table has a column of that name, that column (DaCHS's
  rule: such columns cannot be overridden by parameters);
* ``copiedcolumns`` (shell patterns) copies the source's matching columns,
  their metadata replacing the mixin's;
* ``ssa_region`` (when given) adds the footprint column, ``customcode`` extra
  SELECT items, ``whereclause`` a condition after the source table,
  ``materialize`` makes it a materialized view;
* the source table gets an index on the pubDID expression, which SSA's
  DataLink and getData look rows up by.

The view is then an ordinary table with a viewStatement (engine/ingest/views.py).
"""

from __future__ import annotations

import copy
import fnmatch
from typing import TYPE_CHECKING

from rd.macros import sql_name

if TYPE_CHECKING:
    from rd.elements.table import AppliedMixin, Table

REF = "//ssap#view"
# Parameters of the mixin that are not columns of the view.
_CONTROL_PARAMS = frozenset({"sourcetable", "materialize", "copiedcolumns",
                             "ssa_region", "customcode", "whereclause"})
_REGION_NOT_GIVEN = "not given"


def view_mixin(table: Table) -> AppliedMixin | None:
    return next((m for m in table.applied_mixins if m.ref == REF), None)


def source_of(table: Table) -> Table | None:
    """The table an //ssap#view reads (whose rows are its products), else None."""
    mixin = view_mixin(table)
    if mixin is None:
        return None
    return table.rd.resolve_table(mixin.params["sourcetable"], table)


def build(table: Table, mixin: AppliedMixin) -> str:
    """Complete ``table`` (copied columns, the region column, the source's pubDID
    index) and return its view statement."""
    from rd.elements.column import Column
    from rd.elements.table import Index  # rd.elements.table imports us

    params = mixin.params
    source = table.rd.resolve_table(params["sourcetable"], table)
    for param in [p for p in table.params if p.name in params]:
        _param_to_column(table, param, Column)
    pieces: dict[str, str] = {}
    for column in table.columns:
        if column.name in params and column.name not in _CONTROL_PARAMS:
            value = params[column.name].strip()
            pieces[column.name] = _cast(value if value else "NULL", column)
    region = params.get("ssa_region", _REGION_NOT_GIVEN).strip()
    if region != _REGION_NOT_GIVEN:
        if table.column("ssa_region") is None:
            column = Column(table, table.pos)
            column.name, column.type = "ssa_region", "spoly"
            column.tablehead = "Coverage"
            column.description = "Rough coverage based on location and aperture"
            column.verb_level = 30
            column.finish()
            table.add_child(column)
        pieces["ssa_region"] = _cast(region, table.column("ssa_region"))
    for pattern in (p.strip() for p in params.get("copiedcolumns", "").split(",")):
        for found in (c for c in source.columns if pattern and
                      fnmatch.fnmatchcase(c.name, pattern)):
            _take_over(table, found)
            pieces[found.name] = _cast(sql_name(found), found)
    for column in table.columns:  # the source's columns win over parameters
        if column.name in pieces and source.column(column.name) is not None:
            pieces[column.name] = _cast(sql_name(source.column(column.name)), column)
    pubdid = params.get("ssa_pubDID", "").strip()
    if pubdid and pubdid.upper() != "NULL" and source.rd is table.rd:
        index = Index(source, table.pos)
        index.name = f"ssa_{table.id}_did"
        index.expression = f"({pubdid})"
        index.finish()
        source.add_child(index)
    materialized = params.get("materialize", "False").strip().lower() == "true"
    body = ",\n    ".join(pieces.values())
    return (f"CREATE {'MATERIALIZED ' if materialized else ''}VIEW "
            f"{table.rd.schema}.{table.id} AS (\n"
            f"  SELECT {', '.join(sql_name(c) for c in table.columns)} FROM (\n"
            f"    SELECT {body} {params.get('customcode', '')}\n"
            f"    FROM {source.rd.schema}.{source.id} {params.get('whereclause', '')}"
            f") AS internal_ssa_view)")


def _cast(expression: str, column) -> str:
    return f"({expression})::{column.sql_type.sql} AS {sql_name(column)}"


def _param_to_column(table: Table, param, column_class) -> None:
    """A param the mixin brought (the SSA metadata //ssap#hcd keeps constant) as a
    column of the view: every spectrum has its own value."""
    column = column_class(table, param.pos)
    for attr in column_class.attrs:
        setattr(column, attr.py_name, getattr(param, attr.py_name))
    column.finish()
    table.params.remove(param)
    table.child_elements.remove(param)
    table.add_child(column)


# What a copied column without it of its own takes from the mixin's column.
_INHERITED = ("utype", "ucd", "unit", "description", "tablehead", "xtype")


def _take_over(table: Table, found) -> None:
    """The source's column in the view, replacing one of the same name; where the
    source column lacks a utype, UCD, unit or description, the SSA column's is
    kept (DaCHS leaves SSA results without their utypes then)."""
    column = copy.copy(found)
    column.parent = table
    replaced = table.column(found.name)
    if replaced is not None:
        for attr in _INHERITED:
            if not getattr(column, attr) and getattr(replaced, attr):
                setattr(column, attr, getattr(replaced, attr))
    table.columns = [column if c.name == found.name else c for c in table.columns]
    if table.column(found.name) is not column:
        table.columns.append(column)
