"""ivoa.obscore in the database: the view, the table of its sources, and keeping them
in step with ``dr imp`` and ``dr drop``.

``ivoa._obscoresources`` holds, per publishing table, the SQL expressions its
mixin gives and its extra columns.  The view is the UNION ALL of one SELECT per
row there, rebuilt (with its TAP_SCHEMA and ``dc`` metadata) inside the
transaction of the import or drop that changed a source; like DaCHS's, it
exists, empty, once DR's system schema is installed.

The view runs with its invoker's rights (``security_invoker``), so the row
policies of the tables behind it hold: a caller's query sees the rows of a
restricted table only as a member of its groups, and rows under embargo only
as their owner (engine/db/rowsecurity.py).

Rebuilding reads every table that publishes, and dropping or swapping in such
a table drops the view (CASCADE) until the rebuild: an import or drop that
may touch ivoa.obscore takes :data:`LOCK` before it locks any table, so two
of them never wait for each other's tables.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

import psycopg2

from engine.db import metadata, rowsecurity
from engine.obscore.definition import (
    RD_PATH,
    SOURCES,
    VIEW,
    merge_extras,
    obscore_rd,
    obscore_table,
)
from engine.obscore.sources import (
    Source,
    index_statements,
    publishing_mixin,
    referenced_names,
    rules,
    select_sql,
    source_of,
)
from engine.obscore.sources import view_sql as union_sql
from rd.elements.resource import Resource
from rd.elements.table import Table
from rd.errors import DRError

LOCK = 0x44520002  # pg_advisory_xact_lock key: changes to ivoa.obscore queue up
# Bump when the SQL this module writes changes, so installs rebuild the view.
_VERSION = "2"


def install_obscore(conn) -> None:
    """Create ivoa, its sources table and the view (empty until tables publish);
    rebuilt when rd/system/obscore.rd or this code changes.  Commits."""
    digest = hashlib.sha256(RD_PATH.read_bytes() + _VERSION.encode()).hexdigest()
    with conn.cursor() as cur:
        if metadata.installed_digest(cur, "obscore") == digest:
            conn.commit()
            return
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
        cur.execute("CREATE SCHEMA IF NOT EXISTS ivoa")
        cur.execute(f"""CREATE TABLE IF NOT EXISTS {SOURCES} (
            table_name text PRIMARY KEY,    -- schema.table, lower case
            rd_id text NOT NULL,
            expressions jsonb NOT NULL,     -- ivoa.obscore column -> SQL over the table
            extras jsonb NOT NULL DEFAULT '[]')  -- extra columns' RD attributes
            """)
        rebuild(cur)
        metadata.record_installed(cur, "obscore", digest)
    conn.commit()


def _installed(cur) -> bool:
    cur.execute("SELECT to_regclass(%s)", (SOURCES,))
    return cur.fetchone()[0] is not None


def _rows_of(cur, rd_id: str) -> list[str]:
    cur.execute(f"SELECT table_name FROM {SOURCES} WHERE rd_id = %s", (rd_id,))
    return [row[0] for row in cur.fetchall()]


def lock_for(cur, rd: Resource) -> bool:
    """Take the ivoa.obscore lock if ``rd`` publishes into it or did (call before
    locking tables); whether it did."""
    if not _installed(cur):
        return False
    if not _rows_of(cur, rd.rd_id) and not any(source_of(t) for t in rd.tables):
        return False
    cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
    return True


def publish_tables(cur, rd: Resource, tables: Iterable[Table]) -> list[str]:
    """After ``dr imp`` made ``tables`` of ``rd``: record what each contributes (or
    that it no longer does), check it, index it for the view and rebuild the view.
    Returns warnings for the publisher."""
    if not _installed(cur):
        return []
    changed = bool(_rows_of(cur, rd.rd_id))
    fresh: list[tuple[Table, Source]] = []
    for table in tables:
        source = source_of(table)
        cur.execute(f"DELETE FROM {SOURCES} WHERE table_name = %s",
                    (table.qualified_name.lower(),))
        if source is None:
            continue
        cur.execute(f"INSERT INTO {SOURCES} (table_name, rd_id, expressions, extras) "
                    "VALUES (%s, %s, %s, %s)", (source.table, source.rd_id,
                                                json.dumps(source.expressions),
                                                json.dumps(list(source.extras))))
        fresh.append((table, source))
        changed = True
    if not changed and _view_exists(cur):
        return []
    sources = _sources(cur)
    view = _view_table(sources)
    warnings = []
    for table, source in fresh:
        _check(cur, table, source, view)
        warnings += _index(cur, table, source)
    rebuild(cur, sources, view)
    return warnings


def _index(cur, table: Table, source: Source) -> list[str]:
    """The indexes queries on the view need on ``table``; one PostgreSQL cannot build
    (a function in the expression that is not immutable) is left out, with a warning."""
    warnings: list[str] = []
    cur.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)",
                (table.qualified_name,))
    if cur.fetchone() == ("v",):
        return warnings  # a view: queries use the indexes of the tables it reads
    for sql in index_statements(table, source):
        cur.execute("SAVEPOINT dr_obscore_index")
        try:
            cur.execute(sql)
        except psycopg2.Error as exc:
            cur.execute("ROLLBACK TO SAVEPOINT dr_obscore_index")
            warnings.append(f"{table.pos}: <table> ivoa.obscore queries on "
                            f"{table.qualified_name} cannot use an index: "
                            f"{str(exc).strip().splitlines()[0]}")
        cur.execute("RELEASE SAVEPOINT dr_obscore_index")
    return warnings


def forget_tables(cur, rd: Resource, dropped: Iterable[str]) -> None:
    """After ``dr drop`` removed ``dropped`` (qualified names) of ``rd``: their rows
    leave ivoa.obscore."""
    if not _installed(cur):
        return
    cur.execute(f"DELETE FROM {SOURCES} WHERE rd_id = %s OR table_name = ANY(%s)",
                (rd.rd_id, list(dropped)))
    if cur.rowcount or not _view_exists(cur):
        rebuild(cur)


def _view_exists(cur) -> bool:
    cur.execute("SELECT to_regclass(%s)", (VIEW,))
    return cur.fetchone()[0] is not None


def _sources(cur) -> list[Source]:
    """The recorded sources whose tables exist (others are forgotten)."""
    cur.execute(f"SELECT table_name, rd_id, expressions, extras FROM {SOURCES} "
                "ORDER BY table_name")
    sources = [Source(name, rd_id, dict(expressions), tuple(extras))
               for name, rd_id, expressions, extras in cur.fetchall()]
    present = []
    for source in sources:
        cur.execute("SELECT to_regclass(%s)", (source.table,))
        if cur.fetchone()[0] is None:
            cur.execute(f"DELETE FROM {SOURCES} WHERE table_name = %s", (source.table,))
        else:
            present.append(source)
    return present


def _view_table(sources: list[Source]) -> Table:
    try:
        return obscore_table(merge_extras((s.table, s.extras) for s in sources))
    except DRError as exc:
        raise DRError(f"ivoa.obscore cannot be built: {exc.message}") from None


def _columns(table: Table) -> list[tuple[str, str]]:
    return [(c.sql_name, c.sql_type.sql) for c in table.columns]


def rebuild(cur, sources: list[Source] | None = None, view: Table | None = None
            ) -> None:
    """Recreate the view from the recorded sources (or ``sources`` and the ``view``
    table they make) and publish its metadata."""
    if sources is None or view is None:
        sources = _sources(cur)
        view = _view_table(sources)
    cur.execute(f"DROP VIEW IF EXISTS {VIEW}")
    # The invoker's rights: the policies of the tables behind it hold for callers.
    cur.execute(f"CREATE VIEW {VIEW} WITH (security_invoker = true) AS\n"
                f"{union_sql(sources, _columns(view))}")
    schema, _, name = VIEW.partition(".")
    rowsecurity.secure_view(cur, schema, name)
    metadata.publish(cur, obscore_rd(), [view],
                     unicode_columns={VIEW: _unicode_columns(cur, view, sources)})


def _unicode_columns(cur, table: Table, sources: list[Source]) -> list[str]:
    """The view's text columns that may hold non-ASCII: those a source fills from
    columns its import found non-ASCII in (or never looked at), or from non-ASCII
    text in its expression."""
    cur.execute("SELECT table_name, unicode_columns FROM dc.tables WHERE table_name = "
                "ANY(%s)", ([s.table for s in sources],))
    recorded = {name: columns for name, columns in cur.fetchall()}
    wide = []
    for column in table.columns:
        if not column.sql_type.is_text:
            continue
        for source in sources:
            expression = source.expressions.get(column.sql_name)
            if not expression:
                continue
            found = recorded.get(source.table)
            regular, delimited = referenced_names(expression)
            names = {n.lower() for n in regular} | set(delimited)
            if not expression.isascii() or (names and (found is None or names & set(found))):
                wide.append(column.sql_name)
                break
    return wide


def _check(cur, table: Table, source: Source, view: Table) -> None:
    """The rows ``table`` gives the view are valid SQL and obey ObsCore's rules;
    else an error naming the table and its mixin."""
    mixin = publishing_mixin(table)
    ref = mixin.ref if mixin is not None else "//obscore#publish"
    select = select_sql(source, _columns(view))
    checks = rules(view)
    tests = ", ".join(f"coalesce(bool_or({condition}), false)" for condition, _ in checks)
    cur.execute("SAVEPOINT dr_obscore")
    try:
        cur.execute(f"SELECT {tests} FROM ({select}) AS q")  # one scan for all rules
        broken = [what for (_, what), hit in zip(checks, cur.fetchone()) if hit]
    except psycopg2.Error as exc:
        cur.execute("ROLLBACK TO SAVEPOINT dr_obscore")
        message = str(exc).strip().splitlines()[0]
        raise table.error(f"{ref}: its parameters do not make valid SQL over this table: "
                          f"{message}") from None
    if broken:
        raise table.error(f"{ref}: some rows would have {'; '.join(broken)} in "
                          "ivoa.obscore", hint="set the mixin parameter of that name (an "
                          "SQL expression over this table)")
    cur.execute("RELEASE SAVEPOINT dr_obscore")


def served_table(conn) -> Table | None:
    """ivoa.obscore as it is now (with its extra columns), for TAP; None if DR's
    system schema lacks it."""
    with conn.cursor() as cur:
        if not _installed(cur) or not _view_exists(cur):
            return None
        cur.execute(f"SELECT table_name, extras FROM {SOURCES} ORDER BY table_name")
        rows = cur.fetchall()
    return obscore_table(merge_extras(rows))
