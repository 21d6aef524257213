"""What the database itself enforces: the query role, grants and row-level security.

Every query a caller's request runs (TAP, forms, cone searches, SIA) runs
under :data:`QUERY_ROLE`, a role that cannot log in, owns nothing and may
only SELECT the tables DR publishes; :func:`as_caller` switches to it for
one transaction and records the caller's groups there (``dr.groups``, read
back by ``dc.caller_groups()``).  The tables' row-level security policies
then decide, inside PostgreSQL, which rows that caller gets:

* a table with ``readGroups`` shows rows only to members of one of them
  (a restrictive policy), so even a query that named it would come back
  empty for anyone else;
* a table with ``embargoColumn`` shows a row whose date lies in the future
  only to the group named in its ``ownerColumn`` (DaCHS's rule for products:
  every user is in the group of their own name);
* TAP_SCHEMA shows only the tables (and their columns and keys) the caller
  may read, through ``dc.table_visible``, a SECURITY DEFINER function over
  ``dc.tables``, which the role itself may not read.

DR's own connection owns the tables and so is not subject to these policies
(imports, metadata and product lookups run as it); it never runs a caller's
query without :func:`as_caller` first.  ADQL cannot leave the role: the
translator emits only SELECTs of the tables it was given and calls only the
functions it declares (no ``set_config``, no ``RESET ROLE``).
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.db.identifiers import q, qualified
from rd.elements.table import Table

QUERY_ROLE = "dr_query"
GROUPS_SETTING = "dr.groups"
# The policies DR puts on a table (their names, so re-securing replaces them).
ROWS_POLICY = "dr_rows"
GROUPS_POLICY = "dr_read_groups"

# Step 7 of engine/install.py: the role, and the functions the policies call.
INSTALL_SQL = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{QUERY_ROLE}') THEN
        BEGIN
            CREATE ROLE {QUERY_ROLE} NOLOGIN NOINHERIT NOSUPERUSER NOCREATEDB
                NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    IF NOT pg_has_role(current_user, '{QUERY_ROLE}', 'MEMBER') THEN
        EXECUTE format('GRANT {QUERY_ROLE} TO %I', current_user);
    END IF;
END $$;
CREATE FUNCTION dc.caller_groups() RETURNS text[] LANGUAGE sql STABLE AS $body$
    SELECT string_to_array(nullif(current_setting('{GROUPS_SETTING}', true), ''), ',')
$body$;
CREATE FUNCTION dc.table_visible(name text) RETURNS boolean LANGUAGE sql STABLE
        SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $body$
    SELECT NOT EXISTS (
        SELECT 1 FROM dc.tables t WHERE t.table_name = lower(name)
        AND cardinality(t.read_groups) > 0
        AND NOT coalesce(t.read_groups && dc.caller_groups(), false))
$body$;
REVOKE ALL ON FUNCTION dc.table_visible(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dc.table_visible(text) TO {QUERY_ROLE};
GRANT USAGE ON SCHEMA dc TO {QUERY_ROLE};
"""

# Who may see which TAP_SCHEMA row: (table, condition on its row).
_TAP_SCHEMA_POLICIES = (
    ("tables", "dc.table_visible(table_name)"),
    ("columns", "dc.table_visible(table_name)"),
    ("keys", "dc.table_visible(from_table) AND dc.table_visible(target_table)"),
    ("key_columns", "EXISTS (SELECT 1 FROM tap_schema.keys k "
                    "WHERE k.key_id = key_columns.key_id)"),
    ("schemas", "EXISTS (SELECT 1 FROM tap_schema.tables t "
                "WHERE t.schema_name = schemas.schema_name)"),
)


# The rest of the transaction as the query role, for the groups given as parameter.
_AS_CALLER = (f"SET LOCAL ROLE {QUERY_ROLE}; "
              f"SELECT set_config('{GROUPS_SETTING}', %s, true)")


def as_caller(cur, groups: Iterable[str]) -> None:
    """Run the rest of this transaction as the query role for a caller in ``groups``
    (none: anonymous).  Call inside the transaction that runs the caller's query."""
    cur.execute(_AS_CALLER, (",".join(sorted(groups)),))


def begin_as_caller(conn, groups: Iterable[str], then: bytes = b"") -> list[int]:
    """Commit what ``conn`` did so far and open a read-only transaction run as the
    query role for a caller in ``groups`` — in one round trip, where psycopg2
    would first send a BEGIN of its own: the connection is left in autocommit
    and the server is told BEGIN with the rest.  Whoever ends the transaction
    sends ROLLBACK itself (engine.web.dbpool.reset_connection does).

    ``then``, a statement with its parameters filled in (engine.db.fetch.describing),
    runs in the same round trip; the type OIDs of its result columns are returned."""
    conn.commit()
    conn.autocommit = True
    with conn.cursor() as cur:
        begin = cur.mogrify("BEGIN READ ONLY; " + _AS_CALLER, (",".join(sorted(groups)),))
        cur.execute(begin + b"; " + then if then else begin)
        return [d.type_code for d in cur.description] if then else []


def grant_temporary(cur, sql_name: str) -> None:
    """Let the query role read a temporary table DR made (a TAP upload)."""
    cur.execute(f"GRANT SELECT ON {sql_name} TO {QUERY_ROLE}")


def _group_array(groups: Iterable[str]) -> str:
    items = ", ".join("'" + g.replace("'", "''") + "'" for g in sorted(groups))
    return f"ARRAY[{items}]::text[]"


def embargo_condition(embargo: str, owner: str | None) -> str:
    """Who sees a row of a table whose column ``embargo`` holds its release date."""
    owned = (f" OR {q(owner)} = ANY(dc.caller_groups())" if owner else "")
    return f"{q(embargo)} IS NULL OR {q(embargo)} <= now(){owned}"


def secure(cur, schema: str, name: str, *, read_groups: Iterable[str] = (),
           rows: str | None = None) -> None:
    """Grant the query role SELECT on ``schema.name`` and set its row policies:
    rows only for ``read_groups`` (empty: everyone), and only those where the SQL
    condition ``rows`` holds (None: all; see :func:`embargo_condition`)."""
    target = qualified(schema, name)
    groups = sorted(read_groups)
    statements = [f"GRANT USAGE ON SCHEMA {q(schema)} TO {QUERY_ROLE}",
                  f"GRANT SELECT ON {target} TO {QUERY_ROLE}",
                  f"DROP POLICY IF EXISTS {ROWS_POLICY} ON {target}",
                  f"DROP POLICY IF EXISTS {GROUPS_POLICY} ON {target}"]
    if not groups and rows is None:
        statements.append(f"ALTER TABLE {target} DISABLE ROW LEVEL SECURITY")
    else:
        statements += [f"ALTER TABLE {target} ENABLE ROW LEVEL SECURITY",
                       f"CREATE POLICY {ROWS_POLICY} ON {target} FOR SELECT "
                       f"TO {QUERY_ROLE} USING ({rows or 'true'})"]
    if groups:
        statements.append(
            f"CREATE POLICY {GROUPS_POLICY} ON {target} AS RESTRICTIVE FOR SELECT "
            f"TO {QUERY_ROLE} USING (coalesce(dc.caller_groups() && "
            f"{_group_array(groups)}, false))")
    cur.execute("; ".join(statements))


def secure_table(cur, table: Table) -> None:
    """:func:`secure` for an RD's table, with its readGroups and row embargo."""
    embargo = table.row_embargo
    secure(cur, table.schema, table.id, read_groups=table.read_groups,
           rows=embargo_condition(*embargo) if embargo else None)


def secure_view(cur, schema: str, name: str) -> None:
    """Grant the query role SELECT on a view that runs with its invoker's rights
    (``security_invoker``), so the policies of the tables behind it apply."""
    cur.execute(f"GRANT USAGE ON SCHEMA {q(schema)} TO {QUERY_ROLE}; "
                f"GRANT SELECT ON {qualified(schema, name)} TO {QUERY_ROLE}")


def secure_tap_schema(cur) -> None:
    """TAP_SCHEMA readable by the query role, showing only what the caller may read."""
    for table, condition in _TAP_SCHEMA_POLICIES:
        secure(cur, "tap_schema", table, rows=condition)


def secure_recorded(cur) -> None:
    """Grants and group policies for every table ``dc.tables`` records, and TAP_SCHEMA's
    policies: for a database whose tables were imported before DR had the query
    role (tables with embargo columns did not exist then)."""
    cur.execute("SELECT n.nspname, c.relname, t.read_groups, c.relkind FROM dc.tables t "
                "JOIN pg_class c ON c.oid = to_regclass(t.table_name) "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname <> 'tap_schema'")
    for schema, name, read_groups, kind in cur.fetchall():
        if kind in ("r", "p"):
            secure(cur, schema, name, read_groups=read_groups)
        elif kind in ("v", "m"):  # RD views (engine/ingest/views.py)
            secure_view(cur, schema, name)
        elif kind in ("v", "m"):
            secure_view(cur, schema, name)
    secure_tap_schema(cur)
