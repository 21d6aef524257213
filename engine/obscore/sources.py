"""What a table publishing into ivoa.obscore contributes: its SELECT, its extra columns,
and the indexes that let queries on the view use it.

A table publishes when it mixes in one of the //obscore#publish mixins; each
parameter is an SQL expression over the table for the ivoa.obscore column of
that name.  In a default (not given by the RD), a name that is a param of the
table rather than a column stands for the param's value — so
//obscore#publishSSAPMIXC's ``ssa_spectralucd`` is the column of a table with
all SSA metadata in columns and the param of a //ssap#mixc table; a default
naming anything else the table lacks counts as NULL: the ``ssa_*`` defaults on
a table without them, the product defaults on a table without ``accref``.

PostgreSQL pushes conditions on the view into each table's SELECT, so a cone
on ``s_ra``/``s_dec`` becomes ``spoint(radians(<s_ra>), radians(<s_dec>))``
over the table and uses an index on exactly that expression; the casts to the
view's types vanish where the column already has the type.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from engine.db.identifiers import q, qualified
from engine.obscore.definition import RD_ID, extra_attributes
from rd.elements.column import Param
from rd.elements.table import AppliedMixin, Table
from rd.structure import parse_bool, parse_list
from rd.tablemeta import pos_index_expression

PUBLISH_MIXINS = frozenset({"publish", "publishSIAP", "publishSSAPMIXC", "publishSSAPHCD",
                            "publishObscoreLike"})
# Mixin parameters that are not ivoa.obscore columns.
_SETTINGS = frozenset({"createDIDIndex", "extra_columns"})

_STRING = re.compile(r"'(?:[^']|'')*'")
_QUOTED_NAME = re.compile(r'"((?:[^"]|"")+)"')
_LITERAL_OR_QUOTED = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")+")""")
_NUMERIC = frozenset({"smallint", "integer", "bigint", "real", "double precision",
                      "numeric"})
# A bare word that is no function name, no type after ::, no part of a number.
_WORD = re.compile(r"(?<![\w.$:])([A-Za-z_][A-Za-z0-9_$]*)(?!\s*\()(?![\w$])")
_SQL_WORDS = frozenset("""
    null true false and or not is in like ilike similar between case when then else
    end as cast distinct from any all some array unknown at time zone interval
    double precision real integer int smallint bigint numeric decimal text varchar
    char character boolean date timestamp spoint spoly scircle sbox varying with
    without current_date current_timestamp localtimestamp escape collate
""".split())


@dataclass(frozen=True)
class Source:
    """One table's part of ivoa.obscore, as stored in ivoa._obscoresources."""

    table: str  # schema.table, lower case
    rd_id: str
    expressions: dict[str, str]  # ivoa.obscore column -> SQL over the table
    extras: tuple[dict[str, str], ...] = ()  # extra columns (stored attributes)


def publishing_mixin(table: Table) -> AppliedMixin | None:
    """The //obscore#publish... mixin applied to ``table``, if any."""
    found = [m for m in table.applied_mixins
             if m.rd_id == RD_ID and m.ident in PUBLISH_MIXINS]
    if len(found) > 1:
        raise table.error(f"mixes in {found[0].ref} and {found[1].ref}; a table "
                          "publishes into ivoa.obscore once")
    return found[0] if found else None


def referenced_names(expression: str) -> tuple[list[str], list[str]]:
    """(regular names, delimited names) an SQL expression mentions, roughly: bare
    words that are no keywords, functions, types or numbers, and "quoted" ones."""
    text = _STRING.sub(" ", expression)
    delimited = [m.group(1).replace('""', '"') for m in _QUOTED_NAME.finditer(text)]
    text = _QUOTED_NAME.sub(" ", text)
    regular = [w for w in _WORD.findall(text) if w.lower() not in _SQL_WORDS]
    return regular, delimited


def names_only_columns(table: Table, expression: str) -> bool:
    """Whether every name ``expression`` mentions is a column of ``table``."""
    regular, delimited = referenced_names(expression)
    return (all(table.column(name) is not None for name in regular)
            and all(table.column("quoted/" + name) is not None for name in delimited))


def _literal(param: Param) -> str:
    """A param's value as an SQL literal (NULL when empty, or not a finite number
    in a numeric param)."""
    text = (param.content or "").strip()
    if param.sql_type.base in _NUMERIC:
        try:
            number = float(text)
        except ValueError:
            return "NULL"
        return repr(number) if math.isfinite(number) else "NULL"
    return "'" + text.replace("'", "''") + "'" if text else "NULL"


def with_params(table: Table, expression: str) -> str:
    """``expression`` with the bare names of the table's params that are no columns
    replaced by the params' values (strings and delimited names left alone)."""
    params = {p.name.lower(): p for p in table.params}

    def value(match: re.Match) -> str:
        name = match.group(1)
        param = params.get(name.lower())
        if param is None or table.column(name) is not None:
            return name
        return _literal(param)

    # split with one group: odd pieces are the strings and delimited names
    pieces = _LITERAL_OR_QUOTED.split(expression)
    return "".join(piece if n % 2 else _WORD.sub(value, piece)
                   for n, piece in enumerate(pieces))


def source_of(table: Table) -> Source | None:
    """What ``table`` contributes to ivoa.obscore (None: it does not publish)."""
    mixin = publishing_mixin(table)
    if mixin is None:
        return None
    if not table.on_disk:
        raise table.error(f"{mixin.ref}: only tables in the database (onDisk=\"True\") "
                          "can publish into ivoa.obscore")
    expressions = {}
    for name, value in mixin.params.items():
        value = value.strip()
        if name in _SETTINGS or not value or value.upper() == "NULL":
            continue
        if name not in mixin.given:
            value = with_params(table, value)
            if not names_only_columns(table, value):
                continue  # a default for columns this table does not have
        expressions[name] = value
    extras = []
    for name in parse_list(mixin.params.get("extra_columns", "")):
        column = table.column(name)
        if column is None:
            raise table.error(f"{mixin.ref}: extra_columns names {name!r}, which is "
                              "not a column of this table")
        extras.append(extra_attributes(column))
        expressions[column.sql_name] = q(column.sql_name)
    return Source(table.qualified_name.lower(), table.rd.rd_id, expressions,
                  tuple(extras))


def select_sql(source: Source, columns: Sequence[tuple[str, str]]) -> str:
    """The SELECT giving ``source``'s rows of ivoa.obscore; ``columns`` are the view's
    (name, SQL type) pairs, in order.  Every value is cast to the view's type, so
    that the UNION's arms agree even where one is NULL."""
    items = []
    for name, sql_type in columns:
        expression = source.expressions.get(name)
        value = f"({expression})" if expression else "NULL"
        items.append(f"CAST({value} AS {sql_type}) AS {q(name)}")
    schema, _, table = source.table.partition(".")
    return f"SELECT {', '.join(items)} FROM {qualified(schema, table)}"


def view_sql(sources: Iterable[Source], columns: Sequence[tuple[str, str]]) -> str:
    """The view's query: the sources' SELECTs, UNION ALL (no row if there are none)."""
    arms = [select_sql(s, columns) for s in sorted(sources, key=lambda s: s.table)]
    if not arms:
        empty = ", ".join(f"CAST(NULL AS {sql_type}) AS {q(name)}"
                          for name, sql_type in columns)
        return f"SELECT {empty} WHERE false"
    return "\nUNION ALL\n".join(arms)


def _plain_column(table: Table, expression: str | None) -> str | None:
    """The SQL name of the column ``expression`` is, if it is just a column."""
    if not expression:
        return None
    text = expression.strip()
    if text.startswith('"') and text.endswith('"'):
        column = table.column("quoted/" + text[1:-1].replace('""', '"'))
    else:
        column = table.column(text) if re.fullmatch(r"[A-Za-z_]\w*", text) else None
    return column.sql_name if column is not None else None


def _indexed_alone(table: Table, column: str) -> bool:
    return any(table.sql_names(index.columns[:1]) == (column,)
               for index in table.indexes if not index.meta_only)


def index_statements(table: Table, source: Source) -> list[str]:
    """CREATE INDEX statements (idempotent) on ``table`` for what queries on the view
    turn into over it, where the table's own indexes do not serve: the position
    expression, the footprint, and the DID if the RD asked (createDIDIndex)."""
    mixin = publishing_mixin(table)
    assert mixin is not None
    wanted: list[tuple[str, str, str]] = []  # (kind, method, indexed SQL)
    ra, dec = source.expressions.get("s_ra"), source.expressions.get("s_dec")
    own = table.position_index
    if ra and dec and not (own is not None and (_plain_column(table, ra), _plain_column(
            table, dec)) == (own.ra, own.dec)):
        wanted.append(("pos", "gist", pos_index_expression(
            f"CAST(({ra}) AS double precision)", f"CAST(({dec}) AS double precision)")))
    region = source.expressions.get("s_region")
    column = _plain_column(table, region)
    if region and not (column is not None and _indexed_alone(table, column)):
        wanted.append(("region", "gist", f"CAST(({region}) AS spoly)"))
    did = source.expressions.get("obs_publisher_did")
    if did and parse_bool(mixin.params.get("createDIDIndex", "False") or "False"):
        column = _plain_column(table, did)
        if column is None or not _indexed_alone(table, column):
            wanted.append(("did", "btree", f"CAST(({did}) AS text)"))
    out = []
    for kind, method, sql in wanted:
        digest = hashlib.sha1(sql.encode()).hexdigest()[:8]
        name = f"{table.id.lower()[:40]}_obscore_{kind}_{digest}"
        out.append(f"CREATE INDEX IF NOT EXISTS {q(name)} ON "
                   f"{qualified(table.schema, table.id)} USING {method} (({sql}))")
    return out


def rules(obscore: Table) -> list[tuple[str, str]]:
    """(SQL condition over a row ``q`` of the view, what it breaks) for ObsCore's
    rules as ivoa.obscore declares them: required columns, ranges, options."""
    out = []
    for column in obscore.columns:
        name = f"q.{q(column.sql_name)}"
        if column.required:
            out.append((f"{name} IS NULL", f"{column.sql_name} is NULL"))
        values = column.values
        if values is None:
            continue
        if values.min is not None and values.max is not None:
            out.append((f"{name} NOT BETWEEN {values.min} AND {values.max}",
                        f"{column.sql_name} is outside {values.min}..{values.max}"))
        options = [(o.content or "").strip() for o in values.child_elements]
        if options:
            listed = ", ".join("'" + o.replace("'", "''") + "'" for o in options)
            out.append((f"{name} NOT IN ({listed})",
                        f"{column.sql_name} is not one of {', '.join(options)}"))
    return out
