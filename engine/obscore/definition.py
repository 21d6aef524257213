"""The ivoa.obscore table as rd/system/obscore.rd declares it, plus a site's extra columns.

Extra columns come from the tables publishing into ivoa.obscore (their
``extra_columns`` mixin parameter names some of their columns); they are
stored with each source as the column's RD attributes, so the view and its
metadata can be rebuilt without reading the RDs that contributed them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from functools import cache

from rd.elements.column import Column
from rd.elements.resource import Resource
from rd.elements.table import Table
from rd.errors import DRError
from rd.loader import load_rd_file
from rd.reader import SYSTEM_DIR
from rd.structure import Position

RD_ID = "__system__/obscore"
RD_PATH = SYSTEM_DIR / "obscore.rd"
VIEW = "ivoa.obscore"
SOURCES = "ivoa._obscoresources"

# The column attributes an extra column keeps (RD attribute names).
_EXTRA_ATTRIBUTES = ("type", "unit", "ucd", "utype", "xtype", "description", "verbLevel",
                     "tablehead", "displayHint")


@cache
def obscore_rd() -> Resource:
    return load_rd_file(RD_PATH, RD_ID)


def base_table() -> Table:
    """ivoa.obscore with the columns ObsCore (and DaCHS) define."""
    return next(t for t in obscore_rd().tables if t.id == "ObsCore")


def data_model() -> tuple[str, str]:
    """(name, IVOA id) of the data model ivoa.obscore implements, for TAPRegExt."""
    table = base_table()
    return table.property("supportsModel"), table.property("supportsModelURI")


def extra_attributes(column: Column) -> dict[str, str]:
    """An extra column as it is stored: its RD attributes, as text."""
    out = {"name": column.reference}
    for name in _EXTRA_ATTRIBUTES:
        attr = Column.attr_named(name)
        assert attr is not None
        value = getattr(column, attr.py_name)
        if value not in (None, "") and value != attr.default:
            out[name] = str(value)
    return out


def merge_extras(per_source: Iterable[tuple[str, Iterable[Mapping[str, str]]]]
                 ) -> list[dict[str, str]]:
    """The extra columns of all sources ((table name, extras) pairs), by name.

    Tables declaring the same extra column must agree on its type, unit and
    UCD (the view has one column); the first declaration gives the rest.
    """
    standard = {c.sql_name for c in base_table().columns}
    merged: dict[str, tuple[str, dict[str, str]]] = {}
    for table_name, extras in per_source:
        for extra in extras:
            name = extra["name"].lower()
            if name in standard:
                raise DRError(f"{table_name}: extra ivoa.obscore column {name!r} is a "
                              "standard ObsCore column; give it as the mixin parameter "
                              "of that name instead")
            if name not in merged:
                merged[name] = (table_name, dict(extra))
                continue
            first_table, first = merged[name]
            for key in ("type", "unit", "ucd"):
                if (first.get(key) or "") != (extra.get(key) or ""):
                    raise DRError(
                        f"extra ivoa.obscore column {name!r}: {first_table} declares "
                        f"{key} {first.get(key) or '(none)'!r}, {table_name} "
                        f"{extra.get(key) or '(none)'!r}; they must agree")
    return [merged[name][1] for name in sorted(merged)]


def obscore_table(extras: Iterable[Mapping[str, str]] = ()) -> Table:
    """ivoa.obscore with the extra columns ``extras`` (stored attributes) after the
    standard ones; the system table itself is left alone."""
    base = base_table()
    table = copy.copy(base)
    table.columns = list(base.columns)
    where = Position(SOURCES, None)
    for attributes in extras:
        column = Column(table, where)
        for name, text in attributes.items():
            attr = Column.attr_named(name)
            if attr is None:
                raise DRError(f"{SOURCES}: extra column attribute {name!r} is unknown")
            setattr(column, attr.py_name, attr.parse(text))
        column.finish()
        table.columns.append(column)
    return table
