"""The job store's schema ``uws``: installed and upgraded by numbered, idempotent steps.

As for ``dc`` (engine/install.py): each step runs once, in order, in a
transaction of its own; ``uws.schema_version`` records how far we got, and a
released step is never edited.  engine/install.py calls
:func:`install_uws_schema` with the other system schemas; running it again is
harmless.
"""

from __future__ import annotations

from collections.abc import Sequence

# A fixed key for pg_advisory_xact_lock so concurrent installers queue up.
_INSTALL_LOCK = 0x44520002

STEPS: Sequence[str] = (
    # 1: jobs, their parameters and results, and the servers running them.
    """
    CREATE TABLE uws.jobs (
        job_id text PRIMARY KEY,
        kind text NOT NULL,
        run_id text,
        owner text,                        -- NULL: anonymous
        phase text NOT NULL DEFAULT 'PENDING' CHECK (phase IN ('PENDING', 'QUEUED',
            'EXECUTING', 'COMPLETED', 'ERROR', 'ABORTED', 'UNKNOWN', 'HELD',
            'SUSPENDED', 'ARCHIVED')),
        creation_time timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        queued_time timestamptz,           -- when PHASE=RUN arrived: queue order
        start_time timestamptz,
        end_time timestamptz,
        execution_duration integer NOT NULL,   -- seconds; 0: unlimited
        destruction timestamptz NOT NULL,
        quote timestamptz,
        error_message text,
        server_host text,                  -- the dr serve that claimed the job
        server_pid integer,
        worker_pid integer,                -- its worker process, on server_host
        backend_pid integer);              -- the worker's PostgreSQL backend
    CREATE INDEX ON uws.jobs (phase, queued_time);
    CREATE INDEX ON uws.jobs (kind, owner, creation_time);
    CREATE INDEX ON uws.jobs (destruction);
    CREATE TABLE uws.parameters (
        job_id text NOT NULL REFERENCES uws.jobs ON DELETE CASCADE,
        position integer NOT NULL,
        name text NOT NULL,
        value bytea NOT NULL,              -- as sent: text, or an upload's bytes
        PRIMARY KEY (job_id, position));
    CREATE TABLE uws.results (
        job_id text NOT NULL REFERENCES uws.jobs ON DELETE CASCADE,
        position integer NOT NULL,
        result_id text NOT NULL,
        path text NOT NULL,                -- relative to <state_dir>/uws/<job id>/
        mime_type text NOT NULL,
        size bigint,
        rows bigint,
        PRIMARY KEY (job_id, result_id));
    CREATE TABLE uws.servers (
        host text NOT NULL,
        pid integer NOT NULL,
        started timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (host, pid));
    """,
    # 2: the sweep also destroys jobs older than [async] maxDestruction.
    """
    CREATE INDEX ON uws.jobs (creation_time);
    """,
)


def install_uws_schema(conn) -> int:
    """Bring schema ``uws`` up to the newest step; returns the version reached.

    Commits each step; safe to call on every start and from several processes.
    """
    for number, sql in enumerate(STEPS, start=1):
        with conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_INSTALL_LOCK,))
            cur.execute("CREATE SCHEMA IF NOT EXISTS uws")
            cur.execute("CREATE TABLE IF NOT EXISTS uws.schema_version ("
                        " version integer NOT NULL,"
                        " installed timestamptz NOT NULL DEFAULT now())")
            cur.execute("SELECT coalesce(max(version), 0) FROM uws.schema_version")
            if cur.fetchone()[0] >= number:
                continue
            cur.execute(sql)
            cur.execute("INSERT INTO uws.schema_version (version) VALUES (%s)", (number,))
    return len(STEPS)
