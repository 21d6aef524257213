"""How ADQL must write a column of table metadata (TAP_SCHEMA's column_name, VOSI's
name), and that the spelling finds exactly that column again."""

from __future__ import annotations

import pytest

from adql import translate
from adql.names import adql_spelling
from rd.tablemeta import ColumnMeta, TableMeta
from tests.adql.schema import QUOTED_META, TABLES


@pytest.mark.parametrize("name, sql_name, written", [
    ("ra", "", "ra"),
    ("alllower", "", "alllower"),
    ("B-V", "B-V", '"B-V"'),
    ("Mixed Case", "Mixed Case", '"Mixed Case"'),
    ("plAin", "plAin", '"plAin"'),
    ("Star", "", '"Star"'),          # capitals: only a delimited name keeps them
    ("select", "select", '"select"'),  # reserved words must be quoted
    ("size", "", '"size"'),
    ("_x", "", '"_x"'),              # ADQL's regular identifiers start with a letter
    ('Inch"ing', 'Inch"ing', '"Inch""ing"'),
])
def test_adql_spelling_of_metadata_names(name, sql_name, written):
    assert adql_spelling(name, sql_name) == written


DELIMITED = TableMeta("adqltest", "delimited", (
    ColumnMeta("B-V", "real", sql_name="B-V"),
    ColumnMeta("Mixed Case", "text", sql_name="Mixed Case"),
    ColumnMeta("select", "integer", sql_name="select"),
    ColumnMeta("Select", "integer", sql_name="Select"),
    ColumnMeta("size", "integer"),
    ColumnMeta("bv", "real"),
))


@pytest.mark.parametrize("column", [*QUOTED_META.columns, *DELIMITED.columns],
                         ids=lambda c: c.name)
def test_the_spelling_selects_that_column_and_no_other(column):
    tables = {**TABLES, "adqltest.delimited": DELIMITED}
    table = "adqltest.quoted" if column in QUOTED_META.columns else "adqltest.delimited"
    sql_name = column.sql_name or column.name
    translation = translate(
        f"SELECT {adql_spelling(column.name, column.sql_name)} FROM {table}", tables)
    assert [c.name for c in translation.columns] == [column.name]
    quoted = '"' + sql_name.replace('"', '""') + '"'
    assert f".{quoted} AS " in translation.sql or f".{sql_name} AS " in translation.sql
