"""Searches one after another on "Angebote finden", as a newcomer makes them (real browser, offline).

Every search must show the place last asked for: typed + Enter, the button, a click on the map, a
deep link, and again a typed search -- in German on a desktop and in Arabic on a phone. Each step
checks the result heading (it names the place), the whole numbered list (the nearest offers to that
place, as the search service computes them on the same data) and the text box (it shows what was
asked). The filters in the expander stay in force across searches and take every change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, expect

from mapapp.analysis.offers import OfferFilter, OfferIndex
from mapapp.analysis.responsibility import TERRITORIAL
from mapapp.config import Settings
from mapapp.io.offer_placing import GeoContext
from mapapp.model import OfferCategory
from mapapp.services.offers import build_index, geo_context, open_store, resolve_search
from mapapp.text import label, t
from tests.browser.conftest import ARTIFACTS, AppPage

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]

NO_FILTER = OfferFilter(frozenset(), frozenset(), frozenset(), False)
#: An optional direction isolate mark (FSI/PDI) around data in a right-to-left page.
ISO = "[\u2068\u2069]?"
#: The words of the result heading before the place ("10 Angebote in der Nähe von Bochum – …").
NEAR = {"de": "in der Nähe von", "ar": "بالقرب من"}
#: Where on the map (fractions of its width and height) a click may land; the first spot that is
#: bare map (no marker, cluster, control or legend) is used.
CLICK_SPOTS = [(0.3, 0.7), (0.7, 0.3), (0.25, 0.4), (0.75, 0.75), (0.5, 0.85), (0.6, 0.55)]
_BARE_MAP = """([x, y]) => {
  const el = document.elementFromPoint(x, y);
  if (!el || !el.closest('.leaflet-container')) return false;
  return !el.closest('.leaflet-marker-pane, .leaflet-control-container, .leaflet-control, '
      + '.mapapp-offer-legend, .leaflet-popup-pane, .leaflet-tooltip-pane')
    && !el.classList.contains('leaflet-interactive');
}"""


@dataclass(frozen=True)
class Device:
    lang: str
    width: int
    height: int

    @property
    def query(self) -> str:
        return "" if self.lang == "de" else f"lang={self.lang}"

    def path(self, ort: str | None = None) -> str:
        params = [p for p in (self.query, f"ort={ort}" if ort else "") if p]
        return "/angebote" + ("?" + "&".join(params) if params else "")

    @property
    def name(self) -> str:
        return f"{self.lang}_{self.width}x{self.height}"


DESKTOP_DE = Device("de", 1366, 900)
PHONE_AR = Device("ar", 390, 844)


@pytest.fixture
def index_and_ctx(real_data_cache: Path) -> tuple[OfferIndex, GeoContext]:
    """The search index and geo context the server uses (same data dir, offline)."""
    settings = Settings(data_dir=real_data_cache)
    ctx = geo_context(settings, online=False)
    return build_index(open_store(settings, ctx)), ctx


class Searcher:
    """One browser page of the public view, and what it must show after each search."""

    def __init__(
        self, app: AppPage, device: Device, index: OfferIndex, ctx: GeoContext, shots: str
    ) -> None:
        self.app, self.device, self.index, self.ctx, self.shots = app, device, index, ctx, shots
        self.flt = NO_FILTER
        self.limit = 10
        self.count = 0

    @property
    def box(self) -> Locator:
        return self.app.page.get_by_label(t("of.search.label", self.device.lang), exact=True)

    def type_and_enter(self, text: str) -> None:
        self.box.fill(text)
        self.box.press("Enter")

    def type_and_click(self, text: str) -> None:
        self.box.fill(text)
        button = t("of.search.button", self.device.lang)
        self.app.page.get_by_role("button", name=button, exact=True).click()

    def click_map(self) -> str:
        """Click bare map; return the ``ort`` the page writes into the URL (``lat,lon``)."""
        frame = self.app.map_iframe
        expect(self.app.map.locator(".mapapp-hit div").first).to_be_attached()
        frame.scroll_into_view_if_needed()
        box = frame.bounding_box()
        assert box is not None
        inner = frame.element_handle().content_frame()
        assert inner is not None
        for fx, fy in CLICK_SPOTS:
            x, y = box["width"] * fx, box["height"] * fy
            if inner.evaluate(_BARE_MAP, [x, y]):
                frame.click(position={"x": x, "y": y})
                break
        else:
            pytest.fail("no bare spot on the map to click")
        expect(self.app.page).to_have_url(re.compile(r"[?&]ort=\d+\.\d{5}(,|%2C)\d+\.\d{5}"))
        return parse_qs(urlsplit(self.app.page.url).query)["ort"][0]

    def shows(self, asked: str, place: str) -> None:
        """The heading names ``place``, the list is the nearest offers to what was ``asked``
        (with the current filter), the text box shows ``asked`` and the URL carries it."""
        self.count += 1
        page = self.app.page
        point = resolve_search(asked, self.ctx)
        # as the page asks: offices with a territory stand apart ("zuständig"), offers known only
        # by the searched place's Kreis follow the measured ones
        hits = self.index.nearest(
            point.lon,
            point.lat,
            limit=self.limit,
            flt=self.flt,
            kreis_ags=point.ags[:5] if point.ags else None,
            exclude=TERRITORIAL,
        )
        assert hits, (asked, self.flt)
        near = NEAR[self.device.lang]
        heading = page.get_by_role("heading", level=2).filter(has_text=near)
        expect(heading).to_have_count(1)
        # (in Arabic the place and the names stand in invisible direction isolates)
        expect(heading).to_contain_text(
            re.compile(rf"{re.escape(near)} {ISO}{re.escape(place)}{ISO}(\s|$)"),
            use_inner_text=True,
        )
        expect(cards(self.app)).to_have_text(
            [
                re.compile(rf"^{i}\. {ISO}{re.escape(h.offer.name)}{ISO}$")
                for i, h in enumerate(hits, 1)
            ]
        )
        assert hits[0].offer.name in cards(self.app).first.inner_text()
        expect(self.box).to_have_value(asked)
        assert parse_qs(urlsplit(page.url).query).get("ort") == [asked], page.url
        if self.count in (3, 5):
            # the map with the numbered hits, and the results in view (Streamlit scrolls inside
            # its own container, so a full-page shot would still show only the top)
            expect(self.app.map.locator(".mapapp-hit div").first).to_be_attached()
            heading.scroll_into_view_if_needed()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"search_sequence_{self.shots}_{self.count}.png"))

    def pick(self, which: int, option: str) -> None:
        """Add ``option`` to the ``which``-th multiselect of the filter expander."""
        page = self.app.page
        select = page.locator("[data-testid='stMultiSelect']").nth(which)
        if not select.is_visible():
            page.locator("[data-testid='stExpander'] summary").first.click()
        expect(select).to_be_visible()
        field = select.locator("input")
        field.click()
        field.press_sequentially(option)  # the menu opens, narrowed to the option
        # the option names the category and its count near the place: "Integration Point (1)"
        page.get_by_role("option", name=re.compile(rf"^{re.escape(option)} \(")).click()
        page.keyboard.press("Escape")

    def slide(self, key: str) -> None:
        """Press ``key`` on the filter expander's slider (the number of results)."""
        self.app.page.get_by_role("slider").press(key)


def cards(app: AppPage) -> Locator:
    """The numbered result cards' titles ("1. Name") of the current (not stale) run."""
    return app.page.locator(
        "[data-testid='stElementContainer'][data-stale='false'] "
        "[data-testid='stMarkdownContainer'] strong"
    ).filter(has_text=re.compile(r"^\d+\. "))


@pytest.mark.parametrize("device", [DESKTOP_DE, PHONE_AR], ids=lambda d: d.name)
def test_every_search_shows_the_place_last_asked_for(
    open_app: Callable[..., AppPage],
    index_and_ctx: tuple[OfferIndex, GeoContext],
    device: Device,
) -> None:
    index, ctx = index_and_ctx
    app = open_app(device.path(), width=device.width, height=device.height)
    s = Searcher(app, device, index, ctx, device.name)
    # five different places in a row, Enter and the button taking turns
    s.type_and_enter("Bochum")
    s.shows("Bochum", "Bochum")
    s.type_and_click("Münster")
    s.shows("Münster", "Münster")
    s.type_and_enter("Köln")
    s.shows("Köln", "Köln")
    s.type_and_click("Dortmund")
    s.shows("Dortmund", "Dortmund")
    s.type_and_enter("Duisburg")
    s.shows("Duisburg", "Duisburg")
    # a click on the map searches from the clicked point, the text box takes it over
    clicked = s.click_map()
    lat, lon = (float(v) for v in clicked.split(","))
    s.shows(clicked, f"{lat:.5f}, {lon:.5f}")
    s.type_and_click("Bielefeld")
    s.shows("Bielefeld", "Bielefeld")

    # a shared link, opened in a fresh browser, then two more searches of its own
    linked = open_app(device.path("Essen"), width=device.width, height=device.height)
    s2 = Searcher(linked, device, index, ctx, device.name + "_link")
    s2.shows("Essen", "Essen")
    s2.type_and_enter("44135")
    s2.shows("44135", "44135 Dortmund")  # a PLZ: the heading names the PLZ area and its Gemeinde
    s2.type_and_click("Bonn")
    s2.shows("Bonn", "Bonn")


def test_filters_take_every_change_and_stay_across_searches(
    open_app: Callable[..., AppPage], index_and_ctx: tuple[OfferIndex, GeoContext]
) -> None:
    index, ctx = index_and_ctx
    device = DESKTOP_DE
    app = open_app(device.path(), width=device.width, height=device.height)
    s = Searcher(app, device, index, ctx, "filters")
    s.type_and_enter("Bochum")
    s.shows("Bochum", "Bochum")
    # two filter changes in a row: both count
    # (categories with offers near Bochum that are listed by distance, not by responsibility)
    first, second = OfferCategory.MIGRATIONSDIENST, OfferCategory.INTEGRATION_POINT
    s.pick(0, label("category", first, "de"))
    s.flt = OfferFilter(frozenset({first}), frozenset(), frozenset(), False)
    s.shows("Bochum", "Bochum")
    s.pick(0, label("category", second, "de"))
    s.flt = OfferFilter(frozenset({first, second}), frozenset(), frozenset(), False)
    s.shows("Bochum", "Bochum")
    # the slider (number of results) by keyboard, twice in a row
    s.slide("Home")
    s.limit = 1
    s.shows("Bochum", "Bochum")
    s.slide("ArrowRight")
    s.limit = 2
    s.shows("Bochum", "Bochum")
    # the next searches keep the filters (list, widgets and URL)
    s.type_and_click("Münster")
    s.shows("Münster", "Münster")
    s.type_and_enter("Köln")
    s.shows("Köln", "Köln")
    query = parse_qs(urlsplit(app.page.url).query)
    assert query.get("kat") == ["integration_point,migrationsdienst"], app.page.url
    assert query.get("n") == ["2"], app.page.url
