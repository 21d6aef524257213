"""Locating PostgreSQL's server binaries and the user that runs them."""

from __future__ import annotations

import os
import pwd
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from engine.errors import ClusterError

DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")


@dataclass(frozen=True)
class PgBinaries:
    """The directory holding initdb, pg_ctl and postgres, and their major version."""

    bin_dir: Path
    major: int

    def tool(self, name: str) -> str:
        return str(self.bin_dir / name)


def _major_from_path(bin_dir: Path) -> int | None:
    match = re.search(r"/postgresql/(\d+)/bin$", str(bin_dir))
    return int(match.group(1)) if match else None


def _has_tools(bin_dir: Path) -> bool:
    return all((bin_dir / t).is_file() and os.access(bin_dir / t, os.X_OK)
               for t in SERVER_TOOLS)


def _install_hint(major: int | None) -> str:
    pkg = f"postgresql-{major}" if major else "postgresql"
    return f"install the PostgreSQL server: apt-get install {pkg} postgresql-contrib"


def find_binaries(configured: str = "", major: int | None = None) -> PgBinaries:
    """Find the server binaries: the configured dir, Debian's for ``major``, or the newest.

    ``major`` is the version of an existing cluster, which only its own major
    version can run.
    """
    if configured:
        bin_dir = Path(configured)
        if not _has_tools(bin_dir):
            missing = [t for t in SERVER_TOOLS if not (bin_dir / t).is_file()]
            raise ClusterError(
                f"[db] pgBinDir = {configured} lacks {', '.join(missing)}",
                hint=_install_hint(major or _major_from_path(bin_dir)))
        return PgBinaries(bin_dir, major or _major_from_path(bin_dir) or 0)

    candidates = sorted(
        (p for p in DEBIAN_PG_ROOT.glob("*/bin") if _major_from_path(p)),
        key=lambda p: _major_from_path(p) or 0, reverse=True)
    if major is not None:
        candidates = [p for p in candidates if _major_from_path(p) == major]
    for bin_dir in candidates:
        if _has_tools(bin_dir):
            return PgBinaries(bin_dir, _major_from_path(bin_dir) or 0)

    on_path = shutil.which("initdb")
    if on_path and major is None:
        bin_dir = Path(os.path.realpath(on_path)).parent
        if _has_tools(bin_dir):
            return PgBinaries(bin_dir, _major_from_path(bin_dir) or 0)

    what = f"PostgreSQL {major} server binaries" if major else \
        "PostgreSQL server binaries (initdb, pg_ctl)"
    raise ClusterError(f"{what} not found", hint=_install_hint(major))


@dataclass(frozen=True)
class RunAs:
    """Who runs the cluster's binaries: ourselves, or (as root) an unprivileged user."""

    name: str
    uid: int
    gid: int
    via_runuser: bool

    def command(self, argv: list[str]) -> list[str]:
        if self.via_runuser:
            return ["runuser", "-u", self.name, "--", *argv]
        return argv


def cluster_user(configured: str) -> RunAs:
    """The account owning the cluster: ``configured`` when we are root, else ourselves."""
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid, False)
    try:
        entry = pwd.getpwnam(configured)
    except KeyError:
        raise ClusterError(
            f"DR runs as root, and PostgreSQL refuses to; the user {configured!r} "
            "that should run the cluster does not exist",
            hint="install the PostgreSQL server package (it creates 'postgres') "
                 "or set [db] clusterUser to an unprivileged user") from None
    if entry.pw_uid == 0:
        raise ClusterError(
            f"[db] clusterUser = {configured!r} is root; PostgreSQL refuses to run as root",
            hint="name an unprivileged user, such as postgres")
    if shutil.which("runuser") is None:
        raise ClusterError("runuser is missing; it is needed to run PostgreSQL as "
                           f"{configured!r}", hint="apt-get install util-linux")
    return RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid, True)
