"""Browser sessions: a secret in a cookie after a login, kept in ``dc.sessions`` as a digest.

A session's secret is 32 random bytes (``secrets.token_urlsafe``, 43 characters);
as for bearer tokens (:mod:`engine.accounts.tokens`) the database keeps only
its sha256, which is enough for a secret of that entropy.  A session lasts
:data:`LIFETIME` from the login, however much it is used; ``last_used`` only
tells an administrator it was.  One of a disabled user verifies as nothing,
and deleting a user deletes their sessions (the foreign key cascades).
Expired rows are deleted whenever somebody logs in.

As in :mod:`engine.accounts.users`, the caller's cursor does the work and the
caller commits.
"""

from __future__ import annotations

import datetime
import re
import secrets

from engine.accounts.tokens import digest
from engine.accounts.users import groups_of
from engine.errors import AccountError

LIFETIME = datetime.timedelta(hours=12)
SECRET_BYTES = 32
# What token_urlsafe makes; anything else is not worth hashing and looking up.
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def plausible(secret: str) -> bool:
    """Whether ``secret`` could be a session's (worth looking up at all)."""
    return SECRET_PATTERN.fullmatch(secret) is not None


def create_session(cur, user: str) -> str:
    """A new session of ``user`` (who must exist and not be disabled): its secret."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    cur.execute("DELETE FROM dc.sessions WHERE expires <= now()")
    cur.execute("INSERT INTO dc.sessions (digest, username, expires) "
                "SELECT %s, name, now() + %s FROM dc.users "
                "WHERE name = %s AND NOT disabled RETURNING username",
                (digest(secret), LIFETIME, user))
    if cur.fetchone() is None:
        raise AccountError(f"no user {user!r} who may log in")
    return secret


def verify_session(cur, secret: str) -> tuple[str, frozenset[str]] | None:
    """(user, their groups) for a live session's secret, else None."""
    if not plausible(secret):
        return None
    cur.execute("UPDATE dc.sessions s SET last_used = now() FROM dc.users u "
                "WHERE s.digest = %s AND s.expires > now() "
                "AND u.name = s.username AND NOT u.disabled RETURNING s.username",
                (digest(secret),))
    row = cur.fetchone()
    if row is None:
        return None
    return row[0], groups_of(cur, row[0])


def delete_session(cur, secret: str) -> bool:
    """End the session of ``secret``; False if there was none."""
    if not plausible(secret):
        return False
    cur.execute("DELETE FROM dc.sessions WHERE digest = %s RETURNING username",
                (digest(secret),))
    return cur.fetchone() is not None
