"""Finishing an RD table that is a view (``viewStatement``, or DaCHS's //ssap#view).

Once the table's columns are all known, its view statement is completed: the
macros of an RD's own statement expand then, and //ssap#view's is written by
rd/ssaview.py.  A view shows the rows of the tables it reads as their
restrictions allow (engine/ingest/views.py), so it takes no restrictions of
its own: PostgreSQL could not enforce them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rd import ssaview
from rd.macros import expand_at

if TYPE_CHECKING:
    from rd.elements.table import Table

_OWN_RESTRICTIONS = (("readGroups", "read_groups"), ("approvalGroup", "approval_group"),
                     ("embargoColumn", "embargo_column"))


def finish(table: Table) -> None:
    """Complete ``table``'s view statement, if it is a view (Table.finish)."""
    mixin = ssaview.view_mixin(table)
    if mixin is not None:
        table.view_statement = ssaview.build(table, mixin)
    elif table.view_statement:
        table.view_statement = expand_at(table, table.view_statement)
    else:
        return
    table.on_disk = True
    for attr, py_name in _OWN_RESTRICTIONS:
        if getattr(table, py_name):
            raise table.error(f"a view (viewStatement) cannot have {attr}: it shows the "
                              "rows of the tables it reads as their restrictions allow",
                              hint=f"give {attr} to the tables the view reads")
