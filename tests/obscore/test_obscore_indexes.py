"""ADQL on ivoa.obscore uses the spatial indexes of the tables behind it (EXPLAIN)."""

from __future__ import annotations

import contextlib
import math

import pytest

from adql import translate
from engine.tap.tables import load_tap_tables, table_map
from tests.obscore.obscoredata import (
    NIMAGES,
    NSPECTRA,
    image_position,
    spectrum_position,
    write_images,
    write_spectra,
)

CENTRE = (150.05, 2.0)


def separation(a: tuple[float, float], b: tuple[float, float]) -> float:
    (ra1, de1), (ra2, de2) = ((math.radians(x), math.radians(y)) for x, y in (a, b))
    cos = (math.sin(de1) * math.sin(de2)
           + math.cos(de1) * math.cos(de2) * math.cos(ra1 - ra2))
    return math.degrees(math.acos(min(1.0, cos)))


@pytest.fixture
def published(db, inputs):
    write_images(inputs)
    write_spectra(inputs)
    for rd in ("ocimg", "ocspec"):
        result = db.cli("imp", rd)
        assert result.status == 0, result.err
    with contextlib.closing(db.connect()) as conn:
        yield conn, table_map(load_tap_tables(inputs, conn))


def plan_and_rows(conn, tables, adql: str) -> tuple[str, list[tuple]]:
    sql = translate(adql, tables).sql
    with conn.cursor() as cur:
        cur.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cur.fetchall())
        cur.execute(sql)
        return plan, cur.fetchall()


def test_a_cone_on_s_ra_s_dec_uses_each_tables_position_index(published):
    conn, tables = published
    radius = 1.5
    plan, rows = plan_and_rows(conn, tables, (
        "SELECT obs_id FROM ivoa.obscore WHERE 1 = CONTAINS(POINT('ICRS', s_ra, s_dec), "
        f"CIRCLE('ICRS', {CENTRE[0]}, {CENTRE[1]}, {radius}))"))
    # The images' own position index (//scs#pgs-pos-index on ra, dec) ...
    assert "images_pos_idx" in plan, plan
    # ... and, for the spectra, whose s_ra/s_dec are expressions over ssa_location,
    # the index dr imp made on what the view's condition becomes over that table.
    assert "spectra_obscore_pos_" in plan, plan
    assert "Seq Scan" not in plan, plan
    expected = sorted(
        [f"ocimg/data/img{i:05d}.fits" for i in range(1, NIMAGES + 1)
         if separation(image_position(i), CENTRE) < radius]
        + [f"ocspec/data/spec{i:05d}.fits" for i in range(1, NSPECTRA + 1)
           if separation(spectrum_position(i), CENTRE) < radius])
    assert any("spec" in e for e in expected) and any("img" in e for e in expected)
    assert sorted(r[0] for r in rows) == expected


def test_intersects_on_s_region_uses_the_footprint_index(published):
    conn, tables = published
    plan, rows = plan_and_rows(conn, tables, (
        "SELECT obs_id FROM ivoa.obscore WHERE 1 = INTERSECTS(s_region, "
        f"CIRCLE('ICRS', {CENTRE[0]}, {CENTRE[1]}, 0.01))"))
    assert "images_footprint_idx" in plan, plan
    assert "Seq Scan" not in plan, plan  # the spectra have no s_region: no scan at all
    # Squares of half-width 0.05 deg around 150.01 ... 150.10.
    assert sorted(r[0] for r in rows) == [f"ocimg/data/img{i:05d}.fits"
                                          for i in range(1, 11)]


def test_a_distance_condition_uses_the_indexes_too(published):
    conn, tables = published
    plan, rows = plan_and_rows(conn, tables, (
        "SELECT obs_id FROM ivoa.obscore WHERE DISTANCE(POINT('ICRS', "
        f"{CENTRE[0] + 0.95}, {CENTRE[1]}), POINT('ICRS', s_ra, s_dec)) < 0.015"))
    assert "images_pos_idx" in plan and "spectra_obscore_pos_" in plan, plan
    assert sorted(r[0] for r in rows) == ["ocspec/data/spec00001.fits"]
