"""TAP 1.1 through real clients: pyvo sync and async, uploads, errors, metadata."""

from __future__ import annotations

import io

import pytest
import pyvo
from astropy.io.votable import parse_single_table
from astropy.table import Table

from tests.web.schemata import assert_valid


@pytest.fixture(scope="module")
def tap(server):
    return pyvo.dal.TAPService(server.url + "/tap")


def test_sync_query_returns_the_rows_and_echoes_the_adql(tap, server):
    result = tap.run_sync("SELECT TOP 5 califaid, name, ra, dec FROM califa.main "
                          "ORDER BY califaid")
    assert list(result["califaid"]) == [1, 2, 3, 4, 5]
    status, _, body = server.get(
        "/tap/sync?LANG=ADQL&QUERY=SELECT+TOP+1+name+FROM+califa.main")
    assert status == 200 and b'name="QUERY" value="SELECT TOP 1 name FROM califa.main"' \
        in body


def test_a_cone_in_adql_uses_the_shared_position_index(tap):
    result = tap.run_sync(
        "SELECT name FROM califa.main WHERE 1 = CONTAINS(POINT('ICRS', ra, dec), "
        "CIRCLE('ICRS', 232.6525, 42.7171, 0.05))")
    assert "NGC 5947" in list(result["name"])


def test_a_bad_query_is_a_dali_error_with_the_position(server, tap):
    with pytest.raises(pyvo.dal.DALQueryError) as info:
        tap.run_sync("SELECT nosuchcolumn FROM califa.main")
    assert "nosuchcolumn" in str(info.value)
    status, _, body = server.get("/tap/sync?LANG=ADQL&QUERY=SELECT+FROM+WHERE")
    assert status == 400
    assert b'<INFO name="QUERY_STATUS" value="ERROR">' in body
    assert b"line 1" in body


@pytest.mark.parametrize("query, message", [
    ("QUERY=SELECT+1", b"LANG is missing"),
    ("LANG=SQL&QUERY=SELECT+1", b"LANG &apos;SQL&apos; is not supported"),
    ("LANG=ADQL", b"QUERY is missing"),
    ("LANG=ADQL&QUERY=SELECT+1&MAXREC=-3", b"MAXREC must be at least 0"),
])
def test_bad_parameters_are_400_dali_errors(server, query, message):
    status, _, body = server.get(f"/tap/sync?{query}")
    assert status == 400
    assert message in body.replace(b"'", b"&apos;"), body


def test_maxrec_overflow_and_parameter_names_in_any_case(server):
    status, _, body = server.get(
        "/tap/sync?lang=ADQL&query=SELECT+id+FROM+jplus.main&maxrec=3")
    assert status == 200
    assert len(parse_single_table(io.BytesIO(body)).array) == 3
    assert b'value="OVERFLOW"' in body


def test_async_jobs_run_and_deliver_their_result(tap):
    job = tap.submit_job("SELECT COUNT(*) AS n FROM califa.main")
    job.run()
    job.wait(phases=["COMPLETED", "ERROR", "ABORTED"], timeout=60)
    assert job.phase == "COMPLETED", job.phase
    result = job.fetch_result()
    assert result["n"][0] == 2981
    job.delete()


def test_run_async_through_pyvo(tap):
    result = tap.run_async("SELECT TOP 3 id FROM jplus.main ORDER BY id")
    assert len(result) == 3


def test_upload_cross_match(tap):
    targets = Table({"tid": [1, 2], "ra": [232.6525, 10.0], "dec": [42.7171, -80.0]})
    result = tap.run_sync(
        "SELECT u.tid, m.name FROM TAP_UPLOAD.targets AS u JOIN califa.main AS m "
        "ON 1 = CONTAINS(POINT('ICRS', m.ra, m.dec), CIRCLE('ICRS', u.ra, u.dec, 0.01))",
        uploads={"targets": targets})
    assert list(result["tid"]) == [1] and list(result["name"]) == ["NGC 5947"]


def test_tap_schema_describes_the_tables(tap):
    result = tap.run_sync("SELECT table_name FROM TAP_SCHEMA.tables")
    names = set(result["table_name"])
    assert {"califa.main", "jplus.main", "tap_schema.columns"} <= names
    count = tap.run_sync("SELECT COUNT(*) AS nrow FROM TAP_SCHEMA.columns")
    assert count["nrow"][0] > 40


def test_capabilities_and_tables_validate(server, shared):
    status, _, body = server.get("/tap/capabilities")
    tree = assert_valid(body, "VOSICapabilities.xsd", "VODataService.xsd",
                        "TAPRegExt.xsd")
    assert "ivo://ivoa.net/std/TAP" in [c.get("standardID") for c in tree]
    status, _, body = server.get("/tap/tables")
    assert_valid(body, "VOSITables.xsd", "VODataService.xsd")
    status, _, body = server.get("/tap/tables/califa.main")
    assert status == 200
    assert_valid(body, "VOSITables.xsd", "VODataService.xsd")


def test_examples_are_well_formed_xhtml_with_queries(server):
    from lxml import etree

    status, headers, body = server.get("/tap/examples")
    assert status == 200
    tree = etree.fromstring(body)
    queries = tree.xpath("//*[@property='query']")
    assert queries and "califa.main" in queries[0].text


def test_an_upload_by_url_from_a_local_web_server(tap, tmp_path):
    import functools
    import http.server
    import threading

    Table({"tid": [7], "ra": [232.6525], "dec": [42.7171]}).write(
        tmp_path / "targets.vot", format="votable")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/targets.vot"
        result = tap.run_sync(
            "SELECT u.tid, m.name FROM TAP_UPLOAD.t AS u JOIN califa.main AS m ON "
            "1 = CONTAINS(POINT('ICRS', m.ra, m.dec), CIRCLE('ICRS', u.ra, u.dec, 0.01))",
            uploads={"t": url})
    finally:
        httpd.shutdown()
    assert list(result["tid"]) == [7] and list(result["name"]) == ["NGC 5947"]


def test_a_query_the_data_defeats_says_why(server):
    status, _, body = server.get(
        "/tap/sync?LANG=ADQL&QUERY=SELECT+1/(califaid-1)+AS+x+FROM+califa.main")
    assert status == 400
    assert b"the query failed on the data: division by zero" in body


def test_pooled_connections_forget_uploads_and_settings(server):
    import psycopg2

    from engine.web.dbpool import reset_connection

    conn = psycopg2.connect(server.dsn)
    with conn.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE tap_upload_secret (x integer)")
        cur.execute("SET statement_timeout = '1s'")
    conn.commit()
    assert reset_connection(conn, True) is conn
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('pg_temp.tap_upload_secret')")
        assert cur.fetchone() == (None,)
        cur.execute("SHOW statement_timeout")
        assert cur.fetchone() == ("0",)
    conn.close()


def test_a_pooled_connection_given_back_is_read_write_as_the_server_default(server):
    import psycopg2

    from engine.web.dbpool import reset_connection

    conn = psycopg2.connect(server.dsn)
    conn.readonly = True   # as a job's or a core's connection is
    with conn.cursor() as cur:
        cur.execute("SELECT 1")
    assert reset_connection(conn, False) is conn
    # The server's default again, not an explicit setting psycopg2 would send
    # anew each time the pool switches the connection out of autocommit.
    assert conn.readonly is None and not conn.autocommit
    with conn.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE written (x integer)")
    conn.rollback()
    conn.close()
