"""fitsTableGrammar: typed batches, FITS nulls, vectors, and the header as columns."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from astropy.io import fits

from grammars import make_grammar
from grammars.base import ColumnDescription
from rd.errors import SourceError


@pytest.fixture
def table(tmp_path) -> Path:
    """A five-row CALIFA-style FITS table with every kind of null and a vector column."""
    columns = [
        fits.Column(name="CALIFAID", format="J", null=-99,
                    array=np.array([1, 2, -99, 4, 5], dtype=np.int32)),
        fits.Column(name="NAME", format="8A", array=["IC5376", "", "NGC7819", "UGC29", "x"]),
        fits.Column(name="RA", format="D", unit="degrees (J2000)",
                    array=[0.33, 0.77, np.nan, 1.14, 1.27]),
        fits.Column(name="FLUX", format="E", array=np.array([1, np.nan, 3, 4, 5], "f4")),
        # unsigned 16-bit integers, stored with TZERO = 32768
        fits.Column(name="NPIX", format="I", bzero=32768,
                    array=np.array([0, 1, 40000, 65535, 7], dtype=np.uint16)),
        fits.Column(name="GOOD", format="L", array=[True, False, True, True, False]),
        fits.Column(name="MAGS", format="3E", unit="mag",
                    array=np.arange(15, dtype=np.float32).reshape(5, 3)),
        fits.Column(name="COUNTS", format="2J", null=-1,
                    array=np.array([[1, -1], [2, 2], [3, 3], [-1, 4], [5, 5]], np.int32)),
        fits.Column(name="SPEC", format="PE()",
                    array=np.array([np.arange(i, dtype=np.float32) for i in range(5)],
                                   dtype=object)),
    ]
    hdu = fits.BinTableHDU.from_columns(columns)
    for key, value in [("AUTHOR", "Carlos C. Califa"), ("SOURCE", "CALIFA Collaboration"),
                       ("VERSION", "1.0"), ("COLAPRV", "J. Walcher"), ("PUBAPRV", "None"),
                       ("TCOMM1", "the ID of the CALIFA galaxy"),
                       ("TCOMM3", "right ascension"), ("TUCD3", "pos.eq.ra;meta.main")]:
        hdu.header[key] = value
    primary = fits.PrimaryHDU()
    primary.header["DATE"] = "2011-08-24"
    path = tmp_path / "table.fits"
    fits.HDUList([primary, hdu]).writeto(path)
    # FITS stores a logical null as the byte 0; astropy cannot write one, so patch it in.
    with fits.open(path, mode="update") as hdus:
        hdus[1].data.view(np.ndarray)["GOOD"][4] = 0
    return path


def read(path: Path, batch_rows: int = 2, **params):
    batches = list(make_grammar("fitsTableGrammar", params).batches(path, batch_rows))
    return batches, {name: [value for b in batches for value in b.columns[name]]
                     for name in batches[0].columns}


def test_rows_come_in_typed_numpy_slices_numbered_from_one(table):
    batches, _ = read(table)
    assert [list(b.lines) for b in batches] == [[1, 2], [3, 4], [5]]
    first = batches[0].columns
    assert first["ra"].dtype == np.float64 and first["ra"].dtype.isnative
    assert first["flux"].dtype == np.float32
    assert first["npix"].dtype == np.uint16


def test_tnull_marks_integer_nulls_as_masked_entries(table):
    columns = next(make_grammar("fitsTableGrammar", {}).batches(table, 10)).columns
    assert isinstance(columns["califaid"], np.ma.MaskedArray)
    assert columns["califaid"].tolist() == [1, 2, None, 4, 5]
    assert columns["counts"].tolist() == [[1, None], [2, 2], [3, 3], [None, 4], [5, 5]]


def test_tzero_offset_integers_arrive_as_unsigned_values(table):
    _, columns = read(table)
    assert [int(v) for v in columns["npix"]] == [0, 1, 40000, 65535, 7]


def test_nan_floats_and_empty_strings_are_nulls(table):
    _, columns = read(table)
    assert np.isnan(columns["ra"][2]) and np.isnan(columns["flux"][1])
    assert columns["name"] == ["IC5376", None, "NGC7819", "UGC29", "x"]


def test_logicals_are_booleans_with_the_zero_byte_as_null(table):
    good = next(make_grammar("fitsTableGrammar", {}).batches(table, 10)).columns["good"]
    assert good.tolist() == [True, False, True, True, None]


def test_vector_columns_are_2d_arrays_and_variable_ones_lists_of_arrays(table):
    batch = next(make_grammar("fitsTableGrammar", {}).batches(table, 10))
    assert batch.columns["mags"].shape == (5, 3)
    assert batch.columns["mags"][1].tolist() == [3.0, 4.0, 5.0]
    assert [len(spec) for spec in batch.columns["spec"]] == [0, 1, 2, 3, 4]
    assert batch.columns["spec"][3].tolist() == [0.0, 1.0, 2.0]


def test_gzipped_tables_are_recognised_whatever_their_name(table, tmp_path):
    path = tmp_path / "compressed.fits"
    path.write_bytes(gzip.compress(table.read_bytes()))
    batch = next(make_grammar("fitsTableGrammar", {"gunzip": True}).batches(path, 10))
    assert batch.columns["califaid"].tolist() == [1, 2, None, 4, 5]


def test_lower_names_false_keeps_ttype_spelling(table):
    batch = next(make_grammar("fitsTableGrammar", {"lowerNames": False}).batches(table))
    assert list(batch.columns)[:2] == ["CALIFAID", "NAME"]


def test_header_gives_califa_keys_and_columns_from_ttype_tform_tunit_tcomm(table):
    header = make_grammar("fitsTableGrammar", {}).header(table)
    assert header.meta == {"AUTHOR": "Carlos C. Califa", "SOURCE": "CALIFA Collaboration",
                           "DATE": "2011-08-24", "VERSION": "1.0", "COLAPRV": "J. Walcher",
                           "PUBAPRV": "None"}
    assert header.columns == [
        ColumnDescription("califaid", "integer", "", "the ID of the CALIFA galaxy"),
        ColumnDescription("name", "text"),
        ColumnDescription("ra", "double precision", "deg", "right ascension (J2000)",
                          "pos.eq.ra;meta.main"),
        ColumnDescription("flux", "real"),
        ColumnDescription("npix", "integer"),
        ColumnDescription("good", "boolean"),
        ColumnDescription("mags", "real[3]", "mag"),
        ColumnDescription("counts", "integer[2]"),
        ColumnDescription("spec", "real[]"),
    ]


def test_scaled_and_offset_integers_get_wide_enough_types(tmp_path):
    path = tmp_path / "t.fits"
    fits.BinTableHDU.from_columns([
        fits.Column(name="B", format="B", array=np.array([0, 255], np.uint8)),
        fits.Column(name="S", format="J", array=np.array([2, 4], np.int32)),
        fits.Column(name="SB", format="B", bzero=-128, array=np.array([-128, 127], np.int8)),
        fits.Column(name="U", format="J", bzero=2**31, array=np.array([0, 2**32 - 1], "u4")),
    ]).writeto(path)
    with fits.open(path, mode="update") as hdus:
        hdus[1].header["TSCAL2"] = 0.5
    grammar = make_grammar("fitsTableGrammar", {})
    types = [c.type for c in grammar.header(path).columns]
    assert types == ["smallint", "double precision", "smallint", "bigint"]
    columns = next(grammar.batches(path)).columns
    assert columns["s"].tolist() == [1.0, 2.0]
    assert columns["sb"].dtype.kind == "i" and columns["sb"].tolist() == [-128, 127]
    assert columns["u"].tolist() == [0, 2**32 - 1]


def test_an_empty_table_yields_no_batches(tmp_path):
    path = tmp_path / "t.fits"
    fits.BinTableHDU.from_columns([fits.Column(name="A", format="J", array=[])]).writeto(path)
    assert list(make_grammar("fitsTableGrammar", {}).batches(path)) == []


def test_an_image_hdu_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "image.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.ImageHDU(np.zeros((2, 2)))]).writeto(path)
    with pytest.raises(SourceError) as caught:
        list(make_grammar("fitsTableGrammar", {}).batches(path))
    assert caught.value.message == f"{path}: HDU 1 is a ImageHDU, not a binary table"
    assert "hdu" in caught.value.hint


def test_a_missing_hdu_says_which_there_are(table):
    with pytest.raises(SourceError, match=r"has no HDU 5 \(its HDUs are numbered 0 to 1\)"):
        list(make_grammar("fitsTableGrammar", {"hdu": 5}).batches(table))


def test_a_file_that_is_not_fits_is_a_source_error(tmp_path):
    path = tmp_path / "t.fits"
    path.write_text("no FITS here\n")
    with pytest.raises(SourceError, match="is not a readable FITS file"):
        list(make_grammar("fitsTableGrammar", {}).batches(path))
