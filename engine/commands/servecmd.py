"""``dr serve`` and ``dr serve reload``."""

from __future__ import annotations

import argparse
import dataclasses

from engine.config import Config


def with_address(cfg: Config, args: argparse.Namespace) -> Config:
    """The configuration with ``--port``/``--bind`` in place of [web]'s, so that one
    gavo.conf serves several front-ends, each on its own port."""
    changes = {}
    if args.port is not None:
        changes["server_port"] = args.port
    if args.bind is not None:
        changes["bind_address"] = args.bind
    return dataclasses.replace(cfg, web=dataclasses.replace(cfg.web, **changes))


def cmd_serve(cfg: Config, args: argparse.Namespace) -> int:
    from engine.web.server import reload_server, serve

    if args.action == "reload":
        return reload_server(cfg, args.port)
    return serve(with_address(cfg, args))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="run the web server (foreground); 'dr serve reload' re-reads the RDs",
        description="Run the web server in the foreground, or (reload) make the running "
        "servers of this state directory re-read their RDs.  Several front-ends may "
        "share one gavo.conf, each started with its own --port (see dr nginx-conf); "
        "'dr serve reload' reaches all of them, 'dr serve reload --port N' one.")
    p.add_argument("action", nargs="?", choices=["run", "reload"], default="run",
                   help="run (default) or reload running servers")
    p.add_argument("--port", type=int, default=None,
                   help="TCP port to listen on instead of [web] serverPort (reload: "
                        "only the server on this port)")
    p.add_argument("--bind", default=None, metavar="ADDRESS",
                   help="interface to listen on instead of [web] bindAddress")
    p.set_defaults(func=cmd_serve)
