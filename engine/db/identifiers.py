"""Spelling names for the database and for ADQL: where engine quotes identifiers.

SQL that engine writes (DDL, COPY, services' queries) double-quotes every
identifier, so reserved words (``size``) and DaCHS's delimited column names
(``quoted/B-V``, case kept) are fine.  A name is spelled for PostgreSQL as the
RD table metadata has it: regular names lower-cased, delimited ones exactly.

What ADQL must write for a column (TAP_SCHEMA's ``column_name``, VOSI's
``name``) follows ADQL's rules, which live in :mod:`adql.names` beside the
translator that reads them back; ``adql_name`` is that rule for engine.
"""

from __future__ import annotations

from adql.names import adql_spelling
from adql.sqltext import quoted
from rd.tablemeta import PositionIndex, pos_index_expression


def q(name: str) -> str:
    """``name`` as a PostgreSQL identifier: always quoted, case kept."""
    return quoted(name)


def qualified(schema: str, name: str) -> str:
    """``schema.name`` of a table, quoted (table names are regular: lower-cased)."""
    return f"{q(schema)}.{q(name.lower())}"


def column_list(names: list[str] | tuple[str, ...]) -> str:
    """Column SQL names as a comma-separated, quoted list (COPY, keys, indexes)."""
    return ", ".join(q(name) for name in names)


def adql_name(name: str, sql_name: str = "") -> str:
    """How ADQL writes the column ``name`` of table metadata: ``"B-V"``,
    ``"Mixed Case"``, ``"select"``, but ``ra``."""
    return adql_spelling(name, sql_name)


def position_expression(position: PositionIndex) -> str:
    """The SQL the position index is built on, over its quoted columns: the DDL and
    cone conditions both use it, as PostgreSQL uses the index only for the same
    expression."""
    return pos_index_expression(q(position.ra), q(position.dec))
