"""DR's system schema ``dc``: created and upgraded by numbered, idempotent steps.

Each step is SQL run once, in order, in one transaction per step; the version
reached is kept in ``dc.schema_version``.  Later features append steps; a step
already released is never edited.
"""

from __future__ import annotations

from collections.abc import Sequence

# A fixed key for pg_advisory_xact_lock so concurrent installers queue up.
_INSTALL_LOCK = 0x44520001

STEPS: Sequence[str] = (
    # 1: the schema and its version record.
    """
    CREATE SCHEMA IF NOT EXISTS dc;
    CREATE TABLE IF NOT EXISTS dc.schema_version (
        version integer NOT NULL,
        installed timestamptz NOT NULL DEFAULT now());
    """,
)


def current_version(conn) -> int:
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('dc.schema_version')")
        if cur.fetchone()[0] is None:
            return 0
        cur.execute("SELECT coalesce(max(version), 0) FROM dc.schema_version")
        return cur.fetchone()[0]


def install_system_schema(conn) -> int:
    """Bring ``dc`` up to the newest step; returns the version reached."""
    for number, sql in enumerate(STEPS, start=1):
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_INSTALL_LOCK,))
            if current_version(conn) >= number:
                conn.commit()
                continue
            cur.execute(sql)
            cur.execute("INSERT INTO dc.schema_version (version) VALUES (%s)", (number,))
        conn.commit()
    return len(STEPS)
