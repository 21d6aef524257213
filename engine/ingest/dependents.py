"""Relations that depend on a table: dropping any kind of relation, and keeping the
views over a table when an import replaces it.

``dr imp`` replaces a table by dropping it (``CASCADE``), which takes every
view reading it with it.  DaCHS leaves those views gone until someone re-imports
their data; DR notes each one (:func:`views_over`: its definition, options,
indexes and whether the query role reads it) before the drop and makes it again
over the new table in the same transaction (:func:`restore`).  A view that no
longer fits the new table (a column it reads is gone) is an error naming the
view and the RD it comes from, and the import rolls back.

ivoa.obscore is not kept here: engine/obscore rebuilds it from its sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2

from engine.db import rowsecurity
from engine.obscore.definition import VIEW as OBSCORE_VIEW
from rd.errors import DRError

_KINDS = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW",
          "f": "FOREIGN TABLE"}

# Views and materialized views that read relation %s, at any depth, each with
# the depth of its longest path (what to make first).
_DEPENDENTS_SQL = """
WITH RECURSIVE deps(oid, depth) AS (
    SELECT DISTINCT r.ev_class, 1 FROM pg_depend d
    JOIN pg_rewrite r ON r.oid = d.objid
    WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = %s::regclass
        AND r.ev_class <> %s::regclass
  UNION
    SELECT DISTINCT r.ev_class, deps.depth + 1 FROM deps
    JOIN pg_depend d ON d.refobjid = deps.oid AND d.classid = 'pg_rewrite'::regclass
    JOIN pg_rewrite r ON r.oid = d.objid
    WHERE r.ev_class <> deps.oid AND deps.depth < 50
)
SELECT c.oid, format('%%I.%%I', n.nspname, c.relname), c.relkind,
       pg_get_viewdef(c.oid), c.reloptions,
       has_table_privilege(%s, c.oid, 'SELECT'), max(deps.depth)
FROM deps JOIN pg_class c ON c.oid = deps.oid
JOIN pg_namespace n ON n.oid = c.relnamespace
GROUP BY c.oid, n.nspname, c.relname, c.relkind, c.reloptions
ORDER BY max(deps.depth), c.oid
"""


@dataclass(frozen=True)
class SavedView:
    """What makes a view again: its name, kind, SELECT, options and indexes."""

    name: str  # qualified, quoted as needed
    kind: str  # "v" or "m"
    definition: str
    options: tuple[str, ...]
    indexes: tuple[str, ...]
    granted: bool  # the query role reads it

    @property
    def plain_name(self) -> str:
        """schema.name as dc.tables and messages write it."""
        return self.name.replace('"', "")


def relation_kind(cur, qualified_name: str) -> str | None:
    """pg_class.relkind of a relation ("r", "v", "m", ...), None if there is none."""
    cur.execute("SELECT c.relkind FROM pg_class c WHERE c.oid = to_regclass(%s)",
                (qualified_name,))
    row = cur.fetchone()
    return row[0] if row else None


def drop_relation(cur, qualified_name: str) -> bool:
    """Drop a table, view or materialized view and what depends on it; whether
    there was one."""
    kind = relation_kind(cur, qualified_name)
    if kind is None:
        return False
    cur.execute(f"DROP {_KINDS.get(kind, 'TABLE')} {qualified_name} CASCADE")
    return True


def views_over(cur, qualified_name: str) -> list[SavedView]:
    """The views reading ``qualified_name`` (directly or through other views), in
    the order to make them again; ivoa.obscore is left out."""
    if relation_kind(cur, qualified_name) is None:
        return []
    cur.execute(_DEPENDENTS_SQL, (qualified_name, qualified_name,
                                  rowsecurity.QUERY_ROLE))
    saved = []
    for oid, name, kind, definition, options, granted, _ in cur.fetchall():
        if name == OBSCORE_VIEW or kind not in ("v", "m"):
            continue
        cur.execute("SELECT pg_get_indexdef(indexrelid) FROM pg_index "
                    "WHERE indrelid = %s ORDER BY indexrelid", (oid,))
        saved.append(SavedView(name, kind, definition, tuple(options or ()),
                               tuple(row[0] for row in cur.fetchall()), granted))
    return saved


def restore(cur, views: list[SavedView], replaced: str) -> None:
    """Make ``views`` again (those dropped with ``replaced``) in the same state;
    a view that no longer fits is a :class:`DRError` naming it and its RD."""
    for view in views:
        if relation_kind(cur, view.name) is not None:
            continue  # it did not depend on what was dropped after all
        options = f" WITH ({', '.join(view.options)})" if view.options else ""
        kind = "MATERIALIZED VIEW" if view.kind == "m" else "VIEW"
        cur.execute("SAVEPOINT dr_restore_view")
        try:
            cur.execute(f"CREATE {kind} {view.name}{options} AS {view.definition}")
        except psycopg2.Error as exc:
            cur.execute("ROLLBACK TO SAVEPOINT dr_restore_view")
            cur.execute("SELECT rd_id FROM dc.tables WHERE table_name = %s",
                        (view.plain_name,))
            row = cur.fetchone()
            origin = f" (made by {row[0]})" if row else ""
            message = (exc.diag.message_primary or str(exc)).strip()
            raise DRError(f"the view {view.plain_name}{origin} reads {replaced} and does not "
                          f"fit its new version: {message}",
                          hint="change the view (or drop it) before importing, or "
                               "import its RD again after changing it") from None
        cur.execute("RELEASE SAVEPOINT dr_restore_view")
        for index in view.indexes:
            cur.execute(index)
        if view.granted:
            cur.execute(f"GRANT SELECT ON {view.name} TO {rowsecurity.QUERY_ROLE}")
