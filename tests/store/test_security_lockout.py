"""Editor login lockout on the server: per client and global, growing delay, survives reloads and
is shared between processes; every attempt is logged without the password."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.config import REPO_ROOT, Settings
from mapapp.store.logins import (
    LOGINS_DB_NAME,
    LockoutPolicy,
    LoginGuard,
    Outcome,
    assess,
    lock_delay,
    open_login_guard,
)
from mapapp.ui.texts import t

PASSWORD = "s3cret-Passwort"


class Clock:
    """A clock the test moves by hand (epoch seconds)."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _verify(given: str):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    def verify() -> bool:
        calls.append(given)
        return given == PASSWORD

    return verify, calls


def _fail(guard: LoginGuard, client: str, times: int, clock: Clock | None = None) -> None:
    for _ in range(times):
        verify, _ = _verify("falsch")
        assert guard.attempt(client, verify).outcome is Outcome.FAILURE
        if clock is not None:
            clock.now += 1


# -- pure logic -------------------------------------------------------------------------------


def test_delay_starts_after_the_free_failures_doubles_and_is_capped() -> None:
    assert [lock_delay(n, 5, 30, 3600) for n in range(4, 10)] == [0, 30, 60, 120, 240, 480]
    assert lock_delay(12, 5, 30, 3600) == 3600
    assert lock_delay(10_000, 5, 30, 3600) == 3600  # no overflow
    assert lock_delay(0, 5, 30, 3600) == 0


def test_assess_takes_the_longer_of_client_and_global_lock() -> None:
    p = LockoutPolicy()
    assert not assess((4, 100.0), (4, 100.0), 101.0, p).locked
    client = assess((5, 100.0), (5, 100.0), 101.0, p)
    assert client.locked and client.scope == "client" and client.wait_s == 29
    everyone = assess((1, 100.0), (20, 100.0), 101.0, p)
    assert everyone.locked and everyone.scope == "global"
    assert not assess((5, 100.0), (5, 100.0), 130.0, p).locked


def test_wait_is_said_in_seconds_then_minutes() -> None:
    from mapapp.store.logins import LockState
    from mapapp.ui.auth import wait_text

    assert wait_text(LockState(locked_until=130.2, now=100.0), "de") == "31 s"
    assert wait_text(LockState(locked_until=400.0, now=100.0), "de") == "5 min"
    assert wait_text(LockState(locked_until=401.0, now=100.0), "ru") == "6 мин"
    assert t("auth.locked", "de", wait=wait_text(LockState(130.0, 100.0), "de")) == (
        "Zu viele Fehlversuche: Die Anmeldung ist noch 30 s gesperrt – bitte danach erneut "
        "versuchen."
    )


# -- the store (injected clock) ---------------------------------------------------------------


def test_five_failures_lock_the_client_for_30_s_then_60_s(tmp_path: Path) -> None:
    clock = Clock()
    guard = LoginGuard(tmp_path / LOGINS_DB_NAME, clock=clock)
    _fail(guard, "ip:10.0.0.1", 4, clock)
    assert not guard.status("ip:10.0.0.1").locked
    _fail(guard, "ip:10.0.0.1", 1)
    state = guard.status("ip:10.0.0.1")
    assert state.locked and state.wait_s == 30 and state.scope == "client"
    assert not guard.status("ip:10.0.0.2").locked  # other clients may still try
    clock.now += 29.5
    assert guard.status("ip:10.0.0.1").locked
    clock.now += 0.5
    assert not guard.status("ip:10.0.0.1").locked
    _fail(guard, "ip:10.0.0.1", 1)  # the sixth failure: twice as long
    assert guard.status("ip:10.0.0.1").wait_s == 60


def test_the_right_password_is_refused_while_locked(tmp_path: Path) -> None:
    clock = Clock()
    guard = LoginGuard(tmp_path / LOGINS_DB_NAME, clock=clock)
    _fail(guard, "ip:10.0.0.1", 5)
    verify, calls = _verify(PASSWORD)
    result = guard.attempt("ip:10.0.0.1", verify)
    assert result.outcome is Outcome.LOCKED and not result.ok
    assert calls == []  # the password was not even looked at
    clock.now += 31
    result = guard.attempt("ip:10.0.0.1", verify)
    assert result.ok and calls == [PASSWORD]
    # a success starts the count again
    _fail(guard, "ip:10.0.0.1", 4)
    assert not guard.status("ip:10.0.0.1").locked


def test_many_failures_from_anywhere_lock_everybody(tmp_path: Path) -> None:
    clock = Clock()
    guard = LoginGuard(tmp_path / LOGINS_DB_NAME, clock=clock)
    for i in range(19):
        _fail(guard, f"ip:10.0.1.{i}", 1)
    assert not guard.status("ip:192.168.0.9").locked
    _fail(guard, "ip:10.0.1.99", 1)
    state = guard.status("ip:192.168.0.9")
    assert state.locked and state.scope == "global" and state.wait_s == 30
    verify, calls = _verify(PASSWORD)
    assert guard.attempt("ip:192.168.0.9", verify).outcome is Outcome.LOCKED and calls == []


def test_old_failures_are_forgotten_after_the_window(tmp_path: Path) -> None:
    clock = Clock()
    policy = LockoutPolicy(window_s=3600)
    guard = LoginGuard(tmp_path / LOGINS_DB_NAME, policy, clock=clock)
    _fail(guard, "ip:10.0.0.1", 4)
    clock.now += 3601
    _fail(guard, "ip:10.0.0.1", 1)
    assert not guard.status("ip:10.0.0.1").locked


def test_a_second_connection_and_a_second_process_see_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "store" / LOGINS_DB_NAME
    _fail(LoginGuard(path), "ip:10.0.0.1", 5)  # real clock
    assert LoginGuard(path).status("ip:10.0.0.1").locked  # another connection
    script = (
        "import json, sys\n"
        "from mapapp.store.logins import LoginGuard\n"
        "g = LoginGuard(sys.argv[1])\n"
        "s = g.status('ip:10.0.0.1')\n"
        "r = g.attempt('ip:10.0.0.1', lambda: True)\n"
        "print(json.dumps({'locked': s.locked, 'wait': s.wait_s, 'outcome': r.outcome.value}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO_ROOT,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout)
    assert seen["locked"] and 25 <= seen["wait"] <= 30 and seen["outcome"] == "locked"
    # ... and what that process recorded is seen here
    assert LoginGuard(path).history(1)[0][1:] == ("ip:10.0.0.1", "locked")


def test_every_attempt_is_logged_and_recorded_without_the_password(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    guard = LoginGuard(tmp_path / LOGINS_DB_NAME, clock=clock)
    with caplog.at_level(logging.INFO, logger="mapapp.auth"):
        for given in ("falsch1", "falsch2", PASSWORD):
            verify, _ = _verify(given)
            guard.attempt("ip:10.0.0.7", verify)
            clock.now += 1
    messages = [r.getMessage() for r in caplog.records if r.name == "mapapp.auth"]
    assert len(messages) == 3
    assert all("10.0.0.7" in m for m in messages)
    assert [("failed" in m, "succeeded" in m) for m in messages] == [
        (True, False),
        (True, False),
        (False, True),
    ]
    history = guard.history()
    assert [(round(at - 1_000_000), client, outcome) for at, client, outcome in history] == [
        (2, "ip:10.0.0.7", "success"),
        (1, "ip:10.0.0.7", "failure"),
        (0, "ip:10.0.0.7", "failure"),
    ]
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    for secret in ("falsch1", "falsch2", PASSWORD):
        assert secret.encode() not in stored
        assert not any(secret in m for m in messages)


def test_client_text_is_cleaned_before_it_is_stored_or_logged(tmp_path: Path) -> None:
    guard = LoginGuard(tmp_path / LOGINS_DB_NAME)
    _fail(guard, "ip:1.2.3.4\nFAKE LOG LINE" + "x" * 500, 1)
    (_, client, _) = guard.history(1)[0]
    assert "\n" not in client and len(client) <= 80


# -- the Datenpflege page ---------------------------------------------------------------------


def _page() -> None:
    from mapapp.ui.pages import datenpflege

    datenpflege.render()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MAPAPP_EDITOR_PASSWORD", PASSWORD)
    return tmp_path


def _login(at: AppTest, password: str) -> None:
    at.text_input(key="auth_name").input("admin")
    at.text_input(key="auth_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]


def _lock_sentence(at: AppTest) -> str:
    sentences = [e.value for e in at.error if "Zu viele Fehlversuche" in e.value]
    assert len(sentences) == 1, [e.value for e in at.error]
    assert re.search(r"noch \d+ (s|min) gesperrt", sentences[0]), sentences[0]
    return sentences[0]


def test_a_reload_is_still_locked(data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    at = AppTest.from_function(_page).run()
    with caplog.at_level(logging.INFO, logger="mapapp.auth"):
        for _ in range(5):
            _login(at, "nope")
    _lock_sentence(at)
    assert len(at.text_input) == 0
    assert sum("editor login failed" in r.getMessage() for r in caplog.records) == 5

    for _ in range(3):  # reloads: new sessions, nothing in the browser remembers the failures
        again = AppTest.from_function(_page).run()
        assert not again.exception
        _lock_sentence(again)
        assert len(again.text_input) == 0  # no form: no way to try the password
    history = open_login_guard(Settings(data_dir=data_dir)).history()
    assert [o for _, _, o in history] == ["failure"] * 5


def test_right_password_refused_when_the_lock_came_from_elsewhere(data_dir: Path) -> None:
    at = AppTest.from_function(_page).run()
    assert len(at.text_input) == 2  # the form (name, password) is shown: not locked yet
    # meanwhile, another app process records failures from many addresses (global lock)
    other = LoginGuard(data_dir / "store" / LOGINS_DB_NAME)
    for i in range(20):
        _fail(other, f"ip:10.9.9.{i}", 1)
    _login(at, PASSWORD)
    _lock_sentence(at)
    assert not any("Förderliste" in s.value for s in at.header)  # not logged in
    # the submitted password never reached a check: no success recorded
    assert "success" not in {o for _, _, o in other.history()}


def test_right_password_works_when_not_locked(data_dir: Path) -> None:
    at = AppTest.from_function(_page).run()
    _login(at, "nope")
    assert any("Passwort falsch" in e.value for e in at.error)
    _login(at, PASSWORD)
    assert not any("Passwort falsch" in e.value or "Fehlversuche" in e.value for e in at.error)
    assert any("dokumentierte Liste" in m.value for m in at.markdown)  # the editor section
    history = open_login_guard(Settings(data_dir=data_dir)).history()
    assert [o for _, _, o in history] == ["success", "failure"]
