"""AIP queryparser's ADQL → PostgreSQL pairs, compared with DR's translations.

queryparser is another implementation, not an authority: the test checks
that each query DR accepts translates, that the invalid one fails, and the
points where DR deliberately differs (listed with reasons).  Its queries end
with ';', which ADQL does not have; it is stripped before translating.
"""

from __future__ import annotations

import json

import pytest

from adql import ADQLError, translate
from rd.tablemeta import ColumnMeta, PositionIndex, TableMeta

_COLUMNS = (ColumnMeta("ra", "double precision", unit="deg"),
            ColumnMeta("dec", "double precision", unit="deg"))
TABLES = {key: TableMeta(key.split(".")[0], "tab", _COLUMNS,
                         position=PositionIndex("ra", "dec"))
          for key in ("db.tab", "test.tab")}

# Fragments of queries DR refuses on purpose, with the reason.
REFUSED = {
    "176.98": "a CIRCLE radius of 176.98 degrees: pgsphere circles stop at 90 degrees",
}


def _cases(shared):
    data = json.loads((shared / "conformance" / "queryparser_adql.json").read_text())
    return data["cases"]


def test_queryparser_pairs(shared):
    for case in _cases(shared):
        query = case["query"].strip().removesuffix(";")
        if not case["valid"]:
            with pytest.raises(ADQLError):
                translate(query, TABLES)
            continue
        if any(fragment in query for fragment in REFUSED):
            with pytest.raises(ADQLError):
                translate(query, TABLES)
            continue
        sql = translate(query, TABLES).sql
        theirs = case["their_translation"]
        if "sbox(" in theirs:
            # queryparser makes BOX a lon/lat range (sbox); ADQL's BOX has
            # great-circle sides, which DR builds as a polygon.
            assert "dc.adql_box(" in sql
        if "spoint(RADIANS(ra), RADIANS(dec)) @" in theirs:
            assert "spoint(radians(tab.ra), radians(tab.dec)) <@" in sql
        if "LIMIT 10" in theirs:
            assert sql.endswith("LIMIT 10")
