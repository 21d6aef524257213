"""The pid files of ``dr serve``: one per front-end (port) in the state directory.

Several front-ends may share one configuration and state directory, each on
its own port (``dr serve --port N``, e.g. behind nginx): each records its
pid in ``<stateDir>/dr-serve-<port>.pid``, so ``dr serve reload`` reaches
them all and a second server on a port already served is refused (with
SO_REUSEPORT it would otherwise share the port silently).  A pid is believed
only while its process is alive and looks like ``dr serve``, so a stale
file whose pid the system gave to another program is never signalled.
"""

from __future__ import annotations

import os
from pathlib import Path

from engine.uws.scheduling import pid_alive

PREFIX, SUFFIX = "dr-serve-", ".pid"


def pid_file(state_dir: Path, port: int) -> Path:
    return state_dir / f"{PREFIX}{port}{SUFFIX}"


def _port_of(path: Path) -> int | None:
    middle = path.name[len(PREFIX):-len(SUFFIX)]
    return int(middle) if middle.isdigit() else None


def _is_server(pid: int) -> bool:
    """Whether ``pid`` is a live process that looks like ``dr serve``."""
    if not pid_alive(pid):
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True  # no /proc to ask: believe the file
    return b"serve" in argv


def live_pid(path: Path) -> int | None:
    """The pid in ``path`` if that process is a running ``dr serve``."""
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if pid != os.getpid() and _is_server(pid) else None


def servers(state_dir: Path) -> dict[int, Path]:
    """Port -> pid file of every front-end recorded in ``state_dir``, live or not."""
    found = {}
    for path in sorted(state_dir.glob(f"{PREFIX}*{SUFFIX}")):
        port = _port_of(path)
        if port is not None:
            found[port] = path
    return found


def record(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{os.getpid()}\n")


def forget(path: Path) -> None:
    """Remove our own pid file (not one a newer server wrote meanwhile)."""
    try:
        if path.read_text().strip() == str(os.getpid()):
            path.unlink()
    except OSError:
        pass
