"""Accounts, sessions and the per-account lockout, in the store database (SQLite or PostgreSQL).

Everything lives in the tables ``accounts`` and ``sessions`` of :mod:`mapapp.store.schema`, so a
reload, a new browser and a second app process see the same accounts, sessions and locks. Every
change of an account and every login event is an ``audit`` row in the same transaction (kind
``account`` or ``login``, ``subject_id`` = the account name; never a password or a hash).

The store never sees a password: :meth:`AccountStore.add` takes the hash, and
:meth:`AccountStore.attempt` a ``verify(hash)`` callable (argon2 in
:mod:`mapapp.services.accounts`). Session tokens are random (``secrets``); only their SHA-256
is stored, so the table does not let anybody log in.

Lockout per account: after :attr:`AccountPolicy.free_failures` wrong passwords in a row (within
:attr:`AccountPolicy.window_s`) the account is locked for ``base_delay_s``, doubling with each
further failure up to ``max_delay_s`` (:func:`mapapp.store.logins.lock_delay`); while locked an
attempt is refused without checking the password. A successful login or a password reset clears
the counter. The clock is injected (``clock``), so tests need not wait.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from mapapp.model import DataError
from mapapp.store import engine as db
from mapapp.store.logins import clean_client, lock_delay
from mapapp.store.schema import ACCOUNTS, AUDIT, SESSIONS

ACCOUNT_KIND, LOGIN_KIND = "account", "login"
#: Account names: letters, digits and ``. _ @ -`` (an e-mail address fits), 1-64 characters.
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class Role(StrEnum):
    """What an account may do: ``admin`` (the ministry: funding lists, every offer, accounts),
    ``editor`` (offers inside its scopes), ``viewer`` (reads the editors' view, changes nothing)."""

    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


@dataclass(frozen=True)
class Account:
    """One account as the app sees it (no hash)."""

    name: str
    role: Role
    scopes: tuple[str, ...] = ()
    failed_logins: int = 0
    locked_until: str | None = None
    created_at: str = ""

    def public(self) -> dict[str, Any]:
        """What the audit records of an account (never the hash)."""
        return {"name": self.name, "role": str(self.role), "scopes": list(self.scopes)}


@dataclass(frozen=True)
class AccountPolicy:
    """Lockout thresholds and the session lifetime (seconds)."""

    free_failures: int = 5
    base_delay_s: float = 30.0
    max_delay_s: float = 3600.0
    window_s: float = 24 * 3600.0
    session_s: float = 8 * 3600.0


class Outcome(StrEnum):
    OK = "ok"
    FAILED = "failed"  # wrong password or unknown account (the UI says the same for both)
    LOCKED = "locked"  # refused without checking the password


@dataclass(frozen=True)
class LoginResult:
    """The outcome of one attempt; ``token`` is the new session's (only on success)."""

    outcome: Outcome
    now: float
    account: Account | None = None
    token: str | None = None
    locked_until: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def wait_s(self) -> int:
        """Whole seconds until the account may try again (0 when not locked)."""
        return max(0, -int(-(self.locked_until - self.now) // 1))


@dataclass(frozen=True)
class AccountEvent:
    """One audit row of kind ``account`` or ``login``."""

    kind: str
    subject: str
    actor: str
    via: str
    action: str
    at: str
    detail: dict[str, Any] | None


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def epoch(text: str | None) -> float:
    return datetime.fromisoformat(text).timestamp() if text else 0.0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    """The account name, or a DataError naming the rule."""
    if not NAME_RE.fullmatch(name or ""):
        raise DataError(
            f"Kontoname '{clean_client(name)}' ungültig: 1–64 Zeichen, Buchstaben, Ziffern und "
            ". _ @ - (beginnt mit Buchstabe oder Ziffer)",
            field="name",
        )
    return name


def _account(row: Any) -> Account:
    scopes = tuple(s for s in str(row.scopes or "").split(",") if s)
    return Account(
        name=row.name,
        role=Role(row.role),
        scopes=scopes,
        failed_logins=int(row.failed_logins or 0),
        locked_until=row.locked_until,
        created_at=row.created_at,
    )


class AccountStore:
    """Accounts, sessions and lockouts of one store database (``engine``)."""

    def __init__(
        self,
        engine: sa.Engine,
        policy: AccountPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.policy = policy or AccountPolicy()
        self.clock = clock

    # ---- audit -----------------------------------------------------------------------------

    def _audit(
        self,
        conn: sa.Connection,
        kind: str,
        subject: str,
        action: str,
        actor: str,
        via: str,
        detail: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
    ) -> None:
        conn.execute(
            sa.insert(AUDIT).values(
                kind=kind,
                subject_id=clean_client(subject),
                version=None,
                actor=clean_client(actor),
                via=via,
                action=action,
                at=iso(self.clock()),
                before=json.dumps(before, ensure_ascii=False) if before is not None else None,
                after=json.dumps(detail, ensure_ascii=False) if detail is not None else None,
            )
        )

    def events(self, name: str | None = None) -> list[AccountEvent]:
        """The account and login events (of one account), oldest first."""
        query = (
            sa.select(AUDIT)
            .where(AUDIT.c.kind.in_((ACCOUNT_KIND, LOGIN_KIND)))
            .order_by(AUDIT.c.id)
        )
        if name is not None:
            query = query.where(AUDIT.c.subject_id == name)
        with db.read(self.engine) as conn:
            rows = conn.execute(query).all()
        return [
            AccountEvent(
                r.kind,
                r.subject_id,
                r.actor,
                r.via,
                r.action,
                r.at,
                json.loads(r.after) if r.after else None,
            )
            for r in rows
        ]

    # ---- accounts ----------------------------------------------------------------------------

    def get(self, name: str) -> Account | None:
        with db.read(self.engine) as conn:
            row = conn.execute(sa.select(ACCOUNTS).where(ACCOUNTS.c.name == name)).first()
        return _account(row) if row else None

    def all(self) -> list[Account]:
        with db.read(self.engine) as conn:
            rows = conn.execute(sa.select(ACCOUNTS).order_by(ACCOUNTS.c.name)).all()
        return [_account(r) for r in rows]

    def count(self) -> int:
        with db.read(self.engine) as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(ACCOUNTS)).scalar_one())

    def add(
        self,
        name: str,
        role: Role,
        scopes: Iterable[str],
        password_hash: str,
        *,
        actor: str,
        via: str,
        only_if_none: bool = False,
    ) -> bool:
        """Create an account; ``False`` when ``only_if_none`` and an account exists already
        (the first admin of two processes is created once). Raises DataError for a name in
        use."""
        check_name(name)
        account = Account(name, Role(role), tuple(scopes))
        at = iso(self.clock())
        with db.write(self.engine) as conn:
            if only_if_none and conn.execute(sa.select(ACCOUNTS.c.name).limit(1)).first():
                return False
            if conn.execute(sa.select(ACCOUNTS.c.name).where(ACCOUNTS.c.name == name)).first():
                raise DataError(f"Konto '{name}' gibt es schon", field="name")
            conn.execute(
                sa.insert(ACCOUNTS).values(
                    name=name,
                    role=str(account.role),
                    scopes=",".join(account.scopes),
                    password_hash=password_hash,
                    created_at=at,
                    updated_at=at,
                    failed_logins=0,
                )
            )
            self._audit(conn, ACCOUNT_KIND, name, "create", actor, via, account.public())
        return True

    def _require(self, conn: sa.Connection, name: str) -> Account:
        row = conn.execute(sa.select(ACCOUNTS).where(ACCOUNTS.c.name == name)).first()
        if row is None:
            raise DataError(f"Konto '{clean_client(name)}' gibt es nicht", field="name")
        return _account(row)

    def remove(self, name: str, *, actor: str, via: str) -> None:
        """Delete an account and end its sessions (its audit rows stay)."""
        with db.write(self.engine) as conn:
            old = self._require(conn, name)
            conn.execute(sa.delete(SESSIONS).where(SESSIONS.c.account == name))
            conn.execute(sa.delete(ACCOUNTS).where(ACCOUNTS.c.name == name))
            self._audit(conn, ACCOUNT_KIND, name, "remove", actor, via, None, old.public())

    def set_password(self, name: str, password_hash: str, *, actor: str, via: str) -> None:
        """Replace the hash, clear the lockout and end every session of the account."""
        with db.write(self.engine) as conn:
            self._require(conn, name)
            conn.execute(
                sa.update(ACCOUNTS)
                .where(ACCOUNTS.c.name == name)
                .values(
                    password_hash=password_hash,
                    updated_at=iso(self.clock()),
                    failed_logins=0,
                    last_failure_at=None,
                    locked_until=None,
                )
            )
            conn.execute(sa.delete(SESSIONS).where(SESSIONS.c.account == name))
            self._audit(conn, ACCOUNT_KIND, name, "reset_password", actor, via)

    def password_hash(self, name: str) -> str | None:
        """The stored hash (for re-hashing with newer parameters; never shown)."""
        with db.read(self.engine) as conn:
            row = conn.execute(
                sa.select(ACCOUNTS.c.password_hash).where(ACCOUNTS.c.name == name)
            ).first()
        return str(row[0]) if row else None

    # ---- login, lockout and sessions -------------------------------------------------------

    def attempt(
        self, name: str, verify: Callable[[str | None], bool], *, via: str = "ui"
    ) -> LoginResult:
        """One login: refused while the account is locked (``verify`` not called), else the
        password is checked with ``verify(hash)`` (``verify(None)`` for an unknown name, so
        both take as long) and the outcome recorded in one write transaction: a new session on
        success, the counter (and maybe a lock) on failure; an audit row either way."""
        now = self.clock()
        account = self.get(name) if NAME_RE.fullmatch(name or "") else None
        if account is not None and epoch(account.locked_until) > now:
            with db.write(self.engine) as conn:
                self._audit(conn, LOGIN_KIND, name, "refused_locked", name, via)
            return LoginResult(Outcome.LOCKED, now, account, None, epoch(account.locked_until))
        stored = self.password_hash(name) if account is not None else None
        ok = verify(stored) and stored is not None
        with db.write(self.engine) as conn:
            if account is None:
                self._audit(conn, LOGIN_KIND, name, "failed_unknown", name, via)
                return LoginResult(Outcome.FAILED, now)
            current = self._require(conn, name)  # another process may have locked it meanwhile
            if epoch(current.locked_until) > now:
                self._audit(conn, LOGIN_KIND, name, "refused_locked", name, via)
                return LoginResult(Outcome.LOCKED, now, current, None, epoch(current.locked_until))
            if ok:
                return self._succeed(conn, current, now, via)
            return self._fail(conn, name, now, via)

    def _succeed(self, conn: sa.Connection, account: Account, now: float, via: str) -> LoginResult:
        token = secrets.token_urlsafe(32)
        conn.execute(
            sa.update(ACCOUNTS)
            .where(ACCOUNTS.c.name == account.name)
            .values(failed_logins=0, last_failure_at=None, locked_until=None)
        )
        conn.execute(sa.delete(SESSIONS).where(SESSIONS.c.expires_at < iso(now)))
        conn.execute(
            sa.insert(SESSIONS).values(
                token_hash=token_hash(token),
                account=account.name,
                created_at=iso(now),
                expires_at=iso(now + self.policy.session_s),
            )
        )
        self._audit(conn, LOGIN_KIND, account.name, "login", account.name, via)
        return LoginResult(Outcome.OK, now, account, token)

    def _fail(self, conn: sa.Connection, name: str, now: float, via: str) -> LoginResult:
        row = conn.execute(
            sa.select(ACCOUNTS.c.failed_logins, ACCOUNTS.c.last_failure_at).where(
                ACCOUNTS.c.name == name
            )
        ).one()
        recent = epoch(row.last_failure_at) >= now - self.policy.window_s
        failures = (int(row.failed_logins) if recent else 0) + 1
        p = self.policy
        delay = lock_delay(failures, p.free_failures, p.base_delay_s, p.max_delay_s)
        until = now + delay if delay else 0.0
        conn.execute(
            sa.update(ACCOUNTS)
            .where(ACCOUNTS.c.name == name)
            .values(
                failed_logins=failures,
                last_failure_at=iso(now),
                locked_until=iso(until) if until else None,
            )
        )
        detail = {"failed_logins": failures, "locked_until": iso(until) if until else None}
        self._audit(conn, LOGIN_KIND, name, "lockout" if until else "failed", name, via, detail)
        return LoginResult(Outcome.LOCKED if until else Outcome.FAILED, now, None, None, until)

    def session(self, token: str | None) -> Account | None:
        """The account of a live session (``None``: unknown, expired or account removed)."""
        if not token:
            return None
        query = (
            sa.select(ACCOUNTS, SESSIONS.c.expires_at)
            .join(SESSIONS, SESSIONS.c.account == ACCOUNTS.c.name)
            .where(SESSIONS.c.token_hash == token_hash(token))
        )
        with db.read(self.engine) as conn:
            row = conn.execute(query).first()
        if row is None or epoch(row.expires_at) <= self.clock():
            return None
        return _account(row)

    def logout(self, token: str, *, via: str = "ui") -> None:
        with db.write(self.engine) as conn:
            row = conn.execute(
                sa.select(SESSIONS.c.account).where(SESSIONS.c.token_hash == token_hash(token))
            ).first()
            if row is None:
                return
            conn.execute(sa.delete(SESSIONS).where(SESSIONS.c.token_hash == token_hash(token)))
            self._audit(conn, LOGIN_KIND, row.account, "logout", row.account, via)

    def session_count(self, name: str) -> int:
        with db.read(self.engine) as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(SESSIONS)
                    .where(SESSIONS.c.account == name, SESSIONS.c.expires_at > iso(self.clock()))
                ).scalar_one()
            )
