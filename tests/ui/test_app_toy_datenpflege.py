"""The Datenpflege page through AppTest on the SYNTHETIC toy world (no data mirror).

An editor who logs in sees the toy world's documented list (6 projects of 5 Kommunen) and its
seeded offer store (5 seed offers + 3 generated Ausländerbehörden = 8).
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import toy_world as toy
from tests.fixtures.toy_files import ToyData

TIMEOUT = 30
SCRIPT = "from mapapp.ui.pages import datenpflege\ndatenpflege.render()\n"
PASSWORD = "toy-s3cret"


def logged_in() -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.message for e in at.exception]
    at.text_input[0].input(PASSWORD)
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
    assert len(at.subheader) == 2  # the funding list, the offers
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
    assert len(at.text_input) == 0 and len(at.subheader) == 0
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
