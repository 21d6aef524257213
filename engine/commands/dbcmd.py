"""``dr init`` and ``dr db start|stop|status|dsn|psql|replica``: the database DR works on.

The embedded read replica (``dr db replica``, engine/db/standby.py) starts,
stops and reports with the embedded cluster.
"""

from __future__ import annotations

import argparse
import os
import shutil

from engine.config import Config
from engine.db.connect import embedded_cluster, embedded_standby, open_database
from engine.db.extensions import ensure_extensions
from engine.db.standby import Standby, prepare_primary, replication_report
from engine.errors import DatabaseError


def cmd_init(cfg: Config, args: argparse.Namespace) -> int:
    from engine.install import install_system_schema  # heavy: only for dr init

    db = open_database(cfg, start=False)
    if db.cluster is not None:
        created = db.cluster.init()
        print(("created" if created else "found") + f" the embedded cluster in "
              f"{db.cluster.data_dir}")
    conn = db.connect()
    try:
        version = ensure_extensions(conn)
        install_system_schema(conn)
    finally:
        conn.close()
    print(f"database ready (pg_sphere {version}); dsn: {db.dsn}")
    return 0


def cmd_start(cfg: Config, args: argparse.Namespace) -> int:
    db = open_database(cfg, start=False)
    if db.cluster is None:
        print("a DSN is configured; DR does not manage that server")
        return 0
    started = db.cluster.start()
    print("started" if started else "already running")
    standby = embedded_standby(cfg)
    if standby is not None:
        print("replica " + ("started" if standby.start() else "already running"))
    return 0


def cmd_stop(cfg: Config, args: argparse.Namespace) -> int:
    db = open_database(cfg, start=False)
    if db.cluster is None:
        print("a DSN is configured; DR does not manage that server")
        return 0
    standby = embedded_standby(cfg)
    if standby is not None:
        print("replica " + ("stopped" if standby.stop() else "not running"))
    print("stopped" if db.cluster.stop() else "not running")
    return 0


def cmd_status(cfg: Config, args: argparse.Namespace) -> int:
    db = open_database(cfg, start=False)
    if db.cluster is None:
        print(f"database: configured server ({db.dsn})")
    else:
        st = db.cluster.status()
        print(f"cluster: {st.data_dir}")
        print(f"  initialized: {'yes' if st.initialized else 'no (dr init creates it)'}")
        if st.initialized:
            print(f"  PostgreSQL:  {st.major}")
            print(f"  running:     {f'yes, pid {st.pid}' if st.running else 'no'}")
            print(f"  socket dir:  {st.socket_dir}")
        _print_replica_status(cfg)
        if not st.running:
            return 3
    print(f"dsn: {db.dsn}")
    try:
        conn = db.connect()
    except DatabaseError as exc:
        print(f"connection: failed: {exc.message}")
        return 1
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        server = cur.fetchone()[0]
        cur.execute("SELECT extversion FROM pg_extension WHERE extname = 'pg_sphere'")
        row = cur.fetchone()
    conn.close()
    print(f"server: PostgreSQL {server}; pg_sphere "
          + (row[0] if row else "not installed (dr init installs it)"))
    return 0


def _print_replica_status(cfg: Config) -> None:
    standby = embedded_standby(cfg)
    if standby is None:
        return
    st = standby.status()
    print(f"replica: {st.data_dir}")
    print(f"  running:     {f'yes, pid {st.pid}' if st.running else 'no'}")
    print(f"  socket dir:  {st.socket_dir}")
    if st.running and standby.primary.is_running():
        print("\n".join(replication_report(standby.primary, standby)))


def cmd_replica(cfg: Config, args: argparse.Namespace) -> int:
    """Make (or start) the embedded read replica, a hot standby of the cluster."""
    if cfg.db.dsn:
        raise DatabaseError("a DSN is configured; DR makes a replica only of its "
                            "embedded cluster",
                            hint="set [db] replicaDsn to a standby of that server")
    primary = embedded_cluster(cfg, replicated=True)
    if prepare_primary(primary):
        print("restarted the cluster with WAL for replication (wal_level = replica)")
    standby = Standby(primary, pg_bin_dir=cfg.db.pg_bin_dir, user=cfg.db.cluster_user)
    created = standby.init()
    print(("created" if created else "found") + f" the read replica in {standby.data_dir}")
    print(f"replica dsn: {standby.dsn}")
    return 0


def cmd_dsn(cfg: Config, args: argparse.Namespace) -> int:
    print(open_database(cfg, start=False).dsn)
    return 0


def cmd_psql(cfg: Config, args: argparse.Namespace) -> int:
    db = open_database(cfg)
    psql = shutil.which("psql")
    if psql is None:
        raise DatabaseError("psql is not installed",
                            hint="apt-get install postgresql-client")
    os.execv(psql, [psql, db.dsn, *args.extra])
    return 0  # not reached


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create the embedded cluster and DR's system tables")
    p.set_defaults(func=cmd_init)

    db = sub.add_parser("db", help="manage the database").add_subparsers(
        dest="db_command", required=True, metavar="start|stop|status|dsn|psql|replica")
    db.add_parser("start", help="start the embedded cluster").set_defaults(
        func=cmd_start)
    db.add_parser("stop", help="stop the embedded cluster").set_defaults(func=cmd_stop)
    db.add_parser("status", help="say whether the database runs").set_defaults(
        func=cmd_status)
    db.add_parser("dsn", help="print the libpq connection string").set_defaults(
        func=cmd_dsn)
    db.add_parser("replica", help="make a streaming-replication standby of the "
                  "embedded cluster for read-only queries").set_defaults(func=cmd_replica)
    p = db.add_parser("psql", help="open psql on DR's database (further arguments "
                      "go to psql)")
    p.set_defaults(func=cmd_psql, passes_extra=True)
