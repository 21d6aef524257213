"""``dr admin``: users, groups and tokens (engine/accounts/), as DaCHS's ``dachs adm``.

Passwords are read from the terminal without echo, or with ``--password-stdin``
from the first line of standard input (for scripts).  Nothing prints a hash;
a token's secret is printed once, alone on standard output.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import sys
from collections.abc import Iterator

from engine import accounts
from engine.accounts.passwords import check_new_password
from engine.config import Config
from engine.db.connect import open_database
from engine.errors import AccountError


@contextlib.contextmanager
def _cursor(cfg: Config) -> Iterator:
    """A cursor in one transaction, committed when the block ends without an error."""
    # Imported here: the schema code pulls in the ADQL translator and astropy,
    # which would double the start-up time of every `dr admin` call.
    from engine.install import install_system_schema

    conn = open_database(cfg).connect()
    try:
        install_system_schema(conn)
        with conn.cursor() as cur:
            yield cur
        conn.commit()
    finally:
        conn.close()  # without a commit: rolled back


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    else:
        if not sys.stdin.isatty():
            raise AccountError("no terminal to ask for the password on",
                               hint="give it on standard input with --password-stdin")
        password = getpass.getpass(f"password for {args.user}: ")
        if password and getpass.getpass("again: ") != password:
            raise AccountError("the passwords differ")
    check_new_password(password)  # before connecting to the database
    return password


def cmd_adduser(cfg: Config, args: argparse.Namespace) -> int:
    password = _read_password(args)
    with _cursor(cfg) as cur:
        accounts.add_user(cur, args.user, password, remarks=args.remarks)
    print(f"added user {args.user} (in group {args.user})")
    return 0


def cmd_deluser(cfg: Config, args: argparse.Namespace) -> int:
    with _cursor(cfg) as cur:
        accounts.delete_user(cur, args.user)
    print(f"deleted user {args.user}, their group, memberships and tokens")
    return 0


def cmd_passwd(cfg: Config, args: argparse.Namespace) -> int:
    password = _read_password(args)
    with _cursor(cfg) as cur:
        accounts.set_password(cur, args.user, password)
    print(f"changed the password of {args.user}")
    return 0


def cmd_addtogroup(cfg: Config, args: argparse.Namespace) -> int:
    with _cursor(cfg) as cur:
        added = accounts.add_to_group(cur, args.user, args.group)
    print(f"added {args.user} to group {args.group}" if added
          else f"{args.user} already is in group {args.group}")
    return 0


def cmd_delfromgroup(cfg: Config, args: argparse.Namespace) -> int:
    with _cursor(cfg) as cur:
        accounts.remove_from_group(cur, args.user, args.group)
    print(f"removed {args.user} from group {args.group}")
    return 0


def cmd_list(cfg: Config, args: argparse.Namespace) -> int:
    with _cursor(cfg) as cur:
        users = accounts.list_users(cur)
        tokens = accounts.list_tokens(cur)
    if not users:
        print("no users (dr admin adduser adds one)")
    for user in users:
        flags = " (disabled)" if user.disabled else ""
        remarks = f"  # {user.remarks}" if user.remarks else ""
        print(f"{user.name}{flags}: {', '.join(user.groups)}{remarks}")
    if tokens:
        print("tokens:")
    for token in tokens:
        label = f" {token.label!r}" if token.label else ""
        print(f"  {token.token_id}: {token.user}{label}, made "
              f"{token.created:%Y-%m-%d %H:%M}")
    return 0


def cmd_token(cfg: Config, args: argparse.Namespace) -> int:
    with _cursor(cfg) as cur:
        token = accounts.make_token(cur, args.user, args.label)
    print(token.secret)
    print(f"token {token.token_id} for {args.user}: the secret above is shown only "
          f"now (dr admin revoke {token.token_id} withdraws it)", file=sys.stderr)
    return 0


def cmd_revoke(cfg: Config, args: argparse.Namespace) -> int:
    with _cursor(cfg) as cur:
        accounts.revoke_token(cur, args.token_id)
    print(f"revoked token {args.token_id}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser("admin", help="manage users, groups and tokens").add_subparsers(
        dest="admin_command", required=True,
        metavar="adduser|deluser|passwd|addtogroup|delfromgroup|list|token|revoke")

    def command(name: str, func, help: str, *args: str, password: bool = False):
        p = admin.add_parser(name, help=help)
        for arg in args:
            p.add_argument(arg, help=f"the {arg}'s name")
        if password:
            p.add_argument("--password-stdin", action="store_true",
                           help="read the password from the first line of standard "
                                "input instead of the terminal")
        p.set_defaults(func=func)
        return p

    command("adduser", cmd_adduser, "add a user (and their own group)", "user",
            password=True).add_argument("--remarks", default="",
                                        help="a note on who this is")
    command("deluser", cmd_deluser, "delete a user, their own group, memberships "
                                    "and tokens", "user")
    command("passwd", cmd_passwd, "change a user's password", "user", password=True)
    command("addtogroup", cmd_addtogroup, "add a user to a group (made if new)",
            "user", "group")
    command("delfromgroup", cmd_delfromgroup, "take a user out of a group", "user",
            "group")
    command("list", cmd_list, "list the users, their groups and the live tokens")
    command("token", cmd_token, "make a bearer token for a user; prints its secret "
                                "once", "user").add_argument(
        "--label", default="", help="what the token is for")
    p = command("revoke", cmd_revoke, "revoke a token")
    p.add_argument("token_id", metavar="TOKEN-ID", type=int,
                   help="the token's number (dr admin list shows them)")
