"""``dr serve``: the Twisted web server in the foreground, with logs and reload on SIGHUP."""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path

from twisted.internet import reactor

from engine.config import Config
from engine.db.connect import open_database
from engine.db.system import install_system_schema
from engine.errors import DatabaseError
from engine.tap import job as tap_job
from engine.uws.kinds import register_kind
from engine.uws.runner import start_runner
from engine.web.app import App
from engine.web.site import Root, Site

log = logging.getLogger("dr.web")


def pid_file(cfg: Config) -> Path:
    return cfg.state_dir / "dr-serve.pid"


def _setup_logging(cfg: Config) -> Path:
    log_dir = cfg.state_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_dir / "error.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter(
        '{"time": "%(asctime)s", "level": "%(levelname)s", "logger": "%(name)s", '
        '"message": %(message)r}'))
    root = logging.getLogger("dr")
    root.handlers[:] = [handler, logging.StreamHandler(sys.stderr)]
    root.setLevel(cfg.general.log_level.upper())
    return log_dir


def serve(cfg: Config) -> int:
    """Run the server until interrupted (blocks)."""
    log_dir = _setup_logging(cfg)
    db = open_database(cfg)
    conn = db.connect()
    install_system_schema(conn)
    conn.close()

    register_kind(tap_job.KIND, tap_job.RUN, validate=tap_job.VALIDATE)
    app = App(cfg, db.dsn)
    access_log = open(log_dir / "access.log", "a", encoding="utf-8")
    site = Site(Root(app), access_log)
    try:
        port = reactor.listenTCP(cfg.web.server_port, site, interface=cfg.web.bind_address)
    except Exception as exc:
        raise DatabaseError(f"cannot listen on {cfg.web.bind_address}:"
                            f"{cfg.web.server_port}: {exc}") from None

    def ready(_state) -> None:
        start_runner(app)
        address = port.getHost()
        print(f"dr serve: listening on http://{address.host}:{address.port}/ "
              f"(pid {os.getpid()})", flush=True)

    def failed(failure) -> None:
        print(f"dr serve: cannot load the RDs: {failure.getErrorMessage()}",
              file=sys.stderr, flush=True)
        reactor.stop()

    def on_hup(_signum, _frame) -> None:
        reactor.callFromThread(app.reload)

    signal.signal(signal.SIGHUP, on_hup)
    pid_path = pid_file(cfg)
    pid_path.write_text(f"{os.getpid()}\n")
    reactor.callWhenRunning(lambda: app.start().addCallbacks(ready, failed))
    try:
        reactor.run()
    finally:
        if pid_path.exists() and pid_path.read_text().strip() == str(os.getpid()):
            pid_path.unlink()
        access_log.close()
    return 0


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
