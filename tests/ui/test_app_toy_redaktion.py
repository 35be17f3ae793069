"""The Redaktion on the Datenpflege page through AppTest on the SYNTHETIC toy world: the editor
"nord" (Kreis 05901) changes an offer there, is refused outside, gets both versions on a
conflict, confirms "noch aktuell" and reverts from the history; a viewer changes nothing."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mapapp.config import get_settings
from mapapp.services import accounts
from mapapp.services.offers import open_store
from mapapp.store import open_offer_store
from tests.fixtures.toy_files import ToyData

TIMEOUT = 60
SCRIPT = "from mapapp.ui.pages import datenpflege\ndatenpflege.render()\n"
PASSWORD = "nordkreis-pw-1"


@pytest.fixture
def world(toy_data_dir: ToyData, monkeypatch: pytest.MonkeyPatch) -> ToyData:
    monkeypatch.delenv("MAPAPP_EDITOR_PASSWORD", raising=False)
    settings = get_settings()
    open_store(settings)
    accounts.add_user(settings, "nord", "editor", PASSWORD, "05901", actor="test")
    accounts.add_user(settings, "leser", "viewer", PASSWORD, actor="test")
    return toy_data_dir


def _login(name: str) -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=TIMEOUT).run()
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _offer(name: str) -> tuple[str, int]:
    store = open_offer_store(get_settings())
    o = next(o for o in store.all() if o.name == name)
    return o.id, store.versions()[o.id]


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_editor_changes_in_scope_conflict_verify_and_revert(world: ToyData) -> None:
    at = _login("nord")
    assert [s.value for s in at.header] == [
        "Integrationsangebote",
        "Redaktion: einzelne Angebote",
    ]
    oid, v = _offer("Migrationsberatung Betadorf")
    outside, _ = _offer("Kommunales Integrationszentrum Alphastadt")
    assert outside not in at.selectbox(key="ed_pick").options  # only the own Kreis by default
    at.selectbox(key="ed_pick").set_value(oid).run()
    at.text_input(key=f"ed_{oid}_{v}_phone").input("0201 555")
    _button(at, "Speichern").click().run()
    assert not at.exception
    assert any(f"Version {v + 1}" in s.value for s in at.success)
    store = open_offer_store(get_settings())
    last = store.audit(oid)[-1]
    assert (last.actor, last.via, last.action) == ("nord", "ui", "update")
    assert store.get(oid).phone == "0201 555"  # type: ignore[union-attr]

    # someone else saves meanwhile: the next save from the form's version is refused
    other = store.get(oid).with_changes(note="von woanders")  # type: ignore[union-attr]
    store.update(other, expected_version=v + 1, actor="ministerium", via="cli")
    at.text_input(key=f"ed_{oid}_{v + 1}_phone").input("0201 666")
    _button(at, "Speichern").click().run()
    errors = " ".join(e.value for e in at.error)
    assert f"Version {v + 1} bearbeitet" in errors and f"Version {v + 2}" in errors
    assert store.get(oid).phone == "0201 555"  # type: ignore[union-attr]
    _button(at, "Neu laden").click().run()

    # "noch aktuell" on an offer nobody checked yet (flagged): one click, audited
    jc, _ = _offer("Jobcenter Deltaheim")
    at.selectbox(key="ed_pick").set_value(jc).run()
    assert any("Seit mehr als 12 Monaten nicht geprüft" in w.value for w in at.warning)
    _button(at, "Noch aktuell").click().run()
    assert any("Als aktuell bestätigt" in s.value for s in at.success)
    assert (store.audit(jc)[-1].action, store.audit(jc)[-1].actor) == ("verify", "nord")
    assert not any("Seit mehr als" in w.value for w in at.warning)
    at.selectbox(key="ed_pick").set_value(oid).run()

    # history (actions and ways in words) and revert to the first version
    [history] = [df.value for df in at.dataframe if "wie" in df.value.columns]
    assert {"Web-Oberfläche", "Kommandozeile"} <= set(history["wie"])
    assert "geändert" in set(history["Aktion"]) and "update" not in set(history["Aktion"])
    at.selectbox(key=f"ed_rev_{oid}").set_value(v).run()
    _button(at, "Diese Version wiederherstellen").click().run()
    assert not at.exception
    assert store.get(oid).phone is None  # type: ignore[union-attr]
    assert store.audit(oid)[-1].action == "revert"


def test_editor_is_refused_outside_the_scope(world: ToyData) -> None:
    at = _login("nord")
    outside, v = _offer("Kommunales Integrationszentrum Alphastadt")
    at.checkbox(key="ed_show_all").check().run()
    at.selectbox(key="ed_pick").set_value(outside).run()
    assert any("außerhalb Ihres Bereichs (05901)" in w.value for w in at.warning)
    assert _button(at, "Speichern").disabled
    assert not any(b.label == "Noch aktuell" for b in at.button)
    # a new offer in Alphastadt (Kreis 05111): the service refuses it
    at.selectbox(key="ed_pick").set_value("__new__").run()
    at.text_input(key="ed_new_0_name").input("Sprachcafé Alphastadt")
    at.text_input(key="ed_new_0_city").input("Alphastadt")
    _button(at, "Speichern").click().run()
    assert any("außerhalb des Bereichs von nord" in e.value for e in at.error)
    names = {o.name for o in open_offer_store(get_settings()).all()}
    assert "Sprachcafé Alphastadt" not in names
    # the same in Betadorf is stored, with the importer's placing warning shown nowhere lost
    at.text_input(key="ed_new_0_name").input("Sprachcafé Betadorf")
    at.text_input(key="ed_new_0_city").input("Betadorf")
    _button(at, "Speichern").click().run()
    assert any("Version 1" in s.value for s in at.success), [e.value for e in at.error]
    stored = next(
        o for o in open_offer_store(get_settings()).all() if o.name == "Sprachcafé Betadorf"
    )
    assert stored.ags == "05901004" and stored.last_verified is not None


def test_a_form_with_a_bad_row_gets_the_importers_messages(world: ToyData) -> None:
    at = _login("nord")
    at.selectbox(key="ed_pick").set_value("__new__").run()
    at.text_input(key="ed_new_0_name").input("Irgendwo")
    at.text_input(key="ed_new_0_city").input("Nirgendheim")
    _button(at, "Speichern").click().run()
    assert any("Nicht gespeichert" in e.value for e in at.error)
    shown = at.dataframe[0].value.to_string()
    assert "Ort nicht gefunden (Nirgendheim): keine NRW-Gemeinde und keine Koordinaten" in shown


def test_viewer_reads_only(world: ToyData) -> None:
    at = _login("leser")
    assert [s.value for s in at.header] == ["Redaktion: einzelne Angebote"]
    assert any("nur lesen" in i.value for i in at.info)
    oid, v = _offer("Migrationsberatung Betadorf")
    assert "__new__" not in at.selectbox(key="ed_pick").options
    at.selectbox(key="ed_pick").set_value(oid).run()
    assert _button(at, "Speichern").disabled


def test_public_card_says_when_nobody_checked_an_offer(world: ToyData) -> None:
    """Angebote finden near Betadorf: the MBE checked 400 days ago gets the warning with its
    date; the Jobcenter checked last week none; the never checked JMD the short caption."""
    import datetime as dt

    from tests.fixtures.pages import run_page

    store = open_offer_store(get_settings())
    today = dt.date.today()
    for name, days in (("Migrationsberatung Betadorf", 400), ("Jobcenter Deltaheim", 7)):
        oid, v = _offer(name)
        changed = store.get(oid).with_changes(last_verified=today - dt.timedelta(days=days))  # type: ignore[union-attr]
        store.update(changed, expected_version=v, actor="test", via="cli")
    at = run_page("angebote", ort="Betadorf")
    stale = [w.value for w in at.warning if "Zuletzt von der Redaktion geprüft" in w.value]
    old = (today - dt.timedelta(days=400)).strftime("%d.%m.%Y")
    assert len(stale) == 1 and old in stale[0] and "12 Monaten" in stale[0]
    assert sum(c.value == "Von keiner Redaktion geprüft." for c in at.caption) == 1  # the JMD
