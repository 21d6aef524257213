"""``dr drop``: remove an RD's tables, their metadata and their provenance records."""

from __future__ import annotations

from engine import obscore
from engine.db import metadata
from engine.db.identifiers import q, qualified
from engine.ingest.dependents import drop_relation, views_over
from engine.ingest.scripts import run_scripts
from engine.limits import store as limits
from engine.products import store as products
from rd.elements.resource import Resource
from rd.errors import DRError


def drop_rd(conn, rd: Resource) -> list[str]:
    """Drop the RD's on-disk tables in one transaction; returns the names dropped.
    Views of other RDs over its tables are left alone: then nothing is dropped."""
    dropped = []
    try:
        with conn.cursor() as cur:
            obscore.lock_for(cur, rd)  # before any table lock: see engine/obscore/view.py
            _refuse_foreign_views(cur, rd)
            for table in rd.tables:
                if not table.on_disk or table.system:
                    continue
                live = qualified(table.schema, table.id)
                cur.execute("SELECT to_regclass(%s)", (live,))
                if cur.fetchone()[0] is not None:
                    scripts = [s for data in rd.data for make in data.makes
                               if make.table == table.id for s in make.scripts]
                    run_scripts(cur, scripts + table.scripts, "beforeDrop", table, live)
                drop_relation(cur, live)
                dropped.append(table.qualified_name.lower())
            cur.execute("SELECT table_name FROM dc.tables WHERE rd_id = %s", (rd.rd_id,))
            known = [row[0] for row in cur.fetchall()]
            metadata.unpublish(cur, set(dropped) | set(known))
            obscore.forget_tables(cur, rd, dropped)
            products.forget_tables(cur, set(dropped) | set(known))
            limits.forget(cur, sorted(set(dropped) | set(known)))
            # Forgetting the sources makes the next import of updating data start over.
            cur.execute("DELETE FROM dc.sources WHERE rd_id = %s", (rd.rd_id,))
            cur.execute("DELETE FROM dc.imports WHERE rd_id = %s", (rd.rd_id,))
            cur.execute("SELECT 1 FROM pg_class c JOIN pg_namespace n ON "
                        "n.oid = c.relnamespace WHERE n.nspname = %s LIMIT 1", (rd.schema,))
            if cur.fetchone() is None and rd.schema not in ("dc", "tap_schema", "public"):
                cur.execute(f"DROP SCHEMA IF EXISTS {q(rd.schema)}")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    return dropped


def _refuse_foreign_views(cur, rd: Resource) -> None:
    """A view another RD made over one of these tables would go with it, leaving
    that RD's metadata behind: refuse, naming it."""
    own = {f"{t.schema}.{t.id}".lower() for t in rd.tables if t.on_disk}
    for name in sorted(own):
        for view in views_over(cur, qualified(*name.split(".", 1))):
            plain = view.plain_name
            if plain in own:
                continue
            cur.execute("SELECT rd_id FROM dc.tables WHERE table_name = %s", (plain,))
            row = cur.fetchone()
            origin = f"made by {row[0]}" if row else "not made by DR"
            raise DRError(f"the view {plain} ({origin}) reads {name}; dropping "
                          f"{rd.rd_id} would drop it too",
                          hint=f"drop {row[0] if row else plain} first")
