"""The ``dr`` command line: parses arguments, loads the configuration, reports errors."""

from __future__ import annotations

import argparse
import sys
import traceback

from engine.commands import admincmd, dbcmd, nginxcmd, rdcmd, servecmd
from engine.config import load_config
from rd.errors import DRError

COMMAND_MODULES = [dbcmd, rdcmd, servecmd, nginxcmd, admincmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dr", description="DR: publish astronomical data releases in the VO.")
    parser.add_argument("--traceback", action="store_true",
                        help="show Python tracebacks of errors (for developers)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_extra", False):
        parser.error("unrecognized arguments: " + " ".join(extra))
    args.extra = extra
    try:
        cfg = load_config()
        return args.func(cfg, args) or 0
    except DRError as exc:
        if args.traceback:
            traceback.print_exc()
        print(f"dr: error: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("dr: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug in DR, not in what the user gave it
        if args.traceback:
            traceback.print_exc()
        where = traceback.extract_tb(exc.__traceback__)[-1]
        print(f"dr: internal error (a bug in DR, please report it): "
              f"{type(exc).__name__}: {exc} (at {where.filename}:{where.lineno}; "
              "--traceback shows all)", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
