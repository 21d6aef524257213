"""The job store in PostgreSQL: schema installation, claims shared by servers, orphans."""

from __future__ import annotations

import contextlib

from engine.uws import model, scheduling, store
from engine.uws.schema import STEPS, install_uws_schema


def installed(db):
    conn = db.connect()
    install_uws_schema(conn)
    return conn


def queued_job(conn) -> str:
    return store.create_job(conn, kind="sleep", owner=None, run_id=None,
                            parameters=[("DELAY", b"0")], execution_duration=60,
                            lifetime=3600, max_lifetime=7200, queue=True)


def test_installing_the_schema_twice_changes_nothing(db):
    with contextlib.closing(installed(db)) as conn:
        assert install_uws_schema(conn) == len(STEPS)
    assert db.query("SELECT count(*) FROM uws.schema_version") == [(len(STEPS),)]


def test_a_server_skips_jobs_another_server_is_claiming(db):
    with contextlib.closing(installed(db)) as a, contextlib.closing(db.connect()) as b:
        first, second = queued_job(a), queued_job(a)
        [claim_a] = scheduling.claim(a, "host-a", 1, ["sleep"], 1)   # not committed yet
        with b.cursor() as cur:
            cur.execute("SET lock_timeout = '2s'")
        claims_b = scheduling.claim(b, "host-b", 2, ["sleep"], 5)
        b.commit()
        a.commit()
    assert (claim_a.job_id, [c.job_id for c in claims_b]) == (first, [second])
    assert sorted(db.query("SELECT job_id, phase, server_host FROM uws.jobs")) == sorted(
        [(first, "EXECUTING", "host-a"), (second, "EXECUTING", "host-b")])


def test_jobs_of_servers_that_are_gone_become_errors(db):
    with contextlib.closing(installed(db)) as conn:
        jobs = [queued_job(conn) for _ in range(3)]
        servers = [("here", 99999999), ("elsewhere", 1), ("alive", 2)]
        for host, pid in servers:
            scheduling.claim(conn, host, pid, ["sleep"], 1)
            conn.commit()
        scheduling.heartbeat(conn, "elsewhere", 1)
        scheduling.heartbeat(conn, "alive", 2)
        with conn, conn.cursor() as cur:
            cur.execute("UPDATE uws.servers SET last_seen = now() - interval '1 hour'"
                        " WHERE host = 'elsewhere'")
        gone = scheduling.orphaned_servers(conn, "here", 1)
        assert sorted(gone) == [("elsewhere", 1), ("here", 99999999)]
        assert sorted(scheduling.fail_jobs_of_servers(conn, gone)) == sorted(jobs[:2])
    assert sorted(db.query("SELECT phase, error_message FROM uws.jobs")) == [
        ("ERROR", model.RESTART_MESSAGE), ("ERROR", model.RESTART_MESSAGE),
        ("EXECUTING", None)]
