"""``dr serve``: the Twisted web server in the foreground, with logs and reload on SIGHUP.

With ``[web] processes`` above 1 the server pre-forks: the first process
binds the port, then forks the others before any reactor exists; each binds
the port too (SO_REUSEPORT, so the kernel spreads connections) and serves
with its own reactor,
database pool and job runner — the frontends are stateless, so this uses
every core for Python's share of the work.  SIGHUP to the first process
(``dr serve reload``) reloads them all; stopping it stops them all.

Several front-ends (``dr serve --port N`` each, e.g. behind nginx from ``dr
nginx-conf``) may share one configuration and state directory: each records
its pid per port (engine.web.pidfiles) and ``dr serve reload`` signals every
one of them.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
from pathlib import Path

from engine.config import Config
from engine.db.connect import embedded_standby, open_database
from engine.errors import DatabaseError
from engine.install import install_system_schema
from engine.web import pidfiles, proxy
from rd.errors import DRError

log = logging.getLogger("dr.web")


def pid_file(cfg: Config) -> Path:
    """Where this front-end (its port) records its pid."""
    return pidfiles.pid_file(cfg.state_dir, cfg.web.server_port)


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


def _start_standby(cfg: Config) -> None:
    """Start the embedded standby (if ``dr db replica`` made one) with the server;
    one that will not start is logged, and reads go to the primary.  (Here, not
    in engine.web.readpool, which imports Twisted's reactor: nothing may before
    the fork.)"""
    standby = embedded_standby(cfg)
    if standby is None:
        return
    try:
        standby.start()
    except DRError as exc:
        log.warning("the read replica did not start; reads go to the primary: %s",
                    exc.message)


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
    proxy.parse_networks(cfg.web.trusted_proxies)  # a bad value stops us here
    running = pidfiles.live_pid(pid_file(cfg))
    if running is not None:
        raise DRError(f"dr serve (pid {running}) already serves port "
                      f"{cfg.web.server_port} of this state directory",
                      hint="give each front-end its own port: dr serve --port N")
    log_dir = _setup_logging(cfg)
    db = open_database(cfg)
    _start_standby(cfg)
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
    pidfiles.record(pid_path)
    try:
        _run(cfg, db.dsn, sock, log_dir, children, main=True)
    finally:
        for pid in children:
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except OSError:
                pass
        pidfiles.forget(pid_path)
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

    register_kind(tap_job.KIND, tap_job.RUN, validate=tap_job.VALIDATE,
                  reads_only=tap_job.READS_ONLY)
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


def reload_server(cfg: Config, port: int | None = None) -> int:
    """Ask the running servers of this state directory (every front-end, or the one
    on ``port``) to re-read their RDs."""
    recorded = pidfiles.servers(cfg.state_dir)
    if port is not None:
        recorded = {port: pidfiles.pid_file(cfg.state_dir, port)}
    reached = []
    for served, path in sorted(recorded.items()):
        pid = pidfiles.live_pid(path)
        if pid is None:
            print(f"port {served}: no dr serve runs (stale {path.name})", file=sys.stderr)
            continue
        try:
            os.kill(pid, signal.SIGHUP)
        except OSError:
            continue
        reached.append(served)
        print(f"asked dr serve on port {served} (pid {pid}) to reload its RDs")
    if not reached:
        where = (pidfiles.pid_file(cfg.state_dir, port) if port is not None
                 else cfg.state_dir / f"{pidfiles.PREFIX}*{pidfiles.SUFFIX}")
        raise DRError(f"no running dr serve found (no live pid in {where})")
    return 0
