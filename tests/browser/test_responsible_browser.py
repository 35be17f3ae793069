""" "Zuständig für Ihren Wohnort" in a real browser on the real data (offline): the responsible
Ausländerbehörde and Kommunales Integrationszentrum come first, labelled "zuständig für …", and
never appear again in the list of nearest offers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, AppPage

pytestmark = [pytest.mark.browser, pytest.mark.data]

SECTION = ".st-key-offer-responsible"


def _search(app: AppPage, place: str) -> None:
    app.page.get_by_label("Adresse, PLZ oder Ort").fill(place)
    app.page.get_by_role("button", name="Suchen").click()
    expect(app.page.get_by_text(f"Angebote in der Nähe von {place}")).to_be_visible()


def _office(app: AppPage, i: int):  # type: ignore[no-untyped-def]
    """The name (first bold text) of the ``i``-th office card of the section."""
    return app.page.locator(f"{SECTION} .st-key-offer-responsible-{i} strong").first


def _nearest_names(app: AppPage) -> list[str]:
    """The numbered cards of the nearest list ("1. Name"), outside the responsible section."""
    cards = app.page.locator("[data-testid='stMarkdownContainer'] strong").filter(has_text=". ")
    return [t for t in cards.all_inner_texts() if t[:1].isdigit()]


def test_gemeinde_of_a_kreis_gets_the_kreis_offices(open_app: Callable[..., AppPage]) -> None:
    """Kalkar (Kreis Kleve) runs no Ausländerbehörde: the Kreis' office and the Kreis' KI."""
    app = open_app("/angebote")
    _search(app, "Kalkar")
    section = app.page.locator(SECTION)
    expect(section.get_by_role("heading", name="Zuständig für Ihren Wohnort")).to_be_visible()
    expect(_office(app, 0)).to_have_text("Ausländerbehörde Kreis Kleve")
    expect(_office(app, 1)).to_contain_text("Kommunales Integrationszentrum Kreis Kleve")
    expect(section.get_by_text("zuständig für Kalkar")).to_have_count(2)
    expect(section.get_by_text("Adresse nicht erfasst")).to_be_visible()  # the ABH: no street
    expect(section.get_by_text("Nassauerallee 22, Kleve")).to_be_visible()
    nearest = _nearest_names(app)
    assert nearest, "the nearest list is shown below the section"
    assert not [n for n in nearest if "Kreis Kleve" in n or "Ausländerbehörde" in n], nearest
    ARTIFACTS.mkdir(exist_ok=True)
    app.page.screenshot(path=str(ARTIFACTS / "responsible_kalkar.png"), full_page=True)


def test_stadt_with_its_own_office(open_app: Callable[..., AppPage]) -> None:
    app = open_app("/angebote")
    _search(app, "Münster")
    section = app.page.locator(SECTION)
    expect(_office(app, 0)).to_have_text("Ausländeramt Münster")
    expect(_office(app, 1)).to_have_text("Kommunales Integrationszentrum Münster")
    expect(section.get_by_text("zuständig für Münster")).to_have_count(2)
    expect(section.get_by_text("Ludgeriplatz 4", exact=False)).to_be_visible()
    nearest = _nearest_names(app)
    assert nearest and not [
        n for n in nearest if "Ausländeramt" in n or "Integrationszentrum Münster" in n
    ]


def test_plz_search_names_its_area_and_credits_the_source(open_app: Callable[..., AppPage]) -> None:
    app = open_app("/angebote?ort=44801")
    section = app.page.locator(SECTION)
    expect(section.get_by_text("zuständig für Bochum")).to_have_count(2)
    expect(section.get_by_text("OpenStreetMap", exact=False)).to_be_visible()
    heading = app.page.get_by_role("heading", name="Angebote in der Nähe von 44801 Bochum")
    expect(heading).to_contain_text("PLZ-Gebiet (Mittelpunkt, ungefähr)")
