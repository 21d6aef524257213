"""``dr serve``: the Twisted web server in the foreground, with logs and reload on SIGHUP.

With ``[web] processes`` above 1 the server pre-forks: the first process
binds the port, then forks the others before any reactor exists; each binds
the port too (SO_REUSEPORT, so the kernel spreads connections) and serves
with its own reactor,
database pool and job runner — the frontends are stateless, so this uses
every core for Python's share of the work.  SIGHUP to the first process
(``dr serve reload``) reloads them all; stopping it stops them all.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
from pathlib import Path

from engine.config import Config
from engine.db.connect import open_database
from engine.errors import DatabaseError
from engine.install import install_system_schema

log = logging.getLogger("dr.web")


def pid_file(cfg: Config) -> Path:
    return cfg.state_dir / "dr-serve.pid"


def _setup_logging(cfg: Config) -> Path:
    log_dir = cfg.state_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_dir / "error.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter(
        '{"time": "%(asctime)s", "pid": %(process)d, "level": "%(levelname)s", '
        '"logger": "%(name)s", "message": %(message)r}'))
    root = logging.getLogger("dr")
    root.handlers[:] = [handler, logging.StreamHandler(sys.stderr)]
    root.setLevel(cfg.general.log_level.upper())
    return log_dir


def _listen(cfg: Config) -> socket.socket:
    """A listening socket; with SO_REUSEPORT each process has its own and the
    kernel spreads connections over them."""
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((cfg.web.bind_address, cfg.web.server_port))
        sock.listen(256)
        sock.setblocking(False)
    except OSError as exc:
        raise DatabaseError(f"cannot listen on {cfg.web.bind_address}:"
                            f"{cfg.web.server_port}: {exc.strerror}") from None
    return sock


def serve(cfg: Config) -> int:
    """Run the server until interrupted (blocks)."""
    log_dir = _setup_logging(cfg)
    db = open_database(cfg)
    conn = db.connect()
    install_system_schema(conn)
    conn.close()
    sock = _listen(cfg)
    children = []
    # Fork before any reactor, thread or connection exists in this process.
    for _ in range(max(cfg.web.processes, 1) - 1):
        pid = os.fork()
        if pid == 0:
            try:
                own = _listen(cfg)
                sock.close()
                _run(cfg, db.dsn, own, log_dir, [], main=False)
            finally:
                os._exit(0)
        children.append(pid)
    pid_path = pid_file(cfg)
    pid_path.write_text(f"{os.getpid()}\n")
    try:
        _run(cfg, db.dsn, sock, log_dir, children, main=True)
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
        if pid_path.exists() and pid_path.read_text().strip() == str(os.getpid()):
            pid_path.unlink()
    return 0


def _run(cfg: Config, dsn: str, sock: socket.socket, log_dir: Path,
         children: list[int], *, main: bool) -> None:
    """One serving process: its reactor, pool, site and job runner (blocks)."""
    from twisted.internet import reactor

    from engine.tap import job as tap_job
    from engine.uws.kinds import register_kind
    from engine.uws.runner import start_runner
    from engine.web.app import App
    from engine.web.authenticate import Authenticator
    from engine.web.routes import SERVICE_RENDERERS, Root
    from engine.web.site import Site

    register_kind(tap_job.KIND, tap_job.RUN, validate=tap_job.VALIDATE)
    app = App(cfg, dsn, renderers=SERVICE_RENDERERS)
    access_log = open(log_dir / "access.log", "a", encoding="utf-8")
    secure = cfg.web.server_url.lower().startswith("https://")
    site = Site(Root(app), cfg, access_log,
                authenticate=Authenticator(app.pool, secure_cookies=secure))
    port = reactor.adoptStreamPort(sock.fileno(), socket.AF_INET, site)

    def ready(_state) -> None:
        start_runner(app)
        if main:
            address = port.getHost()
            print(f"dr serve: listening on http://{address.host}:{address.port}/ "
                  f"(pid {os.getpid()}, {len(children) + 1} process(es))", flush=True)

    def failed(failure) -> None:
        print(f"dr serve: cannot load the RDs: {failure.getErrorMessage()}",
              file=sys.stderr, flush=True)
        reactor.stop()

    def on_hup(_signum, _frame) -> None:
        reactor.callFromThread(app.reload)
        for pid in children:
            try:
                os.kill(pid, signal.SIGHUP)
            except OSError:
                pass

    signal.signal(signal.SIGHUP, on_hup)
    reactor.callWhenRunning(lambda: app.start().addCallbacks(ready, failed))
    try:
        reactor.run()
    finally:
        access_log.close()


def reload_server(cfg: Config) -> int:
    """Ask the running server of this state directory to re-read its RDs."""
    path = pid_file(cfg)
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, signal.SIGHUP)
    except (OSError, ValueError):
        raise DatabaseError(f"no running dr serve found (no live pid in {path})") from None
    print(f"asked dr serve (pid {pid}) to reload its RDs")
    return 0
