"""Accounts: users, groups, passwords, bearer tokens and browser sessions in ``dc``;
login backoff.

The tables are made by steps 6 and 8 of engine/install.py; ``dr admin`` manages them
(engine/commands/admincmd.py); engine/web/authenticate.py checks requests'
credentials with them, and engine/web/access.py says where that counts.
"""

from engine.accounts.backoff import Backoff
from engine.accounts.sessions import create_session, delete_session, verify_session
from engine.accounts.tokens import (
    NewToken,
    TokenInfo,
    list_tokens,
    make_token,
    revoke_token,
    verify_token,
)
from engine.accounts.users import (
    UserInfo,
    add_to_group,
    add_user,
    delete_user,
    groups_of,
    list_users,
    owner_groups,
    remove_from_group,
    set_password,
    verify_password,
)

__all__ = [
    "Backoff", "NewToken", "TokenInfo", "UserInfo", "add_to_group", "add_user",
    "create_session", "delete_session", "delete_user", "groups_of", "list_tokens",
    "list_users", "make_token", "owner_groups", "remove_from_group", "revoke_token",
    "set_password", "verify_password", "verify_session", "verify_token",
]
