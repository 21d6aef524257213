"""What ``dr limits`` found, kept in ``dc.table_limits`` and ``dc.column_stats``.

A table's limits are its row count, its coverage (a MOC, a time range in MJD,
an energy range in Joules) and, per column, simple statistics: the extremes,
the 3rd, 50th and 97th percentiles and the fraction of rows with a value, and
for columns marked ``<property name="statistics">enumerate</property>`` the
values found with their frequencies.  The server reads them all when it loads
the RDs (registry records, form hints); nothing here is computed on a request.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from rd.moc import Moc

# Step 10 of engine/install.py.
INSTALL_SQL = """
CREATE TABLE dc.table_limits (
    table_name text PRIMARY KEY,          -- schema.table, lower case
    nrows bigint NOT NULL,                -- the rows an anonymous caller reads
    moc text,                             -- ASCII MOC of the positions
    moc_order smallint,
    t_min double precision,               -- MJD
    t_max double precision,
    energy_min double precision,          -- Joules
    energy_max double precision,
    computed timestamptz NOT NULL DEFAULT date_trunc('second', now()));
CREATE TABLE dc.column_stats (
    table_name text NOT NULL REFERENCES dc.table_limits ON DELETE CASCADE,
    column_name text NOT NULL,            -- SQL name
    min_value double precision,
    max_value double precision,
    percentile03 double precision,
    median double precision,
    percentile97 double precision,
    fill_factor real NOT NULL,
    vals text[],                          -- enumerated columns: the values found,
    freqs real[],                         -- most frequent first, and their shares
    PRIMARY KEY (table_name, column_name));
"""


@dataclass(frozen=True)
class ColumnStats:
    column: str  # the SQL name
    fill: float
    minimum: float | None = None
    maximum: float | None = None
    p03: float | None = None
    median: float | None = None
    p97: float | None = None
    values: tuple[str, ...] = ()
    freqs: tuple[float, ...] = ()


@dataclass(frozen=True)
class TableLimits:
    table: str  # schema.table, lower case
    rows: int
    moc: Moc | None = None
    time: tuple[float, float] | None = None      # MJD
    energy: tuple[float, float] | None = None    # Joules
    computed: datetime.datetime | None = None
    columns: dict[str, ColumnStats] = field(default_factory=dict)


def save(cur, limits: TableLimits) -> None:
    """Replace what is kept for ``limits.table``."""
    cur.execute("DELETE FROM dc.table_limits WHERE table_name = %s", (limits.table,))
    time = limits.time or (None, None)
    energy = limits.energy or (None, None)
    cur.execute(
        "INSERT INTO dc.table_limits (table_name, nrows, moc, moc_order, t_min, t_max, "
        "energy_min, energy_max) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        (limits.table, limits.rows, limits.moc.ascii() if limits.moc else None,
         limits.moc.depth if limits.moc else None, *time, *energy))
    for s in limits.columns.values():
        cur.execute(
            "INSERT INTO dc.column_stats VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (limits.table, s.column, s.minimum, s.maximum, s.p03, s.median, s.p97,
             s.fill, list(s.values) or None, list(s.freqs) or None))


def forget(cur, table_names: list[str]) -> None:
    """Drop what is kept for these tables (dr drop)."""
    cur.execute("DELETE FROM dc.table_limits WHERE table_name = ANY(%s)",
                ([n.lower() for n in table_names],))


def load_all(cur) -> dict[str, TableLimits]:
    """Every table's limits, by table name (empty before install step 10)."""
    cur.execute("SELECT to_regclass('dc.table_limits')")
    if cur.fetchone()[0] is None:
        return {}
    columns: dict[str, dict[str, ColumnStats]] = {}
    cur.execute("SELECT table_name, column_name, fill_factor, min_value, max_value, "
                "percentile03, median, percentile97, vals, freqs FROM dc.column_stats")
    for row in cur.fetchall():
        columns.setdefault(row[0], {})[row[1]] = ColumnStats(
            row[1], row[2], *row[3:8], tuple(row[8] or ()), tuple(row[9] or ()))
    cur.execute("SELECT table_name, nrows, moc, t_min, t_max, energy_min, energy_max, "
                "computed FROM dc.table_limits")
    found = {}
    for name, rows, moc, t_min, t_max, e_min, e_max, computed in cur.fetchall():
        found[name] = TableLimits(
            name, rows, Moc.parse(moc) if moc else None,
            (t_min, t_max) if t_min is not None else None,
            (e_min, e_max) if e_min is not None else None, computed,
            columns.get(name, {}))
    return found
