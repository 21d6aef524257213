"""Users, groups and memberships in ``dc``, and checking a user's password.

The model is DaCHS's (``dachs adm adduser``, ``addtogroup``, ``delfromgroup``):
a group is a name; every user is a member of the group of their own name, from
``add_user`` until ``delete_user``, and other users may be added to it as in
Unix.  A group exists while it has members: ``add_to_group`` creates it, the
last ``remove_from_group`` removes it.  Unlike DaCHS, deleting a user deletes
their own group too (and so the others' memberships in it), so that a later
user of the same name does not inherit them; and a user cannot be created under
the name of an existing group.

Every function works on the caller's cursor and leaves committing to the caller;
on an :class:`~engine.errors.AccountError` the caller rolls back.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from engine.accounts.passwords import dummy_hash, hash_password, matches, needs_rehash
from engine.errors import AccountError

# Names go into HTTP Basic credentials (no ":"), logs and RDs' limitTo.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")


@dataclass(frozen=True)
class UserInfo:
    """A user as ``dr admin list`` shows them; never their hash."""

    name: str
    groups: tuple[str, ...]
    disabled: bool
    remarks: str
    created: datetime.datetime


@dataclass(frozen=True)
class Candidate:
    """What a password is checked against: the user's hash, or the dummy hash for
    a user who does not exist (``active`` False then, and for a disabled user)."""

    password_hash: str
    active: bool


def check_name(name: str, what: str = "user") -> None:
    """Refuse a user or group name DR cannot use."""
    if not NAME_PATTERN.fullmatch(name):
        raise AccountError(
            f"{what} name {name!r} is not allowed",
            hint="use 1 to 64 letters, digits and . _ @ + -, starting with a "
                 "letter or digit")


def _require_user(cur, name: str) -> None:
    cur.execute("SELECT 1 FROM dc.users WHERE name = %s", (name,))
    if cur.fetchone() is None:
        raise AccountError(f"no user {name!r}", hint="dr admin list shows the users")


def add_user(cur, name: str, password: str, *, remarks: str = "") -> None:
    """Create user ``name`` with ``password``, and their own group."""
    check_name(name, "user")
    password_hash = hash_password(password)
    cur.execute("INSERT INTO dc.users (name, password_hash, remarks) "
                "VALUES (%s, %s, %s) ON CONFLICT (name) DO NOTHING RETURNING name",
                (name, password_hash, remarks))
    if cur.fetchone() is None:
        raise AccountError(f"user {name!r} exists",
                           hint="dr admin passwd changes their password")
    cur.execute("INSERT INTO dc.groups (name) VALUES (%s) "
                "ON CONFLICT (name) DO NOTHING RETURNING name", (name,))
    if cur.fetchone() is None:
        raise AccountError(
            f"a group {name!r} exists, and a user's own group must be new",
            hint="choose another user name, or empty that group first "
                 "(dr admin delfromgroup)")
    cur.execute("INSERT INTO dc.memberships (username, groupname) VALUES (%s, %s)",
                (name, name))


def delete_user(cur, name: str) -> None:
    """Delete user ``name``, their memberships, tokens and own group (and groups
    left without members)."""
    groups = sorted(groups_of(cur, name))
    cur.execute("DELETE FROM dc.users WHERE name = %s RETURNING name", (name,))
    if cur.fetchone() is None:
        raise AccountError(f"no user {name!r}", hint="dr admin list shows the users")
    cur.execute("DELETE FROM dc.groups WHERE name = %s", (name,))
    _drop_if_empty(cur, groups)


def set_password(cur, name: str, password: str) -> None:
    """Give user ``name`` a new password, ending their browser sessions (whoever
    logged in with the old one is out); their bearer tokens stay until revoked."""
    password_hash = hash_password(password)
    cur.execute("UPDATE dc.users SET password_hash = %s, password_changed = now() "
                "WHERE name = %s", (password_hash, name))
    if cur.rowcount == 0:
        raise AccountError(f"no user {name!r}", hint="dr admin list shows the users")
    cur.execute("DELETE FROM dc.sessions WHERE username = %s", (name,))


def add_to_group(cur, user: str, group: str) -> bool:
    """Put ``user`` into ``group`` (created if new); False if they already were."""
    check_name(group, "group")
    _require_user(cur, user)
    cur.execute("INSERT INTO dc.groups (name) VALUES (%s) ON CONFLICT DO NOTHING",
                (group,))
    cur.execute("INSERT INTO dc.memberships (username, groupname) VALUES (%s, %s) "
                "ON CONFLICT DO NOTHING RETURNING username", (user, group))
    return cur.fetchone() is not None


def remove_from_group(cur, user: str, group: str) -> None:
    """Take ``user`` out of ``group`` (never out of their own); a group left without
    members is gone."""
    _require_user(cur, user)
    if group == user:
        raise AccountError(f"{user!r} is always in their own group",
                           hint="dr admin deluser removes the user")
    cur.execute("SELECT 1 FROM dc.groups WHERE name = %s", (group,))
    if cur.fetchone() is None:
        raise AccountError(f"no group {group!r}", hint="dr admin list shows the groups")
    cur.execute("DELETE FROM dc.memberships WHERE username = %s AND groupname = %s "
                "RETURNING username", (user, group))
    if cur.fetchone() is None:
        raise AccountError(f"{user!r} is not in group {group!r}")
    _drop_if_empty(cur, [group])


def _drop_if_empty(cur, groups: list[str]) -> None:
    """A group lives while it has members (an own group always has its owner)."""
    cur.execute("DELETE FROM dc.groups g WHERE name = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM dc.memberships m WHERE m.groupname = g.name)",
                (groups,))


def groups_of(cur, user: str) -> frozenset[str]:
    """The groups ``user`` is in (their own among them)."""
    cur.execute("SELECT groupname FROM dc.memberships WHERE username = %s", (user,))
    return frozenset(row[0] for row in cur.fetchall())


def owner_groups(conn, owner: str | None) -> frozenset[str]:
    """The groups of a job's owner now (none for an anonymous job, a disabled or
    deleted user): what a worker process runs the job with."""
    if owner is None:
        return frozenset()
    with conn.cursor() as cur:
        cur.execute("SELECT m.groupname FROM dc.memberships m JOIN dc.users u "
                    "ON u.name = m.username WHERE m.username = %s AND NOT u.disabled",
                    (owner,))
        return frozenset(row[0] for row in cur.fetchall())


def list_users(cur) -> list[UserInfo]:
    """Every user with their groups, by name."""
    cur.execute(
        "SELECT u.name, u.disabled, u.remarks, u.created, "
        "       array_remove(array_agg(m.groupname ORDER BY m.groupname), NULL) "
        "FROM dc.users u LEFT JOIN dc.memberships m ON m.username = u.name "
        "GROUP BY u.name ORDER BY u.name")
    return [UserInfo(name, tuple(groups), disabled, remarks, created)
            for name, disabled, remarks, created, groups in cur.fetchall()]


def password_candidate(cur, user: str) -> Candidate:
    """The hash to check a password for ``user`` against; the dummy hash when there
    is no such user, so that the check costs the same either way."""
    if not NAME_PATTERN.fullmatch(user):  # no such user can exist: no need to ask
        return Candidate(dummy_hash(), active=False)
    cur.execute("SELECT password_hash, disabled FROM dc.users WHERE name = %s", (user,))
    row = cur.fetchone()
    if row is None:
        return Candidate(dummy_hash(), active=False)
    return Candidate(row[0], active=not row[1])


def verify_password(cur, user: str, password: str) -> frozenset[str] | None:
    """``user``'s groups if ``password`` is theirs and they are not disabled, else None.

    An unknown user costs one argon2 check as a known one does.  A hash made with
    older parameters is replaced by one with the current parameters (the caller
    commits).
    """
    candidate = password_candidate(cur, user)
    if not matches(candidate.password_hash, password) or not candidate.active:
        return None
    if needs_rehash(candidate.password_hash):
        cur.execute("UPDATE dc.users SET password_hash = %s "
                    "WHERE name = %s AND password_hash = %s",
                    (hash_password(password), user, candidate.password_hash))
    return groups_of(cur, user)
