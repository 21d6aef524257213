"""The read replica as a site meets it: ``dr db replica`` makes a hot standby, ``dr
serve`` answers read-only queries from it while it lags no more than
maxReplicaLag, from the primary when it lags more or is down, and never
writes there (uploads, UWS jobs)."""

from __future__ import annotations

import contextlib
import io

import psycopg2
import pytest
from astropy.io.votable import parse_single_table

from engine.db.cluster import Cluster
from engine.db.rowsecurity import as_caller
from engine.db.standby import Standby
from tests.replica.conftest import (
    FAR_AWAY,
    MAX_LAG,
    ROWS,
    ReplicaSite,
    insert_far_away,
    replay_paused,
)
from tests.support import run_dr, wait_until


def cone_rows(site: ReplicaSite) -> int:
    status, _, body = site.get(f"/rep/q/cone/scs.xml?RA={FAR_AWAY[0]}&DEC={FAR_AWAY[1]}"
                               "&SR=0.1")
    assert status == 200, body
    return len(parse_single_table(io.BytesIO(body)).array)


def test_dr_db_replica_makes_a_hot_standby_streaming_from_the_primary(site):
    status = run_dr("db", "status", config=site.config)
    assert status.returncode == 0, status.stderr
    assert "replica:" in status.stdout and "replication: streaming" in status.stdout
    assert site.sql("primary", "SELECT application_name, state FROM pg_stat_replication") \
        == [("dr_replica", "streaming")]
    assert site.sql("standby", "SELECT pg_is_in_recovery()") == [(True,)]
    assert wait_until(lambda: site.sql("standby", "SELECT count(*) FROM rep.main")
                      == [(ROWS,)])
    with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
        site.sql("standby", "CREATE TEMPORARY TABLE upload (x integer)")
    # The access control user queries run under works on the standby as on the
    # primary: the query role, the caller's groups, row-level security.
    with contextlib.closing(psycopg2.connect(site.standby_dsn)) as conn:
        conn.readonly = True
        with conn.cursor() as cur:
            as_caller(cur, {"somegroup"})
            cur.execute("SELECT current_user, dc.caller_groups(), count(*) FROM rep.main")
            assert cur.fetchone() == ("dr_query", ["somegroup"], ROWS)


def test_reads_come_from_the_standby_until_it_lags_more_than_max_replica_lag(site):
    site.wait_serving_from_standby()
    before = site.tap_count()
    with replay_paused(site):
        insert_far_away(site, 1001)
        # Within maxReplicaLag the standby answers, without the new row.
        assert site.tap_count() == before
        assert cone_rows(site) == 0
        assert ("dr serve reads",) in site.sql(
            "standby", "SELECT application_name FROM pg_stat_activity")
        # Beyond it, the primary answers, although the standby still lacks the row.
        assert wait_until(lambda: site.tap_count() == before + 1, timeout=MAX_LAG + 8)
        assert cone_rows(site) == 1
        assert site.sql("standby", "SELECT count(*) FROM rep.main") == [(before,)]
        assert site.transitions()[-1] == "primary"
        assert f"more than maxReplicaLag ({MAX_LAG} s)" in site.log.read_text()
    # Replaying again, it catches up and answers again.
    site.wait_serving_from_standby()
    assert site.tap_count() == before + 1
    with replay_paused(site):
        insert_far_away(site, 1002)
        assert site.tap_count() == before + 1
        assert cone_rows(site) == 1


UPLOAD = (b'<?xml version="1.0"?><VOTABLE version="1.4" '
          b'xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE>'
          b'<FIELD name="x" datatype="int"/><DATA><TABLEDATA><TR><TD>1</TD></TR>'
          b'<TR><TD>2</TD></TR></TABLEDATA></DATA></TABLE></RESOURCE></VOTABLE>')


def _multipart(fields: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = "drReplicaTestBoundary"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'.encode()
        + (b'; filename="t.xml"' if name == "t" else b"") + b"\r\n\r\n" + value + b"\r\n"
        for name, value in fields.items())
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_uploads_and_job_state_go_to_the_primary_async_queries_to_the_standby(site):
    site.wait_serving_from_standby()
    # An upload is a temporary table, which the standby cannot make.
    body, content_type = _multipart({
        "LANG": b"ADQL", "FORMAT": b"csv", "UPLOAD": b"t,param:t", "t": UPLOAD,
        "QUERY": b"SELECT u.x, m.id FROM TAP_UPLOAD.t AS u JOIN rep.main AS m "
                 b"ON m.id = u.x ORDER BY u.x"})
    status, _, answer = site.get("/tap/sync", body=body, content_type=content_type)
    assert status == 200, answer
    assert answer.decode().split() == ["x,id", "1,1", "2,2"]

    with replay_paused(site):
        insert_far_away(site, 1003)
        on_standby = site.sql("standby", "SELECT count(*) FROM rep.main")[0][0]
        status, headers, answer = site.get("/tap/async", data={
            "LANG": "ADQL", "FORMAT": "csv", "PHASE": "RUN",
            "QUERY": "SELECT COUNT(*) AS n FROM rep.main"})
        assert status == 303, answer
        job_id = headers["Location"].rstrip("/").rsplit("/", 1)[1]
        # The job's state lives on the primary.
        assert site.sql("primary", "SELECT count(*) FROM uws.jobs WHERE job_id = %s",
                        (job_id,)) == [(1,)]
        assert wait_until(lambda: site.get(f"/tap/async/{job_id}/phase")[2]
                          in (b"COMPLETED", b"ERROR"), timeout=20)
        status, _, result = site.get(f"/tap/async/{job_id}/results/result")
        assert status == 200, result
        # Its query ran on the standby, which had not replayed the new row.
        assert int(result.decode().split()[-1]) == on_standby
        assert site.sql("primary", "SELECT count(*) FROM rep.main") == [(on_standby + 1,)]


def test_reads_go_to_the_primary_while_the_standby_is_down(site):
    site.wait_serving_from_standby()
    expected = site.sql("primary", "SELECT count(*) FROM rep.main")[0][0]
    assert Standby(Cluster(site.home / "state")).stop()
    try:
        # At once: the pooled connection to the standby is dead, the standby
        # refuses new ones; the primary answers, no 503.
        assert site.tap_count() == expected
        assert cone_rows(site) >= 1
        assert site.transitions()[-1] == "primary"
        status = run_dr("db", "status", config=site.config)
        assert "replica:" in status.stdout and "running:     no" in status.stdout
    finally:
        started = run_dr("db", "start", config=site.config)
    assert "replica started" in started.stdout, started.stdout + started.stderr
    site.wait_serving_from_standby()
    assert site.tap_count() == expected

