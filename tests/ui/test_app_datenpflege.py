"""Datenpflege page: editing needs the password; a bad list is reported and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.ui.auth import check_password


def _page() -> None:
    from mapapp.ui.pages import datenpflege

    datenpflege.render()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path))
    return tmp_path


def test_check_password() -> None:
    assert check_password("geheim", "geheim")
    assert not check_password("Geheim", "geheim")
    assert not check_password("", "geheim")
    assert not check_password("x", None)


def test_editing_is_off_without_configured_password(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAPAPP_EDITOR_PASSWORD", raising=False)
    at = AppTest.from_function(_page).run()
    assert not at.exception
    assert any("MAPAPP_EDITOR_PASSWORD" in w.value for w in at.warning)
    assert len(at.text_input) == 0  # no login form, no upload


def test_login_wrong_then_right(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPAPP_EDITOR_PASSWORD", "s3cret")
    at = AppTest.from_function(_page).run()
    at.text_input(key="auth_name").input("admin")
    at.text_input(key="auth_password").input("falsch")
    at.button[0].click().run()
    assert any("Passwort falsch" in e.value for e in at.error)
    assert not any("Aktiv:" in m.value for m in at.markdown)
    at.text_input(key="auth_password").input("s3cret")
    at.button[0].click().run()
    assert not at.exception
    assert any("dokumentierte Liste" in m.value for m in at.markdown)


def test_lockout_after_too_many_attempts(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAPAPP_EDITOR_PASSWORD", "s3cret")
    at = AppTest.from_function(_page).run()
    for _ in range(5):
        at.text_input(key="auth_name").input("admin")
        at.text_input(key="auth_password").input("nope")
        at.button[0].click().run()
    assert any("Zu viele Fehlversuche" in e.value for e in at.error)
    assert len(at.text_input) == 0


@pytest.mark.data
def test_editor_sees_both_sections_with_real_data(
    real_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAPAPP_EDITOR_PASSWORD", "s3cret")
    at = AppTest.from_function(_page, default_timeout=120).run()
    at.text_input(key="auth_name").input("admin")
    at.text_input(key="auth_password").input("s3cret")
    at.button[0].click().run()
    assert not at.exception
    assert [s.value for s in at.header] == [
        "Förderliste des Ministeriums",
        "Integrationsangebote",
        "Redaktion: einzelne Angebote",
    ]
    stored = [m.value for m in at.markdown if m.value.startswith("Gespeichert:")]
    assert (
        stored and int(stored[0].split("**")[1].replace(".", "")) > 0
    )  # bundled offers seeded on first use
