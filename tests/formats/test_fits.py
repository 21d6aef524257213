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
