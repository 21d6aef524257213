"""``dr admin``, end to end: subprocesses against a real database, checked through
the accounts API and the tables themselves."""

from __future__ import annotations

import contextlib

import pytest

from engine import accounts
from engine.accounts.passwords import PARAMETERS, parameters_of
from engine.accounts.tokens import digest


def verify(db, user: str, password: str) -> frozenset[str] | None:
    with contextlib.closing(db.connect()) as conn, conn.cursor() as cur:
        return accounts.verify_password(cur, user, password)


def execute(db, sql: str) -> None:
    with contextlib.closing(db.connect()) as conn, conn.cursor() as cur:
        cur.execute(sql)
        conn.commit()


def add_users(db, *names: str, password: str = "pw") -> None:
    """Set-up through the API, where the test is about another command."""
    with contextlib.closing(db.connect()) as conn, conn.cursor() as cur:
        for name in names:
            accounts.add_user(cur, name, password)
        conn.commit()


def verify_token(db, secret: str):
    with contextlib.closing(db.connect()) as conn, conn.cursor() as cur:
        return accounts.verify_token(cur, secret)


def test_adduser_stores_an_argon2id_hash_the_password_verifies_against(db, dr_admin):
    result = dr_admin("adduser", "alice", "--password-stdin", stdin="s3cret pass\n")
    assert (result.returncode, result.stdout) == (0, "added user alice (in group alice)\n")
    assert verify(db, "alice", "s3cret pass") == {"alice"}
    [(stored,)] = db.query("SELECT password_hash FROM dc.users WHERE name = 'alice'")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert parameters_of(stored) == PARAMETERS
    assert "s3cret" not in stored


def test_a_wrong_password_or_an_unknown_user_verifies_as_nothing(db):
    add_users(db, "alice", password="s3cret")
    assert verify(db, "alice", "s3cret ") is None
    assert verify(db, "alice", "") is None
    assert verify(db, "bob", "s3cret") is None


def test_passwd_replaces_the_password(db, dr_admin):
    add_users(db, "alice", password="old one")
    result = dr_admin("passwd", "alice", "--password-stdin", stdin="new one\n")
    assert (result.returncode, result.stdout) == (0, "changed the password of alice\n")
    assert verify(db, "alice", "old one") is None
    assert verify(db, "alice", "new one") == {"alice"}


def test_groups_include_the_users_own(db, dr_admin):
    add_users(db, "alice", "bob")
    result = dr_admin("addtogroup", "alice", "survey")
    assert (result.returncode, result.stdout) == (0, "added alice to group survey\n")
    assert dr_admin("addtogroup", "alice", "survey").stdout == \
        "alice already is in group survey\n"
    dr_admin("addtogroup", "bob", "alice")  # into alice's group, as in Unix
    assert verify(db, "alice", "pw") == {"alice", "survey"}
    assert verify(db, "bob", "pw") == {"alice", "bob"}
    assert dr_admin("list").stdout == "alice: alice, survey\nbob: alice, bob\n"


def test_delfromgroup_takes_a_user_out_and_an_empty_group_goes(db, dr_admin):
    add_users(db, "alice")
    dr_admin("addtogroup", "alice", "survey")
    result = dr_admin("delfromgroup", "alice", "survey")
    assert (result.returncode, result.stdout) == (0, "removed alice from group survey\n")
    assert verify(db, "alice", "pw") == {"alice"}
    assert db.query("SELECT name FROM dc.groups ORDER BY name") == [("alice",)]
    result = dr_admin("delfromgroup", "alice", "survey")
    assert (result.returncode, result.stderr) == (
        1, "dr: error: no group 'survey'\n  hint: dr admin list shows the groups\n")


def test_nobody_leaves_their_own_group(db, dr_admin):
    add_users(db, "alice")
    result = dr_admin("delfromgroup", "alice", "alice")
    assert result.returncode == 1
    assert "'alice' is always in their own group" in result.stderr
    assert verify(db, "alice", "pw") == {"alice"}


def test_deluser_takes_groups_memberships_and_tokens_along(db, dr_admin):
    add_users(db, "alice", "bob")
    dr_admin("addtogroup", "alice", "survey")
    dr_admin("addtogroup", "bob", "alice")
    secret = dr_admin("token", "alice").stdout.strip()
    result = dr_admin("deluser", "alice")
    assert (result.returncode, result.stdout) == (
        0, "deleted user alice, their group, memberships and tokens\n")
    assert verify(db, "alice", "pw") is None
    assert verify_token(db, secret) is None
    assert verify(db, "bob", "pw") == {"bob"}
    assert db.query("SELECT name FROM dc.groups") == [("bob",)]
    assert db.query("SELECT username, groupname FROM dc.memberships") == [("bob", "bob")]
    assert db.query("SELECT count(*) FROM dc.tokens") == [(0,)]
    # a new alice starts afresh: nobody else in her group
    add_users(db, "alice", password="other")
    assert verify(db, "alice", "other") == {"alice"}
    assert verify(db, "bob", "pw") == {"bob"}


def test_a_token_verifies_until_revoked(db, dr_admin):
    add_users(db, "alice")
    dr_admin("addtogroup", "alice", "survey")
    made = dr_admin("token", "alice", "--label", "laptop script")
    secret = made.stdout.strip()
    assert made.returncode == 0 and made.stdout == secret + "\n"
    assert secret.startswith("drt_") and len(secret) == 47
    assert "token 1 for alice" in made.stderr and "shown only now" in made.stderr
    assert verify_token(db, secret) == ("alice", {"alice", "survey"})
    assert verify_token(db, secret[:-1] + "x") is None
    [(stored,)] = db.query("SELECT digest FROM dc.tokens WHERE token_id = 1")
    assert stored == digest(secret) and secret not in stored
    assert "  1: alice 'laptop script', made " in dr_admin("list").stdout

    result = dr_admin("revoke", "1")
    assert (result.returncode, result.stdout) == (0, "revoked token 1\n")
    assert verify_token(db, secret) is None
    assert "tokens:" not in dr_admin("list").stdout
    result = dr_admin("revoke", "1")
    assert (result.returncode, result.stderr) == (
        1, "dr: error: token 1 is already revoked\n")
    result = dr_admin("revoke", "7")
    assert result.returncode == 1 and result.stderr.startswith("dr: error: no token 7\n")


def test_a_disabled_users_password_and_tokens_verify_as_nothing(db, dr_admin):
    add_users(db, "alice")
    secret = dr_admin("token", "alice").stdout.strip()
    execute(db, "UPDATE dc.users SET disabled = true")
    assert verify(db, "alice", "pw") is None
    assert verify_token(db, secret) is None
    assert dr_admin("list").stdout.startswith("alice (disabled): alice\n")


@pytest.mark.parametrize("argv", [
    ("deluser", "nobody"),
    ("addtogroup", "nobody", "survey"),
    ("delfromgroup", "nobody", "survey"),
    ("token", "nobody"),
])
def test_unknown_users_are_errors(db, dr_admin, argv):
    result = dr_admin(*argv)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("dr: error: no user 'nobody'\n"
                             "  hint: dr admin list shows the users\n")
    assert db.query("SELECT count(*) FROM dc.groups") == [(0,)]


def test_passwd_of_an_unknown_user_is_an_error(db, dr_admin):
    result = dr_admin("passwd", "nobody", "--password-stdin", stdin="pw\n")
    assert (result.returncode, result.stderr) == (
        1, "dr: error: no user 'nobody'\n  hint: dr admin list shows the users\n")


def test_delfromgroup_of_a_group_the_user_is_not_in(db, dr_admin):
    add_users(db, "alice", "bob")
    dr_admin("addtogroup", "bob", "survey")
    result = dr_admin("delfromgroup", "alice", "survey")
    assert (result.returncode, result.stderr) == (
        1, "dr: error: 'alice' is not in group 'survey'\n")


@pytest.mark.parametrize("stdin", ["", "\n", "\r\n"])
def test_empty_passwords_are_refused(db, dr_admin, stdin):
    result = dr_admin("adduser", "alice", "--password-stdin", stdin=stdin)
    assert result.returncode == 1
    assert result.stderr.startswith("dr: error: the password is empty\n")
    assert db.query("SELECT count(*) FROM dc.users") == [(0,)]


def test_without_a_terminal_the_password_must_come_with_password_stdin(db, dr_admin):
    result = dr_admin("adduser", "alice", stdin="pw\n")
    assert result.returncode == 1
    assert result.stderr == ("dr: error: no terminal to ask for the password on\n"
                             "  hint: give it on standard input with --password-stdin\n")


def test_only_the_first_line_of_stdin_is_the_password(db, dr_admin):
    dr_admin("adduser", "alice", "--password-stdin", stdin="first\nsecond\n")
    assert verify(db, "alice", "first") == {"alice"}


def test_an_existing_user_is_not_added_again(db, dr_admin):
    dr_admin("adduser", "alice", "--password-stdin", stdin="pw\n")
    result = dr_admin("adduser", "alice", "--password-stdin", stdin="other\n")
    assert (result.returncode, result.stderr) == (
        1, "dr: error: user 'alice' exists\n  hint: dr admin passwd changes their "
           "password\n")
    assert verify(db, "alice", "pw") == {"alice"}


def test_a_user_cannot_take_over_an_existing_group(db, dr_admin):
    add_users(db, "alice")
    dr_admin("addtogroup", "alice", "staff")
    result = dr_admin("adduser", "staff", "--password-stdin", stdin="pw\n")
    assert result.returncode == 1
    assert "a group 'staff' exists" in result.stderr
    assert db.query("SELECT name FROM dc.users") == [("alice",)]


@pytest.mark.parametrize("argv", [
    ("adduser", "al:ice", "--password-stdin"),
    ("adduser", "", "--password-stdin"),
    ("adduser", "x" * 65, "--password-stdin"),
    ("addtogroup", "alice", "two words"),
])
def test_names_that_cannot_be_used_are_refused(db, dr_admin, argv):
    add_users(db, "alice")
    result = dr_admin(*argv, stdin="pw\n")
    assert result.returncode == 1 and "name" in result.stderr
    assert "is not allowed" in result.stderr
    assert db.query("SELECT count(*) FROM dc.users") == [(1,)]
    assert db.query("SELECT count(*) FROM dc.groups") == [(1,)]


def test_nothing_prints_a_hash(db, dr_admin):
    dr_admin("adduser", "alice", "--password-stdin", "--remarks", "PI of the survey",
             stdin="pw\n")
    dr_admin("token", "alice")
    listing = dr_admin("list")
    assert listing.stdout.startswith("alice: alice  # PI of the survey\ntokens:\n")
    assert "argon2" not in listing.stdout + listing.stderr
    [(token_digest,)] = db.query("SELECT digest FROM dc.tokens")
    assert token_digest not in listing.stdout


def test_list_without_users_says_how_to_add_one(db, dr_admin):
    assert dr_admin("list").stdout == "no users (dr admin adduser adds one)\n"
