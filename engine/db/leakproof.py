"""Spatial indexes on tables with row-level security: the LEAKPROOF declarations.

PostgreSQL evaluates a table's row-level security policy before any condition
of the caller's query that might reveal the values it sees (through an error
message, say).  It trusts only functions declared LEAKPROOF to be evaluated
first, and an index condition is always evaluated first, so without the
declaration a cone search or an ADQL CONTAINS on a table with a policy reads
every row instead of using its pg_sphere index (measured by bench/access.py:
fifty times slower on 300,000 rows).

What DR declares LEAKPROOF, and why that is true of them:

* the pg_sphere predicates that its GiST operator classes index between
  points, circles and boxes (``<@``, ``@``, ``&&``, ``@>``, ``~``, ``=``, and
  ``<->``: what cone searches and ADQL's circles and boxes come to).  They compute
  distances and positions and return true or false, for any argument, NaN
  and infinity included;
* ``spoint(float8, float8)``, which normalises any pair of numbers to a point
  and raises nothing;
* ``radians(float8)``, with one residue: like every PostgreSQL float
  multiplication it raises an underflow error for a non-zero argument smaller
  in magnitude than about 3e-322, so a caller could learn by an error that a
  hidden row holds such a subnormal coordinate (and nothing more).  No
  catalogue of positions holds one; this is the price of the index.

Polygons are left out: pg_sphere's polygon containment gives up with an error
after 10,000 rotations for a point within about 1e-9 rad of a vertex, which
would tell a caller that a hidden row lies there.  A polygon condition on a
table with a row policy therefore reads the whole table.

Only a superuser may declare a function LEAKPROOF.  DR's embedded cluster
runs as one; on a configured server where DR is not, :func:`ensure_leakproof`
leaves everything as it was and returns the statement for the server's
administrator (the restrictions hold either way, only slower).
"""

from __future__ import annotations

import psycopg2.errors

# The pg_sphere types whose indexed predicates DR relies on.
_TYPES = ("spoint", "scircle", "sbox")

# The functions of every pg_sphere GiST operator between two of those types.
_PREDICATES_SQL = """
    SELECT DISTINCT o.oprcode::regprocedure::text
    FROM pg_opclass opc
    JOIN pg_am am ON am.oid = opc.opcmethod AND am.amname = 'gist'
    JOIN pg_amop ao ON ao.amopfamily = opc.opcfamily
    JOIN pg_operator o ON o.oid = ao.amopopr
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = o.oprcode
        AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'pg_sphere'
    WHERE o.oprleft::regtype::text = ANY(%(types)s)
      AND o.oprright::regtype::text = ANY(%(types)s)
"""
_CONSTRUCTORS = ("spoint(double precision,double precision)",
                 "radians(double precision)")


def leakproof_functions(cur) -> list[str]:
    """The signatures (``name(type,type)``) DR declares LEAKPROOF, sorted."""
    cur.execute(_PREDICATES_SQL, {"types": list(_TYPES)})
    return sorted({row[0] for row in cur.fetchall()} | set(_CONSTRUCTORS))


def missing(cur) -> list[str]:
    """Those of :func:`leakproof_functions` not yet declared LEAKPROOF."""
    wanted = leakproof_functions(cur)
    cur.execute("SELECT p.oid::regprocedure::text FROM pg_proc p "
                "WHERE p.oid::regprocedure::text = ANY(%s) AND p.proleakproof",
                (wanted,))
    done = {row[0] for row in cur.fetchall()}
    return [signature for signature in wanted if signature not in done]


def statement(signatures: list[str]) -> str:
    """The SQL declaring ``signatures`` LEAKPROOF."""
    return "; ".join(f"ALTER FUNCTION {signature} LEAKPROOF" for signature in signatures)


def ensure_leakproof(conn) -> str | None:
    """Declare the functions LEAKPROOF (committing); return None when they are, or,
    when DR's role may not, the statement a superuser of the server should run."""
    with conn.cursor() as cur:
        todo = missing(cur)
        if not todo:
            conn.commit()
            return None
        sql = statement(todo)
        try:
            cur.execute(sql)
        except psycopg2.errors.InsufficientPrivilege:
            conn.rollback()
            return sql
    conn.commit()
    return None
