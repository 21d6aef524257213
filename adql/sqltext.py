"""Spelling values and names as PostgreSQL text: identifiers and string literals.

Everything user-supplied that reaches the SQL goes through here, so quoting
has one implementation: identifiers are double-quoted unless they are plain
lower-case words that PostgreSQL does not reserve, and string literals use
the E'' form when they hold a backslash, which reads the same whatever
``standard_conforming_strings`` says.
"""

from __future__ import annotations

import functools
import re

_PLAIN = re.compile(r"[a-z_][a-z0-9_]*\Z")

# PostgreSQL's reserved and type/function-name keywords (its SQL key words appendix).
_PG_RESERVED = frozenset("""
all analyse analyze and any array as asc asymmetric authorization binary both case cast
check collate collation column concurrently constraint create cross current_catalog
current_date current_role current_schema current_time current_timestamp current_user
default deferrable desc distinct do else end except false fetch for foreign freeze from
full grant group having ilike in initially inner intersect into is isnull join lateral
leading left like limit localtime localtimestamp natural not notnull null offset on only
or order outer overlaps placing primary references returning right select session_user
similar some symmetric system_user table tablesample then to trailing true union unique
user using variadic verbose when where window with
""".split())


@functools.lru_cache(maxsize=8192)  # the same column names, query after query
def identifier(name: str) -> str:
    """``name`` as a PostgreSQL identifier, quoted where needed."""
    if _PLAIN.match(name) and name not in _PG_RESERVED:
        return name
    return quoted(name)


def quoted(name: str) -> str:
    """``name`` as a PostgreSQL delimited identifier: always quoted, case kept."""
    if "\x00" in name:
        raise ValueError("identifiers cannot contain NUL")
    return '"' + name.replace('"', '""') + '"'


def qualified(*parts: str) -> str:
    return ".".join(identifier(p) for p in parts if p)


def string(value: str) -> str:
    """``value`` as a PostgreSQL string literal."""
    if "\x00" in value:
        raise ValueError("strings cannot contain NUL")
    body = value.replace("'", "''")
    if "\\" in value:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"
