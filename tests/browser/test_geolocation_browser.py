""" "Meinen Standort verwenden" in a real browser: the browser's location becomes the search.

The browser context decides what the page gets: geolocation permission granted with a point in
Bochum (the search runs from that point), refused (one clear sentence, no search), or a point
outside NRW (one clear sentence naming the point, no search). Playwright's context geolocation
stands in for the device's position; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from mapapp.text import t
from tests.browser.conftest import AppPage

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]

#: A point in Bochum (Rathaus area) and one in Berlin (outside NRW).
BOCHUM = {"latitude": 51.4818, "longitude": 7.2162}
BERLIN = {"latitude": 52.52, "longitude": 13.405}
#: The words of the result heading before the place ("7 Angebote in der Nähe von …").
NEAR = {"de": "in der Nähe von", "ar": "بالقرب من"}


def _open(
    open_app: Callable[..., AppPage],
    lang: str,
    *,
    where: dict[str, float] | None,
    width: int = 1366,
    height: int = 900,
) -> AppPage:
    """The Angebote page with the browser's location permission granted at ``where`` (or not
    granted: Playwright's browser then refuses the request, as a user's "Block" would)."""
    app = open_app(
        "/angebote" + ("" if lang == "de" else f"?lang={lang}"), width=width, height=height
    )
    context = app.page.context
    if where is not None:
        context.set_geolocation(where)
        context.grant_permissions(["geolocation"])
    return app


def _click_locate(app: AppPage, lang: str) -> None:
    app.page.get_by_role("button", name=t("of.geo.button", lang), exact=True).click()


def _query(app: AppPage) -> dict[str, list[str]]:
    return parse_qs(urlsplit(app.page.url).query)


@pytest.mark.parametrize(
    ("lang", "width", "height"), [("de", 1366, 900), ("ar", 390, 844)], ids=["de", "ar_phone"]
)
def test_granted_location_in_bochum_is_searched(
    open_app: Callable[..., AppPage], lang: str, width: int, height: int
) -> None:
    app = _open(open_app, lang, where=BOCHUM, width=width, height=height)
    _click_locate(app, lang)
    expect(app.page).to_have_url(re.compile(r"[?&]ort=51\.48180(,|%2C)7\.21620"))
    point = "51.48180, 7.21620"
    heading = app.page.get_by_role("heading", level=2).filter(has_text=NEAR[lang])
    expect(heading).to_have_count(1)
    # the point may stand in direction isolates (right-to-left); its digits stay in order
    expect(heading).to_contain_text(re.compile(r"51\.48180, 7\.21620"))
    # the text box takes the point over, like a map click; the responsible offices are Bochum's
    expect(app.page.get_by_label(t("of.search.label", lang), exact=True)).to_have_value(
        "51.48180,7.21620"
    )
    expect(app.page.get_by_role("heading", name=t("of.resp.title", lang))).to_be_visible()
    expect(app.page.get_by_text("Ausländerbehörde Bochum").first).to_be_visible()
    assert _query(app)["ort"] == ["51.48180,7.21620"], point
    expect(app.page.get_by_text(t("of.geo.denied", lang))).to_have_count(0)


def test_refused_location_says_so_and_keeps_the_page(open_app: Callable[..., AppPage]) -> None:
    lang = "ar"
    app = _open(open_app, lang, where=None, width=390, height=844)
    _click_locate(app, lang)
    expect(app.page.get_by_text(t("of.geo.denied", lang))).to_be_visible()
    assert "ort" not in _query(app), app.page.url
    expect(app.page.get_by_role("heading", level=2).filter(has_text=NEAR[lang])).to_have_count(0)
    # the typed search still works afterwards, and the sentence goes with the next interaction
    box = app.page.get_by_label(t("of.search.label", lang), exact=True)
    box.fill("Bochum")
    box.press("Enter")
    expect(app.page.get_by_role("heading", level=2).filter(has_text=NEAR[lang])).to_contain_text(
        "Bochum"
    )
    expect(app.page.get_by_text(t("of.geo.denied", lang))).to_have_count(0)


def test_location_outside_nrw_is_not_searched(open_app: Callable[..., AppPage]) -> None:
    lang = "de"
    app = _open(open_app, lang, where=BERLIN)
    _click_locate(app, lang)
    expect(
        app.page.get_by_text(t("of.geo.outside", lang, point="52.52000, 13.40500"))
    ).to_be_visible()
    assert "ort" not in _query(app), app.page.url
    expect(app.page.get_by_role("heading", level=2).filter(has_text=NEAR[lang])).to_have_count(0)
