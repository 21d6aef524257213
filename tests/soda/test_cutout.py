"""SODA cutouts of real FITS files: the pixels, the WCS and the header a client gets."""

from __future__ import annotations

import io

import numpy as np
import pytest
from astropy import units as u
from astropy.coordinates import SkyCoord
from astropy.io import fits
from astropy.wcs import WCS
from astropy.wcs.utils import pixel_to_skycoord

from engine.errors import ProtocolError
from engine.soda.cutout import NoOverlap, combinations, cut_file, describe, plan_cutout
from engine.soda.params import parse_request
from tests.soda.cubes import (
    C,
    assert_is_slab,
    cut,
    freq_cube,
    gzipped,
    stokes_cube,
    tan_cards,
    time_cube,
    vrad_cube,
    wave_cube,
    write,
)


def centres_inside(path, inside) -> tuple[tuple[int, int], tuple[int, int]]:
    """The 0-based bounding box of the celestial pixels whose centres ``inside`` accepts
    (a function of SkyCoords), worked out pixel by pixel with astropy."""
    header = fits.getheader(path)
    celestial = WCS(header).celestial
    ny, nx = header["NAXIS2"], header["NAXIS1"]
    ys, xs = np.mgrid[0:ny, 0:nx]
    hit = inside(pixel_to_skycoord(xs, ys, celestial).icrs)
    assert hit.any()
    return (xs[hit].min(), xs[hit].max()), (ys[hit].min(), ys[hit].max())


def assert_box_fits(box, expected) -> None:
    """The cutout holds every pixel centre inside the region, and at most one pixel more
    on each side (a pixel the region's edge crosses without covering its centre)."""
    for (lo, hi), (want_lo, want_hi) in zip(box, expected, strict=True):
        assert lo <= want_lo and hi >= want_hi
        assert lo >= want_lo - 1 and hi <= want_hi + 1


def test_circle_cuts_the_celestial_axes_only(tmp_path):
    cube = wave_cube(tmp_path)
    with cut(cube, {"CIRCLE": "150.02 2.03 0.05"}) as result:
        assert len(result) == 1
        box = assert_is_slab(cube, result[0])
    centre = SkyCoord(150.02 * u.deg, 2.03 * u.deg)
    expected = centres_inside(cube, lambda sky: sky.separation(centre) <= 0.05 * u.deg)
    assert_box_fits(box[:2], expected)
    assert box[2] == (0, 24)


def test_polygon_and_pos_polygon_give_the_same_cutout(tmp_path):
    cube = wave_cube(tmp_path)
    vertices = "149.95 1.95 150.05 1.97 150.0 2.06"
    with cut(cube, {"POLYGON": vertices}) as a, cut(cube, {"POS": "POLYGON " + vertices}) as b:
        box = assert_is_slab(cube, a[0])
        np.testing.assert_array_equal(a[0].data, b[0].data)
    # the triangle's vertices are its extremes on the sky (and nearly so in pixels)
    corners = WCS(fits.getheader(cube)).celestial.wcs_world2pix(
        [[149.95, 1.95], [150.05, 1.97], [150.0, 2.06]], 0)
    expected = [(round(corners[:, i].min()), round(corners[:, i].max())) for i in (0, 1)]
    assert_box_fits(box[:2], expected)


def test_pos_range_across_ra_zero_takes_both_sides(tmp_path):
    image = write(tmp_path / "zero.fits", tan_cards(0.0, -30.0, 60, 50, scale=0.01), (60, 50))
    with cut(image, {"POS": "RANGE 359.9 0.05 -30.1 -29.95"}) as result:
        box = assert_is_slab(image, result[0])

    def inside(sky):
        ra = sky.ra.deg
        return (((ra >= 359.9) | (ra <= 0.05))
                & (sky.dec.deg >= -30.1) & (sky.dec.deg <= -29.95))
    assert_box_fits(box, centres_inside(image, inside))


def test_a_galactic_image_is_cut_by_an_icrs_circle(tmp_path):
    cards = tan_cards(120.0, 10.0, 50, 50) | {"CTYPE1": "GLON-TAN", "CTYPE2": "GLAT-TAN"}
    image = write(tmp_path / "galactic.fits", cards, (50, 50))
    centre = SkyCoord(120.05 * u.deg, 10.1 * u.deg, frame="galactic").icrs
    circle = f"{float(centre.ra.deg)!r} {float(centre.dec.deg)!r} 0.08"
    with cut(image, {"CIRCLE": circle}) as result:
        box = assert_is_slab(image, result[0])
    assert_box_fits(box, centres_inside(
        image, lambda sky: sky.separation(centre) <= 0.08 * u.deg))


def test_a_range_around_an_image_on_ra_zero_gives_all_of_it(tmp_path):
    image = write(tmp_path / "zero.fits", tan_cards(0.0, 0.0, 60, 50, scale=0.01), (60, 50))
    with cut(image, {"POS": "RANGE 300 60 -80 80"}) as result:
        assert assert_is_slab(image, result[0]) == ((0, 59), (0, 49))
    with pytest.raises(NoOverlap):
        cut(image, {"POS": "RANGE 60 300 -80 80"})  # the other way round the sky


def test_circle_on_ra_zero_wraps(tmp_path):
    image = write(tmp_path / "zero.fits", tan_cards(0.0, 10.0, 60, 50, scale=0.01), (60, 50))
    with cut(image, {"CIRCLE": "359.98 10.0 0.1"}) as result:
        box = assert_is_slab(image, result[0])
    centre = SkyCoord(359.98 * u.deg, 10.0 * u.deg)
    assert_box_fits(box, centres_inside(
        image, lambda sky: sky.separation(centre) <= 0.1 * u.deg))


def test_region_partly_outside_is_clipped_and_one_around_it_gives_everything(tmp_path):
    cube = wave_cube(tmp_path)
    with cut(cube, {"CIRCLE": "149.8 2.0 0.1"}) as result:  # beyond the east... west edge
        box = assert_is_slab(cube, result[0])
        assert box[0][0] == 0 or box[0][1] == 39
    with cut(cube, {"POS": "RANGE -Inf +Inf -90 90"}) as result:
        assert assert_is_slab(cube, result[0]) == ((0, 39), (0, 29), (0, 24))
    with cut(cube, {"CIRCLE": "150 -60 100"}) as result:  # its edge behind the tangent plane
        assert assert_is_slab(cube, result[0]) == ((0, 39), (0, 29), (0, 24))


def test_band_on_a_wave_axis_in_angstrom(tmp_path):
    cube = wave_cube(tmp_path)  # channel k is at 5000 + 2k Angstrom
    with cut(cube, {"BAND": "5.0035e-7 5.0105e-7"}) as result:
        box = assert_is_slab(cube, result[0])
    assert box == ((0, 39), (0, 29), (2, 5))  # 5004 … 5010, the edges of 5003.5/5010.5
    with cut(cube, {"BAND": "5.004e-7"}) as result:
        assert assert_is_slab(cube, result[0])[2] == (2, 2)


def test_band_on_a_frequency_axis(tmp_path):
    cube = freq_cube(tmp_path)
    freqs = 1.420e9 + (np.arange(16) + 1 - 8.0) * -1.0e6
    waves = C / freqs
    low, high = float(waves[4] - 1e-9), float(waves[9] + 1e-9)  # channels 4 … 9
    with cut(cube, {"BAND": f"{low!r} {high!r}"}) as result:
        box = assert_is_slab(cube, result[0])
    assert box[2] == (4, 9)


def test_band_on_a_radio_velocity_axis(tmp_path):
    cube = vrad_cube(tmp_path)  # channel k at (k - 10) km/s; lambda = lambda0 / (1 - v/c)
    rest = C / 1.420405752e9
    waves = rest / (1 - (np.arange(21) - 10) * 1000.0 / C)
    with cut(cube, {"BAND": f"{float(waves[12]) - 1e-12!r} {float(waves[15]) + 1e-12!r}"}
             ) as result:
        assert assert_is_slab(cube, result[0])[2] == (12, 15)


def test_time_on_a_time_axis(tmp_path):
    cube = time_cube(tmp_path)  # plane k at MJD 59000 + k minutes
    minute = 1 / 1440
    with cut(cube, {"TIME": f"{59000 + 2 * minute!r} {59000 + 4.5 * minute!r}"}) as result:
        assert assert_is_slab(cube, result[0])[2] == (2, 4)
    with pytest.raises(NoOverlap):
        cut(cube, {"TIME": "59001 59002"})
    limits = describe(cube)
    assert limits.time_axis == 3
    assert limits.time == pytest.approx((59000 - minute / 2, 59000 + 11.5 * minute))


def test_band_combines_with_a_circle_into_one_sub_cube(tmp_path):
    cube = wave_cube(tmp_path)
    with cut(cube, {"CIRCLE": "150.0 2.0 0.03", "BAND": "5.01e-7 5.02e-7"}) as result:
        box = assert_is_slab(cube, result[0])
    assert box[2] == (5, 10)
    assert box[0][1] - box[0][0] < 10 and box[1][1] - box[1][0] < 10


def test_pixel_ranges_are_direct_and_clipped(tmp_path):
    cube = wave_cube(tmp_path)
    with cut(cube, {"PIXEL_1": "3 7", "PIXEL_3": "20 99"}) as result:
        assert assert_is_slab(cube, result[0]) == ((2, 6), (0, 29), (19, 24))


def test_pol_selects_stokes_planes(tmp_path):
    cube = stokes_cube(tmp_path)  # I Q U V
    with cut(cube, {"POL": ["U", "Q"]}) as result:
        assert assert_is_slab(cube, result[0])[2] == (1, 2)
        assert WCS(result[0].header).sub([3]).wcs_pix2world([[0]], 0)[0][0] == 2.0  # Q
    with cut(cube, {"POL": ["V", "I"]}) as result:  # the axis stays linear: I Q U V
        assert assert_is_slab(cube, result[0])[2] == (0, 3)
    with pytest.raises(NoOverlap) as caught:
        cut(cube, {"POL": "RR"})
    assert caught.value.param == "POL"


def test_gzipped_source_gives_the_same_cutout(tmp_path):
    cube = wave_cube(tmp_path)
    packed = gzipped(cube)
    request = parse_request({"CIRCLE": ["150.01 1.99 0.04"], "BAND": ["5.01e-7 5.03e-7"]})
    plain, zipped = io.BytesIO(), io.BytesIO()
    cut_file(cube, request, plain)
    cut_file(packed, request, zipped)
    assert len(plain.getvalue()) == len(zipped.getvalue())
    plain.seek(0)
    zipped.seek(0)
    with fits.open(plain) as a, fits.open(zipped) as b:
        np.testing.assert_array_equal(a[0].data, b[0].data)
        assert ([c.image for c in a[0].header.cards if c.keyword != "HISTORY"]
                == [c.image for c in b[0].header.cards if c.keyword != "HISTORY"])
        assert "cutout of wave.fits.gz HDU 0" in str(b[0].header["HISTORY"])
    with cut(packed, {"PIXEL_2": "29 30", "PIXEL_3": "25 25"}) as result:
        assert assert_is_slab(cube, result[0]) == ((0, 39), (28, 29), (24, 24))


def test_several_circles_make_one_extension_each(tmp_path):
    cube = wave_cube(tmp_path)
    circles = ["150.02 2.03 0.03", "149.98 1.97 0.02", "10 10 0.1"]  # the last misses
    with cut(cube, {"CIRCLE": circles, "BAND": "5.01e-7 5.02e-7"}) as result:
        assert result[0].data is None
        assert result[0].header["OBJECT"] == "soda test"
        assert "left out, no overlap: CIRCLE=10 10 0.1" in str(result[0].header["HISTORY"])
        assert [hdu.name for hdu in result[1:]] == ["CUTOUT1", "CUTOUT2"]
        for hdu, circle in zip(result[1:], circles, strict=False):
            assert_is_slab(cube, hdu)
            with cut(cube, {"CIRCLE": circle, "BAND": "5.01e-7 5.02e-7"}) as alone:
                np.testing.assert_array_equal(hdu.data, alone[0].data)


def test_combinations_are_the_product_of_the_values_with_pol_whole():
    request = parse_request({"CIRCLE": ["1 2 0.1", "3 4 0.1"], "BAND": ["1 2", "3 4"],
                             "POL": ["I", "Q"], "PIXEL_3": ["1 2"]})
    singles = combinations(request)
    assert len(singles) == 4
    assert {(s.circles, s.bands) for s in singles} == {
        (((1.0, 2.0, 0.1),), ((1.0, 2.0),)), (((1.0, 2.0, 0.1),), ((3.0, 4.0),)),
        (((3.0, 4.0, 0.1),), ((1.0, 2.0),)), (((3.0, 4.0, 0.1),), ((3.0, 4.0),))}
    assert all(s.pols == {"I", "Q"} and s.pixels == ((3, 1, 2),) for s in singles)


@pytest.mark.parametrize(("params", "param"), [
    ({"CIRCLE": "10 10 0.1"}, "CIRCLE"),
    ({"POS": "RANGE 151 152 -90 90"}, "POS"),
    ({"BAND": "6e-7 7e-7"}, "BAND"),
    ({"CIRCLE": "150 2 0.05", "BAND": "1e-7 2e-7"}, "BAND"),
    ({"PIXEL_2": "31 40"}, "PIXEL_2"),
    ({"TIME": "50000 50001"}, "TIME"),
])
def test_no_overlap_is_204_naming_what_missed(tmp_path, params, param):
    cube = wave_cube(tmp_path)
    out = io.BytesIO()
    raw = {key: [value] for key, value in params.items()}
    with pytest.raises(NoOverlap) as caught:
        cut_file(cube, parse_request(raw), out)
    assert caught.value.status == 204
    assert caught.value.param == param
    assert param in str(caught.value) and "wave.fits" in str(caught.value)
    assert out.getvalue() == b""


def test_time_without_a_time_axis_keeps_or_refuses_the_whole_cube(tmp_path):
    cube = wave_cube(tmp_path, EXPTIME=3600.0)  # DATE-OBS 2020-01-01 = MJD 58849
    with cut(cube, {"TIME": "58849.01 58849.02"}) as result:
        assert assert_is_slab(cube, result[0]) == ((0, 39), (0, 29), (0, 24))
    with pytest.raises(NoOverlap):
        cut(cube, {"TIME": "58849.05 +Inf"})


@pytest.mark.parametrize(("params", "param"), [
    ({"BAND": "5e-7 6e-7"}, "BAND"),
    ({"POL": "I"}, "POL"),
    ({"PIXEL_3": "1 1"}, "PIXEL_3"),
    ({"TIME": "1 2"}, "TIME"),
])
def test_a_parameter_the_image_has_no_axis_for_is_a_400(tmp_path, params, param):
    image = write(tmp_path / "flat.fits", tan_cards(10.0, 10.0, 20, 20), (20, 20))
    with pytest.raises(ProtocolError) as caught:
        cut(image, params)
    assert not isinstance(caught.value, NoOverlap)
    assert caught.value.status == 400 and caught.value.param == param


def test_header_is_carried_over_with_a_history_card(tmp_path):
    cube = wave_cube(tmp_path)
    with cut(cube, {"PIXEL_1": "2 3"}) as result:
        header = result[0].header
    assert header["OBJECT"] == "soda test"
    assert header.comments["OBJECT"] == "what it shows"
    assert header["DATE-OBS"] == "2020-01-01T00:00:00"
    history = [str(h) for h in header["HISTORY"]]
    assert history[0] == "made by tests/soda/cubes.py"
    assert history[1] == "SODA cutout of wave.fits HDU 0: PIXEL_1=2 3"
    assert history[2] == "pixels (1-based, FITS axis order) 2:3, 1:30, 1:25 of 40x30x25"


def test_an_image_extension_is_cut_with_the_primary_keywords(tmp_path):
    image = write(tmp_path / "ext.fits", tan_cards(80.0, -5.0, 30, 30), (30, 30),
                  extension=True)
    with cut(image, {"CIRCLE": "80 -5 0.04"}) as result:
        assert len(result) == 1
        assert_is_slab(image, result[0], index=1)
        header = result[0].header
    assert header["TELESCOP"] == "primary telescope"
    assert header["OBJECT"] == "soda test"  # the extension's own wins
    assert "EXTNAME" not in header


def test_integer_pixels_are_copied_as_stored(tmp_path):
    cards = tan_cards(10.0, 10.0, 20, 20) | {"BZERO": 32768, "BSCALE": 1}
    data = (np.arange(400, dtype=np.uint16) * 150).reshape(20, 20)
    path = tmp_path / "unsigned.fits"
    fits.PrimaryHDU(data, fits.Header(list(cards.items()))).writeto(path)
    with cut(path, {"PIXEL_1": "5 9", "PIXEL_2": "11 20"}) as result:
        assert result[0].data.dtype == np.uint16
        np.testing.assert_array_equal(result[0].data, data[10:20, 4:9])


def test_describe_gives_each_parameters_range(tmp_path):
    limits = describe(wave_cube(tmp_path))
    assert limits.shape == (40, 30, 25)
    assert limits.spatial_axes == (1, 2) and limits.spectral_axis == 3
    assert limits.time_axis is None and limits.pol_axis is None and limits.pols == ()
    assert limits.band == pytest.approx((4999e-10, 5049e-10), rel=1e-12)
    assert limits.time[0] == pytest.approx(58849.0)
    ras = [ra for ra, _ in limits.polygon]
    assert min(ras) == pytest.approx(150.0 - 0.2 / np.cos(np.radians(2.15)), abs=2e-3)
    assert limits.circle[:2] == pytest.approx((150.0, 2.0), abs=0.01)
    assert limits.circle[2] == pytest.approx(np.hypot(0.2, 0.15), rel=0.01)
    stokes = describe(stokes_cube(tmp_path))
    assert stokes.pol_axis == 3 and stokes.pols == ("I", "Q", "U", "V")
    freq = describe(freq_cube(tmp_path))
    edges = C / (1.420e9 + (np.array([0.5, 16.5]) - 8.0) * -1.0e6)
    assert freq.band == pytest.approx(tuple(sorted(edges)), rel=1e-9)


def test_a_planned_cutout_knows_its_exact_size_before_reading(tmp_path):
    cube = gzipped(wave_cube(tmp_path))
    for raw in ({"CIRCLE": ["150 2 0.04"]},
                {"CIRCLE": ["150 2 0.04", "150.1 2.1 0.02"], "BAND": ["5.01e-7 5.02e-7"]}):
        planned = plan_cutout(cube, parse_request(raw))
        made = b"".join(bytes(chunk) for chunk in planned.chunks())
        assert len(made) == planned.size and len(made) % 2880 == 0
    with pytest.raises(NoOverlap):
        plan_cutout(cube, parse_request({"BAND": ["1 2"]}))


def test_an_empty_request_gives_the_whole_image_and_hdu_picks_one(tmp_path):
    image = write(tmp_path / "ext.fits", tan_cards(80.0, -5.0, 30, 20), (30, 20),
                  extension=True)
    with cut(image, {"ID": "ivo://x/y?ext.fits"}) as result:
        assert assert_is_slab(image, result[0], index=1) == ((0, 29), (0, 19))
    with cut(image, {"PIXEL_1": "1 3"}, hdu=1) as result:
        assert assert_is_slab(image, result[0], index=1) == ((0, 2), (0, 19))
    for hdu, says in ((0, "HDU 0 of ext.fits is not an image"), (5, "has no HDU 5")):
        with pytest.raises(ProtocolError) as caught:
            cut(image, {}, hdu=hdu)
        assert caught.value.status == 400 and caught.value.param == "ID"
        assert says in str(caught.value)
    table = tmp_path / "table.fits"
    fits.HDUList([fits.PrimaryHDU(), fits.BinTableHDU.from_columns(
        [fits.Column(name="a", format="E", array=np.zeros(3))])]).writeto(table)
    with pytest.raises(ProtocolError, match="table.fits has no image HDU of 2 or more axes"):
        cut(table, {})
