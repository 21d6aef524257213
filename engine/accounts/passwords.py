"""Password hashing: argon2id at a fixed work factor, and a dummy hash for unknown users.

The parameters are RFC 9106's second recommendation ("low memory"): argon2id,
3 passes over 64 MiB with 4 lanes, a 16-byte salt and a 32-byte tag.  They are
argon2-cffi's defaults today, but taken from the RFC's profile so that a new
release of the library cannot change them behind DR's back, and they are above
OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane).  One check costs about
0.15 s of CPU and 64 MiB of memory, so the web side must bound how many run at
once.  A hash made with other parameters still verifies, and is replaced at the
next successful check (:func:`needs_rehash`).

Nothing here touches the database; :mod:`engine.accounts.users` does.
"""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

from engine.errors import AccountError

PARAMETERS = RFC_9106_LOW_MEMORY
HASHER = PasswordHasher.from_parameters(PARAMETERS)

# A password longer than this is refused when set: argon2 would take it, but
# nobody types it, and the web side bounds what it reads to check.
MAX_PASSWORD_LENGTH = 1024


def check_new_password(password: str) -> None:
    """Refuse a password DR will not store (empty, or absurdly long)."""
    if not password:
        raise AccountError("the password is empty", hint="give a non-empty password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password is longer than {MAX_PASSWORD_LENGTH} "
                           "characters")


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (PHC string, with a fresh random salt)."""
    check_new_password(password)
    return HASHER.hash(password)


@functools.cache
def dummy_hash() -> str:
    """A hash of a random, forgotten password at the current parameters.

    Checking a password of an unknown user against it costs what checking a
    known user's does, so the time of a failed login does not tell whether the
    user exists.
    """
    return HASHER.hash(secrets.token_urlsafe(32))


def matches(stored_hash: str, password: str) -> bool:
    """Whether ``password`` is the one ``stored_hash`` was made from.

    A malformed stored hash, or a password that is not text (lone surrogates), is
    a mismatch, not an error a caller could tell apart.
    """
    try:
        return HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError, UnicodeError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether ``stored_hash`` was made with parameters other than :data:`PARAMETERS`."""
    return HASHER.check_needs_rehash(stored_hash)


def parameters_of(stored_hash: str):
    """The argon2 parameters a stored hash was made with (argon2.Parameters)."""
    return extract_parameters(stored_hash)
