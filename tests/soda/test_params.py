"""SODA parameters: what each raw value becomes, and the 400 a bad one gets."""

from __future__ import annotations

import math

import pytest

from engine.errors import ProtocolError
from engine.soda.params import CutoutRequest, parse_request


def test_circle_and_pos_circle_both_become_circles():
    request = parse_request({"CIRCLE": ["12 34 0.5"], "POS": ["CIRCLE -10 -20 1"]})
    assert request.circles == ((12.0, 34.0, 0.5), (350.0, -20.0, 1.0))


def test_polygon_and_pos_polygon_become_vertex_tuples():
    request = parse_request({"POLYGON": ["12 34 14 34 14 36"],
                             "POS": ["polygon 1 1 2 1 2 2 1 2"]})
    assert request.polygons == (((12.0, 34.0), (14.0, 34.0), (14.0, 36.0)),
                                ((1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 2.0)))


def test_pos_range_keeps_ra_order_across_zero_and_opens_infinities():
    request = parse_request({"POS": ["RANGE 350 10 -5 5", "RANGE -Inf +Inf 89 +Inf",
                                     "RANGE 0 360 -2 2"]})
    assert request.ranges == ((350.0, 10.0, -5.0, 5.0), (0.0, 360.0, 89.0, 90.0),
                              (0.0, 360.0, -2.0, 2.0))


def test_band_and_time_are_intervals_and_a_single_value_is_both_ends():
    request = parse_request({"BAND": ["5e-7 6e-7", "5.5e-7"], "TIME": ["55100 +Inf"]})
    assert request.bands == ((5e-7, 6e-7), (5.5e-7, 5.5e-7))
    assert request.times[0][0] == 55100.0 and math.isinf(request.times[0][1])


def test_pol_values_are_one_set_and_pixels_are_per_axis():
    request = parse_request({"POL": ["i", "Q", "I"], "PIXEL_3": ["2 5"],
                             "PIXEL_1": ["1 10"]})
    assert request.pols == frozenset({"I", "Q"})
    assert request.pixels == ((1, 1, 10), (3, 2, 5))


def test_unknown_names_and_empty_values_are_ignored():
    request = parse_request({"ID": ["ivo://x/y"], "RESPONSEFORMAT": ["fits"],
                             "CIRCLE": [""], "BAND": ["  "]})
    assert request == CutoutRequest()
    assert request.is_empty()
    assert not parse_request({"POL": ["V"]}).is_empty()


@pytest.mark.parametrize(("name", "value", "says"), [
    ("CIRCLE", "10 20", "3 numbers"),
    ("CIRCLE", "10 95 1", "latitude 95"),
    ("CIRCLE", "a 20 1", "'a' is not a number"),
    ("CIRCLE", "10 20 -1", "radius"),
    ("CIRCLE", "10 20 inf", "finite"),
    ("POLYGON", "1 2 3 4", "at least 3"),
    ("POLYGON", "1 2 1 2 1 2", "distinct"),
    ("POS", "BOX 1 2 3 4", "CIRCLE, RANGE or POLYGON"),
    ("POS", "RANGE 1 2 3", "4 numbers"),
    ("POS", "RANGE 1 2 10 5", "increasing"),
    ("BAND", "6e-7 5e-7", "low > high"),
    ("BAND", "NaN 1", "not a finite number"),
    ("TIME", "1 2 3", "2 numbers"),
    ("POL", "W", "not one of"),
    ("PIXEL_1", "0 5", "1-based"),
    ("PIXEL_2", "5 3", "first <= last"),
    ("PIXEL_3", "1.5 2", "2 integers"),
])
def test_a_bad_value_is_a_400_naming_the_parameter(name, value, says):
    with pytest.raises(ProtocolError) as caught:
        parse_request({name: [value]})
    assert caught.value.status == 400
    assert caught.value.param == name
    assert str(caught.value).startswith(f"{name}:")
    assert says in str(caught.value)


def test_describe_gives_the_request_back_in_soda_syntax():
    request = parse_request({"CIRCLE": ["1 2 0.5"], "BAND": ["5e-7 6e-7"], "POL": ["I"],
                             "PIXEL_3": ["1 2"]})
    assert request.describe() == "CIRCLE=1 2 0.5 BAND=5e-07 6e-07 POL=I PIXEL_3=1 2"
