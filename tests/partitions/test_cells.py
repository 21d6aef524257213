"""The cells a region may touch (adql/healpix_prune.py) hold every point inside it."""

from __future__ import annotations

import healpy
import numpy as np
import pytest

from adql.healpix_prune import MAX_RANGES, box_corners, circle_ranges, polygon_ranges
from rd.tablemeta import HealpixPartitions

SPEC = HealpixPartitions(order=6, count=32)


def inside(ranges, cells) -> bool:
    return all(any(low <= c <= high for low, high in ranges) for c in cells)


def cells_of(ra, dec) -> np.ndarray:
    return healpy.ang2pix(2 ** SPEC.order, ra, dec, nest=True, lonlat=True)


@pytest.mark.parametrize("ra, dec, radius", [(10, 20, 0.01), (0, 90, 2), (359.9, 0, 1),
                                             (180, -89.99, 5), (45, 30, 40)])
def test_a_cone_s_ranges_hold_the_cells_of_its_points(ra, dec, radius):
    ranges = circle_ranges(SPEC, ra, dec, radius)
    assert ranges and len(ranges) <= MAX_RANGES
    rng = np.random.default_rng(1)
    # points on the cone's edge and inside it: the edge point rotated about the centre
    centre = healpy.ang2vec(ra, dec, lonlat=True)
    axis = np.cross(centre, [0, 0, 1] if abs(dec) < 80 else [1, 0, 0])
    axis /= np.linalg.norm(axis)
    angle = np.radians(radius) * np.repeat([1.0, 0.999999, 0.5], 400)[:, None]
    turn = rng.uniform(0, 2 * np.pi, 1200)[:, None]
    v = centre * np.cos(angle) + axis * np.sin(angle)
    v = (v * np.cos(turn) + np.cross(centre, v) * np.sin(turn)
         + centre * (v @ centre)[:, None] * (1 - np.cos(turn)))
    lon, lat = healpy.vec2ang(v, lonlat=True)
    assert inside(ranges, np.unique(cells_of(lon, lat)))


def test_the_whole_sky_is_no_condition_and_nearly_all_of_it_a_short_one():
    assert circle_ranges(SPEC, 0, 0, 180) is None
    ranges = circle_ranges(SPEC, 0, 0, 179)
    assert ranges is None or len(ranges) <= MAX_RANGES


def test_a_box_s_corners_and_a_concave_polygon_are_covered():
    corners = box_corners(0.1, -0.3, 1.5, 1)
    ranges = polygon_ranges(SPEC, corners)
    ra, dec = zip(*corners)
    assert inside(ranges, cells_of(np.array(ra), np.array(dec)))
    concave = [(350, -5), (20, -5), (20, 5), (5, 0), (350, 5)]
    ranges = polygon_ranges(SPEC, concave)
    ra, dec = zip(*concave)
    assert ranges and inside(ranges, cells_of(np.array(ra), np.array(dec)))
