"""A long TAP query does not hold up others, and a client that leaves cancels it."""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse

import psycopg2

from tests.support import wait_until

SLOW = ("SELECT COUNT(*) AS n FROM jplus.main AS a, jplus.main AS b "
        "WHERE a.mag_r < b.mag_r")


def running_queries(server) -> list[str]:
    with psycopg2.connect(server.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT query FROM pg_stat_activity WHERE state = 'active' "
                    "AND query LIKE '%%mag_r%%' AND pid <> pg_backend_pid()")
        rows = [r[0] for r in cur.fetchall()]
    conn.close()
    return rows


def test_a_slow_query_does_not_block_others_and_dies_with_its_client(server):
    host, port = server.url.split("//")[1].split(":")
    slow = http.client.HTTPConnection(host, int(port), timeout=60)
    body = urllib.parse.urlencode({"LANG": "ADQL", "QUERY": SLOW})
    slow.request("POST", "/tap/sync", body,
                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert wait_until(lambda: running_queries(server), timeout=10)

    started = time.monotonic()
    status, _, _ = server.get("/tap/sync?LANG=ADQL&QUERY=SELECT+TOP+1+name+FROM+califa.main")
    assert status == 200 and time.monotonic() - started < 5

    slow.close()  # the client leaves
    assert wait_until(lambda: not running_queries(server), timeout=10), \
        "the abandoned query still runs in PostgreSQL"


def test_several_sync_queries_run_at_once(server):
    results = []

    def query() -> None:
        results.append(server.get(
            "/tap/sync?LANG=ADQL&QUERY=SELECT+COUNT(*)+AS+n+FROM+jplus.main")[0])

    threads = [threading.Thread(target=query) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [200] * 6
