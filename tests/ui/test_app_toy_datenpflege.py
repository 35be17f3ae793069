"""The Datenpflege page through AppTest on the SYNTHETIC toy world (no data mirror).

An editor who logs in sees the toy world's documented list (6 projects of 5 Kommunen) and its
seeded offer store (5 seed offers + 3 generated Ausländerbehörden = 8).
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.text import t
from tests.fixtures import toy_world as toy
from tests.fixtures.toy_files import ToyData

TIMEOUT = 30
SCRIPT = "from mapapp.ui.pages import datenpflege\ndatenpflege.render()\n"
PASSWORD = "toy-s3cret"


def logged_in(lang: str | None = None) -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    at.text_input(key="auth_name").input("admin")
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text.replace(".", ""))]


@pytest.fixture
def editor(toy_data_dir: ToyData, monkeypatch: pytest.MonkeyPatch) -> ToyData:
    monkeypatch.setenv("MAPAPP_EDITOR_PASSWORD", PASSWORD)
    return toy_data_dir


def test_editor_sees_the_toy_list_and_the_toy_offers(editor: ToyData) -> None:
    at = logged_in()
    assert len(at.header) == 3  # the funding list, the offer lists, single offers
    texts = [m.value for m in at.markdown]
    active = next(t for t in texts if t.startswith("Aktiv:"))
    projects, kommunen = len(toy.FUNDING_ROWS), len({r[0] for r in toy.FUNDING_ROWS})
    assert (projects, kommunen) == (6, 5)
    assert numbers(active) == [projects, kommunen]
    stored = next(t for t in texts if t.startswith("Gespeichert:"))
    assert numbers(stored)[0] == len(toy.OFFERS) == 8


def test_without_password_nothing_is_editable(
    toy_data_dir: ToyData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAPAPP_EDITOR_PASSWORD", raising=False)
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert len(at.text_input) == 0 and len(at.header) == 0
    assert any("MAPAPP_EDITOR_PASSWORD" in w.value for w in at.warning)


def test_imported_list_becomes_active_and_reset_returns(editor: ToyData) -> None:
    """A stored import (written as ``mapapp funding import`` would) replaces the toy list on the
    page; the reset button brings the documented list back. AppTest cannot upload files, so the
    import is stored through the same service the page calls."""
    from mapapp.ingest.funding import import_file
    from mapapp.io.datasets import load_status
    from mapapp.io.funding import save_registry

    csv = "Kommune;Jahr;Projekt\nAlphastadt;2006;Neu A\nSüdkreis;2007;Neu S\nBetadorf;2007;Neu B\n"
    result = import_file(csv.encode(), load_status(editor.settings), file="liste.csv")
    assert result.ok, [e.message for e in result.errors]
    save_registry(result.registry, editor.settings)

    at = logged_in()
    active = next(m.value for m in at.markdown if m.value.startswith("Aktiv:"))
    assert "importierte" in active and numbers(active) == [3, 3]
    at.button(key="funding_reset").click().run()
    assert not at.exception
    active = next(m.value for m in at.markdown if m.value.startswith("Aktiv:"))
    assert numbers(active) == [6, 5]


def _visible(at: AppTest) -> list[str]:
    elements = [at.title, at.header, at.markdown, at.caption, at.button, at.checkbox]
    return [str(getattr(e, "label", None) or e.value) for kind in elements for e in kind]


@pytest.mark.parametrize("lang", ["en", "uk", "ar"])
def test_the_page_speaks_the_ui_language(editor: ToyData, lang: str) -> None:
    """Headings, captions, buttons and the status lines come from the catalogue of ``lang``."""
    login = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    login.query_params["lang"] = lang
    login.run()
    assert [b.label for b in login.button] == [t("auth.login", lang)]
    assert login.text_input(key="auth_name").label == t("auth.name", lang)
    assert login.text_input(key="auth_password").label == t("auth.password", lang)

    at = logged_in(lang)
    assert [s.value for s in at.title] == [t("dp.title", lang)]
    assert [s.value for s in at.header] == [
        t("dp.funding.title", lang),
        t("dp.offers.title", lang),
        t("ed.title", lang),
    ]
    assert at.checkbox[0].label == t("dp.offers.all_or_nothing", lang)
    assert t("auth.logout", lang) in [b.label for b in at.button]
    active = t("dp.funding.active", lang, which="", projects="", kommunen="").split("**")[0]
    assert any(m.value.startswith(active) for m in at.markdown)
    shown = " ".join(_visible(at))
    for german in ("Förderliste", "Datenpflege", "Gespeichert", "Abmelden", "Projekte", "Kommunen"):
        assert german not in shown, (lang, german)


def test_wrong_password_and_disabled_editing_in_english(
    toy_data_dir: ToyData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAPAPP_EDITOR_PASSWORD", PASSWORD)
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT)
    at.query_params["lang"] = "en"
    at.run()
    at.text_input(key="auth_name").input("admin")
    at.text_input(key="auth_password").input("wrong")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Wrong name or password."]
    # the variable only bootstrapped the first admin: unsetting it changes nothing now
    monkeypatch.delenv("MAPAPP_EDITOR_PASSWORD")
    at.run()
    assert not at.warning and len(at.text_input) == 2
