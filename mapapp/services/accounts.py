"""User tasks around accounts: create, list, remove, reset a password, log in and out, and who
the command line acts as.

Passwords are hashed with argon2id (``argon2-cffi``, its recommended parameters); the store keeps
only the hash (:mod:`mapapp.store.accounts`). ``mapapp users`` and the login page call these
functions.

The first admin
---------------
``MAPAPP_EDITOR_PASSWORD`` only bootstraps: while the store database holds no account at all,
:func:`bootstrap_admin` creates the account ``admin`` (role admin) with that password (once, also
with several app processes). From then on accounts are managed with ``mapapp users``.

The command line's ``--as NAME``
--------------------------------
:func:`cli_account`: when the database has accounts, ``NAME`` must be one of them and that
account's role and scope apply (a viewer changes nothing, an editor only offers in its scope);
an unknown name is refused, so every change in the audit names a real account. While the
database has no account at all (a local installation without the app's editing), the command line
acts without limits as before: whoever can run ``mapapp`` on the machine can change the database
file anyway. ``--as`` names the actor, it is no login: the command line trusts the machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mapapp.config import Settings
from mapapp.model import DataError
from mapapp.store import offer_store_exists, open_offer_store
from mapapp.store.accounts import (
    Account,
    AccountEvent,
    AccountPolicy,
    AccountStore,
    LoginResult,
    Role,
    check_name,
)
from mapapp.store.base import SYSTEM_ACTOR

#: The account :func:`bootstrap_admin` creates.
FIRST_ADMIN = "admin"
#: Shortest password ``mapapp users`` accepts.
MIN_PASSWORD_LEN = 10
_HASHER = PasswordHasher()
#: Hash checked for an unknown account name, so that it takes as long as a known one.
_DUMMY_HASH = _HASHER.hash("mapapp-no-such-account")
_AGS_SCOPE = re.compile(r"05\d{3}(\d{3})?")


def hash_password(password: str) -> str:
    """The argon2id hash (``$argon2id$v=19$m=…``) of ``password``."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (``None``: an unknown account; checked against a
    dummy hash, always false)."""
    try:
        ok = _HASHER.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return bool(ok) and stored is not None


def check_password(password: str) -> str:
    """A new password, or a DataError naming the rule."""
    if len(password) < MIN_PASSWORD_LEN:
        raise DataError(
            f"Passwort zu kurz: mindestens {MIN_PASSWORD_LEN} Zeichen", field="password"
        )
    return password


def parse_scopes(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"05358,05314000"`` → ``("05358", "05314000")``: AGS of NRW Kreise (5 digits) or
    Gemeinden (8 digits)."""
    parts = text.split(",") if isinstance(text, str) else list(text or ())
    out: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not _AGS_SCOPE.fullmatch(part):
            raise DataError(
                f"'{part}' ist kein AGS eines NRW-Kreises (5 Ziffern, z. B. 05358) oder einer "
                "NRW-Gemeinde (8 Ziffern, z. B. 05314000)",
                field="scope",
            )
        out.append(part)
    return tuple(dict.fromkeys(out))


def account_store(settings: Settings) -> AccountStore:
    """The accounts of the configured store database (session lifetime from the settings)."""
    policy = AccountPolicy(session_s=settings.session_hours * 3600.0)
    return AccountStore(open_offer_store(settings).engine, policy)


def add_user(
    settings: Settings,
    name: str,
    role: str,
    password: str,
    scopes: str | Iterable[str] | None = None,
    *,
    actor: str,
    via: str = "cli",
) -> Account:
    """Create an account. An editor needs at least one scope; admins and viewers have none."""
    check_name(name)
    try:
        the_role = Role(role)
    except ValueError as exc:
        raise DataError(f"Rolle '{role}' unbekannt (admin, editor, viewer)", field="role") from exc
    scope = parse_scopes(scopes)
    if the_role is Role.EDITOR and not scope:
        raise DataError("ein Konto der Rolle editor braucht --scope AGS[,AGS…]", field="scope")
    if the_role is not Role.EDITOR and scope:
        raise DataError(f"--scope gilt nur für editor, nicht für {the_role}", field="scope")
    store = account_store(settings)
    store.add(name, the_role, scope, hash_password(check_password(password)), actor=actor, via=via)
    found = store.get(name)
    assert found is not None
    return found


def list_users(settings: Settings) -> list[Account]:
    return account_store(settings).all()


def remove_user(settings: Settings, name: str, *, actor: str, via: str = "cli") -> None:
    store = account_store(settings)
    target = store.get(name)
    if target is not None and target.role is Role.ADMIN:
        admins = [a for a in store.all() if a.role is Role.ADMIN]
        if len(admins) == 1:
            raise DataError(
                f"'{name}' ist das letzte Konto der Rolle admin – erst ein anderes anlegen",
                field="name",
            )
    store.remove(name, actor=actor, via=via)


def reset_password(
    settings: Settings, name: str, password: str, *, actor: str, via: str = "cli"
) -> None:
    """New password; the lockout is cleared and every session of the account ends."""
    account_store(settings).set_password(
        name, hash_password(check_password(password)), actor=actor, via=via
    )


def events(settings: Settings, name: str | None = None) -> list[AccountEvent]:
    return account_store(settings).events(name)


def bootstrap_admin(settings: Settings) -> bool:
    """Create ``admin`` from ``MAPAPP_EDITOR_PASSWORD`` while no account exists; ``True`` if
    it was created now."""
    if not settings.editor_password:
        return False
    store = account_store(settings)
    if store.count():
        return False
    return store.add(
        FIRST_ADMIN,
        Role.ADMIN,
        (),
        hash_password(settings.editor_password),
        actor=SYSTEM_ACTOR,
        via="bootstrap",
        only_if_none=True,
    )


def has_accounts(settings: Settings) -> bool:
    return account_store(settings).count() > 0


def login(settings: Settings, name: str, password: str) -> LoginResult:
    """One login attempt (per-account lockout; a session on success)."""
    name = name.strip()
    return account_store(settings).attempt(name, lambda h: verify_password(h, password))


def session_account(settings: Settings, token: str | None) -> Account | None:
    return account_store(settings).session(token)


def logout(settings: Settings, token: str) -> None:
    account_store(settings).logout(token)


@dataclass(frozen=True)
class Actor:
    """Who acts on the command line: the name for the audit and the account whose role and
    scope apply (``None``: the database has no accounts, no limits)."""

    name: str
    account: Account | None


def cli_account(settings: Settings, name: str, *, dry_run: bool = False) -> Actor:
    """The account ``--as NAME`` stands for (see the module docstring).

    ``dry_run``: a command that stores nothing must not create the store database either; without
    one there is no account yet, so ``NAME`` acts without limits (an existing database is read).
    """
    if dry_run and not offer_store_exists(settings):
        return Actor(name, None)
    store = account_store(settings)
    if not store.count():
        return Actor(name, None)
    account = store.get(name)
    if account is None:
        raise DataError(
            f"Konto '{name}' gibt es nicht – mit --as einen Kontonamen angeben "
            "(mapapp users list) oder das Konto anlegen (mapapp users add)",
            field="as",
        )
    return Actor(name, account)


__all__ = [
    "FIRST_ADMIN",
    "Account",
    "Actor",
    "Role",
    "add_user",
    "bootstrap_admin",
    "cli_account",
    "hash_password",
    "list_users",
    "login",
    "logout",
    "remove_user",
    "reset_password",
    "session_account",
    "verify_password",
]
