"""The public view "Angebote finden" in a real browser (offline): search, list + map in sync,
Arabic right-to-left, and an imported hostile name that must stay text."""

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

#: Optional direction isolate marks (LRI, RLI, FSI, PDI) around data in a right-to-left page.
ISO = "[\u2066-\u2069]*"
EVIL = '<img src=x onerror="window.__xss=1;alert(1)">'
# Synthetic test offer (not real), placed in the Hochsauerland far from the places other tests search.
EVIL_LAT, EVIL_LON = 51.35, 8.49


def _cards(app: AppPage):  # type: ignore[no-untyped-def]
    return app.page.locator("[data-testid='stMarkdownContainer'] strong").filter(has_text=". ")


def test_search_shows_nearest_offers_in_list_and_on_map(open_app: Callable[..., AppPage]) -> None:
    app = open_app("/angebote")
    box = app.page.get_by_label("Adresse, PLZ oder Ort")
    box.fill("Münster")
    app.page.get_by_role("button", name="Suchen").click()
    expect(app.page.get_by_text("Angebote in der Nähe von Münster")).to_be_visible()
    # the KI and the Ausländeramt are responsible for Münster: named above the list, not in it
    expect(_cards(app).first).to_contain_text("1. Diakonie Münster")
    expect(app.page.locator(".st-key-offer-responsible")).to_contain_text(
        "Kommunales Integrationszentrum Münster"
    )
    # the same numbered hits are on the map (badges 1..10), next to the Gemeinde outlines
    badges = app.map.locator(".mapapp-hit div")
    expect(badges.filter(has_text="1").first).to_be_attached()
    expect(badges).to_have_count(10)
    assert "ort=M%C3%BCnster" in app.page.url or "ort=Münster" in app.page.url  # shareable link
    assert not [u for u in app.requests if "cdn" in u or "unpkg" in u]
    ARTIFACTS.mkdir(exist_ok=True)
    app.page.screenshot(path=str(ARTIFACTS / "angebote.png"))


def test_arabic_is_right_to_left_on_a_phone(open_app: Callable[..., AppPage]) -> None:
    app = open_app("/angebote?lang=ar&ort=K%C3%B6ln", width=390, height=844)
    title = app.page.get_by_role("heading", name="العثور على الخدمات")
    expect(title).to_be_visible()
    expect(app.page.locator("[data-testid='stMain']")).to_have_css("direction", "rtl")
    # the place stands in invisible direction isolates (U+2066-U+2069: its own direction)
    near = re.compile(f"بالقرب من {ISO}Köln{ISO}")
    expect(app.page.get_by_role("heading", name=near)).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    app.page.screenshot(path=str(ARTIFACTS / "angebote_ar_mobile.png"), full_page=True)


def test_imported_hostile_name_stays_text(
    open_app: Callable[..., AppPage], real_data_cache: Path, tmp_path: Path
) -> None:
    settings = Settings(data_dir=real_data_cache)
    ctx = geo_context(settings, online=False)
    csv_text = (
        "name;category;lat;lon;source\n"
        f'"{EVIL.replace(chr(34), chr(34) * 2)}";Sprachkurs;{EVIL_LAT};{EVIL_LON};browser test (synthetic)\n'
    )
    report = import_offers(csv_text.encode("utf-8"), "evil.csv", ctx, open_store(settings, ctx))
    assert report.stored and report.accepted == 1, report.to_dict()

    dialogs: list[str] = []
    app = open_app(f"/angebote?ort={EVIL_LAT},{EVIL_LON}&n=1")
    app.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    card = _cards(app).first
    expect(card).to_contain_text("<img src=x")  # shown literally in the list
    badge = app.map.locator(".mapapp-hit div").first
    expect(badge).to_be_attached()
    badge.hover()  # tooltip with the name
    tip = app.map.locator(".leaflet-tooltip")
    expect(tip).to_contain_text("<img src=x")
    assert app.page.evaluate("() => window.__xss") is None
    assert app.map_iframe.evaluate("el => el.contentWindow.__xss") is None
    assert app.map.locator("img[src='x']").count() == 0
    assert app.page.locator("img[src='x']").count() == 0
    assert dialogs == []
