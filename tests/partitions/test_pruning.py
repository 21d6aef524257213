"""Positional queries on partitioned tables: the rows of the unpartitioned copy, from
fewer partitions."""

from __future__ import annotations

import re

import pytest

from adql.translate import translate
from engine.services.conddescs import cone_condition

QUERIES = {
    "cone": "1 = CONTAINS(POINT(ra, dec), CIRCLE(123.4, 20.5, 3))",
    "north pole": "CONTAINS(POINT(ra, dec), CIRCLE(0, 90, 0.7)) = 1",
    "south pole": "1 = CONTAINS(POINT(ra, dec), CIRCLE(200, -89.8, 1.5))",
    "ra wrap": "1 = CONTAINS(POINT(ra, dec), CIRCLE(359.8, 0.2, 0.6))",
    "ra wrap box": "1 = CONTAINS(POINT(ra, dec), BOX(0.1, -0.3, 1.5, 1))",
    "polygon": "1 = CONTAINS(POINT(ra, dec), POLYGON(10, 10, 30, 12, 25, 30))",
    "concave polygon": ("1 = CONTAINS(POINT(ra, dec), "
                        "POLYGON(350, -5, 20, -5, 20, 5, 5, 0, 350, 5))"),
    "region": "1 = INTERSECTS(REGION('CIRCLE ICRS 45 -30 4'), POINT(ra, dec))",
    "distance": "DISTANCE(POINT(ra, dec), POINT(300, 45)) < 2.5",
    "or of cones": ("(1 = CONTAINS(POINT(ra, dec), CIRCLE(10, 10, 2)) "
                    "OR DISTANCE(POINT(250, -60), POINT(ra, dec)) <= 3) AND mag < 15"),
    "negated": "NOT (1 = CONTAINS(POINT(ra, dec), CIRCLE(0, 0, 80)))",
}


def run(db, rd, table: str, where: str) -> tuple[list[int], str]:
    tables = {f"pt.{t.id}": t.metadata() for t in rd.tables}
    sql = translate(f"SELECT id FROM pt.{table} WHERE {where}", tables).sql
    ids = sorted(r[0] for r in db.query(sql))
    plan = "\n".join(r[0] for r in db.query("EXPLAIN " + sql))
    return ids, plan


def scanned(plan: str) -> set[str]:
    return {name for name in re.findall(r"Scan on (\w+_p(?:\d+|null))\b", plan)
            if "_idx_" not in name}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_adql_finds_the_rows_of_the_unpartitioned_table(catalog, name):
    db, rd, _ = catalog
    expected, _ = run(db, rd, "flat", QUERIES[name])
    assert expected or name == "negated"
    for table in ("part", "ser"):
        ids, plan = run(db, rd, table, QUERIES[name])
        assert ids == expected, (table, plan)
        if name != "negated":
            assert "healpix_nest" in plan
            assert f"{table}_pnull" not in scanned(plan)


def test_explain_shows_a_cone_scans_one_partition(catalog):
    db, rd, _ = catalog
    _, plan = run(db, rd, "part", QUERIES["cone"])
    assert scanned(plan) == {"part_p0"}, plan  # cells 72-75 of 768, in 0-95
    _, plan = run(db, rd, "part", QUERIES["north pole"])
    # The pole is the corner of the four northern base cells: their last cells
    # 63, 127, 191 and 255, in partitions 0, 1, 1 and 2 (96 cells each), not 3 to 7.
    assert scanned(plan) == {"part_p0", "part_p1", "part_p2"}, plan


def test_a_cone_search_prunes_and_finds_the_same_rows(catalog):
    db, rd, _ = catalog
    found = {}
    for table in ("part", "flat"):
        cond = cone_condition(rd.table(table), 359.8, 0.2, 0.6)
        sql = f"SELECT id FROM pt.{table} WHERE {cond.sql}"
        found[table] = sorted(r[0] for r in db.query(sql, cond.values))
        plan = "\n".join(r[0] for r in db.query("EXPLAIN " + sql, cond.values))
    assert found["part"] == found["flat"] and found["flat"]
    assert scanned(plan) == set()  # the plan of flat
    cond = cone_condition(rd.table("part"), 359.8, 0.2, 0.6)
    plan = "\n".join(r[0] for r in db.query(f"EXPLAIN SELECT id FROM pt.part WHERE "
                                            f"{cond.sql}", cond.values))
    # RA 0 on the equator is in base cell 4: cells 256-319, partitions 2 and 3
    assert scanned(plan) == {"part_p2", "part_p3"}, plan
