"""SIA 2.0 parameters read with DALI's rules: intervals with -Inf/+Inf, POS shapes,
repeated values ORed, and errors that name the parameter."""

from __future__ import annotations

import math
import re

import pytest

from engine.errors import ProtocolError
from engine.services.params import Params
from engine.sia import sia2


def sql_of(*pairs: tuple[str, str]) -> list[tuple[str, dict]]:
    return [(c.sql, c.values) for c in sia2.conditions(Params(pairs))]


@pytest.mark.parametrize("raw, expected", [
    ("4e-7 5e-7", (4e-7, 5e-7)),
    ("5e-7", (5e-7, 5e-7)),
    ("-Inf 5e-7", (-math.inf, 5e-7)),
    ("4e-7 +Inf", (4e-7, math.inf)),
    ("-inf inf", (-math.inf, math.inf)),
])
def test_dali_intervals(raw, expected):
    assert sia2.parse_interval("BAND", raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("", "BAND must be one number or an interval of two"),
    ("1 2 3", "BAND must be one number or an interval of two"),
    ("abc", "BAND: 'abc' in 'abc' is not a number"),
    ("nan 1", "BAND: write open ends as -Inf or +Inf, not 'nan'"),
    ("2 1", "BAND: the interval's lower end is above its upper end in '2 1'"),
    ("+Inf", "BAND: a single value must be finite"),
])
def test_bad_intervals_name_the_parameter(raw, message):
    with pytest.raises(ProtocolError, match="^" + re.escape(message)) as caught:
        sia2.parse_interval("BAND", raw)
    assert caught.value.param == "BAND"


def test_band_and_time_mean_overlap_with_open_ends_left_out():
    assert sql_of(("BAND", "4e-7 +Inf")) == [
        ("(em_max >= %(sia2_band_0_lo)s)", {"sia2_band_0_lo": 4e-7})]
    assert sql_of(("TIME", "59000 59001")) == [
        ("(t_min <= %(sia2_time_0_hi)s AND t_max >= %(sia2_time_0_lo)s)",
         {"sia2_time_0_hi": 59001.0, "sia2_time_0_lo": 59000.0})]
    assert sql_of(("EXPTIME", "-Inf +Inf")) == [("(t_exptime IS NOT NULL)", {})]


def test_a_repeated_parameter_is_ored_and_different_ones_anded():
    found = sql_of(("FOV", "0 1"), ("FOV", "2 +Inf"), ("COLLECTION", "a"),
                   ("COLLECTION", "b"), ("CALIB", "2"))
    assert found == [
        ("((s_fov <= %(sia2_fov_0_hi)s AND s_fov >= %(sia2_fov_0_lo)s) OR "
         "(s_fov >= %(sia2_fov_1_lo)s))",
         {"sia2_fov_0_hi": 1.0, "sia2_fov_0_lo": 0.0, "sia2_fov_1_lo": 2.0}),
        ("obs_collection = ANY(%(sia2_collection)s)", {"sia2_collection": ["a", "b"]}),
        ("calib_level = ANY(%(sia2_calib)s)", {"sia2_calib": [2]})]


def test_pos_shapes_become_pgsphere_regions():
    circle = sia2.parse_pos("POS", "CIRCLE -10 20 0.5", "k")
    assert circle.values == {"k_ra": 350.0, "k_dec": 20.0, "k_r": 0.5}
    assert circle.sql.startswith("scircle(")
    box = sia2.parse_pos("POS", "RANGE -Inf +Inf 89 +Inf", "k")
    assert box.values == {"k_ra1": 0.0, "k_ra2": 360.0, "k_dec1": 89.0, "k_dec2": 90.0}
    assert box.sql.startswith("sbox(")
    poly = sia2.parse_pos("POS", "polygon 10 0 11 0 11 1", "k")
    assert poly.values == {"k_poly": "{(10.0d,0.0d),(11.0d,0.0d),(11.0d,1.0d)}"}
    assert sia2.parse_pos("POS", "CIRCLE 1 2 180", "k").sql == ""  # the whole sky
    assert sql_of(("POS", "RANGE 0 360 -90 90")) == [("TRUE", {})]


@pytest.mark.parametrize("raw, message", [
    ("CIRCLE 1 2", "POS: a CIRCLE is ra dec radius"),
    ("CIRCLE 1 95 1", "POS: latitude 95 is outside -90..90"),
    ("CIRCLE 1 2 -1", "POS: a CIRCLE's radius must be 0..180 degrees"),
    ("CIRCLE 1 2 100", "POS: circles wider than 90 degrees are not supported"),
    ("CIRCLE 1 2 +Inf", "POS: only RANGE may have -Inf or +Inf"),
    ("RANGE 10 5 0 1", "POS: a RANGE needs 0 <= ra1 <= ra2 <= 360"),
    ("RANGE -10 5 0 1", "POS: a RANGE needs 0 <= ra1 <= ra2 <= 360"),
    ("RANGE 0 5 0 95", "POS: a RANGE needs 0 <= ra1 <= ra2 <= 360"),
    ("POLYGON 1 2 3 4", "POS: a POLYGON is 3 to 200 vertices"),
    ("BOX 1 2 3 4", "POS must be CIRCLE, RANGE or POLYGON"),
    ("", "POS must be CIRCLE, RANGE or POLYGON"),
])
def test_bad_positions_name_pos(raw, message):
    with pytest.raises(ProtocolError, match="^" + re.escape(message)) as caught:
        sia2.parse_pos("POS", raw, "k")
    assert caught.value.param == "POS"


def test_pol_calib_and_too_many_values_are_checked():
    with pytest.raises(ProtocolError, match="^POL must be one of I, Q"):
        sia2.conditions(Params([("POL", "Z")]))
    with pytest.raises(ProtocolError, match="^CALIB must be a whole number, not 'x'"):
        sia2.conditions(Params([("CALIB", "x")]))
    with pytest.raises(ProtocolError, match="^ID was given 101 times; at most 100"):
        sia2.conditions(Params([("ID", str(i)) for i in range(101)]))
    assert sql_of(("POL", "q")) == [("pol_states LIKE %(sia2_pol_0)s",
                                     {"sia2_pol_0": "%/Q/%"})]
