"""SIA 2.0's SQL over ivoa.obscore uses the indexes of the tables behind the view
(EXPLAIN), and finds exactly the products the parameters mean."""

from __future__ import annotations

import contextlib

import pytest

from engine.services.conddescs import Context
from engine.services.params import Params
from engine.sia import sia2
from tests.obscore.obscoredata import (
    NIMAGES,
    NSPECTRA,
    image_position,
    spectrum_position,
    write_images,
    write_spectra,
)
from tests.obscore.test_obscore_indexes import separation


@pytest.fixture
def sia2_published(db):
    inputs = db.home / "inputs"
    inputs.mkdir()
    write_images(inputs)
    write_spectra(inputs)
    for rd in ("ocimg", "ocspec"):
        result = db.cli("imp", rd)
        assert result.status == 0, result.err
    with contextlib.closing(db.connect()) as conn:
        rd = sia2.system_rd()
        bound = sia2.bind(rd, rd.service("sitewide"), conn, {})
        assert bound is not None
        yield conn, bound


def plan_and_rows(conn, bound, *pairs: tuple[str, str]) -> tuple[str, list[str]]:
    with conn.cursor() as cur:
        built = bound.build_query(Params(pairs), "siap2.xml", Context(cur), limit=10000)
        sql = cur.mogrify(built.sql, built.values).decode()
        cur.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cur.fetchall())
        cur.execute(sql)
        names = [c.name for c in built.columns]
        rows = cur.fetchall()
    obs_id = names.index("obs_id")
    return plan, sorted(row[obs_id] for row in rows)


def test_a_circle_uses_the_footprint_and_the_position_indexes(sia2_published):
    conn, bound = sia2_published
    centre, radius = (150.5, 2.0), 1.0
    plan, found = plan_and_rows(conn, bound, ("POS", f"CIRCLE {centre[0]} {centre[1]} "
                                                     f"{radius}"))
    # The images by their footprint index, the spectra (no footprint) by the index
    # dr imp made on their position expression.
    assert "images_footprint_idx" in plan, plan
    assert "spectra_obscore_pos_" in plan, plan
    assert "Seq Scan" not in plan, plan
    expected_spectra = [f"ocspec/data/spec{i:05d}.fits" for i in range(1, NSPECTRA + 1)
                        if separation(spectrum_position(i), centre) < radius]
    assert expected_spectra
    assert found == [f"ocimg/data/img{i:05d}.fits" for i in range(1, 11)] + \
        expected_spectra


def test_a_range_uses_the_indexes(sia2_published):
    conn, bound = sia2_published
    plan, found = plan_and_rows(conn, bound, ("POS", "RANGE 150.055 150.2 -Inf 2.01"))
    assert "images_footprint_idx" in plan and "spectra_obscore_pos_" in plan, plan
    assert "Seq Scan" not in plan, plan
    # Footprints are squares reaching 0.05 degrees beyond their centres.
    images = [f"ocimg/data/img{i:05d}.fits" for i in range(1, NIMAGES + 1)
              if 150.005 <= image_position(i)[0] <= 150.25
              and image_position(i)[1] <= 2.06]
    spectra = [f"ocspec/data/spec{i:05d}.fits" for i in range(1, NSPECTRA + 1)
               if 150.055 <= spectrum_position(i)[0] <= 150.2
               and spectrum_position(i)[1] <= 2.01]
    assert len(images) > 10 and spectra
    assert found == images + spectra


def test_a_polygon_uses_the_indexes(sia2_published):
    conn, bound = sia2_published
    plan, found = plan_and_rows(conn, bound,
                                ("POS", "POLYGON 151 1.98 151.04 1.98 151.02 2.03"))
    assert "images_footprint_idx" in plan and "spectra_obscore_pos_" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert found == [f"ocspec/data/spec{i:05d}.fits" for i in (1, 2, 3)]


def test_pos_with_other_parameters_still_uses_the_indexes(sia2_published):
    conn, bound = sia2_published
    plan, found = plan_and_rows(conn, bound, ("POS", "CIRCLE 150.5 2 1"),
                                ("POS", "CIRCLE 300 -40 0.5"), ("BAND", "6e-7 +Inf"),
                                ("CALIB", "1"))
    assert "Seq Scan" not in plan, plan
    assert found == [f"ocspec/data/spec{i:05d}.fits" for i in range(1, NSPECTRA + 1)
                     if min(separation(spectrum_position(i), (150.5, 2)),
                            separation(spectrum_position(i), (300, -40)) * 2) < 1]


def test_without_pos_every_product_is_a_candidate(sia2_published):
    conn, bound = sia2_published
    _, found = plan_and_rows(conn, bound, ("DPTYPE", "image"), ("TIME", "59001.5 59003"))
    # Image i is exposed from MJD 59000 + i for 600 s.
    assert found == ["ocimg/data/img00002.fits", "ocimg/data/img00003.fits"]
