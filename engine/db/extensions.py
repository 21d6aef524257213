"""The PostgreSQL extensions DR needs in its database (pg_sphere), with clear errors."""

from __future__ import annotations

import psycopg2.errors

from engine.errors import DatabaseError


def ensure_extensions(conn: psycopg2.extensions.connection) -> str:
    """Install pg_sphere in the connected database; return its version."""
    with conn.cursor() as cur:
        cur.execute("SELECT extversion FROM pg_extension WHERE extname = 'pg_sphere'")
        row = cur.fetchone()
        if row:
            return row[0]
        cur.execute("SHOW server_version_num")
        major = int(cur.fetchone()[0]) // 10000
        try:
            cur.execute("CREATE EXTENSION pg_sphere")
        except (psycopg2.errors.UndefinedFile, psycopg2.errors.FeatureNotSupported,
                psycopg2.errors.InsufficientPrivilege) as exc:
            conn.rollback()
            first_line = str(exc).strip().splitlines()[0]
            raise DatabaseError(
                f"the pg_sphere extension cannot be installed: {first_line}",
                hint=f"apt-get install postgresql-{major}-pgsphere "
                     "(and, on a configured server, CREATE EXTENSION pg_sphere as its "
                     "superuser)") from None
        cur.execute("SELECT extversion FROM pg_extension WHERE extname = 'pg_sphere'")
        version = cur.fetchone()[0]
    conn.commit()
    return version
