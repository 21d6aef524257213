"""Installing DR's system schemas: ``dc``, TAP_SCHEMA, the ADQL helper functions, ``uws``.

``dc`` is created and upgraded by numbered, idempotent steps: each step is SQL
run once, in order, in one transaction per step; the version reached is kept in
``dc.schema_version``.  Later features append steps; a step already released is
never edited.  TAP_SCHEMA's tables come from rd/system/tap.rd and the helper
functions from adql.UDF_SQL, each reinstalled when its digest in
``dc.installed`` changes; ``uws`` has its own steps (engine/uws/schema.py).

This module sits above ``db``, ``ingest``, ``tap`` and ``uws``, whose schemas it
puts together; ``dr init``, ``dr imp``, ``dr drop`` and ``dr serve`` call
:func:`install_system_schema` (running it again is harmless).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from adql import UDF_SQL
from engine.db import leakproof, metadata, rowsecurity
from engine.ingest import ddl
from engine.limits import store as limits_store
from engine.obscore import install_obscore
from engine.provenance import install_provenance
from engine.tap.tables import tap_schema_rd
from engine.uws.schema import install_uws_schema

# A fixed key for pg_advisory_xact_lock so concurrent installers queue up.
_INSTALL_LOCK = 0x44520001
# Recorded once a database's earlier tables have the query role's grants.
ROW_SECURITY_VERSION = "1"
log = logging.getLogger("dr.install")

STEPS: Sequence[str] = (
    # 1: the schema and its version record.
    """
    CREATE SCHEMA IF NOT EXISTS dc;
    CREATE TABLE IF NOT EXISTS dc.schema_version (
        version integer NOT NULL,
        installed timestamptz NOT NULL DEFAULT now());
    """,
    # 2: table and column metadata, imports and their sources (provenance).
    """
    CREATE TABLE dc.tables (
        table_name text PRIMARY KEY,          -- schema.table, lower case
        rd_id text NOT NULL,
        table_id text NOT NULL,
        adql text NOT NULL,                   -- True, False or hidden
        description text NOT NULL DEFAULT '',
        meta jsonb NOT NULL DEFAULT '{}',     -- the RD's meta of the table
        source_meta jsonb NOT NULL DEFAULT '{}',  -- keys the sources declare
        read_groups text[] NOT NULL DEFAULT '{}',
        nrows bigint,
        last_import integer,
        updated timestamptz NOT NULL DEFAULT now());
    CREATE INDEX ON dc.tables (rd_id);
    CREATE TABLE dc.columns (
        table_name text NOT NULL REFERENCES dc.tables ON DELETE CASCADE,
        column_name text NOT NULL,
        column_index integer NOT NULL,
        type text NOT NULL,
        unit text NOT NULL DEFAULT '',
        ucd text NOT NULL DEFAULT '',
        utype text NOT NULL DEFAULT '',
        xtype text NOT NULL DEFAULT '',
        description text NOT NULL DEFAULT '',
        tablehead text NOT NULL DEFAULT '',
        verb_level integer NOT NULL DEFAULT 20,
        display_hint text NOT NULL DEFAULT '',
        principal boolean NOT NULL DEFAULT false,
        indexed boolean NOT NULL DEFAULT false,
        std boolean NOT NULL DEFAULT false,
        required boolean NOT NULL DEFAULT false,
        hidden boolean NOT NULL DEFAULT false,
        PRIMARY KEY (table_name, column_name));
    CREATE TABLE dc.imports (
        import_id serial PRIMARY KEY,
        rd_id text NOT NULL,
        rd_path text NOT NULL,
        rd_sha256 text NOT NULL,
        data_ids text[] NOT NULL,
        os_user text NOT NULL,
        db_user text NOT NULL DEFAULT current_user,
        host text NOT NULL,
        dr_version text NOT NULL,
        started timestamptz NOT NULL,
        finished timestamptz NOT NULL DEFAULT clock_timestamp());
    CREATE INDEX ON dc.imports (rd_id);
    CREATE TABLE dc.sources (
        source_id serial PRIMARY KEY,
        import_id integer NOT NULL REFERENCES dc.imports ON DELETE CASCADE,
        rd_id text NOT NULL,
        data_id text NOT NULL,
        path text NOT NULL,                   -- relative to the resource directory
        size bigint NOT NULL,
        sha256 text NOT NULL,
        mtime timestamptz,
        grammar text NOT NULL,
        header jsonb NOT NULL DEFAULT '{}',
        rows_in bigint NOT NULL,
        rows_rejected bigint NOT NULL,
        tables text[] NOT NULL,
        superseded_by integer REFERENCES dc.sources);
    CREATE INDEX ON dc.sources (rd_id, data_id, path);
    """,
    # 3: what derived SQL (e.g. the ADQL helper functions) is installed, by digest.
    """
    CREATE TABLE dc.installed (
        what text PRIMARY KEY,
        digest text NOT NULL,
        installed timestamptz NOT NULL DEFAULT now());
    """,
    # 4: the text columns of each table that hold non-ASCII, found at import, so
    # that metadata declares them unicodeChar.  NULL: the table was imported
    # before DR looked, and every text column counts as holding non-ASCII.
    """
    ALTER TABLE dc.tables ADD COLUMN unicode_columns text[];
    """,
    # 5: the products (files) RDs publish, one row per accref, written by dr imp
    # from //products#define and removed by dr drop (engine/products/store.py).
    """
    CREATE TABLE dc.products (
        accref text PRIMARY KEY,              -- /getproduct/<accref>
        owner text,                           -- the group an embargoed product is for
        embargo date,                         -- public from this day on
        access_path text NOT NULL,            -- relative to inputsDir, or a URL
        source_table text NOT NULL,           -- schema.table, lower case
        mime text NOT NULL,
        accsize bigint,
        preview text,                         -- NULL, AUTO, a relative path or a URL
        preview_mime text,
        datalink text);
    CREATE INDEX ON dc.products (source_table);
    """,
    # 6: accounts (engine/accounts/): users with argon2id password hashes, groups,
    # who is in which (every user is in the group of their own name, as in
    # DaCHS), and bearer tokens, kept as the sha256 of their secret.
    """
    CREATE TABLE dc.users (
        name text PRIMARY KEY,
        password_hash text NOT NULL,          -- argon2id, PHC string format
        remarks text NOT NULL DEFAULT '',
        disabled boolean NOT NULL DEFAULT false,
        created timestamptz NOT NULL DEFAULT now(),
        password_changed timestamptz NOT NULL DEFAULT now());
    CREATE TABLE dc.groups (
        name text PRIMARY KEY,
        created timestamptz NOT NULL DEFAULT now());
    CREATE TABLE dc.memberships (
        username text NOT NULL REFERENCES dc.users ON DELETE CASCADE,
        groupname text NOT NULL REFERENCES dc.groups ON DELETE CASCADE,
        PRIMARY KEY (username, groupname));
    CREATE INDEX ON dc.memberships (groupname);
    CREATE TABLE dc.tokens (
        token_id serial PRIMARY KEY,
        digest text NOT NULL UNIQUE,          -- sha256 of the secret, hex
        username text NOT NULL REFERENCES dc.users ON DELETE CASCADE,
        label text NOT NULL DEFAULT '',
        created timestamptz NOT NULL DEFAULT now(),
        revoked timestamptz);
    CREATE INDEX ON dc.tokens (username);
    """,
    # 7: the query role callers' queries run as, and the functions the row-level
    # security policies call (engine/db/rowsecurity.py).
    rowsecurity.INSTALL_SQL,
    # 8: browser sessions after a login on /login (engine/accounts/sessions.py),
    # kept as the sha256 of the cookie's secret.
    """
    CREATE TABLE dc.sessions (
        digest text PRIMARY KEY,              -- sha256 of the secret, hex
        username text NOT NULL REFERENCES dc.users ON DELETE CASCADE,
        created timestamptz NOT NULL DEFAULT now(),
        expires timestamptz NOT NULL,
        last_used timestamptz);
    CREATE INDEX ON dc.sessions (username);
    CREATE INDEX ON dc.sessions (expires);
    """,
    # 9: what the publishing registry serves over OAI-PMH (engine/registry/):
    # one row per record, kept (deleted) after withdrawal so harvesters learn of it.
    """
    CREATE TABLE dc.resources (
        ivoid text PRIMARY KEY,               -- lower case: IVOIDs ignore case
        rd_id text NOT NULL,                  -- '' for the site's own records
        kind text NOT NULL,                   -- service, table, registry, authority, tap
        res_id text NOT NULL,                 -- the service's or table's id in its RD
        sets text[] NOT NULL,                 -- OAI sets (ivo_managed, local)
        digest text NOT NULL DEFAULT '',      -- sha256 of the record last served
        created timestamptz NOT NULL DEFAULT date_trunc('second', now()),
        updated timestamptz NOT NULL DEFAULT date_trunc('second', now()),
        deleted boolean NOT NULL DEFAULT false);
    CREATE INDEX ON dc.resources (updated, ivoid);
    CREATE INDEX ON dc.resources (rd_id);
    """,
    # 10: what dr limits found: row counts, coverage, column statistics
    # (engine/limits/store.py).
    limits_store.INSTALL_SQL,
)


def current_version(conn) -> int:
    """The last step of ``dc`` installed (0: none)."""
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('dc.schema_version')")
        if cur.fetchone()[0] is None:
            return 0
        cur.execute("SELECT coalesce(max(version), 0) FROM dc.schema_version")
        return cur.fetchone()[0]


def install_system_schema(conn) -> int:
    """Bring ``dc`` up to the newest step, then TAP_SCHEMA, the ADQL helper functions
    and ``uws``; returns the version of ``dc``.  Commits as it goes."""
    for number, sql in enumerate(STEPS, start=1):
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_INSTALL_LOCK,))
            if current_version(conn) >= number:
                conn.commit()
                continue
            cur.execute(sql)
            cur.execute("INSERT INTO dc.schema_version (version) VALUES (%s)", (number,))
        conn.commit()
    _ensure_tap_schema(conn)
    _ensure_udfs(conn)
    install_uws_schema(conn)
    install_obscore(conn)
    _ensure_row_security(conn)
    install_provenance(conn)  # its views call the row security functions
    _ensure_leakproof(conn)
    return len(STEPS)


def _ensure_leakproof(conn) -> None:
    """Spatial indexes usable on tables with row policies (engine/db/leakproof.py)."""
    with conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_INSTALL_LOCK,))
        refused = leakproof.ensure_leakproof(conn)
    if refused:
        log.warning("spatial conditions on tables with row policies (readGroups, "
                    "embargoColumn) cannot use their indexes: DR's database role may "
                    "not declare pg_sphere's predicates LEAKPROOF; a superuser of the "
                    "server can, once, in this database: %s", refused)


def _ensure_row_security(conn) -> None:
    """Once per database: the query role's grants and policies on what was there
    before DR had them (imports and installs keep them afterwards)."""
    with conn.cursor() as cur:
        if metadata.installed_digest(cur, "row-security") == ROW_SECURITY_VERSION:
            conn.commit()
            return
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_INSTALL_LOCK,))
        if metadata.installed_digest(cur, "row-security") != ROW_SECURITY_VERSION:
            rowsecurity.secure_recorded(cur)
            metadata.record_installed(cur, "row-security", ROW_SECURITY_VERSION)
    conn.commit()


def _ensure_udfs(conn) -> None:
    """The SQL functions translated ADQL calls (adql.UDF_SQL), reinstalled when changed."""
    digest = hashlib.sha256(UDF_SQL.encode()).hexdigest()
    with conn.cursor() as cur:
        if metadata.installed_digest(cur, "adql-udfs") == digest:
            conn.commit()
            return
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_INSTALL_LOCK,))
        cur.execute(UDF_SQL)
        metadata.record_installed(cur, "adql-udfs", digest)
    conn.commit()


def _ensure_tap_schema(conn) -> None:
    """Create TAP_SCHEMA's tables from rd/system/tap.rd, described in themselves."""
    rd = tap_schema_rd()
    with conn.cursor() as cur:
        if metadata.installed_digest(cur, "tap-schema") == rd.sha256:
            conn.commit()
            return
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_INSTALL_LOCK,))
        if metadata.installed_digest(cur, "tap-schema") == rd.sha256:
            conn.commit()
            return
        cur.execute("CREATE SCHEMA IF NOT EXISTS tap_schema")
        for table in rd.tables:
            cur.execute("SELECT to_regclass(%s)", (table.qualified_name,))
            if cur.fetchone()[0] is None:
                cur.execute(ddl.create_table(table))
                pk = ddl.primary_key_statement(table)
                if pk:
                    cur.execute(pk[1])
        # tap.rd declares its free-text columns unicode itself: nothing to learn.
        metadata.publish(cur, rd, rd.tables,
                         unicode_columns={t.qualified_name: [] for t in rd.tables})
        rowsecurity.secure_tap_schema(cur)
        metadata.record_installed(cur, "tap-schema", rd.sha256)
    conn.commit()

