"""Tables that are views: ``dr imp`` runs a table's ``viewStatement``.

DaCHS's way of serving a collection through a protocol's schema without copying
it (``//ssap#view``, ``//obscore#publish`` on views, hand-written joins): the
RD declares the view's columns and gives the SQL making it.  DR drops what had
that name (a table, a view, a materialized view), runs the statement and checks
that it made the relation the table names, with every column declared.

Who sees which rows is decided by the tables the view reads:

* a plain view runs with its invoker's rights (``security_invoker``), so the
  row policies of those tables (readGroups, embargoes) hold for every caller;
* a materialized view holds copies of rows, which PostgreSQL's row security
  does not cover, so one reading a table with row policies is refused (fail
  closed; checked once the import has secured its tables) — make it a plain
  view.

Its declared indexes are made on a materialized view; a plain view cannot have
any (its tables' indexes serve it), so they are reported and left out.  Views
over a view made again are kept (engine/ingest/dependents.py).
"""

from __future__ import annotations

import psycopg2

from engine.db import rowsecurity
from engine.db.identifiers import qualified
from engine.ingest import ddl
from engine.ingest.dependents import drop_relation, relation_kind, restore, views_over
from engine.ingest.scripts import run_scripts
from rd.elements.data import Make
from rd.elements.table import Table

# Tables with row security that a relation reads, through views, at any depth.
_SECURED_SOURCES_SQL = """
WITH RECURSIVE reads(oid) AS (
    SELECT d.refobjid FROM pg_rewrite r
    JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass
    WHERE r.ev_class = %s::regclass AND d.refobjid <> r.ev_class
  UNION
    SELECT d.refobjid FROM reads
    JOIN pg_rewrite r ON r.ev_class = reads.oid
    JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass
    WHERE d.refobjid <> r.ev_class
)
SELECT DISTINCT c.oid::regclass::text FROM reads JOIN pg_class c ON c.oid = reads.oid
WHERE c.relkind IN ('r', 'p') AND c.relrowsecurity
"""


def make_view(cur, make: Make, table: Table) -> list[str]:
    """(Re)make ``table`` from its viewStatement; returns warnings for the report."""
    live = qualified(table.schema, table.id)
    scripts = make.all_scripts
    kept = views_over(cur, live)
    if relation_kind(cur, live) is not None:
        run_scripts(cur, scripts, "beforeDrop", table, live)
        drop_relation(cur, live)
    run_scripts(cur, scripts, "preCreation", table, live)
    cur.execute("SAVEPOINT dr_view")
    try:
        cur.execute(table.view_statement)
    except psycopg2.Error as exc:
        cur.execute("ROLLBACK TO SAVEPOINT dr_view")
        message = (exc.diag.message_primary or str(exc)).strip()
        raise table.error(f"its viewStatement fails: {message}") from None
    cur.execute("RELEASE SAVEPOINT dr_view")
    kind = relation_kind(cur, live)
    if kind not in ("v", "m"):
        raise table.error(f"its viewStatement made no view named {live}",
                          hint="write CREATE VIEW \\qName AS (...)")
    _check_columns(cur, table, live)
    warnings = []
    if kind == "v":
        cur.execute(f"ALTER VIEW {live} SET (security_invoker = true)")
        rowsecurity.secure_view(cur, table.schema, table.id)
        if table.indexes:
            warnings.append(f"{table.qualified_name} is a view: its indexes are not "
                            "made (index the tables it reads)")
    else:
        for _, sql in ddl.index_statements(table):
            cur.execute(sql)
        cur.execute(f"ANALYZE {live}")
        rowsecurity.secure_view(cur, table.schema, table.id)
    run_scripts(cur, scripts, "postCreation", table, live)
    restore(cur, kept, live)
    return warnings


def refuse_exposing(cur, tables: list[Table]) -> None:
    """Once the import has secured its tables: a materialized view among ``tables``
    or over one of them (kept from before) that holds rows of a table with row
    policies is an error."""
    for table in tables:
        live = qualified(table.schema, table.id)
        names = [live] if relation_kind(cur, live) == "m" else []
        names += [v.name for v in views_over(cur, live) if v.kind == "m"]
        for name in names:
            cur.execute(_SECURED_SOURCES_SQL, (name,))
            name = name.replace('"', "")
            secured = [row[0] for row in cur.fetchall()]
            if secured:
                raise table.error(
                    f"the materialized view {name} would show every caller the rows "
                    f"that the row policies of {', '.join(secured)} hide from some",
                    hint="make it a plain view (CREATE VIEW): its callers then see "
                         "only the rows they may")


def _check_columns(cur, table: Table, live: str) -> None:
    cur.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
                "AND attnum > 0 AND NOT attisdropped", (live,))
    present = {row[0] for row in cur.fetchall()}
    missing = [c.name for c in table.columns if c.sql_name not in present]
    if missing:
        raise table.error(f"the view its viewStatement makes has no column "
                          f"{', '.join(missing)}",
                          hint="select every column the table declares (\\colNames)")


def row_count(cur, table: Table, kind: str | None) -> int | None:
    """What dc.tables records as a view's size: a materialized view's rows; a plain
    view's change with its tables, so none."""
    if kind != "m":
        return None
    cur.execute(f"SELECT count(*) FROM {qualified(table.schema, table.id)}")
    return cur.fetchone()[0]
