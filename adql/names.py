"""ADQL identifiers: names as written, how they match the names in table metadata,
and how ADQL must write a name from table metadata.

Regular identifiers compare case-insensitively; delimited ones ("Like This")
exactly.  Below the syntax tree and the checker's findings, which both use it,
and the engine's TAP_SCHEMA and VOSI writers (through engine.db.identifiers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from adql.reserved import is_reserved

_REGULAR = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Name:
    """An identifier as written: regular names compare case-insensitively."""

    text: str
    delimited: bool = False
    # The form used for comparisons (regular identifiers fold to lower case);
    # names are compared far more often than made, so it is computed once.
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", self.text if self.delimited else self.text.lower())

    def matches(self, declared: str) -> bool:
        """Does this name denote ``declared`` (a name from table metadata)?"""
        return self.text == declared if self.delimited else self.key == declared.lower()

    def __str__(self) -> str:
        return '"' + self.text.replace('"', '""') + '"' if self.delimited else self.text


def name_matches(name: Name, declared: str, exact: bool) -> bool:
    """Does ``name`` denote ``declared``?  Exact (delimited) names need "exactly this"."""
    if exact:
        return name.delimited and name.text == declared
    return name.matches(declared)


def needs_delimiting(name: str, sql_name: str = "") -> bool:
    """Is ``name`` (with the SQL name it was declared with) a delimited identifier?

    Names that are no regular identifiers are; so are mixed-case names whose SQL
    name was given explicitly (a quoted identifier in the database).
    """
    if not _REGULAR.match(name):
        return True
    return bool(sql_name) and name != name.lower()


def column_sql_name(name: str, sql_name: str) -> str:
    """The name PostgreSQL knows a column by: unquoted names fold to lower case."""
    if sql_name:
        return sql_name
    return name.lower() if _REGULAR.match(name) else name


def adql_spelling(name: str, sql_name: str = "") -> str:
    """How an ADQL query must write the column ``name`` of table metadata.

    In double quotes when it is no regular ADQL identifier (``B-V``, ``_x``),
    a reserved word (``select``, ``size``) or a case-sensitive delimited name
    (``Mixed``: metadata keeps regular names in lower case, so a name with
    capitals, or one declared with its own ``sql_name``, is delimited).
    """
    if needs_delimiting(name, sql_name or name) or is_reserved(name):
        return str(Name(name, True))
    return name
