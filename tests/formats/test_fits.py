"""FITS output: a spool that astropy.io.fits opens with the right values, NULLs and units."""

from __future__ import annotations

import io

import numpy as np
from astropy.io import fits

from engine.formats.batch import Batch
from engine.formats.fits import FitsSpool
from engine.formats.writer import OK, Status
from rd.tablemeta import ResultColumn
from tests.formats.conftest import COLUMNS, ROWS


def fits_bytes(columns, batches, status=OK) -> bytes:
    with FitsSpool(columns) as spool:
        for batch in batches:
            spool.add(batch)
        return b"".join(spool.finish(status))


def test_astropy_opens_the_table_with_values_and_nulls(sample):
    data = fits_bytes(COLUMNS, [sample, sample])
    assert len(data) % 2880 == 0
    with fits.open(io.BytesIO(data)) as hdus:
        table = hdus[1].data
        header = hdus[1].header
        assert len(table) == 2 * len(ROWS)
        assert list(table["id"]) == [1, -(2 ** 63), 3] * 2 and header["TNULL1"] == -(2 ** 63)
        assert table["ra"][0] == 10.5 and np.isnan(table["ra"][1])
        assert table["small"][1] == -32768 and table["count"][0] == 70000
        assert table["byte"][0] == 7
        assert list(table["name"][:3]) == ["abc", "", "x" * 40] and header["TFORM8"] == "40A"
        assert table["code"][0] == "abcd" and header["TFORM9"] == "4A"
        assert table["label"][0] == "Grüße ☃".encode()
        assert list(table["flux"][0]) == [1, 2, 3] and np.isnan(table["flux"][2][0])
        assert list(table["series"][0]) == [0.5, 1.5] and len(table["series"][2]) == 0
        assert list(table["poly"][2]) == [0, 0, 1, 0, 1, 1]
        assert list(table["pos"][2]) == [359.5, -89.5]
        assert table["obs_time"][0] == "2020-01-02T03:04:05.123456"
    with fits.open(io.BytesIO(data), logical_as_bytes=True) as hdus:
        assert list(hdus[1].data["flag"][:3]) == [b"T", b"", b"F"]  # b"" is the null byte


def test_units_ucds_and_descriptions_are_in_the_header(sample):
    with fits.open(io.BytesIO(fits_bytes(COLUMNS, [sample]))) as hdus:
        header = hdus[1].header
        assert header["TUNIT2"] == "deg" and header["TUCD2"] == "pos.eq.ra;meta.main"
        assert header["TCOMM6"] == 'Brightness <in> & "out"'
        assert header["TFORM11"] == "3E" and header["TFORM12"].startswith("QD")


def test_status_is_a_header_keyword():
    columns = [ResultColumn("n", "int")]
    data = fits_bytes(columns, [Batch.from_rows(columns, [(1,)])], Status.overflow())
    assert fits.getheader(io.BytesIO(data), 1)["QSTATUS"] == "OVERFLOW"
    data = fits_bytes(columns, [], Status.error("timeout"))
    header = fits.getheader(io.BytesIO(data), 1)
    assert header["QSTATUS"] == "ERROR" and header["QMESSAGE"] == "timeout"
    assert header["NAXIS2"] == 0


def test_multidimensional_arrays_get_tdim():
    columns = [ResultColumn("m", "int", "2x3")]
    data = fits_bytes(columns, [Batch.from_rows(columns, [([1, 2, 3, 4, 5, 6],)])])
    with fits.open(io.BytesIO(data)) as hdus:
        assert hdus[1].header["TDIM1"] == "(2,3)"
        assert hdus[1].data["m"][0].tolist() == [[1, 2], [3, 4], [5, 6]]


def _stilts_csv(stilts: str, data: bytes, tmp_path) -> list[list[str]]:
    import csv
    import subprocess

    path = tmp_path / "result.fits"
    path.write_bytes(data)
    out = subprocess.run([stilts, "tpipe", f"in={path}", "ofmt=csv"], capture_output=True,
                         timeout=120, check=True).stdout.decode("utf-8")
    return list(csv.reader(io.StringIO(out)))


LONG_NOTE_COLUMNS = [ResultColumn("id", "int"), ResultColumn("note", "char", "*")]
# 5000 bytes; FITS readers drop trailing blanks.  (astropy takes time growing with
# the square of a heap string's length to read it: keep it this short.)
LONG_NOTE = "x y " * 1249 + "x y!"


def _long_note_rows(n: int = 300) -> list[tuple]:
    return [(i, LONG_NOTE if i == 7 else f"note {i}") for i in range(n)]


def test_a_few_long_strings_go_to_the_heap_instead_of_padding_every_row(stilts, tmp_path):
    rows = _long_note_rows()
    data = fits_bytes(LONG_NOTE_COLUMNS, [Batch.from_rows(LONG_NOTE_COLUMNS, rows)])
    # 300 rows padded to the one 5000-byte note would take 1.5 MB.
    assert len(data) < 100_000
    assert fits.getheader(io.BytesIO(data), 1)["TFORM2"] == "QA(5000)"
    assert _stilts_csv(stilts, data, tmp_path)[1:] == [[str(i), note] for i, note in rows]
    with fits.open(io.BytesIO(data)) as hdus:
        # astropy hands out heap strings as arrays of characters (astropy#18696).
        assert "".join(hdus[1].data["note"][3]) == "note3"


def test_non_ascii_strings_stay_fixed_width_where_astropy_reads_them_exactly():
    from astropy.table import Table

    rows = _long_note_rows()
    rows[3] = (3, "Ångström 東京 𝄞")
    data = fits_bytes(LONG_NOTE_COLUMNS, [Batch.from_rows(LONG_NOTE_COLUMNS, rows)])
    assert fits.getheader(io.BytesIO(data), 1)["TFORM2"] == "5000A"
    table = Table.read(io.BytesIO(data), format="fits")
    assert table["note"][3] == "Ångström 東京 𝄞" and table["note"][7] == LONG_NOTE


def test_evenly_sized_strings_keep_a_fixed_width():
    columns = [ResultColumn("name", "char", "*")]
    batch = Batch.from_rows(columns, [(f"star {i}",) for i in range(5000)])
    assert fits.getheader(io.BytesIO(fits_bytes(columns, [batch])), 1)["TFORM1"] == "9A"


def test_spool_limit_cuts_the_result_and_says_so_in_the_header(stilts, tmp_path):
    columns = [ResultColumn("id", "long"), ResultColumn("name", "char", "*")]
    batches = [Batch.from_rows(columns, [(k * 100 + i, f"obj {k * 100 + i}")
                                         for i in range(100)]) for k in range(50)]
    limit = 40_000
    with FitsSpool(columns, spool_limit=limit) as spool:
        accepted = [spool.add(batch) for batch in batches]
        assert spool.full and not accepted[-1] and accepted[0]
        data = b"".join(spool.finish(OK))
    assert len(data) <= limit
    header = fits.getheader(io.BytesIO(data), 1)
    kept = accepted.index(False) * 100
    assert header["QSTATUS"] == "ERROR" and header["NAXIS2"] == kept
    assert "VOTable" in header["QMESSAGE"] and str(limit) in header["QMESSAGE"]
    # What was spooled is a complete, readable table of the first rows.
    assert [row[0] for row in _stilts_csv(stilts, data, tmp_path)[1:]] == [
        str(i) for i in range(kept)]


def test_spool_limit_is_a_writer_option_of_the_fits_format():
    from engine.formats import lookup

    columns = [ResultColumn("id", "long")]
    with lookup("fits").writer(columns, spool_limit=10_000, infos=[]) as spool:
        assert spool.add(Batch.from_rows(columns, [(1,)] * 100))
        assert not spool.add(Batch.from_rows(columns, [(1,)] * 1000))
