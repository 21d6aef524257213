"""The database a configuration names: the embedded cluster or a configured DSN."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg2

from engine.config import Config
from engine.db.cluster import Cluster
from engine.db.standby import REPLICATION_SETTINGS, Standby, has_standby, keeps_wal_for_standby
from engine.errors import DatabaseError


def embedded_cluster(cfg: Config, *, replicated: bool | None = None) -> Cluster:
    """The embedded cluster; with WAL for a standby when it has one (or ``replicated``)."""
    if replicated is None:
        replicated = keeps_wal_for_standby(cfg.state_dir)
    return Cluster(cfg.state_dir, pg_bin_dir=cfg.db.pg_bin_dir, user=cfg.db.cluster_user,
                   settings=REPLICATION_SETTINGS if replicated else None)


def embedded_standby(cfg: Config) -> Standby | None:
    """The embedded read replica ``dr db replica`` made, if any (None with a DSN)."""
    if cfg.db.dsn or not has_standby(cfg.state_dir):
        return None
    return Standby(embedded_cluster(cfg, replicated=True), pg_bin_dir=cfg.db.pg_bin_dir,
                   user=cfg.db.cluster_user)


def replica_dsn(cfg: Config) -> str:
    """Where read-only user queries may go: [db] replicaDsn, else the embedded
    standby's socket, else '' (no replica: everything goes to the primary)."""
    if cfg.db.replica_dsn:
        return cfg.db.replica_dsn
    standby = embedded_standby(cfg)
    return standby.dsn if standby is not None else ""


@dataclass
class Database:
    """Where DR's data lives: a DSN, and the cluster behind it when embedded."""

    dsn: str
    cluster: Cluster | None = None

    def connect(self) -> psycopg2.extensions.connection:
        try:
            return psycopg2.connect(self.dsn)
        except psycopg2.OperationalError as exc:
            where = "the embedded cluster" if self.cluster else "the configured [db] dsn"
            raise DatabaseError(
                f"cannot connect to {where}: {str(exc).strip()}",
                hint="dr db status tells whether the cluster runs" if self.cluster
                else "check [db] dsn in the configuration") from None


def open_database(cfg: Config, *, start: bool = True) -> Database:
    """The configured database; with ``start``, an embedded cluster is started on demand."""
    if cfg.db.dsn:
        return Database(cfg.db.dsn)
    cluster = embedded_cluster(cfg)
    if start:
        cluster.start()
    return Database(cluster.dsn, cluster)
