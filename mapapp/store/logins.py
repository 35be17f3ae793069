"""Server-side lockout for the editor login (until per-account authentication exists).

Failed logins are counted in an SQLite file in the data directory (WAL, one write transaction per
attempt), so a reload, a new browser session or a second app process sees the same lock.

Two counters, each "failures since the last successful login, within :attr:`LockoutPolicy.window_s`":

* per client (IP address, or a fallback key the UI chooses): after
  :attr:`LockoutPolicy.client_free` failures the client is locked;
* global (every client): after :attr:`LockoutPolicy.global_free` failures everybody is locked
  (many addresses guessing together).

A lock lasts :func:`lock_delay` seconds from the last failure: ``base_delay_s`` after the free
failures, doubling with each further failure, at most ``max_delay_s``. While locked, an attempt
is refused without looking at the password (and recorded as ``locked``).

Every attempt is logged (logger ``mapapp.auth``) and recorded: time, client, outcome – never the
password. Records older than :attr:`LockoutPolicy.retention_s` are deleted.

The clock is injected (``clock``), so the logic is tested without waiting.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from mapapp.config import Settings
from mapapp.store import sqlite_file

log = logging.getLogger("mapapp.auth")

LOGINS_DB_NAME = "logins.sqlite"
#: Longest client key stored (an IP address or a short hash fits easily).
MAX_CLIENT_LEN = 80


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    LOCKED = "locked"  # refused: the password was not checked


@dataclass(frozen=True)
class LockoutPolicy:
    """Thresholds and delays (seconds)."""

    client_free: int = 5
    global_free: int = 20
    base_delay_s: float = 30.0
    max_delay_s: float = 3600.0
    window_s: float = 24 * 3600.0
    retention_s: float = 90 * 24 * 3600.0


@dataclass(frozen=True)
class LockState:
    """Whether a client may try now, and until when (epoch seconds) it may not."""

    locked_until: float
    now: float
    scope: str = ""  # "client" or "global" when locked

    @property
    def locked(self) -> bool:
        return self.locked_until > self.now

    @property
    def wait_s(self) -> int:
        """Whole seconds left (0 when not locked)."""
        return max(0, math.ceil(self.locked_until - self.now))


@dataclass(frozen=True)
class AttemptResult:
    outcome: Outcome
    state: LockState  # the lock state after this attempt

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.SUCCESS


def lock_delay(failures: int, free: int, base_s: float, max_s: float) -> float:
    """Seconds of lock after ``failures`` consecutive failures (0 below ``free``).

    ``free`` failures -> ``base_s``; each further one doubles it; never more than ``max_s``.
    """
    if failures < free:
        return 0.0
    exponent = min(failures - free, 62)  # 2**62 * base is far beyond any cap
    return float(min(base_s * 2.0**exponent, max_s))


def lock_until(
    failures: int, last_failure_at: float | None, free: int, policy: LockoutPolicy
) -> float:
    """Epoch seconds until which a counter with ``failures`` (last at ``last_failure_at``) locks."""
    if last_failure_at is None:
        return 0.0
    return last_failure_at + lock_delay(failures, free, policy.base_delay_s, policy.max_delay_s)


def assess(
    client_failures: tuple[int, float | None],
    global_failures: tuple[int, float | None],
    now: float,
    policy: LockoutPolicy,
) -> LockState:
    """Lock state from the two counters ``(failures, time of the last one)``; the longer lock wins."""
    by_client = lock_until(*client_failures, policy.client_free, policy)
    by_all = lock_until(*global_failures, policy.global_free, policy)
    if max(by_client, by_all) <= now:
        return LockState(locked_until=0.0, now=now)
    if by_client >= by_all:
        return LockState(locked_until=by_client, now=now, scope="client")
    return LockState(locked_until=by_all, now=now, scope="global")


def clean_client(client: str) -> str:
    """The client key as stored and logged: printable, at most :data:`MAX_CLIENT_LEN` chars."""
    text = "".join(c if c.isprintable() else "?" for c in str(client))
    return text[:MAX_CLIENT_LEN] or "unknown"


_SCHEMA = """
CREATE TABLE IF NOT EXISTS login_attempts (
    id      INTEGER PRIMARY KEY,
    at      REAL NOT NULL,
    client  TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'locked'))
);
CREATE INDEX IF NOT EXISTS login_attempts_client ON login_attempts(client, at);
CREATE INDEX IF NOT EXISTS login_attempts_at ON login_attempts(at);
"""


class LoginGuard:
    """The lockout store (one SQLite file; safe for several processes).

    Parameters
    ----------
    path
        The database file (created with its folder on first use).
    policy
        Thresholds and delays.
    clock
        Returns the current time in epoch seconds (injected in tests).
    timeout_s
        How long a writer waits for another process's lock.
    """

    def __init__(
        self,
        path: str | Path,
        policy: LockoutPolicy | None = None,
        clock: Callable[[], float] = time.time,
        timeout_s: float = 10.0,
    ) -> None:
        self.path = Path(path)
        self.policy = policy or LockoutPolicy()
        self.clock = clock
        self.timeout_s = timeout_s
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        """A connection; a damaged file raises one :class:`~mapapp.model.DataError`."""
        return sqlite_file.connect(self.path, self.timeout_s)

    # ---- reading -------------------------------------------------------------------------

    def _counter(
        self, conn: sqlite3.Connection, now: float, client: str | None
    ) -> tuple[int, float | None]:
        """(failures, time of the last one) since the last success, within the window;
        ``client=None`` counts every client."""
        start = now - self.policy.window_s
        (last_success,) = conn.execute(
            "SELECT MAX(at) FROM login_attempts WHERE at >= ?1 AND outcome = 'success'"
            " AND (?2 IS NULL OR client = ?2)",
            (start, client),
        ).fetchone()
        since = start if last_success is None else max(start, float(last_success))
        count, last = conn.execute(
            "SELECT COUNT(*), MAX(at) FROM login_attempts WHERE at > ?1 AND outcome = 'failure'"
            " AND (?2 IS NULL OR client = ?2)",
            (since, client),
        ).fetchone()
        return int(count), None if last is None else float(last)

    def _state(self, conn: sqlite3.Connection, client: str, now: float) -> LockState:
        return assess(
            self._counter(conn, now, client), self._counter(conn, now, None), now, self.policy
        )

    def status(self, client: str) -> LockState:
        """Whether ``client`` is locked now (nothing is recorded)."""
        now = self.clock()
        with self._connect() as conn:
            return self._state(conn, clean_client(client), now)

    def history(self, limit: int = 100) -> list[tuple[float, str, str]]:
        """The latest records ``(time, client, outcome)``, newest first."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT at, client, outcome FROM login_attempts ORDER BY at DESC, id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [(float(a), str(c), str(o)) for a, c, o in rows]

    # ---- attempts ------------------------------------------------------------------------

    def attempt(self, client: str, verify: Callable[[], bool]) -> AttemptResult:
        """One login attempt: refused while locked (``verify`` not called), else checked.

        Check, verification and record happen in one write transaction, so two processes
        cannot both slip through the last free attempt.
        """
        key = clean_client(client)
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                now = self.clock()
                state = self._state(conn, key, now)
                if state.locked:
                    outcome = Outcome.LOCKED
                else:
                    outcome = Outcome.SUCCESS if verify() else Outcome.FAILURE
                conn.execute(
                    "INSERT INTO login_attempts(at, client, outcome) VALUES (?, ?, ?)",
                    (now, key, outcome.value),
                )
                conn.execute(
                    "DELETE FROM login_attempts WHERE at < ?", (now - self.policy.retention_s,)
                )
                after = state if state.locked else self._state(conn, key, now)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        _log(key, outcome, after)
        return AttemptResult(outcome=outcome, state=after)


def _log(client: str, outcome: Outcome, state: LockState) -> None:
    if outcome is Outcome.SUCCESS:
        log.info("editor login succeeded: client=%r", client)
    elif outcome is Outcome.FAILURE:
        log.warning(
            "editor login failed: client=%r%s",
            client,
            f"; now locked for {state.wait_s} s ({state.scope})" if state.locked else "",
        )
    else:
        log.warning(
            "editor login refused while locked: client=%r, %s s left (%s)",
            client,
            state.wait_s,
            state.scope,
        )


def open_login_guard(settings: Settings, policy: LockoutPolicy | None = None) -> LoginGuard:
    """The lockout store of the data directory (``<data_dir>/store/logins.sqlite``)."""
    return LoginGuard(settings.store_dir / LOGINS_DB_NAME, policy)
