"""``dr limits``'s measurements of one table, as SQL aggregates run in PostgreSQL.

Everything is measured as an anonymous caller sees the table (the query role
with no groups, so row-level security applies): a table restricted to a group
yields no rows and no coverage, a table with rows under embargo only its
public rows.  What the registry and the forms show of a table can thus never
say more than an anonymous query could.

* one scan per chunk of columns gives the row count, each numeric column's
  extremes (NaN and infinities left out) and fill factor, and so the time and
  energy ranges (timestamp columns take one more scan);
* the percentiles come from a sample of about ``sample_rows`` rows
  (``TABLESAMPLE SYSTEM``) when the table is larger, from all rows otherwise;
* enumerated columns (``statistics=enumerate``) get their values by frequency;
* the MOC is the set of ``healpix_nest(order, position)`` cells (pg_sphere).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from engine.db.identifiers import position_expression, q, qualified
from engine.db.rowsecurity import as_caller
from engine.limits import axes
from engine.limits.store import ColumnStats, TableLimits
from rd.elements.column import Column
from rd.elements.table import Table
from rd.moc import Moc

CHUNK = 300  # columns per aggregate query (PostgreSQL allows 1,664 result columns)
MAX_VALUES = 1000  # values kept of an enumerated column
PERCENTILES = "ARRAY[0.03, 0.5, 0.97]"
FLOATS = frozenset({"real", "double precision", "numeric"})


@dataclass(frozen=True)
class Options:
    moc_order: int = 6
    sample_rows: int = 1_000_000


DEFAULTS = Options()


def _numeric(table: Table) -> list[Column]:
    return [c for c in table.columns
            if c.sql_type.base in axes.NUMERIC and not c.sql_type.is_array
            and c.property("statistics").lower() != "no"]


def _finite(column: Column) -> str:
    name = q(column.sql_name)
    if column.sql_type.base in FLOATS:
        return f"{name} > '-Infinity' AND {name} < 'Infinity'"
    return f"{name} IS NOT NULL"


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _extremes(cur, source: str, columns: list[Column]) -> tuple[int, dict]:
    """Row count and, per column, (min, max, non-null count); one scan per chunk."""
    rows, found = 0, {}
    for chunk in _chunks(columns, CHUNK) if columns else [[]]:
        terms = ["count(*)"]
        for col in chunk:
            finite = _finite(col)
            terms += [f"min({q(col.sql_name)}) FILTER (WHERE {finite})",
                      f"max({q(col.sql_name)}) FILTER (WHERE {finite})",
                      f"count({q(col.sql_name)})"]
        cur.execute(f"SELECT {', '.join(terms)} FROM {source}")
        result = cur.fetchone()
        rows = result[0]
        for i, col in enumerate(chunk):
            found[col.sql_name] = result[1 + 3 * i:4 + 3 * i]
    return rows, found


def _percentiles(cur, source: str, columns: list[Column]) -> dict[str, list]:
    found = {}
    for chunk in _chunks(columns, CHUNK):
        terms = [f"percentile_disc({PERCENTILES}) WITHIN GROUP (ORDER BY "
                 f"{q(c.sql_name)}) FILTER (WHERE {_finite(c)})" for c in chunk]
        cur.execute(f"SELECT {', '.join(terms)} FROM {source}")
        for col, values in zip(chunk, cur.fetchone(), strict=True):
            found[col.sql_name] = values or [None, None, None]
    return found


def _enumerated(cur, source: str, column: Column, rows: int
                ) -> tuple[tuple, tuple, float]:
    """The values (the most frequent MAX_VALUES), their shares of the rows, and the
    share of rows with a value."""
    name = q(column.sql_name)
    cur.execute(f"SELECT {name}::text, count(*), sum(count(*)) OVER () FROM {source} "
                f"WHERE {name} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 "
                f"LIMIT {MAX_VALUES}")
    found = cur.fetchall()
    filled = float(found[0][2]) / rows if found else 0.0
    return (tuple(v for v, _, _ in found), tuple(n / rows for _, n, _ in found), filled)


def _range(cur, source: str, axis: axes.Axis, convert, extremes: dict
           ) -> tuple[float, float] | None:
    """The smallest lower and the largest upper end of ``axis``, converted; the
    extremes scan has those of numeric columns, the others (timestamps) take one
    more scan."""
    ends: list[float] = []
    wanted = [(col, "min", 0) for col in axis.lower] + [(col, "max", 1) for col in axis.upper]
    missing = [(col, agg) for col, agg, _ in wanted if col.sql_name not in extremes]
    found = {}
    if missing:
        terms = [f"{agg}({expr}) FILTER (WHERE {expr} > '-Infinity' AND "
                 f"{expr} < 'Infinity')"
                 for col, agg in missing for expr in [axes.number_sql(col)]]
        cur.execute(f"SELECT {', '.join(terms)} FROM {source}")
        found = {(col.sql_name, agg): value
                 for (col, agg), value in zip(missing, cur.fetchone(), strict=True)}
    for col, agg, end in wanted:
        value = (extremes[col.sql_name][end] if col.sql_name in extremes
                 else found[(col.sql_name, agg)])
        if value is not None and (converted := convert(col, float(value))) is not None:
            ends.append(converted)
    return (min(ends), max(ends)) if ends else None


def _moc(cur, source: str, table: Table, order: int) -> Moc | None:
    position = axes.position(table)
    if position is not None:
        ra, dec = q(position.ra), q(position.dec)
        point = position_expression(position)
        valid = (f"{ra} > '-Infinity' AND {ra} < 'Infinity' "
                 f"AND {dec} BETWEEN -90 AND 90")
    elif (column := axes.point_column(table)) is not None:
        point = q(column.sql_name)
        valid = f"{point} IS NOT NULL"
    else:
        return None
    cur.execute(f"SELECT DISTINCT healpix_nest({int(order)}, {point}) FROM {source} "
                f"WHERE {valid}")
    return Moc.from_cells(order, (row[0] for row in cur.fetchall()))


def _sampled(cur, table: Table, rows: int, sample_rows: int) -> str:
    """The FROM clause for the percentiles: a sample of a large table (plain or
    partitioned; not a view)."""
    source = qualified(table.schema, table.id)
    if rows <= sample_rows:
        return source
    cur.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", (source,))
    kind = cur.fetchone()
    if kind is None or kind[0] not in ("r", "p"):  # p: partitioned, sampled per partition
        return source
    percent = max(0.01, min(100.0, 100.0 * sample_rows / rows))
    return f"{source} TABLESAMPLE SYSTEM ({percent:.4f}) REPEATABLE (0)"


def survey(conn, table: Table, options: Options = DEFAULTS) -> TableLimits:
    """Measure ``table`` (read-only, in a transaction of its own, rolled back)."""
    source = qualified(table.schema, table.id)
    try:
        with conn.cursor() as cur:
            as_caller(cur, ())
            numeric = _numeric(table)
            rows, extremes = _extremes(cur, source, numeric)
            sample = _sampled(cur, table, rows, options.sample_rows)
            percentiles = _percentiles(cur, sample, numeric) if rows else {}
            columns = {}
            for col in numeric:
                low, high, filled = extremes[col.sql_name]
                p03, median, p97 = percentiles.get(col.sql_name, [None] * 3)
                columns[col.sql_name] = ColumnStats(
                    col.sql_name, filled / rows if rows else 0.0,
                    *(None if v is None else float(v)
                      for v in (low, high, p03, median, p97)))
            for col in table.columns:
                if col.property("statistics").lower() == "enumerate" and rows:
                    values, freqs, filled = _enumerated(cur, source, col, rows)
                    base = columns.get(col.sql_name)
                    fill = filled if base is None else base.fill
                    columns[col.sql_name] = ColumnStats(
                        col.sql_name, fill, *(() if base is None else (
                            base.minimum, base.maximum, base.p03, base.median,
                            base.p97)), values=values, freqs=freqs)
            time_axis, energy_axis = axes.time_axis(table), axes.spectral_axis(table)
            time = (_range(cur, source, time_axis, axes.to_mjd, extremes)
                    if time_axis and rows else None)
            energy = (_range(cur, source, energy_axis, axes.to_joules, extremes)
                      if energy_axis and rows else None)
            moc = _moc(cur, source, table, options.moc_order) if rows else None
    finally:
        conn.rollback()
    return TableLimits(table.qualified_name.lower(), rows, moc or None, time, energy,
                       columns=columns)
