"""Checking passwords: the dummy hash for unknown users, rehashing, the schema step."""

from __future__ import annotations

from argon2 import PasswordHasher

from engine import accounts
from engine.accounts.passwords import PARAMETERS, dummy_hash, matches, parameters_of
from engine.accounts.users import Candidate, password_candidate
from engine.install import STEPS, current_version, install_system_schema


def test_an_unknown_user_is_checked_against_the_dummy_hash(cursor):
    # What verify_password checks the password against, for a name with no user:
    # a real argon2id hash at the live parameters, so the check costs the same.
    candidate = password_candidate(cursor, "nobody")
    assert candidate == Candidate(dummy_hash(), active=False)
    assert parameters_of(candidate.password_hash) == PARAMETERS
    assert accounts.verify_password(cursor, "nobody", "anything") is None


def test_a_known_user_is_checked_against_their_own_hash(cursor):
    accounts.add_user(cursor, "alice", "pw")
    candidate = password_candidate(cursor, "alice")
    assert candidate.active and candidate.password_hash != dummy_hash()
    assert parameters_of(candidate.password_hash) == parameters_of(dummy_hash())


def test_a_disabled_user_is_checked_like_any_other_and_refused(cursor):
    accounts.add_user(cursor, "alice", "pw")
    cursor.execute("UPDATE dc.users SET disabled = true")
    candidate = password_candidate(cursor, "alice")
    assert not candidate.active and matches(candidate.password_hash, "pw")
    assert accounts.verify_password(cursor, "alice", "pw") is None


def test_a_hash_with_old_parameters_is_replaced_at_the_next_login(cursor):
    accounts.add_user(cursor, "alice", "pw")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("pw")
    cursor.execute("UPDATE dc.users SET password_hash = %s", (weak,))
    assert accounts.verify_password(cursor, "alice", "wrong") is None
    cursor.execute("SELECT password_hash FROM dc.users")
    assert cursor.fetchone()[0] == weak  # a failed login changes nothing
    assert accounts.verify_password(cursor, "alice", "pw") == {"alice"}
    cursor.execute("SELECT password_hash FROM dc.users")
    renewed = cursor.fetchone()[0]
    assert renewed != weak and parameters_of(renewed) == PARAMETERS
    assert accounts.verify_password(cursor, "alice", "pw") == {"alice"}


def test_a_malformed_stored_hash_refuses_every_password(cursor):
    accounts.add_user(cursor, "alice", "pw")
    cursor.execute("UPDATE dc.users SET password_hash = 'scrypt:not-ours'")
    assert accounts.verify_password(cursor, "alice", "pw") is None


def test_the_accounts_step_installs_once(db):
    conn = db.connect()
    try:
        assert install_system_schema(conn) == len(STEPS)
        assert current_version(conn) == len(STEPS)
        with conn.cursor() as cur:
            cur.execute("SELECT version, count(*) FROM dc.schema_version "
                        "GROUP BY version HAVING count(*) > 1")
            assert cur.fetchall() == []
            cur.execute("SELECT to_regclass(t) IS NOT NULL FROM unnest(%s) t",
                        (["dc.users", "dc.groups", "dc.memberships", "dc.tokens"],))
            assert [r[0] for r in cur.fetchall()] == [True] * 4
    finally:
        conn.close()


def test_passwords_and_tokens_that_are_not_text_check_as_nothing(cursor):
    accounts.add_user(cursor, "alice", "pw")
    assert accounts.verify_password(cursor, "alice", "pw\udc80") is None
    assert accounts.verify_password(cursor, "nobody", "\udc80") is None
    assert accounts.verify_password(cursor, "\udc80", "pw") is None
    assert password_candidate(cursor, "al:ice") == Candidate(dummy_hash(), active=False)
    assert accounts.verify_token(cursor, "drt_\udc80") is None
    assert accounts.verify_token(cursor, "drt_" + "x" * 200) is None
