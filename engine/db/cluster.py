"""DR's embedded PostgreSQL: a private cluster under the state directory.

Created with ``initdb`` and run with ``pg_ctl``, listening only on a Unix socket.
As root, the binaries run as an unprivileged user (``[db] clusterUser``) through
``runuser``, because PostgreSQL refuses to run as root.  Cluster operations hold
a lock file so concurrent ``dr`` commands on one state directory do not race.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pwd
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from engine.db.dsn import make_dsn
from engine.db.extensions import ensure_extensions
from engine.db.pgbin import PgBinaries, RunAs, cluster_user, find_binaries
from engine.errors import ClusterError

DB_NAME = "dr"
SUPERUSER = "dr"
PORT = 5432
# sun_path is 108 bytes including the terminating NUL.
MAX_SOCKET_PATH = 107
SOCKET_NAME = f".s.PGSQL.{PORT}"

# Settings for a private, single-purpose cluster: no TCP, and bulk loads that
# skip WAL for tables created in the loading transaction (wal_level=minimal).
BASE_SETTINGS: dict[str, str] = {
    "listen_addresses": "''",
    "port": str(PORT),
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_wal_size": "'4GB'",
    "checkpoint_timeout": "'15min'",
    "maintenance_work_mem": "'256MB'",
    "work_mem": "'16MB'",
    "shared_buffers": "'256MB'",
    "log_min_messages": "warning",
    "log_line_prefix": "'%m [%p] '",
}


@dataclass(frozen=True)
class ClusterStatus:
    initialized: bool
    running: bool
    pid: int | None
    data_dir: Path
    socket_dir: Path
    major: int | None


def socket_dir_for(state_dir: Path) -> Path:
    """``<state>/run`` when its socket path fits in sun_path, else a short /tmp dir."""
    preferred = state_dir / "run"
    if len(str(preferred / SOCKET_NAME).encode()) <= MAX_SOCKET_PATH:
        return preferred
    digest = hashlib.sha1(str(state_dir).encode()).hexdigest()[:12]
    return Path("/tmp") / f"dr-{digest}"


class Cluster:
    """The embedded cluster of one state directory."""

    def __init__(
        self,
        state_dir: Path,
        *,
        pg_bin_dir: str = "",
        user: str = "postgres",
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self.state_dir = Path(state_dir)
        self.data_dir = self.state_dir / "pgdata"
        self.socket_dir = socket_dir_for(self.state_dir)
        self.log_file = self.data_dir / "server.log"
        self._pg_bin_dir = pg_bin_dir
        self._user_name = user
        self._settings = dict(BASE_SETTINGS, **(settings or {}))

    # -- facts ---------------------------------------------------------------

    @property
    def dsn(self) -> str:
        return make_dsn(host=str(self.socket_dir), port=PORT, dbname=DB_NAME,
                        user=SUPERUSER)

    def is_initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def major(self) -> int | None:
        try:
            return int((self.data_dir / "PG_VERSION").read_text().strip())
        except (OSError, ValueError):
            return None

    def _pid(self) -> int | None:
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def is_running(self) -> bool:
        pid = self._pid()
        if pid is None:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return (self.socket_dir / SOCKET_NAME).exists()

    def status(self) -> ClusterStatus:
        running = self.is_running()
        return ClusterStatus(self.is_initialized(), running,
                             self._pid() if running else None,
                             self.data_dir, self.socket_dir, self.major())

    # -- locking and running tools --------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the state directory's lock for one cluster operation."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / ".cluster.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _binaries(self) -> PgBinaries:
        return find_binaries(self._pg_bin_dir, self.major())

    def _runner(self) -> RunAs:
        return cluster_user(self._user_name)

    def _run(self, runner: RunAs, argv: list[str], what: str) -> None:
        proc = subprocess.run(runner.command(argv), capture_output=True, text=True,
                              cwd="/")
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip()
            log_tail = self._log_tail()
            raise ClusterError(
                f"{what} failed (exit status {proc.returncode}): {detail}"
                + (f"\n  server log:\n{log_tail}" if log_tail else ""))

    def _log_tail(self, lines: int = 8) -> str:
        try:
            text = self.log_file.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join("    " + line for line in text[-lines:])

    def _check_owner(self, runner: RunAs) -> None:
        if not self.data_dir.exists():
            return
        owner = self.data_dir.stat().st_uid
        if owner != runner.uid:
            try:
                owner_name = pwd.getpwuid(owner).pw_name
            except KeyError:
                owner_name = str(owner)
            raise ClusterError(
                f"the cluster in {self.data_dir} belongs to {owner_name!r}, but DR "
                f"would run it as {runner.name!r}",
                hint=f"run DR as {owner_name!r}, set [db] clusterUser, or use "
                     "another state directory (DR_STATE_DIR)")

    def _prepare_dir(self, path: Path, runner: RunAs, mode: int) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if runner.via_runuser:
            os.chown(path, runner.uid, runner.gid)
        os.chmod(path, mode)

    def _check_reachable(self, runner: RunAs) -> None:
        """As root, make sure the cluster user can reach its directory at all."""
        if not runner.via_runuser:
            return
        probe = subprocess.run(
            runner.command(["test", "-r", str(self.data_dir), "-a",
                            "-w", str(self.data_dir), "-a", "-x", str(self.data_dir)]),
            capture_output=True)
        if probe.returncode != 0:
            raise ClusterError(
                f"the user {runner.name!r} cannot reach {self.data_dir}: a directory "
                "on the way is closed to other users",
                hint="choose a state directory every user can traverse (DR_STATE_DIR, "
                     "[general] stateDir), or chmod o+x the parent directories")

    def _write_settings(self) -> None:
        settings = dict(self._settings,
                        unix_socket_directories=f"'{self.socket_dir}'")
        text = "# Written by DR on every start; edit [db] settings, not this file.\n"
        text += "".join(f"{k} = {v}\n" for k, v in settings.items())
        path = self.data_dir / "dr.conf"
        path.write_text(text)
        os.chmod(path, 0o644)

    # -- operations ------------------------------------------------------------

    def init(self) -> bool:
        """Create and start the cluster and its database; False if it already existed."""
        with self.lock():
            if self.is_initialized():
                self._start_locked()
                return False
            self._init_locked()
            return True

    def _init_locked(self) -> None:
        binaries = self._binaries()
        runner = self._runner()
        self._check_owner(runner)
        self._prepare_dir(self.data_dir, runner, 0o700)
        self._check_reachable(runner)
        self._run(runner, [
            binaries.tool("initdb"), "-D", str(self.data_dir), "-U", SUPERUSER,
            "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions",
        ], "initdb")
        with open(self.data_dir / "postgresql.conf", "a") as conf:
            conf.write("\ninclude_if_exists = 'dr.conf'\n")
        self._start_locked()
        self._create_database()

    def _create_database(self) -> None:
        conn = psycopg2.connect(make_dsn(host=str(self.socket_dir), port=PORT,
                                         dbname="postgres", user=SUPERUSER))
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DB_NAME,))
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{DB_NAME}"')
        finally:
            conn.close()
        conn = psycopg2.connect(self.dsn)
        try:
            ensure_extensions(conn)
        finally:
            conn.close()

    def start(self) -> bool:
        """Start the cluster, creating it first if needed; False if already running."""
        with self.lock():
            if not self.is_initialized():
                self._init_locked()
                return True
            return self._start_locked()

    def _start_locked(self) -> bool:
        if self.is_running():
            return False
        binaries = self._binaries()
        runner = self._runner()
        self._check_owner(runner)
        self._check_reachable(runner)
        self._prepare_dir(self.socket_dir, runner, 0o700)
        self._write_settings()
        self._run(runner, [binaries.tool("pg_ctl"), "-D", str(self.data_dir),
                           "-l", str(self.log_file), "-w", "-t", "60", "-s", "start"],
                  "starting PostgreSQL")
        return True

    def stop(self) -> bool:
        """Stop the cluster (fast shutdown); False if it was not running."""
        with self.lock():
            if not self.is_running():
                return False
            runner = self._runner()
            self._run(runner, [self._binaries().tool("pg_ctl"), "-D", str(self.data_dir),
                               "-m", "fast", "-w", "-t", "60", "-s", "stop"],
                      "stopping PostgreSQL")
            if self.socket_dir.parent != self.state_dir:
                # The short socket directory under /tmp goes with the server.
                try:
                    self.socket_dir.rmdir()
                except OSError:
                    pass
            return True
