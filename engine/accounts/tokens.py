"""Bearer tokens for scripts: made for a user, shown once, kept only as a digest.

A token's secret is 32 random bytes (``drt_`` and 43 URL-safe characters).  The
database keeps its sha256, which is enough for a secret of that entropy —
nobody can guess one to match a leaked digest, so a slow hash would buy nothing
and cost every request.  Lookup is by digest; a revoked token, or one of a
disabled user, verifies as nothing.

As in :mod:`engine.accounts.users`, the caller's cursor does the work and the
caller commits.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from engine.accounts.users import groups_of
from engine.errors import AccountError

PREFIX = "drt_"
SECRET_BYTES = 32
MAX_LABEL_LENGTH = 200
MAX_SECRET_LENGTH = 100  # ours are 47 characters; longer is not worth hashing


@dataclass(frozen=True)
class NewToken:
    """A token just made: its id (to revoke it) and the secret, shown this once."""

    token_id: int
    secret: str


@dataclass(frozen=True)
class TokenInfo:
    """A token as ``dr admin list`` shows it; never its digest."""

    token_id: int
    user: str
    label: str
    created: datetime.datetime
    revoked: datetime.datetime | None


def digest(secret: str) -> str:
    """What the database keeps of a secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def make_token(cur, user: str, label: str = "") -> NewToken:
    """A new token for ``user``, with a label saying what it is for."""
    if len(label) > MAX_LABEL_LENGTH or not label.isprintable():
        raise AccountError(f"a token label is printable text of at most "
                           f"{MAX_LABEL_LENGTH} characters")
    secret = PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    cur.execute("INSERT INTO dc.tokens (digest, username, label) "
                "SELECT %s, name, %s FROM dc.users WHERE name = %s "
                "RETURNING token_id", (digest(secret), label, user))
    row = cur.fetchone()
    if row is None:
        raise AccountError(f"no user {user!r}", hint="dr admin list shows the users")
    return NewToken(row[0], secret)


def verify_token(cur, secret: str) -> tuple[str, frozenset[str]] | None:
    """(user, their groups) for a live token's secret, else None."""
    if (not secret.startswith(PREFIX) or len(secret) > MAX_SECRET_LENGTH
            or not secret.isascii()):
        return None
    cur.execute("SELECT t.username FROM dc.tokens t JOIN dc.users u ON u.name = t.username "
                "WHERE t.digest = %s AND t.revoked IS NULL AND NOT u.disabled",
                (digest(secret),))
    row = cur.fetchone()
    if row is None:
        return None
    return row[0], groups_of(cur, row[0])


def revoke_token(cur, token_id: int) -> None:
    """Make token ``token_id`` verify as nothing from now on."""
    cur.execute("UPDATE dc.tokens SET revoked = now() "
                "WHERE token_id = %s AND revoked IS NULL RETURNING token_id", (token_id,))
    if cur.fetchone() is not None:
        return
    cur.execute("SELECT 1 FROM dc.tokens WHERE token_id = %s", (token_id,))
    if cur.fetchone() is None:
        raise AccountError(f"no token {token_id}", hint="dr admin list shows the tokens")
    raise AccountError(f"token {token_id} is already revoked")


def list_tokens(cur, *, revoked: bool = False) -> list[TokenInfo]:
    """Every live token (and the revoked ones too with ``revoked``), by id."""
    cur.execute("SELECT token_id, username, label, created, revoked FROM dc.tokens "
                + ("" if revoked else "WHERE revoked IS NULL ")
                + "ORDER BY token_id")
    return [TokenInfo(*row) for row in cur.fetchall()]
