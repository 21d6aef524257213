"""The embedded read replica: a hot standby of the embedded cluster, under <state>/replica.

``dr db replica`` makes it: the primary gets WAL fit for replication (it
restarts once if it ran with ``wal_level = minimal``, which the embedded
cluster uses without a standby for faster bulk loads), a ``local
replication`` line in pg_hba.conf, and a replication slot, so that a standby
that was stopped catches up when it starts again (up to
``max_slot_wal_keep_size`` of WAL; beyond that it must be made anew).
``pg_basebackup -R`` then copies the primary into ``replica/pgdata``, and the
standby runs like the primary itself (same user, same port number) with its
socket in a directory of its own.
"""

from __future__ import annotations

from pathlib import Path

import psycopg2

from engine.db.cluster import PORT, SUPERUSER, Cluster
from engine.db.dsn import make_dsn
from engine.db.pgbin import PgBinaries, find_binaries
from engine.errors import ClusterError

REPLICA_DIR = "replica"
SLOT = "dr_replica"
APPLICATION_NAME = "dr_replica"  # the standby's name in the primary's pg_stat_replication

# On both servers: a hot standby needs these no lower than on its primary.
REPLICATION_SETTINGS: dict[str, str] = {
    "wal_level": "replica",
    "max_wal_senders": "10",
    "max_replication_slots": "10",
    "max_slot_wal_keep_size": "'8GB'",
    "hot_standby": "on",
    # The standby tells the primary which rows its queries still see, so that
    # VACUUM there does not cancel them; and reports its position every second.
    "hot_standby_feedback": "on",
    "wal_receiver_status_interval": "'1s'",
}
HBA_LINE = "local   replication     all                                     trust\n"


def replica_state_dir(state_dir: Path) -> Path:
    return Path(state_dir) / REPLICA_DIR


def has_standby(state_dir: Path) -> bool:
    """Whether ``dr db replica`` made a standby in this state directory."""
    return (replica_state_dir(state_dir) / "pgdata" / "PG_VERSION").exists()


def keeps_wal_for_standby(state_dir: Path) -> bool:
    """Whether the primary needs WAL for a standby: it has one, or the standby's
    replication slot is left (PostgreSQL refuses to start with a slot and
    ``wal_level = minimal``; once the slot is dropped the primary goes back to
    minimal WAL at its next start)."""
    return (has_standby(state_dir)
            or (Path(state_dir) / "pgdata" / "pg_replslot" / SLOT).exists())


class Standby(Cluster):
    """The embedded standby of ``primary``; ``init()`` makes it by a base backup."""

    def __init__(self, primary: Cluster, *, pg_bin_dir: str = "",
                 user: str = "postgres") -> None:
        super().__init__(replica_state_dir(primary.state_dir), pg_bin_dir=pg_bin_dir,
                         user=user, settings=REPLICATION_SETTINGS)
        self.primary = primary

    def _binaries(self) -> PgBinaries:
        return find_binaries(self._pg_bin_dir, self.major() or self.primary.major())

    def _init_locked(self) -> None:
        """Copy the running primary with pg_basebackup and start the copy."""
        binaries = self._binaries()
        runner = self._runner()
        self._check_owner(runner)
        self._prepare_dir(self.data_dir, runner, 0o700)
        self._check_reachable(runner)
        _drop_stale_slot(self.primary)
        source = make_dsn(host=str(self.primary.socket_dir), port=PORT, user=SUPERUSER,
                          application_name=APPLICATION_NAME)
        self._run(runner, [
            binaries.tool("pg_basebackup"), "-D", str(self.data_dir), "-d", source,
            "-R", "-X", "stream", "-c", "fast", "-C", "-S", SLOT,
            # The copy starts from a running server's state, so the standby syncs
            # its whole data directory when it first starts: no need to twice.
            "--no-sync",
        ], "pg_basebackup")
        self._start_locked()

    def _create_database(self) -> None:
        """The database came with the base backup."""


def prepare_primary(primary: Cluster) -> bool:
    """Make the running or stopped ``primary`` (built with REPLICATION_SETTINGS)
    serve a standby; True if it had to restart for that."""
    if not primary.is_initialized():
        raise ClusterError("there is no embedded cluster to replicate yet",
                           hint="dr init creates it")
    _allow_local_replication(primary.data_dir / "pg_hba.conf")
    if not primary.is_running():
        primary.start()
        return False
    with psycopg2.connect(primary.dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT current_setting('wal_level'), "
                    "current_setting('max_wal_senders')::int")
        wal_level, senders = cur.fetchone()
        cur.execute("SELECT pg_reload_conf()")  # for the pg_hba.conf line
    conn.close()
    if wal_level != "minimal" and senders >= 2:
        return False
    primary.stop()
    primary.start()
    return True


def _allow_local_replication(hba: Path) -> None:
    """Let replication connections in over the Unix socket (initdb --auth=trust
    writes such a line; an edited pg_hba.conf may lack it)."""
    lines = hba.read_text().splitlines()
    for line in lines:
        words = line.split("#", 1)[0].split()
        if words[:2] == ["local", "replication"]:
            return
    with open(hba, "a") as handle:
        handle.write(HBA_LINE)


def _drop_stale_slot(primary: Cluster) -> None:
    """Drop the slot of an earlier standby of this state directory that is gone."""
    conn = psycopg2.connect(primary.dsn)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_drop_replication_slot(slot_name) "
                        "FROM pg_replication_slots WHERE slot_name = %s AND NOT active",
                        (SLOT,))
    finally:
        conn.close()


def replication_report(primary: Cluster, standby: Cluster) -> list[str]:
    """Lines for ``dr db status``: how the standby follows the primary."""
    lines = []
    try:
        with psycopg2.connect(primary.dsn) as conn, conn.cursor() as cur:
            cur.execute("SELECT state, pg_wal_lsn_diff(pg_current_wal_flush_lsn(), "
                        "replay_lsn)::bigint, replay_lag FROM pg_stat_replication "
                        "WHERE application_name = %s", (APPLICATION_NAME,))
            row = cur.fetchone()
        conn.close()
    except psycopg2.Error as exc:
        return [f"  replication: unknown ({str(exc).strip()})"]
    if row is None:
        lines.append("  replication: not connected to the primary")
    else:
        state, behind, lag = row
        lines.append(f"  replication: {state}, {behind or 0} bytes of WAL behind"
                     + (f", replay lag {lag}" if lag is not None else ""))
    try:
        with psycopg2.connect(standby.dsn) as conn, conn.cursor() as cur:
            cur.execute("SELECT pg_is_wal_replay_paused()")
            if cur.fetchone()[0]:
                lines.append("  replay:      paused (SELECT pg_wal_replay_resume())")
        conn.close()
    except psycopg2.Error:
        pass
    return lines
