"""Reading results from PostgreSQL in batches: both ways agree, memory is flat, cancelling."""

from __future__ import annotations

import contextlib
import os
import threading
import time
import tracemalloc

import numpy as np
import psycopg2
import pytest

from engine.db.fetch import FetchCancelled, describing, fetch_batches
from engine.formats.batch import Batch
from engine.formats.binary2 import encode_rows
from engine.formats.votable import VOTableWriter
from engine.formats.writer import Status
from rd.tablemeta import ResultColumn

TABLE_DDL = """
CREATE TABLE everything (id bigint, ra double precision, small smallint, count integer,
  flag boolean, mag real, byte smallint, name text, code char(4), label varchar,
  flux real[], series double precision[], ints integer[], pos double precision[],
  poly double precision[], grid integer[], obs_time timestamp, obs_date date,
  obs_tz timestamptz)
"""
ROWS_SQL = """
INSERT INTO everything VALUES
 (1, 10.5, 3, 70000, true, 1.5, 7, 'abc', 'abcd', 'Grüße ☃', '{1,2,3}', '{0.5,1.5}',
  '{1,2}', '{10,20}', '{1,2,3,4,5,6}', '{{1,2,3},{4,5,6}}', '2020-01-02 03:04:05.123456',
  '2020-01-02', '2020-01-02 03:04:05+02'),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL),
 (3, 'NaN', -32768, -1, false, '-Infinity', 255, '', 'ab', '', '{NULL,2,3}', '{}',
  '{7,NULL}', '{359.5,-89.5}', '{}', '{{0,0,0},{0,0,1}}', '1999-12-31 23:59:59',
  '1999-12-31', 'infinity'),
 (4, 1e300, 1, 2, true, 3.4e38, 0, repeat('x', 5000), 'wxyz', 'tab	here', '{4,5,6}',
  '{NaN,Infinity}', '{}', '{0,90}', '{0,0,1,0,1,1,0,1}', '{{1,1,1},{1,1,1}}',
  '2038-01-19 03:14:08', '2038-01-19', '1970-01-01 00:00:00+00')
"""
COLUMNS = [
    ResultColumn("id", "long"), ResultColumn("ra", "double"), ResultColumn("small", "short"),
    ResultColumn("count", "int"), ResultColumn("flag", "boolean"),
    ResultColumn("mag", "float"), ResultColumn("byte", "unsignedByte"),
    ResultColumn("name", "char", "*"), ResultColumn("code", "char", "4"),
    ResultColumn("label", "unicodeChar", "*"), ResultColumn("flux", "float", "3"),
    ResultColumn("series", "double", "*"), ResultColumn("ints", "int", "*"),
    ResultColumn("pos", "double", "2", xtype="point"),
    ResultColumn("poly", "double", "*", xtype="polygon"),
    ResultColumn("grid", "int", "3x2"),
    ResultColumn("obs_time", "char", "*", xtype="timestamp"),
    ResultColumn("obs_date", "char", "*", xtype="timestamp"),
    ResultColumn("obs_tz", "char", "*", xtype="timestamp"),
]
QUERY = "SELECT * FROM everything ORDER BY id"


@pytest.fixture(scope="module")
def conn(module_db):
    connection = psycopg2.connect(module_db)
    with connection.cursor() as cur:
        cur.execute(TABLE_DDL)
        cur.execute(ROWS_SQL)
        cur.execute("CREATE TABLE numbers AS SELECT g::bigint AS id, g * 0.5::float8 AS x, "
                    "'row ' || g AS label, ARRAY[g, g + 1, g + 2]::real[] AS v "
                    "FROM generate_series(1, 300000) AS g")
    connection.commit()
    yield connection
    connection.close()


@pytest.fixture(autouse=True)
def _clean_transaction(conn):
    yield
    conn.rollback()


def assert_same(a, b) -> None:
    """Equal values, masks, dtypes and NULLs, NaN equal to NaN."""
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(np.ma.getmaskarray(a), np.ma.getmaskarray(b))
        assert np.array_equal(np.ma.getdata(a), np.ma.getdata(b),
                              equal_nan=a.dtype.kind in "fM")
    else:
        assert len(a) == len(b)
        for x, y in zip(a, b):
            if x is None or isinstance(x, str):
                assert x == y
            else:
                assert_same(x, y)


def all_batches(conn, method, batch_rows=2, query=QUERY, columns=COLUMNS) -> list[Batch]:
    stream = fetch_batches(conn, query, None, columns, batch_rows=batch_rows, method=method)
    assert stream.method == method
    return list(stream)


def test_copy_and_cursor_give_identical_batches(conn):
    by_copy, by_cursor = all_batches(conn, "copy"), all_batches(conn, "cursor")
    assert [b.length for b in by_copy] == [b.length for b in by_cursor] == [2, 2]
    for one, other in zip(by_copy, by_cursor):
        for column, a, b in zip(COLUMNS, one.columns, other.columns):
            try:
                assert_same(a, b)
            except AssertionError as exc:
                raise AssertionError(f"column {column.name} differs") from exc


@pytest.mark.parametrize("method", ["copy", "cursor"])
def test_values_and_nulls_arrive_as_stored(conn, method):
    first, second = all_batches(conn, method)
    cols = {c.name: (first.columns[i], second.columns[i]) for i, c in enumerate(COLUMNS)}
    ra, _ = cols["ra"]
    assert ra[0] == 10.5 and ra.mask.tolist() == [False, True]
    _, ra2 = cols["ra"]
    assert np.isnan(ra2.data[0]) and not ra2.mask[0] and ra2[1] == 1e300
    assert cols["small"][1].tolist() == [-32768, 1] and cols["byte"][1].tolist() == [255, 0]
    assert cols["count"][0].dtype == np.int32 and cols["mag"][1][0] == -np.inf
    assert cols["name"][0] == ["abc", None] and cols["name"][1][1] == "x" * 5000
    assert cols["code"][1] == ["ab  ", "wxyz"]
    assert cols["label"][0] == ["Grüße ☃", None] and cols["label"][1][1] == "tab\there"
    flux = cols["flux"][1]
    assert flux.mask[0].tolist() == [True, False, False] and flux[1].tolist() == [4, 5, 6]
    assert cols["flux"][0].mask[1].all()
    assert cols["series"][0][1] is None and len(cols["series"][1][0]) == 0
    assert cols["ints"][1][0].mask.tolist() == [False, True]
    assert cols["grid"][0][0].tolist() == [1, 2, 3, 4, 5, 6]
    assert cols["poly"][1][1].tolist() == [0, 0, 1, 0, 1, 1, 0, 1]
    times = cols["obs_time"][0]
    assert times[0] == np.datetime64("2020-01-02T03:04:05.123456") and np.isnat(times[1])
    assert cols["obs_date"][1][0] == np.datetime64("1999-12-31")
    assert cols["obs_tz"][0][0] == np.datetime64("2020-01-02T01:04:05")
    assert np.isnat(cols["obs_tz"][1][0])  # 'infinity' has no datetime64 form


def test_auto_reads_through_copy_when_it_decodes_every_type(conn):
    assert fetch_batches(conn, QUERY, None, COLUMNS).method == "copy"


def test_auto_falls_back_to_the_cursor_for_other_types(conn):
    columns = [ResultColumn("mean", "double"), ResultColumn("point", "char", "*")]
    stream = fetch_batches(conn, "SELECT avg(count), spoint(0.1, 0.2) FROM everything "
                           "WHERE id < %s", (3,), columns)
    assert stream.method == "cursor"
    (batch,) = list(stream)
    assert batch.columns[0][0] == 70000 and batch.columns[1][0].startswith("(")


@pytest.mark.parametrize("method", ["copy", "cursor"])
def test_query_parameters_and_temporary_tables(conn, method):
    with conn.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE upload AS SELECT 2::bigint AS id, 'x' AS tag")
    columns = [ResultColumn("id", "long"), ResultColumn("tag", "char", "*")]
    batches = all_batches(conn, method, query="SELECT u.id, tag FROM upload u "
                          f"JOIN everything e ON e.id = u.id WHERE tag = '{'x'}'",
                          columns=columns)
    assert batches[0].columns[0].tolist() == [2] and batches[0].columns[1] == ["x"]
    stream = fetch_batches(conn, "SELECT id FROM everything WHERE name = %s", ("abc",),
                           columns[:1], method=method)
    assert [b.columns[0].tolist() for b in stream] == [[1]]


def test_empty_result_yields_no_batch(conn):
    for method in ("copy", "cursor"):
        assert all_batches(conn, method, query="SELECT * FROM everything WHERE id < 0") == []


@pytest.mark.parametrize("method", ["copy", "cursor"])
def test_cancel_from_another_thread_raises_fetch_cancelled(conn, method):
    # The set function in the select list streams its rows; in FROM, PostgreSQL would
    # first make all 50 million before the first batch.
    stream = fetch_batches(conn, "SELECT generate_series(1, 50000000)::bigint AS g",
                           None, [ResultColumn("g", "long")], batch_rows=1000, method=method)
    next(stream)
    threading.Timer(0.2, stream.cancel).start()
    with pytest.raises(FetchCancelled):
        for _ in stream:
            pass
    conn.rollback()
    assert_connection_works(conn)


def test_conn_cancel_of_a_running_copy_raises_fetch_cancelled(conn):
    stream = fetch_batches(conn, "SELECT 1::bigint FROM pg_sleep(30)", None,
                           [ResultColumn("one", "long")], method="copy")
    threading.Timer(0.3, conn.cancel).start()
    with pytest.raises(FetchCancelled):
        next(stream)
    conn.rollback()
    assert_connection_works(conn)


@pytest.mark.parametrize("method", ["copy", "cursor"])
def test_closing_early_frees_the_connection(conn, method):
    stream = fetch_batches(conn, "SELECT * FROM numbers", None, NUMBER_COLUMNS,
                           batch_rows=1000, method=method)
    next(stream)
    stream.close()
    conn.rollback()
    assert_connection_works(conn)


def assert_connection_works(conn) -> None:
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM everything")
        assert cur.fetchone() == (4,)


NUMBER_COLUMNS = [ResultColumn("id", "long"), ResultColumn("x", "double"),
                  ResultColumn("label", "char", "*"), ResultColumn("v", "float", "3")]


def stream_size(conn, rows: int) -> tuple[int, int]:
    """Bytes of a BINARY2 VOTable of ``rows`` rows, and the peak of traced memory."""
    tracemalloc.start()
    try:
        writer = VOTableWriter(NUMBER_COLUMNS)
        size = len(writer.head())
        for batch in fetch_batches(conn, "SELECT * FROM numbers WHERE id <= %s", (rows,),
                                   NUMBER_COLUMNS):
            size += len(writer.batch(batch))
        size += len(writer.tail(Status.ok()))
        return size, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        conn.rollback()


def test_memory_stays_flat_in_the_number_of_rows(conn):
    small_size, small_peak = stream_size(conn, 30_000)
    size, peak = stream_size(conn, 300_000)
    # Ten times the rows (17 MB of VOTable), about the same peak: a few batches.
    assert size > 9 * small_size
    assert peak < 1.5 * small_peak + (2 << 20)


def test_generators_of_batches_can_be_abandoned_in_a_with_block(conn):
    with contextlib.closing(fetch_batches(conn, "SELECT * FROM numbers", None,
                                          NUMBER_COLUMNS, batch_rows=500)) as stream:
        assert next(stream).length == 500
    conn.rollback()
    assert_connection_works(conn)


def pump_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dr-copy-pump"]


def test_copies_reuse_their_threads_one_after_another(conn):
    for _ in range(3):
        all_batches(conn, "copy")
    before = pump_threads()
    for _ in range(20):
        all_batches(conn, "copy")
    assert pump_threads() == before and len(before) >= 1


def test_a_forked_process_copies_with_threads_of_its_own(conn, module_db):
    all_batches(conn, "copy")  # an idle pump thread in this process, none in the child
    in_a_child(module_db, lambda child: len(all_batches(child, "copy")) == 2)


def test_a_result_described_beforehand_is_read_without_describing_again(conn):
    with conn.cursor() as cur:
        cur.execute(describing(conn, "SELECT * FROM numbers WHERE id < %s", (4,)))
        oids = [d.type_code for d in cur.description]
    stream = fetch_batches(conn, "SELECT * FROM numbers WHERE id < %s", (4,),
                           NUMBER_COLUMNS, method="copy", oids=oids)
    batches = list(stream)
    assert [int(v) for v in batches[0].columns[0]] == [1, 2, 3]
    with pytest.raises(ValueError, match="returns 4 columns, 3 are described"):
        fetch_batches(conn, "SELECT * FROM numbers", None, NUMBER_COLUMNS[:3], oids=oids)


def in_a_child(module_db, check) -> None:
    """Run ``check(connection)`` in a forked process (which has no pump threads); it
    must return True."""
    pid = os.fork()
    if pid == 0:  # the child: a fresh connection, then out without cleanup
        ok = False
        try:
            ok = check(psycopg2.connect(module_db))
        finally:
            os._exit(0 if ok else 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0
            return
        time.sleep(0.05)
    os.kill(pid, 9)
    os.waitpid(pid, 0)
    pytest.fail("the forked process never ended")


def test_a_result_bounded_to_one_batch_is_read_whole_without_a_pump(conn, module_db):
    pumped = all_batches(conn, "copy", batch_rows=10)

    def bounded_copy_starts_no_thread(child) -> bool:
        (batch,) = fetch_batches(child, QUERY, None, COLUMNS, max_rows=4)
        for a, b in zip(batch.columns, pumped[0].columns):
            assert_same(a, b)
        return batch.length == 4 and not pump_threads()

    in_a_child(module_db, bounded_copy_starts_no_thread)


def test_one_batch_reads_no_more_rows_than_its_bound(conn):
    # A caller's bound is kept even where its SQL would give more.
    (batch,) = fetch_batches(conn, "SELECT * FROM numbers ORDER BY id", None, NUMBER_COLUMNS,
                             max_rows=7)
    assert batch.columns[0].tolist() == list(range(1, 8))
    assert list(fetch_batches(conn, "SELECT * FROM numbers WHERE id < 0", None,
                              NUMBER_COLUMNS, max_rows=7)) == []
    # Beyond one batch the pump reads, as without a bound.
    sizes = [b.length for b in fetch_batches(conn, "SELECT * FROM numbers WHERE id <= 2500",
                                             None, NUMBER_COLUMNS, batch_rows=1000,
                                             max_rows=5000)]
    assert sizes == [1000, 1000, 500]
    # A limit and the row that tells an overflow still come as one batch.
    sizes = [b.length for b in fetch_batches(conn, "SELECT * FROM numbers ORDER BY id "
                                             "LIMIT 1001", None, NUMBER_COLUMNS,
                                             batch_rows=1000, max_rows=1001)]
    assert sizes == [1001]


def test_cancelling_a_one_batch_copy_raises_fetch_cancelled(conn):
    stream = fetch_batches(conn, "SELECT 1::bigint FROM pg_sleep(30)", None,
                           [ResultColumn("one", "long")], method="copy", max_rows=1)
    threading.Timer(0.3, stream.cancel).start()
    started = time.monotonic()
    with pytest.raises(FetchCancelled):
        next(stream)
    assert time.monotonic() - started < 10
    conn.rollback()
    assert_connection_works(conn)


def binary2_both_ways(conn, query: str, columns) -> tuple[bytes, bytes, list[bool]]:
    """The BINARY2 rows of a one-batch result as written from the COPY bytes that
    arrived, and as written from the decoded columns; which columns came ready."""
    (batch,) = fetch_batches(conn, query, None, columns, method="copy")
    ready = [batch.binary2_ready(i) is not None for i in range(len(columns))]
    fast = encode_rows(batch, columns)
    decoded = Batch([batch.columns[i] for i in range(len(columns))], batch.length)
    return fast, encode_rows(decoded, columns), ready


def test_plain_numeric_columns_go_to_binary2_as_they_arrived(conn):
    fast, slow, ready = binary2_both_ways(
        conn, "SELECT * FROM numbers WHERE id <= 1000 ORDER BY id", NUMBER_COLUMNS)
    assert ready == [True, True, False, True] and fast == slow
    # NaN elements, an array of NaN only (NULL, as decoded), widths as declared.
    columns = [ResultColumn("id", "long"), ResultColumn("v", "float", "3"),
               ResultColumn("n", "int", "2"), ResultColumn("s", "short"),
               ResultColumn("x", "float")]
    fast, slow, ready = binary2_both_ways(conn, """
        SELECT * FROM (VALUES
          (1::bigint, ARRAY['NaN', 'NaN', 'NaN']::real[], ARRAY[1, 2], 3::smallint,
           'NaN'::real),
          (2, ARRAY[1, 'NaN', 3]::real[], ARRAY[-1, 7], (-4)::smallint, 2.5))
          AS t(id, v, n, s, x)
        ORDER BY id""", columns)
    assert ready == [True] * 5 and fast == slow
    assert fast[0] == 0b01000000  # the first row's v is NULL


def test_other_columns_are_decoded_for_binary2(conn):
    # NULLs, another width than declared, a boolean, arrays of other shapes.
    columns = [ResultColumn("id", "long"), ResultColumn("ra", "double"),
               ResultColumn("count", "long"), ResultColumn("flag", "boolean"),
               ResultColumn("flux", "float", "3"), ResultColumn("grid", "int", "3x2")]
    fast, slow, ready = binary2_both_ways(
        conn, "SELECT id, ra, count, flag, flux, grid FROM everything ORDER BY id", columns)
    assert ready == [True, False, False, False, False, False] and fast == slow
