"""fitsProdGrammar: one row per FITS file, its header cards as fields, plus the dr_ fields.

Every file is a real FITS file written by the test; footprints are checked
against corners worked out by hand with the gnomonic formulas, spectral
bounds against the physics of each axis type.
"""

from __future__ import annotations

import bz2
import math
import warnings

import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.wcs import WCS
from lxml import etree

import grammars
import grammars.fitsprod
from grammars import make_grammar
from grammars.fitsprod import COMPUTED_FIELDS
from grammars.gencol import column_elements
from rd.elements.grammar import FITSProdGrammar
from rd.errors import RDError, SourceError
from tests.grammars.fitsimages import (
    EV,
    C,
    H,
    hand_corners,
    parse_spoly,
    tan_cards,
    write_fits,
)


def row_of(path, **params):
    batches = list(make_grammar("fitsProdGrammar", params).batches(path))
    assert len(batches) == 1 and len(batches[0]) == 1
    return {name: values[0] for name, values in batches[0].columns.items()}


def assert_corners(literal, expected, tol=1e-9):
    got = parse_spoly(literal)
    assert len(got) == 4
    for (ra, dec), (hra, hdec) in zip(got, expected, strict=True):
        assert abs((ra - hra + 180) % 360 - 180) < tol, (got, expected)
        assert dec == pytest.approx(hdec, abs=tol)


def test_header_cards_become_fields_as_in_dachs(tmp_path):
    path = write_fits(tmp_path / "a.fits", [
        ("OBJECT", "M 31"), ("DATE-OBS", "2021-03-04T05:06:07"), ("AIRMASS", 1.25),
        ("NCOMBINE", 3), ("PHOTOMET", True), ("NOVALUE", None),
        ("COMMENT", "first"), ("COMMENT", "second")], (4, 3))
    row = row_of(path)
    assert row["OBJECT"] == "M 31"
    assert row["DATE_OBS"] == "2021-03-04T05:06:07"
    assert row["AIRMASS"] == 1.25 and row["NCOMBINE"] == 3 and row["PHOTOMET"] is True
    assert row["NOVALUE"] is None
    assert row["COMMENT"] == "second"
    assert row["NAXIS1"] == 4 and row["NAXIS2"] == 3
    assert isinstance(row["header_"], fits.Header)
    assert row["header_"]["DATE-OBS"] == "2021-03-04T05:06:07"


def test_map_keys_renames_a_keyword_written_either_way(tmp_path):
    path = write_fits(tmp_path / "a.fits", [("DATE-OBS", "2021-03-04"), ("EXPTIME", 5.0)],
                      (2, 2))
    row = row_of(path, mapKeys={"DATE-OBS": "dateobs", "EXPTIME": "exposure"})
    assert row["dateobs"] == "2021-03-04" and row["exposure"] == 5.0
    assert "DATE_OBS" not in row and "EXPTIME" not in row
    assert row_of(path, mapKeys={"DATE_OBS": "d"})["d"] == "2021-03-04"


def test_a_card_astropy_cannot_parse_keeps_its_raw_value(tmp_path):
    path = write_fits(tmp_path / "a.fits", [("GOOD", 1)], (2, 2))
    raw = bytearray(path.read_bytes())
    at = raw.index(b"GOOD    =")
    raw[at:at + 80] = b"BADNUM  = 12.3.4 / not a number".ljust(80)
    path.write_bytes(bytes(raw))
    assert row_of(path)["BADNUM"] == "12.3.4"


def test_tan_image_footprint_is_its_pixel_corners(tmp_path):
    path = write_fits(tmp_path / "tan.fits", tan_cards(150.0, 30.0, 200, 100), (200, 100))
    row = row_of(path)
    assert_corners(row["dr_s_region"], hand_corners(150.0, 30.0, 200, 100))
    assert (row["dr_s_ra"], row["dr_s_dec"]) == pytest.approx((150.0, 30.0))
    assert row["dr_s_center"] == "(150.0000000000d,30.0000000000d)"
    # the diagonal of 2 x 1 deg, a little more on the sphere than in the plane
    assert row["dr_s_fov"] == pytest.approx(math.hypot(2, 1), rel=1e-3)
    assert (row["dr_s_xel1"], row["dr_s_xel2"], row["dr_naxis"]) == (200, 100, [200, 100])
    assert row["dr_em_min"] is None and row["dr_em_xel"] is None


def test_footprint_across_ra_zero_has_corners_on_both_sides(tmp_path):
    path = write_fits(tmp_path / "zero.fits", tan_cards(0.2, -10.0, 100, 100), (100, 100))
    row = row_of(path)
    corners = hand_corners(0.2, -10.0, 100, 100)
    assert_corners(row["dr_s_region"], corners)
    ras = sorted(ra for ra, _ in parse_spoly(row["dr_s_region"]))
    assert ras[0] < 1 and ras[-1] > 359  # written in [0, 360), not as negative RAs
    assert row["dr_s_ra"] == pytest.approx(0.2)
    assert row["dr_s_fov"] == pytest.approx(math.sqrt(2), rel=1e-3)


def test_footprint_around_the_pole_surrounds_it(tmp_path):
    # 1 x 1 deg about (30, 89.8): the pole is 0.2 deg from the centre, inside
    path = write_fits(tmp_path / "pole.fits", tan_cards(30.0, 89.8, 100, 100), (100, 100))
    row = row_of(path)
    corners = hand_corners(30.0, 89.8, 100, 100)
    assert_corners(row["dr_s_region"], corners)
    # around the pole, the corners lie in all four quadrants of RA
    assert {int(ra // 90) for ra, _ in corners} == {0, 1, 2, 3}
    assert (row["dr_s_ra"], row["dr_s_dec"]) == pytest.approx((30.0, 89.8))


def test_cube_footprint_uses_only_the_celestial_axes(tmp_path):
    cards = tan_cards(40.0, 5.0, 30, 20) + [
        ("CTYPE3", "WAVE"), ("CUNIT3", "Angstrom"), ("CRVAL3", 3745.0),
        ("CDELT3", 2.0), ("CRPIX3", 1.0)]
    path = write_fits(tmp_path / "cube.fits", cards, (30, 20, 50))
    row = row_of(path)
    assert_corners(row["dr_s_region"], hand_corners(40.0, 5.0, 30, 20))
    assert (row["dr_s_xel1"], row["dr_s_xel2"], row["dr_em_xel"]) == (30, 20, 50)
    assert row["dr_naxis"] == [30, 20, 50]
    # pixel edges: 3745 - 1 to 3745 + 49 * 2 + 1 Angstrom
    assert row["dr_em_min"] == pytest.approx(3744e-10, rel=1e-12)
    assert row["dr_em_max"] == pytest.approx(3844e-10, rel=1e-12)


def test_transposed_cube_axes_are_found_by_type(tmp_path):
    cards = [("CTYPE1", "FREQ"), ("CUNIT1", "Hz"), ("CRVAL1", 1e11), ("CDELT1", 1e8),
             ("CRPIX1", 1.0),
             ("CTYPE2", "RA---TAN"), ("CRVAL2", 20.0), ("CRPIX2", 5.5), ("CDELT2", -0.01),
             ("CTYPE3", "DEC--TAN"), ("CRVAL3", -5.0), ("CRPIX3", 3.5), ("CDELT3", 0.01)]
    row = row_of(write_fits(tmp_path / "t.fits", cards, (7, 10, 6)))
    assert_corners(row["dr_s_region"], hand_corners(20.0, -5.0, 10, 6))
    assert (row["dr_s_xel1"], row["dr_s_xel2"], row["dr_em_xel"]) == (10, 6, 7)


def spectral_row(tmp_path, cards, n=10):
    path = write_fits(tmp_path / "s.fits", tan_cards(10.0, 10.0, 4, 4) + cards, (4, 4, n))
    row = row_of(path)
    return row["dr_em_min"], row["dr_em_max"]


def test_frequency_axis_bounds_are_wavelengths_in_metres(tmp_path):
    low, high = spectral_row(tmp_path, [
        ("CTYPE3", "FREQ"), ("CUNIT3", "GHz"), ("CRVAL3", 345.0), ("CDELT3", 0.01),
        ("CRPIX3", 1.0)])
    # edges at 344.995 and 345.095 GHz; the higher frequency is the shorter wavelength
    assert low == pytest.approx(C / 345.095e9, rel=1e-12)
    assert high == pytest.approx(C / 344.995e9, rel=1e-12)


@pytest.mark.parametrize("rest_key", ["RESTFRQ", "RESTFREQ"])
def test_velocity_axis_with_a_rest_frequency_gives_wavelengths(tmp_path, rest_key):
    rest = 345.796e9  # CO(3-2)
    low, high = spectral_row(tmp_path, [
        ("CTYPE3", "VRAD"), ("CUNIT3", "km/s"), ("CRVAL3", -4.5), ("CDELT3", 1.0),
        ("CRPIX3", 1.0), (rest_key, rest)])
    # radio velocity: f = f0 (1 - v/c); edges at -5 and +5 km/s
    assert low == pytest.approx(C / (rest * (1 + 5e3 / C)), rel=1e-10)
    assert high == pytest.approx(C / (rest * (1 - 5e3 / C)), rel=1e-10)


def test_velocity_axis_without_a_rest_frequency_has_no_spectral_bounds(tmp_path):
    path = write_fits(tmp_path / "v.fits", tan_cards(10.0, 10.0, 4, 4) + [
        ("CTYPE3", "VRAD"), ("CUNIT3", "km/s"), ("CRVAL3", 0.0), ("CDELT3", 1.0),
        ("CRPIX3", 1.0)], (4, 4, 5))
    row = row_of(path)
    assert row["dr_em_min"] is None and row["dr_em_max"] is None
    assert row["dr_em_xel"] == 5 and row["dr_s_region"] is not None


def test_energy_axis_bounds_are_wavelengths_in_metres(tmp_path):
    low, high = spectral_row(tmp_path, [
        ("CTYPE3", "ENER"), ("CUNIT3", "keV"), ("CRVAL3", 1.05), ("CDELT3", 0.1),
        ("CRPIX3", 1.0)])
    # edges at 1 and 2 keV
    assert low == pytest.approx(H * C / (2e3 * EV), rel=1e-9)
    assert high == pytest.approx(H * C / (1e3 * EV), rel=1e-9)


def test_air_wavelengths_become_vacuum_wavelengths(tmp_path):
    low, high = spectral_row(tmp_path, [
        ("CTYPE3", "AWAV"), ("CUNIT3", "Angstrom"), ("CRVAL3", 5000.5), ("CDELT3", 1.0),
        ("CRPIX3", 1.0)])
    # the refractive index of air near 500 nm is 1.000279
    assert low / 5000e-10 == pytest.approx(1.000279, abs=2e-6)
    assert high / 5010e-10 == pytest.approx(1.000279, abs=2e-6)


@pytest.mark.parametrize("cards, expected", [
    ([("DATE-OBS", "2020-01-01T12:00:00"), ("EXPTIME", 3600.0)],
     (58849.5, 58849.5 + 1 / 24, 3600.0)),
    ([("MJD-OBS", 50000.25), ("MJD-END", 50000.5), ("EXPOSURE", 600.0)],
     (50000.25, 50000.5, 600.0)),
    ([("DATE-OBS", "2020-01-01"), ("TIME-OBS", "06:00:00"), ("TELAPSE", 7200.0),
      ("EXPTIME", 60.0)],
     (58849.25, 58849.25 + 2 / 24, 60.0)),
    ([("DATE-BEG", "2020-01-01T00:00:00"), ("DATE-OBS", "2020-01-01T00:30:00"),
      ("DATE-END", "2020-01-01T01:00:00"), ("XPOSURE", 3000.0), ("EXPTIME", 1.0)],
     (58849.0, 58849.0 + 1 / 24, 3000.0)),
    ([("MJDREFI", 51910), ("MJDREFF", 0.5), ("TSTART", 86400.0), ("TSTOP", 129600.0)],
     (51911.5, 51912.0, None)),
    ([("DATE-OBS", "02/01/98")], (50815.0, None, None)),
    ([], (None, None, None)),
])
def test_time_bounds_are_mjd_and_exposure_is_seconds(tmp_path, cards, expected):
    row = row_of(write_fits(tmp_path / "t.fits", cards, (2, 2)))
    got = (row["dr_t_min"], row["dr_t_max"], row["dr_t_exptime"])
    assert got == pytest.approx(expected, abs=1e-9) if expected[0] else got == expected


def test_an_image_without_celestial_wcs_has_no_footprint(tmp_path):
    row = row_of(write_fits(tmp_path / "plain.fits", [("OBJECT", "flat")], (8, 6)))
    assert all(row[name] is None for name in
               ("dr_s_region", "dr_s_ra", "dr_s_dec", "dr_s_center", "dr_s_fov",
                "dr_s_xel1", "dr_em_min"))
    assert row["dr_naxis"] == [8, 6]


def test_all_sky_map_has_a_centre_but_no_polygon(tmp_path):
    cards = [("CTYPE1", "RA---AIT"), ("CTYPE2", "DEC--AIT"), ("CRVAL1", 0.0),
             ("CRVAL2", 0.0), ("CRPIX1", 180.5), ("CRPIX2", 90.5), ("CDELT1", -1.0),
             ("CDELT2", 1.0)]
    row = row_of(write_fits(tmp_path / "sky.fits", cards, (360, 180)))
    assert row["dr_s_region"] is None and row["dr_s_fov"] is None
    assert (row["dr_s_ra"], row["dr_s_dec"]) == pytest.approx((0.0, 0.0))


@pytest.mark.parametrize("qnd", [True, False])
def test_gzipped_files_give_the_same_row(tmp_path, qnd):
    cards = tan_cards(0.2, -10.0, 50, 40) + [("DATE-OBS", "2020-01-01T12:00:00")]
    plain = row_of(write_fits(tmp_path / "a.fits", cards, (50, 40)), qnd=qnd)
    zipped = row_of(write_fits(tmp_path / "b.fits.gz", cards, (50, 40), compress=True),
                    qnd=qnd)
    for name in [c.name for c in COMPUTED_FIELDS] + ["DATE_OBS", "CRVAL1"]:
        assert zipped[name] == plain[name], name


def test_bzip2_files_are_read_too(tmp_path):
    plain = write_fits(tmp_path / "a.fits", tan_cards(10.0, 10.0, 8, 8), (8, 8))
    packed = tmp_path / "a.fits.bz2"
    packed.write_bytes(bz2.compress(plain.read_bytes()))
    assert row_of(packed)["dr_s_region"] == row_of(plain)["dr_s_region"]


def test_hdu_picks_an_extension_header(tmp_path):
    path = tmp_path / "ext.fits"
    image = fits.ImageHDU(np.zeros((20, 30), np.float32))
    for key, value in tan_cards(80.0, 20.0, 30, 20):
        image.header[key] = value
    fits.HDUList([fits.PrimaryHDU(), image]).writeto(path)
    assert row_of(path)["dr_s_region"] is None  # the empty primary HDU
    row = row_of(path, hdu=1)
    assert row["XTENSION"] == "IMAGE"
    assert_corners(row["dr_s_region"], hand_corners(80.0, 20.0, 30, 20))


def test_tile_compressed_image_gives_its_image_header_without_qnd(tmp_path):
    path = tmp_path / "comp.fits"
    image = fits.CompImageHDU(np.zeros((20, 30), np.float32))
    for key, value in tan_cards(80.0, 20.0, 30, 20):
        image.header[key] = value
    fits.HDUList([fits.PrimaryHDU(), image]).writeto(path)
    row = row_of(path, qnd=False)
    assert row["NAXIS1"] == 30
    assert_corners(row["dr_s_region"], hand_corners(80.0, 20.0, 30, 20))


def test_hdus_field_holds_the_open_hdu_list_while_the_row_is_made(tmp_path):
    path = tmp_path / "d.fits"
    fits.PrimaryHDU(np.arange(6, dtype=np.int16).reshape(2, 3)).writeto(path)
    grammar = make_grammar("fitsProdGrammar", {"hdusField": "_H"})
    for batch in grammar.batches(path):
        assert batch.columns["_H"][0][0].data[1, 2] == 5


def test_computed_fields_can_be_left_out(tmp_path):
    cards = [("CTYPE1", "RA---TAN"), ("CTYPE2", "DEC--SIN"), ("DATE-OBS", "soon")]
    row = row_of(write_fits(tmp_path / "bad.fits", cards, (2, 2)), computedFields=False)
    assert not any(name.startswith("dr_") for name in row)
    assert row["DATE_OBS"] == "soon"


@pytest.mark.parametrize("cards, message", [
    ([("CTYPE1", "RA---TAN"), ("CTYPE2", "DEC--SIN")], "Inconsistent projection types"),
    ([("CTYPE1", "RA---TAN"), ("CTYPE2", "FREQ")], "Unmatched celestial axes"),
    ([("CTYPE1", "RA---TAN"), ("CTYPE2", "DEC--TAN"), ("CDELT1", 0.0), ("CDELT2", 1.0)],
     "singular"),
    ([("DATE-OBS", "last Tuesday")], "DATE-OBS 'last Tuesday' is not an ISO date"),
    ([("EXPTIME", "long")], "EXPTIME 'long' is not a number"),
])
def test_bad_wcs_or_time_keywords_are_source_errors_naming_the_file(tmp_path, cards,
                                                                    message):
    path = write_fits(tmp_path / "bad.fits", cards, (4, 4))
    with pytest.raises(SourceError, match=message) as info:
        row_of(path)
    assert str(path) in str(info.value)


def test_a_file_that_is_not_fits_is_a_source_error(tmp_path):
    path = tmp_path / "x.fits"
    path.write_text("hello\n" * 1000)
    for qnd in (True, False):
        with pytest.raises(SourceError, match="x.fits"):
            row_of(path, qnd=qnd)


def test_a_header_without_end_in_max_header_blocks_is_a_source_error(tmp_path):
    cards = [(f"KEY{i}", i) for i in range(80)]  # 80 cards: three blocks
    path = write_fits(tmp_path / "long.fits", cards, (2, 2))
    with pytest.raises(SourceError, match="no END card in its first 2 header blocks") as info:
        row_of(path, maxHeaderBlocks=2)
    assert "maxHeaderBlocks" in str(info.value)
    assert row_of(path, maxHeaderBlocks=3)["KEY79"] == 79


def test_a_truncated_file_and_a_missing_hdu_are_source_errors(tmp_path):
    path = write_fits(tmp_path / "a.fits", [], (2, 2))
    truncated = tmp_path / "cut.fits"
    truncated.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(SourceError, match="cut.fits: ends inside its primary header"):
        row_of(truncated)
    with pytest.raises(SourceError, match="a.fits: has no HDU 3"):
        row_of(path, hdu=3)


def test_every_computed_field_is_documented_for_publishers():
    for column in COMPUTED_FIELDS:
        assert f"``{column.name}``" in grammars.fitsprod.__doc__, column.name
        assert column.name in FITSProdGrammar.doc, column.name
        assert column.unit in ("", "deg", "m", "d", "s")


def test_the_rd_element_takes_dachs_attributes_and_map_keys(tmp_path, rd_grammar):
    path = write_fits(tmp_path / "a.fits", [("EXPTIME", 5.0)], (2, 2))
    grammar = rd_grammar("""
      <data><sources pattern="*.fits"/>
        <fitsProdGrammar hdu="0" qnd="False" maxHeaderBlocks="10" hdusField="_H">
          <mapKeys><map key="exposure">EXPTIME</map></mapKeys>
        </fitsProdGrammar>
      </data>""")
    assert (grammar.hdu, grammar.qnd, grammar.max_blocks) == (0, False, 10)
    for batch in grammar.batches(path):
        assert batch.columns["exposure"] == [5.0]
        assert batch.columns["_H"][0][0].header["EXPTIME"] == 5.0


@pytest.mark.parametrize("attrs, message", [
    ('hdu="-1"', "hdu -1 is negative"),
    ('maxHeaderBlocks="0"', "maxHeaderBlocks must be at least 1"),
    ('hdusField="my field"', "is not a field name"),
])
def test_the_rd_element_refuses_impossible_attributes(rd_grammar, attrs, message):
    with pytest.raises(RDError, match=message):
        rd_grammar(f'<data><fitsProdGrammar {attrs}/></data>')


def test_gencol_of_an_image_lists_its_cards_and_the_computed_fields(tmp_path):
    cards = tan_cards(10.0, 20.0, 8, 6) + [
        ("DATE-OBS", "2020-01-01"), ("EXPTIME", 30, "[s] exposure time"),
        ("HIERARCH ESO DET DIT", 1.5), ("HISTORY", "made by a test")]
    path = write_fits(tmp_path / "img.fits.gz", cards, (8, 6), compress=True)
    element = etree.fromstring(f"<table>{column_elements(grammars.describe(path))}</table>")
    columns = {c.get("name"): dict(c.attrib) for c in element}
    assert columns["date_obs"] == {"name": "date_obs", "type": "text"}
    assert columns["exptime"] == {"name": "exptime", "type": "double precision",
                                  "unit": "s", "description": "exposure time"}
    assert columns["crpix1"]["type"] == "double precision"
    assert columns["naxis1"]["type"] == "integer"
    assert "needs mapKeys" in columns["eso_det_dit"]["description"]
    assert "history" not in columns and "simple" not in columns
    assert columns["dr_s_region"] == {
        "name": "dr_s_region", "type": "spoly", "unit": "deg", "ucd": "pos.outline;obs.field",
        "description": "Footprint: the outer pixel corners of the celestial axes"}
    assert [name for name in columns if name.startswith("dr_")] == [
        c.name for c in COMPUTED_FIELDS]


def test_gencol_of_a_compressed_image_describes_the_image(tmp_path):
    path = tmp_path / "comp.fits"
    image = fits.CompImageHDU(np.zeros((6, 8), np.float32))
    image.header["OBJECT"] = "NGC 1"
    fits.HDUList([fits.PrimaryHDU(), image]).writeto(path)
    names = [c.name for c in grammars.describe(path).columns]
    assert "object" in names and "dr_s_region" in names


def rich_header_cards() -> list[tuple]:
    """A TAN-SIP image with an alternate WCS, a spectral-free header and many other cards."""
    cards = tan_cards(210.0, -45.0, 400, 300, scale=5e-4)
    cards[:2] = [("CTYPE1", "RA---TAN-SIP"), ("CTYPE2", "DEC--TAN-SIP")]
    cards += [("A_ORDER", 2), ("A_2_0", 2e-5), ("A_0_2", -1e-5), ("A_1_1", 3e-6),
              ("B_ORDER", 2), ("B_2_0", -1e-5), ("B_0_2", 2e-5), ("B_1_1", 1e-6),
              ("CTYPE1A", "LINEAR"), ("CTYPE2A", "LINEAR"), ("CRVAL1A", 0.0),
              ("RADESYS", "ICRS"), ("OBJECT", "rich"), ("DATE-OBS", "2019-05-06T07:08:09"),
              ("EXPTIME", 12.5), ("HIERARCH ESO TEL AIRM START", 1.1),
              ("COMMENT", "a comment"), ("HISTORY", "a history")]
    cards += [(f"JUNK{i}", f"value {i}") for i in range(60)]
    return cards


def test_the_footprint_is_astropys_on_the_whole_header_distortions_included(tmp_path):
    path = write_fits(tmp_path / "sip.fits", rich_header_cards(), (400, 300))
    row = row_of(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = WCS(fits.getheader(path))
    expected = full.calc_footprint(center=False)
    got = np.array(parse_spoly(row["dr_s_region"]))
    assert np.allclose(sorted(map(tuple, got)), sorted(map(tuple, expected)),
                       rtol=0, atol=1e-9)
    # SIP moves the corners: they are not those of the plain TAN projection
    assert max(abs(a - b) for (a, _), (b, _) in zip(
        parse_spoly(row["dr_s_region"]), hand_corners(210.0, -45.0, 400, 300, 5e-4),
        strict=True)) > 1e-4


def test_qnd_and_the_hdu_list_give_the_same_row(tmp_path):
    path = write_fits(tmp_path / "rich.fits", rich_header_cards(), (400, 300))
    quick, full = row_of(path), row_of(path, qnd=False)
    assert quick.pop("header_") == full.pop("header_")
    assert quick == full
    assert quick["ESO TEL AIRM START"] == 1.1 and quick["JUNK7"] == "value 7"


def test_non_ascii_header_bytes_become_question_marks(tmp_path):
    path = write_fits(tmp_path / "a.fits", tan_cards(10.0, 10.0, 4, 4)
                      + [("OBJECT", "Xeta")], (4, 4))
    raw = bytearray(path.read_bytes())
    raw[raw.index(b"Xeta")] = 0xE9  # a latin-1 e acute
    path.write_bytes(bytes(raw))
    for qnd in (True, False):
        row = row_of(path, qnd=qnd)
        assert (row["OBJECT"], row["dr_s_ra"]) == ("?eta", pytest.approx(10.0))


def test_galactic_axes_give_icrs_footprints(tmp_path):
    cards = tan_cards(0.0, 0.0, 60, 60)
    cards[:2] = [("CTYPE1", "GLON-TAN"), ("CTYPE2", "GLAT-TAN")]
    row = row_of(write_fits(tmp_path / "gc.fits", cards, (60, 60)))
    # the Galactic centre, l = b = 0, is at ICRS 17h45m37.2s -28d56m10s
    assert row["dr_s_ra"] == pytest.approx(266.40500, abs=1e-4)
    assert row["dr_s_dec"] == pytest.approx(-28.93617, abs=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corners = WCS(fits.getheader(tmp_path / "gc.fits")).calc_footprint(center=False)
    expected = SkyCoord(corners[:, 0], corners[:, 1], unit="deg", frame="galactic").icrs
    got = np.array(parse_spoly(row["dr_s_region"]))
    assert sorted(got[:, 0]) == pytest.approx(sorted(expected.ra.deg), abs=1e-9)
    assert sorted(got[:, 1]) == pytest.approx(sorted(expected.dec.deg), abs=1e-9)


def test_axes_off_the_sky_have_no_footprint(tmp_path):
    cards = tan_cards(10.0, 10.0, 8, 8)
    cards[:2] = [("CTYPE1", "HPLN-TAN"), ("CTYPE2", "HPLT-TAN")]  # the Sun's disc
    row = row_of(write_fits(tmp_path / "sun.fits", cards, (8, 8)))
    assert row["dr_s_region"] is None and row["dr_s_ra"] is None
    assert row["dr_naxis"] == [8, 8]
