"""The tables TAP can reach: imported RD tables marked adql, plus TAP_SCHEMA itself,
ivoa.obscore and the provenance views (engine/provenance).

Keys are lower-case qualified names, as the ADQL translator wants them.
``hidden`` tables are queryable but not listed in TAP_SCHEMA or /tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from engine.db.metadata import apply_recorded_audience, served_metadata
from engine.obscore import served_table
from engine.provenance import provenance_rd
from rd.elements.resource import Resource
from rd.elements.table import Table
from rd.errors import DRError
from rd.loader import all_rd_files, load_rd_file
from rd.reader import SYSTEM_DIR
from rd.tablemeta import TableMeta

TAP_RD_ID = "__system__/tap"


@cache
def tap_schema_rd() -> Resource:
    """rd/system/tap.rd: the TAP_SCHEMA tables, which TAP also describes and serves."""
    return load_rd_file(SYSTEM_DIR / "tap.rd", TAP_RD_ID)


def queryable_tables(rds: Iterable[Resource], imported: Mapping[str, object],
                     obscore_table: Table | None = None) -> list[Table]:
    """RD tables marked adql (True or hidden) that exist in the database, and
    ``obscore_table`` (ivoa.obscore as it is now: engine.obscore.served_table)."""
    tables = [t for t in tap_schema_rd().tables]
    tables += [t for t in provenance_rd().tables if t.qualified_name.lower() in imported]
    if obscore_table is not None and obscore_table.qualified_name.lower() in imported:
        tables.append(obscore_table)
    for rd in rds:
        tables += [t for t in rd.tables
                   if t.adql in ("True", "hidden") and t.qualified_name.lower() in imported]
    return tables


def table_map(tables: Iterable[TableMeta], user_groups: frozenset[str] = frozenset()
              ) -> dict[str, TableMeta]:
    """Lower-case qualified name -> metadata, for the tables this user may read."""
    return {meta.qualified_name.lower(): meta for meta in tables
            if not meta.read_groups or meta.read_groups & user_groups}


def load_tap_tables(inputs_dir, conn) -> list[TableMeta]:
    """The queryable tables as served, read afresh (for worker processes, which
    have no site state).

    RDs that fail to load are left out, as the server leaves them out.
    """
    with conn.cursor() as cur:
        cur.execute("SELECT table_name, unicode_columns, read_groups FROM dc.tables")
        imported = {row[0]: {"unicode_columns": row[1], "read_groups": row[2]}
                    for row in cur.fetchall()}
    rds = []
    for path in all_rd_files(inputs_dir):
        try:
            rds.append(load_rd_file(path, str(path.relative_to(inputs_dir).with_suffix(""))))
        except DRError:
            continue
        apply_recorded_audience(rds[-1].tables, imported)
    return [served_metadata(t, imported.get(t.qualified_name.lower()))
            for t in queryable_tables(rds, imported, served_table(conn))]
