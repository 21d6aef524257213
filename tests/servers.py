"""Running a real ``dr serve`` for tests: its own database from the session template,
the demo resources imported, extra configuration, a free loopback port.

tests/conftest.py starts the sites several folders share, the folders' conftest
files and modules their own; the server is a separate process, exactly as
``dr serve`` runs for users.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from engine import accounts
from engine.config import CHECKOUT_ROOT
from engine.db.dsn import with_dbname
from tests.support import TEMPLATE_DB, run_dr

INPUTS = CHECKOUT_ROOT / "inputs"


@dataclass
class Server:
    url: str
    dsn: str
    config: Path
    state: Path
    process: subprocess.Popen

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def get(self, path: str, **headers: str) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(self.url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def rss_kib(self, field: str = "VmRSS") -> int:
        """The server process's resident memory (``VmHWM``: its peak), in KiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise RuntimeError(f"no {field} for pid {self.process.pid}")

    def alive(self) -> bool:
        """Whether the server still answers its root page."""
        try:
            return self.get("/")[0] == 200
        except OSError:
            return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The demo's generators and a file each makes: run (in this order) when it is missing,
# as dev.sh does.
GENERATORS = (
    ("califa/generate.py", "califa/data/califa_colours.csv"),
    ("jplus/generate.py", "jplus/data/jplus.csv"),
    ("califa/generate_cubes.py", "califa/data/cubes/NGC5947.V500.rscube.fits.gz"),
    ("jplus/generate_images.py", "jplus/data/images"),
    ("jcmt/generate.py", "jcmt/data"),
)
# Every RD of the demo, in the order scripts/demo.sh imports them.
DEMO_RDS = ("califa", "califa/fits", "jplus", "califa/cubes", "jplus/images", "jcmt",
            "califa/collab")


def ensure_demo_data() -> None:
    for script, made in GENERATORS:
        if not (INPUTS / made).exists():
            subprocess.run([sys.executable, str(INPUTS / script)], check=True)


def write_config(home: Path, dsn: str, inputs: Path, *, port: int | None = None,
                 web: str = "", more: str = "") -> Path:
    """``home``/gavo.conf for a server or an import on ``dsn`` on ``port`` (default: a
    free loopback one); ``web`` adds lines to the [web] section, ``more`` whole
    sections."""
    home.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    config = home / "gavo.conf"
    config.write_text(
        f"[general]\nstateDir = {home / 'state'}\ninputsDir = {inputs}\n"
        f"[db]\ndsn = {dsn}\n"
        f"[web]\nserverPort = {port}\nserverURL = http://127.0.0.1:{port}\n"
        f"maxrec = 1000\n{web}\n{more}")
    return config


def start_server(cluster_dsn: str, home: Path, dbname: str, *, web: str = "",
                 more: str = "", imports: tuple[str, ...] = ("califa", "jplus"),
                 inputs: Path = INPUTS) -> Server:
    """Create ``dbname``, import the RDs ``imports`` and start ``dr serve`` on it.

    ``inputs`` is the inputs directory (default: the demo's), ``web`` adds
    lines to the [web] section, ``more`` whole sections.
    """
    if inputs == INPUTS:
        ensure_demo_data()
    dsn = create_database(cluster_dsn, dbname)
    port = free_port()
    config = write_config(home, dsn, inputs, port=port, web=web, more=more)
    for rd in imports:
        result = run_dr("imp", rd, config=config)
        assert result.returncode == 0, result.stderr
    process = spawn_serve(config, home / "serve.stderr")
    return Server(f"http://127.0.0.1:{port}", dsn, config, home / "state", process)


def stop_server(server: Server, cluster_dsn: str, dbname: str) -> None:
    stop_processes([server.process])
    admin_run(cluster_dsn, f"DROP DATABASE {dbname} WITH (FORCE)")


def admin_run(cluster_dsn: str, *statements: str) -> None:
    """Run statements as the cluster's superuser, outside a transaction."""
    with contextlib.closing(psycopg2.connect(with_dbname(cluster_dsn, "postgres"))) as adm:
        adm.autocommit = True
        with adm.cursor() as cur:
            for statement in statements:
                cur.execute(statement)


def create_database(cluster_dsn: str, dbname: str, template: str = TEMPLATE_DB) -> str:
    """A new database ``dbname``, a copy of ``template``; its DSN."""
    admin_run(cluster_dsn, f"CREATE DATABASE {dbname} TEMPLATE {template}")
    return with_dbname(cluster_dsn, dbname)


def launch_serve(config: Path, log: Path, *args: str,
                 env: dict[str, str] | None = None) -> subprocess.Popen:
    """``dr serve args…`` on ``config`` (plus ``env``), its stderr — the server's log —
    appended to ``log`` (an unread pipe would fill up and block the server).
    :func:`wait_listening` tells when it serves."""
    full_env = {key: value for key, value in os.environ.items()
                if key not in ("DR_STATE_DIR", "DR_INPUTS_DIR", "DR_READ_DSN")}
    full_env.update(env or {}, DR_CONFIG=str(config))
    with open(log, "ab") as stderr:
        return subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", *args],
                                env=full_env, stdout=subprocess.PIPE, stderr=stderr,
                                text=True)


def wait_listening(process: subprocess.Popen, log: Path) -> subprocess.Popen:
    """The server once it said it listens (RuntimeError with its log if it did not);
    its further output is drained."""
    line = process.stdout.readline()
    if "listening on" not in line:
        process.kill()
        raise RuntimeError(f"dr serve did not start: {line}{log.read_text()}")
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process


def spawn_serve(config: Path, log: Path, *args: str,
                env: dict[str, str] | None = None) -> subprocess.Popen:
    """``dr serve args…`` started and listening (see :func:`launch_serve`)."""
    return wait_listening(launch_serve(config, log, *args, env=env), log)


def stop_processes(processes: list[subprocess.Popen | None]) -> None:
    """Terminate these processes together, killing those that linger."""
    alive = [p for p in processes if p is not None and p.poll() is None]
    for process in alive:
        process.terminate()
    for process in alive:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def add_accounts(server: Server, passwords: dict[str, str],
                 groups: dict[str, str]) -> None:
    """Users (name -> password) in the server's database, and their groups
    (user -> group), as ``dr admin adduser`` and ``addtogroup`` make them."""
    conn = psycopg2.connect(server.dsn)
    with conn.cursor() as cur:
        for user, password in passwords.items():
            accounts.add_user(cur, user, password)
        for user, group in groups.items():
            accounts.add_to_group(cur, user, group)
    conn.commit()
    conn.close()
