"""The Redaktion in a real browser on the SYNTHETIC toy world, with its own Streamlit server (the
accounts must not reach the shared real-data server): the editor "nord" of the Kreis 05901 logs
in, changes an offer in Betadorf, is refused for an offer in Alphastadt (Kreis 05111), reads the
history and restores the first version; five wrong passwords lock the login, a reload and a new
browser are still locked. Screenshots in ``/tmp/team/K1/`` when that folder exists."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mapapp.config import get_settings
from mapapp.services import accounts
from mapapp.services.offers import open_store
from mapapp.store import open_offer_store
from tests.browser.harness import ServerError, StreamlitServer, start_streamlit, wait_healthy
from tests.fixtures.toy_files import ToyData

pytestmark = pytest.mark.browser
PASSWORD = "nordkreis-pw-1"
SHOTS = Path("/tmp/team/K1")


@pytest.fixture
def editor_server(toy_data_dir: ToyData, tmp_path: Path) -> Iterator[StreamlitServer]:
    settings = get_settings()
    open_store(settings)
    accounts.add_user(settings, "nord", "editor", PASSWORD, "05901", actor="test")
    server = start_streamlit(toy_data_dir.data_dir, tmp_path / "streamlit.log")
    try:
        try:
            wait_healthy(server)
        except ServerError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield server
    finally:
        server.stop()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _open(browser, server: StreamlitServer, agent: str | None = None):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1300, "height": 1800}, user_agent=agent)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(server.url + "/datenpflege", wait_until="domcontentloaded")
    page.get_by_label("Konto (Name)").wait_for()
    return context, page


def _login(page, password: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Konto (Name)").fill("nord")
    page.get_by_label("Passwort für die Datenpflege").fill(password)
    page.get_by_role("button", name="Anmelden").click()


def _pick(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Filter the list by ``text`` and choose the one offer that matches it (the list is drawn
    again after the search, so the option is looked for until the rerun has shown it)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    search = page.get_by_label("Angebot suchen (Name, Ort oder ID)")
    search.fill(text)
    search.press("Enter")
    box = page.get_by_role("combobox", name=re.compile("^Angebot"))
    option = page.get_by_role("option", name=re.compile(re.escape(text)))
    for _ in range(20):
        box.click()
        try:
            option.click(timeout=3000)
            break
        except PlaywrightError:
            page.keyboard.press("Escape")
    expect(page.get_by_label("Name", exact=True)).to_have_value(text)  # its form is drawn


def test_editor_edits_inside_is_refused_outside_and_reverts(browser, editor_server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context, page = _open(browser, editor_server)
    try:
        _login(page, PASSWORD)
        expect(page.get_by_text("Angemeldet als")).to_be_visible()
        expect(page.get_by_text("Bereich: 05901")).to_be_visible()
        _shot(page, "editor-1-logged-in")

        _pick(page, "Migrationsberatung Betadorf")
        page.get_by_label("Telefon").fill("0201 555-1")
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_text("Gespeichert als Version 2.")).to_be_visible()
        _shot(page, "editor-2-saved")
        store = open_offer_store(get_settings())
        oid = next(o.id for o in store.all() if o.name == "Migrationsberatung Betadorf")
        assert store.get(oid).phone == "0201 555-1"  # type: ignore[union-attr]
        assert (store.audit(oid)[-1].actor, store.audit(oid)[-1].via) == ("nord", "ui")

        # an offer in Alphastadt (Kreis 05111): shown read-only, no way to save
        page.get_by_text("auch Angebote außerhalb meines Bereichs zeigen").click()
        _pick(page, "Kommunales Integrationszentrum Alphastadt")
        expect(page.get_by_text(re.compile("außerhalb Ihres Bereichs"))).to_be_visible()
        expect(page.get_by_role("button", name="Speichern")).to_be_disabled()
        _shot(page, "editor-3-outside")
        # a new offer there: the server refuses it
        page.get_by_role("combobox", name=re.compile("^Angebot")).click()
        page.get_by_role("option", name="Neues Angebot anlegen").click()
        page.get_by_label("Name", exact=True).fill("Sprachcafé Alphastadt")
        page.get_by_label("Ort", exact=True).fill("Alphastadt")
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_text(re.compile("außerhalb des Bereichs von nord"))).to_be_visible()
        _shot(page, "editor-4-refused")
        assert "Sprachcafé Alphastadt" not in {o.name for o in store.all()}

        # the history of the Betadorf offer, and back to version 1
        _pick(page, "Migrationsberatung Betadorf")
        page.get_by_text("Verlauf").click()
        history = page.locator("[data-testid='stDataFrame'], [data-testid='stTable']").last
        expect(history).to_contain_text("nord")
        expect(history).to_contain_text("phone")
        # the only earlier version (1) is the one offered
        revert = page.get_by_role("combobox", name="Wiederherstellen: Version")
        expect(revert).to_have_value("1")
        page.get_by_role("button", name="Diese Version wiederherstellen").click()
        expect(page.get_by_text("Version 1 wiederhergestellt als Version 3.")).to_be_visible()
        _shot(page, "editor-5-reverted")
        assert store.get(oid).phone is None  # type: ignore[union-attr]
        assert store.audit(oid)[-1].action == "revert"
    finally:
        context.close()


def _wait_for_attempts(n: int, deadline_s: float = 60.0) -> None:
    """Until the server recorded ``n`` login attempts of "nord" (each click is one rerun)."""
    start = time.monotonic()
    while time.monotonic() - start < deadline_s:
        events = accounts.events(get_settings(), "nord")
        if sum(e.kind == "login" for e in events) >= n:
            return
        time.sleep(0.2)
    raise AssertionError(f"the server did not record {n} login attempts")


def test_lockout_survives_a_reload_and_a_new_browser(browser, editor_server) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    context, page = _open(browser, editor_server)
    try:
        for i in range(5):
            _login(page, f"falsch-{i}")
            _wait_for_attempts(i + 1)
        expect(page.get_by_text(re.compile("gesperrt"))).to_be_visible()
        page.reload(wait_until="domcontentloaded")
        expect(page.get_by_text(re.compile(r"noch \d+ s gesperrt"))).to_be_visible()
        expect(page.get_by_label("Passwort für die Datenpflege")).to_have_count(0)
        _shot(page, "editor-6-locked-after-reload")
    finally:
        context.close()
    # another browser (another client key): the form is there, the account is still locked
    context, page = _open(browser, editor_server, agent="Mozilla/5.0 (X11; Linux) OtherBrowser/1")
    try:
        _login(page, PASSWORD)
        expect(page.get_by_text(re.compile("Dieses Konto ist .* gesperrt"))).to_be_visible()
        expect(page.get_by_text("Angemeldet als")).to_have_count(0)
        _shot(page, "editor-7-account-locked-new-browser")
    finally:
        context.close()
    actions = [e.action for e in accounts.events(get_settings(), "nord") if e.kind == "login"]
    assert actions[:5] == ["failed"] * 4 + ["lockout"] and actions[-1] == "refused_locked"
