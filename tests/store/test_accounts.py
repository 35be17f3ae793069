"""Accounts, sessions and the per-account lockout in the store database, on SQLite and on
PostgreSQL: argon2 hashes (no password and no session token stored anywhere), sessions that
expire, a lockout that a second process sees, and every event in the audit. Names and passwords
are SYNTHETIC."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from mapapp.config import Settings
from mapapp.model import DataError
from mapapp.services import accounts as svc
from mapapp.store.accounts import AccountPolicy, AccountStore, Outcome, Role, token_hash
from mapapp.store.schema import ACCOUNTS, AUDIT, SESSIONS
from mapapp.store.sql import SqlOfferStore

REPO = Path(__file__).parents[2]
PASSWORD = "richtig-geheim-1"


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(sql_store: SqlOfferStore, clock: Clock) -> AccountStore:
    return AccountStore(sql_store.engine, AccountPolicy(session_s=3600.0), clock)


def _add(store: AccountStore, name: str, role: Role = Role.EDITOR, scopes=("05358",)) -> None:
    store.add(name, role, scopes, svc.hash_password(PASSWORD), actor="ministerium", via="cli")


def _try(store: AccountStore, name: str, password: str):
    return store.attempt(name, lambda h: svc.verify_password(h, password))


def _all_text(store: AccountStore) -> str:
    """Every value of the accounts, sessions and audit tables as one text."""
    with store.engine.connect() as conn:
        rows = [
            *conn.execute(sa.select(ACCOUNTS)).all(),
            *conn.execute(sa.select(SESSIONS)).all(),
            *conn.execute(sa.select(AUDIT)).all(),
        ]
    return "\n".join(str(v) for r in rows for v in r)


def test_accounts_are_stored_with_argon2_and_audited(accounts: AccountStore) -> None:
    _add(accounts, "anna", scopes=("05358", "05314000"))
    _add(accounts, "ministerium", Role.ADMIN, ())
    anna = accounts.get("anna")
    assert anna is not None and anna.role is Role.EDITOR and anna.scopes == ("05358", "05314000")
    assert [a.name for a in accounts.all()] == ["anna", "ministerium"]
    stored = accounts.password_hash("anna")
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in _all_text(accounts)
    with pytest.raises(DataError, match="gibt es schon"):
        _add(accounts, "anna")
    with pytest.raises(DataError, match="Kontoname"):
        _add(accounts, "anna; DROP TABLE")
    events = accounts.events("anna")
    assert [(e.kind, e.action, e.actor) for e in events] == [("account", "create", "ministerium")]
    assert events[0].detail == {"name": "anna", "role": "editor", "scopes": ["05358", "05314000"]}


def test_login_session_expires_and_token_is_not_stored(
    accounts: AccountStore, clock: Clock
) -> None:
    _add(accounts, "anna")
    result = _try(accounts, "anna", PASSWORD)
    assert result.ok and result.token and result.account is not None
    account = accounts.session(result.token)
    assert account is not None and account.name == "anna"
    text = _all_text(accounts)
    assert result.token not in text and token_hash(result.token) in text
    assert accounts.session("forged-token") is None
    clock.now += 3599
    assert accounts.session(result.token) is not None
    clock.now += 2  # past the lifetime
    assert accounts.session(result.token) is None
    again = _try(accounts, "anna", PASSWORD)
    assert again.token is not None
    accounts.logout(again.token)
    assert accounts.session(again.token) is None
    actions = [e.action for e in accounts.events("anna") if e.kind == "login"]
    assert actions == ["login", "login", "logout"]


def test_lockout_per_account_refuses_the_right_password_then_expires(
    accounts: AccountStore, clock: Clock
) -> None:
    _add(accounts, "anna")
    _add(accounts, "bert")
    for i in range(4):
        assert _try(accounts, "anna", f"falsch{i}").outcome is Outcome.FAILED
        clock.now += 1
    fifth = _try(accounts, "anna", "falsch4")
    assert fifth.outcome is Outcome.LOCKED and fifth.wait_s == 30
    called = []
    refused = accounts.attempt("anna", lambda h: called.append(h) or True)
    assert refused.outcome is Outcome.LOCKED and not refused.ok and called == []
    assert _try(accounts, "bert", PASSWORD).ok  # another account is not locked
    clock.now += 31
    assert _try(accounts, "anna", "falsch5").outcome is Outcome.LOCKED  # doubled: 60 s
    clock.now += 61
    ok = _try(accounts, "anna", PASSWORD)
    assert ok.ok and accounts.get("anna").failed_logins == 0  # type: ignore[union-attr]
    actions = [e.action for e in accounts.events("anna") if e.kind == "login"]
    assert actions == ["failed"] * 4 + ["lockout", "refused_locked", "lockout", "login"]
    lock = next(e for e in accounts.events("anna") if e.action == "lockout")
    assert lock.detail is not None and lock.detail["failed_logins"] == 5
    for i in range(6):
        assert f"falsch{i}" not in _all_text(accounts)


def test_unknown_name_fails_like_a_wrong_password(accounts: AccountStore) -> None:
    result = _try(accounts, "niemand", PASSWORD)
    assert result.outcome is Outcome.FAILED and result.account is None
    assert [e.action for e in accounts.events("niemand")] == ["failed_unknown"]


_CHILD = textwrap.dedent(
    """
    import sys
    from mapapp.services.accounts import verify_password
    from mapapp.store.accounts import AccountStore
    from mapapp.store.sql import SqlOfferStore

    url, name, password = sys.argv[1:4]
    store = AccountStore(SqlOfferStore(url).engine)
    result = store.attempt(name, lambda h: verify_password(h, password))
    print(result.outcome.value, result.wait_s > 0)
    """
)


def test_a_second_process_sees_the_lock(store_url: str, sql_store: SqlOfferStore) -> None:
    """Five wrong passwords in this process (real clock): another process with the right password
    is refused; a password reset there clears the lock."""
    store = AccountStore(sql_store.engine)
    _add(store, "anna")
    for i in range(5):
        _try(store, "anna", f"falsch{i}")
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, store_url, "anna", PASSWORD],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=True,
    )
    assert child.stdout.split() == ["locked", "True"]
    store.set_password("anna", svc.hash_password(PASSWORD), actor="ministerium", via="cli")
    assert _try(store, "anna", PASSWORD).ok


def test_reset_and_remove_end_sessions(accounts: AccountStore) -> None:
    _add(accounts, "anna")
    token = _try(accounts, "anna", PASSWORD).token
    assert accounts.session_count("anna") == 1
    accounts.set_password("anna", svc.hash_password("neu-und-lang-2"), actor="m", via="cli")
    assert accounts.session(token) is None
    assert not _try(accounts, "anna", PASSWORD).ok
    token = _try(accounts, "anna", "neu-und-lang-2").token
    accounts.remove("anna", actor="m", via="cli")
    assert accounts.session(token) is None and accounts.get("anna") is None
    assert [e.action for e in accounts.events("anna") if e.kind == "account"] == [
        "create",
        "reset_password",
        "remove",
    ]


def test_first_admin_is_bootstrapped_once(store_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=store_url, editor_password="start-pw-123")
    assert svc.bootstrap_admin(settings)
    assert not svc.bootstrap_admin(settings)  # only while no account exists
    other = Settings(data_dir=tmp_path, database_url=store_url, editor_password="anderes-pw-99")
    assert not svc.bootstrap_admin(other)
    assert svc.login(other, "admin", "start-pw-123").ok
    assert not svc.login(other, "admin", "anderes-pw-99").ok
    [admin] = svc.list_users(settings)
    assert (admin.name, admin.role) == ("admin", Role.ADMIN)


def test_user_rules(store_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=store_url)
    with pytest.raises(DataError, match="braucht --scope"):
        svc.add_user(settings, "anna", "editor", PASSWORD, actor="m")
    with pytest.raises(DataError, match="kein AGS"):
        svc.add_user(settings, "anna", "editor", PASSWORD, "5358", actor="m")
    with pytest.raises(DataError, match="zu kurz"):
        svc.add_user(settings, "anna", "editor", "kurz", "05358", actor="m")
    with pytest.raises(DataError, match="Rolle"):
        svc.add_user(settings, "anna", "chef", PASSWORD, actor="m")
    svc.add_user(settings, "chefin", "admin", PASSWORD, actor="m")
    with pytest.raises(DataError, match="letzte Konto der Rolle admin"):
        svc.remove_user(settings, "chefin", actor="m")
    # the command line: no accounts -> no limits; with accounts only their names
    assert svc.cli_account(settings, "chefin").account is not None
    with pytest.raises(DataError, match="gibt es nicht"):
        svc.cli_account(settings, "root")


def test_a_backup_carries_accounts_not_sessions(
    accounts: AccountStore, store_url: str, tmp_path: Path
) -> None:
    from mapapp.store.backup import backup_file, restore

    _add(accounts, "anna", scopes=("05358",))
    token = _try(accounts, "anna", PASSWORD).token
    dump = tmp_path / "b.jsonl"
    counts = backup_file(SqlOfferStore(store_url), dump)
    assert counts["accounts"] == 1 and "sessions" not in counts
    assert PASSWORD not in dump.read_text(encoding="utf-8")
    target = SqlOfferStore(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    restore(target, dump)
    restored = AccountStore(target.engine)
    anna = restored.get("anna")
    assert anna is not None and anna.scopes == ("05358",)
    assert restored.session(token) is None  # everybody logs in again
    assert _try(restored, "anna", PASSWORD).ok
