"""Tables partitioned by HEALPix index (``//scs#healpix-partitions``): DDL, indexes, swap.

The parent is ``PARTITION BY RANGE ((healpix_nest(order, spoint(...))))`` on
the expression of rd.tablemeta.partition_key_expression; its partitions are
``<name>_p00``… (contiguous cell ranges, the first from MINVALUE and the last
to MAXVALUE) and ``<name>_pnull``, the default partition, where rows without
a position land.  Indexes made on the parent are made on (or, when a matching
one exists, attached from) every partition; the primary key is one per
partition (see rd/partitioning.py).  At the swap the partitions and their
indexes take names after the live table, so every import's names are the same.
"""

from __future__ import annotations

from engine.db.identifiers import column_list, position_expression, q, qualified
from engine.ingest import ddl
from engine.ingest.dependents import drop_relation, restore, views_over
from rd import partitioning
from rd.elements.table import Table
from rd.tablemeta import HealpixPartitions, partition_key_expression

NULL_PARTITION = "_pnull"


def key_sql(table: Table, spec: HealpixPartitions) -> str:
    return partition_key_expression(spec.order, position_expression(table.position_index))


def partition_names(name: str, spec: HealpixPartitions) -> list[str]:
    """The partitions of the partitioned table ``name``: the ranges, then the default."""
    width = len(str(spec.count - 1))
    return [ddl.index_name_with(name.lower(), f"_p{k:0{width}d}")
            for k in range(spec.count)] + [ddl.index_name_with(name.lower(),
                                                               NULL_PARTITION)]


def partition_statements(table: Table, schema: str, name: str) -> list[str]:
    """CREATE TABLE … PARTITION OF for each partition of ``schema.name``."""
    spec = partitioning.of(table)
    assert spec is not None
    bounds = [str(b) for b in spec.bounds()]
    bounds[0], bounds[-1] = "MINVALUE", "MAXVALUE"
    parent = qualified(schema, name)
    names = partition_names(name, spec)
    out = [f"CREATE TABLE {qualified(schema, part)} PARTITION OF {parent} "
           f"FOR VALUES FROM ({bounds[k]}) TO ({bounds[k + 1]})"
           for k, part in enumerate(names[:-1])]
    out.append(f"CREATE TABLE {qualified(schema, names[-1])} PARTITION OF {parent} "
               "DEFAULT")
    return out


def create(cur, table: Table, name: str | None = None, *, schema: str | None = None,
           source_column: bool = False) -> None:
    """CREATE TABLE for ``table`` under ``name`` (in ``schema``), partitioned when the
    RD says so."""
    sql = ddl.create_table(table, name, source_column=source_column)
    spec = partitioning.of(table)
    if schema is not None:
        sql = sql.replace(qualified(table.schema, name or table.id),
                          qualified(schema, name or table.id), 1)
    if spec is None:
        cur.execute(sql)
        return
    cur.execute(f"{sql} PARTITION BY RANGE (({key_sql(table, spec)}))")
    for statement in partition_statements(table, schema or table.schema,
                                          name or table.id):
        cur.execute(statement)


def partitions_of(cur, schema: str, name: str) -> list[str]:
    """The names of the partitions of ``schema.name``, in name order."""
    cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON "
                "c.oid = i.inhrelid WHERE i.inhparent = to_regclass(%s) "
                "ORDER BY c.relname", (qualified(schema, name),))
    return [row[0] for row in cur.fetchall()]


def primary_keys(cur, table: Table, schema: str, name: str) -> None:
    """A primary key on each partition of ``schema.name`` that has none yet."""
    if not table.primary:
        return
    cols = column_list(table.sql_names(table.primary))
    for part in partitions_of(cur, schema, name):
        cur.execute("SELECT 1 FROM pg_constraint WHERE contype = 'p' AND "
                    "conrelid = to_regclass(%s)", (qualified(schema, part),))
        if cur.fetchone() is None:
            cur.execute(f"ALTER TABLE {qualified(schema, part)} ADD CONSTRAINT "
                        f"{q(ddl.index_name_with(part, '_pkey'))} PRIMARY KEY ({cols})")


def build_indexes(cur, table: Table, on_name: str, suffix: str) -> bool:
    """The indexes of a partitioned table (False, doing nothing, for another table)."""
    if partitioning.of(table) is None:
        return False
    primary_keys(cur, table, table.schema, on_name)
    for _, sql in ddl.index_statements(table, on_name, suffix):
        cur.execute(sql)
    # CLUSTER refuses partitioned tables; a cluster="True" index is built unclustered.
    cur.execute(f"ANALYZE {qualified(table.schema, on_name)}")
    return True


def swap_in(cur, table: Table, staging_suffix: str) -> bool:
    """Replace the live table by its staged, partitioned version (False, doing
    nothing, for a table that is not partitioned)."""
    spec = partitioning.of(table)
    if spec is None:
        return False
    schema, name = table.schema, table.id.lower()
    live = qualified(schema, name)
    kept = views_over(cur, live)
    drop_relation(cur, live)
    staging = name + staging_suffix
    cur.execute(f"ALTER TABLE {qualified(schema, staging)} RENAME TO {q(name)}")
    for index, _ in ddl.index_statements(table):
        cur.execute(f"ALTER INDEX {q(schema)}."
                    f"{q(ddl.index_name_with(index, staging_suffix))} RENAME TO {q(index)}")
    for old, new in zip(partition_names(staging, spec), partition_names(name, spec),
                        strict=True):
        cur.execute(f"ALTER TABLE {qualified(schema, old)} RENAME TO {q(new)}")
        rename_indexes(cur, schema, new)
    restore(cur, kept, live)
    return True


def rename_indexes(cur, schema: str, part: str) -> None:
    """Name the indexes of partition ``part`` after it: ``<parent index>_<suffix>`` for
    those of the parent's indexes, ``<part>_pkey`` for its primary key."""
    suffix = part.rsplit("_", 1)[-1]
    cur.execute("SELECT i.relname, p.relname, x.indisprimary FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid "
                "LEFT JOIN pg_inherits h ON h.inhrelid = x.indexrelid "
                "LEFT JOIN pg_class p ON p.oid = h.inhparent "
                "WHERE x.indrelid = to_regclass(%s) ORDER BY i.relname",
                (qualified(schema, part),))
    for index, parent, primary in cur.fetchall():
        wanted = (ddl.index_name_with(part, "_pkey") if primary else
                  ddl.index_name_with(parent, f"_{suffix}") if parent else index)
        if wanted != index:
            cur.execute(f"ALTER INDEX {q(schema)}.{q(index)} RENAME TO {q(wanted)}")
