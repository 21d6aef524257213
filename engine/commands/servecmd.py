"""``dr serve`` and ``dr serve reload``."""

from __future__ import annotations

import argparse

from engine.config import Config


def cmd_serve(cfg: Config, args: argparse.Namespace) -> int:
    from engine.web.server import reload_server, serve

    if args.action == "reload":
        return reload_server(cfg)
    return serve(cfg)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="run the web server (foreground); "
                                     "'dr serve reload' re-reads the RDs")
    p.add_argument("action", nargs="?", choices=["run", "reload"], default="run",
                   help="run (default) or reload a running server")
    p.set_defaults(func=cmd_serve)
