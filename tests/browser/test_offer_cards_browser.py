"""Cards a person can act on, filters that tell the truth, and the offline map's place names, on
the real "Angebote finden" page in a real browser (real data mirror + one SYNTHETIC offer)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from mapapp.config import Settings
from mapapp.services.offers import geo_context, import_offers, open_store
from tests.browser.conftest import ARTIFACTS, AppPage

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]

# SYNTHETIC test offer (not real), in the Sauerland far from the places other tests search.
LAT, LON = 51.30, 8.26
SYNTHETIC_CSV = (
    "name;category;street;postcode;city;lat;lon;phone;email;website;languages;opening_hours;"
    "termin;source;source_date\n"
    "Kartentest Beratung (SYNTHETIC);Migrationsberatung für Erwachsene;Testweg 1;59872;Meschede;"
    f"{LAT};{LON};0291 12345-6;kartentest@example.org;javascript:alert(1);ar, tr;"
    "Mo-Fr 09:00-12:00;ja;browser test (synthetic);2018-05-01\n"
)


@pytest.fixture(scope="module")
def synthetic_offer(real_data_cache: Path) -> None:
    settings = Settings(data_dir=real_data_cache)
    ctx = geo_context(settings, online=False)
    report = import_offers(
        SYNTHETIC_CSV.encode("utf-8"), "kartentest.csv", ctx, open_store(settings, ctx)
    )
    assert report.stored and report.accepted == 1, report.to_dict()


def _heading(app: AppPage):  # type: ignore[no-untyped-def]
    return app.page.get_by_role("heading").filter(has_text="in der Nähe von")


def test_card_has_phone_link_hours_and_source_date(
    open_app: Callable[..., AppPage], synthetic_offer: None
) -> None:
    app = open_app(f"/angebote?ort={LAT},{LON}&n=1")
    card = app.page.locator(
        "[data-testid='stLayoutWrapper'] > [data-testid='stVerticalBlock']"
    ).filter(has_text="Kartentest Beratung (SYNTHETIC)")
    expect(card.last).to_be_visible()
    phone = card.last.get_by_role("link", name="0291 12345-6").first
    expect(phone).to_have_attribute("href", "tel:+49291123456")
    expect(card.last).to_contain_text(re.compile(r"Öffnungszeiten: jetzt (geöffnet|geschlossen)"))
    expect(card.last).to_contain_text("nur mit Termin")
    expect(card.last).to_contain_text("Stand der Quelle: 01.05.2018 – bitte vor dem Besuch anrufen")
    card.last.get_by_text("Alle Angaben").click()  # open the card's details
    mail = card.last.locator("a[href='mailto:kartentest@example.org']")
    expect(mail).to_contain_text("example.org")
    expect(card.last).to_contain_text("Arabisch, Türkisch")
    expect(card.last).to_contain_text("Öffnungszeiten der nächsten 7 Tage")
    # the javascript: "website" was dropped on import: no such link anywhere on the page
    assert app.page.locator("a[href^='javascript']").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    app.page.screenshot(path=str(ARTIFACTS / "offer_card.png"), full_page=True)


def test_filter_options_show_counts_and_reasons(
    open_app: Callable[..., AppPage], synthetic_offer: None
) -> None:
    app = open_app(f"/angebote?ort={LAT},{LON}&n=3")
    expect(_heading(app)).to_be_visible()
    app.page.get_by_text("Art des Angebots · Sprache der Beratung").click()
    expect(
        app.page.get_by_text("Zahlen in Klammern: Angebote im Umkreis von 25 km")
    ).to_be_visible()
    app.page.get_by_role("combobox").nth(1).click()  # the category select (after the search box)
    option = app.page.get_by_role("option", name=re.compile(r"^Migrationsberatung .*\(\d+\)$"))
    expect(option.first).to_be_visible()
    assert re.search(r"\((\d+)\)$", option.first.inner_text().strip())
    counts = [
        int(m.group(1))
        for text in app.page.get_by_role("option").all_inner_texts()
        if (m := re.search(r"\((\d+)\)$", text.strip()))
    ]
    assert counts and min(counts) >= 0 and max(counts) >= 1
    app.page.keyboard.press("Escape")
    expect(app.page.get_by_text(re.compile(r"^nur barrierefrei \(\d+\)$"))).to_be_visible()


def test_heading_names_filters_from_a_shared_link(
    open_app: Callable[..., AppPage], synthetic_offer: None
) -> None:
    app = open_app(f"/angebote?ort={LAT},{LON}&n=1&kat=migrationsberatung_erwachsene&sprache=ar")
    expect(_heading(app)).to_contain_text(
        "Filter: Migrationsberatung für Erwachsene (MBE), Arabisch"
    )
    # no offer in the data is marked barrier-free: the page says so instead of an empty list
    app2 = open_app(f"/angebote?ort={LAT},{LON}&n=1&bf=1")
    expect(
        app2.page.get_by_text("Keine passenden Angebote für diese Filter (nur barrierefrei).")
    ).to_be_visible()
    expect(app2.page.get_by_text(re.compile(r"findet deshalb nichts")).last).to_be_visible()


def test_search_marker_and_gemeinde_names_at_city_zoom(open_app: Callable[..., AppPage]) -> None:
    app = open_app("/angebote?ort=Bochum&n=3")
    label = app.map.locator(".mapapp-search-label span")
    expect(label).to_have_text("Suchort: Bochum")
    expect(app.map.locator("path.mapapp-search-point")).to_have_count(1)
    # the label stands right above its point once the map has settled (it was left where the
    # map's first, unfitted view had put it)
    ring_path = app.map.locator("path.mapapp-search-point")
    ring_path.scroll_into_view_if_needed()
    gap = None
    for _ in range(20):
        app.page.wait_for_timeout(500)
        ring, box = ring_path.bounding_box(), label.bounding_box()
        assert ring is not None and box is not None
        centre = ring["x"] + ring["width"] / 2
        gap = abs(box["x"] + box["width"] / 2 - centre)
        if gap < 3 and box["y"] + box["height"] <= ring["y"] + 2:
            break
    assert gap is not None and gap < 3, (ring, box)
    names = app.map.locator(".mapapp-gemeinde-label span")
    zoom_in = app.map.locator(".leaflet-control-zoom-in")
    for _ in range(4):  # below city zoom no names; zoom in until they appear
        if names.count():
            break
        zoom_in.click()
        app.page.wait_for_timeout(600)
    expect(names.filter(has_text=re.compile(r"^Bochum$"))).to_have_count(1)
    expect(names.first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    app.map_iframe.screenshot(path=str(ARTIFACTS / "offer_map_names.png"))
