"""The Förderkarte in a real browser (Streamlit server + Debian chromium), fully offline.

Every request that does not go to the local server is aborted (see ``open_app``), so these tests
also prove that the map needs no CDN and survives missing basemap tiles. Expected highlight counts
come from the committed documented list (plain ``csv``, ``tests/documented_list.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from mapapp.render.style import FUNDING_STYLES
from tests.browser.conftest import ARTIFACTS, AppPage
from tests.fixtures.documented_list import funded_units, status_name

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]

KREIS_FILL = FUNDING_STYLES["funded_kreis"].fill  # "#0072B2"
STADT_FILL = FUNDING_STYLES["funded_stadt"].fill  # "#D55E00"
CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "code.jquery.com", "netdna")
TILE_HOST = "tile.openstreetmap.org"

#: Resolves once the element's box has not moved for 10 consecutive animation frames (the map
#: settles after the iframe gets its final width; the page settles after later elements render).
WAIT_STABLE_JS = """
async (el) => {
  const box = () => {
    const r = el.getBoundingClientRect();
    return [r.left, r.top, r.width, r.height].map((v) => v.toFixed(1)).join();
  };
  let last = box();
  for (let same = 0; same < 10; ) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = box();
    same = now === last ? same + 1 : 0;
    last = now;
  }
}
"""

#: JS run on an SVG path inside the map frame: a point (client coordinates of the frame) where the
#: path itself is the topmost element -- the legend, Gemeinde units and markers may cover parts.
VISIBLE_POINT_JS = """
(el) => {
  const r = el.getBoundingClientRect();
  const n = 24;
  for (let i = 1; i < n; i++) {
    for (let j = 1; j < n; j++) {
      const x = r.left + (r.width * i) / n, y = r.top + (r.height * j) / n;
      if (document.elementFromPoint(x, y) === el) return {x, y};
    }
  }
  return null;
}
"""

OpenApp = Callable[..., AppPage]


def expected_fills(year: int) -> tuple[int, int]:
    """(Kreis polygons, Stadt polygons) highlighted for ``year`` according to the documented list."""
    units = funded_units({year})
    kreise = sum(1 for t in units.values() if t == "Kreis")
    return kreise, len(units) - kreise


def year_button(app: AppPage, label: str):  # type: ignore[no-untyped-def]
    return app.page.get_by_role("radiogroup", name="Förderjahr(e)").get_by_role(
        "radio", name=label, exact=True
    )


def no_exception(app: AppPage) -> None:
    expect(app.page.locator("[data-testid='stException']")).to_have_count(0)


def test_page_loads_with_map_and_screenshot(open_app: OpenApp) -> None:
    app = open_app()
    expect(app.page.get_by_role("heading", name="Geförderte Kommunen")).to_be_visible()
    app.wait_for_map(50)
    expect(app.map_iframe).to_be_visible()
    expect(app.map.locator(".mapapp-legend")).to_contain_text("Kreis (gefördert)")
    no_exception(app)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "foerderkarte.png"
    app.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


def test_leaflet_is_served_locally(open_app: OpenApp) -> None:
    app = open_app()
    app.wait_for_map(50)
    version = app.map.locator("body").evaluate("() => window.L && window.L.version")
    assert isinstance(version, str) and version.startswith("1."), version
    assert f"{app.base_url}/app/static/vendor/leaflet/leaflet.js" in app.requests
    assert f"{app.base_url}/app/static/vendor/leaflet/leaflet.css" in app.requests
    cdn = [u for u in app.requests if any(h in urlsplit(u).netloc for h in CDN_HOSTS)]
    assert cdn == []
    foreign = {urlsplit(u).netloc for u in app.requests if not u.startswith(app.base_url)}
    assert foreign <= {TILE_HOST, ""}, foreign  # "" = data:/blob: URLs


def test_map_draws_when_tiles_fail(open_app: OpenApp) -> None:
    app = open_app()  # open_app aborts every request off 127.0.0.1
    app.wait_for_map(50)
    expect(app.map.locator(f'path[fill="{KREIS_FILL}"]').first).to_be_visible()
    assert any(urlsplit(u).netloc == TILE_HOST for u in app.aborted), app.aborted[:5]
    expect(app.map.locator("img.leaflet-tile-loaded")).to_have_count(0)
    no_exception(app)


def test_year_switch_changes_highlighted_units(open_app: OpenApp) -> None:
    k2005, s2005 = expected_fills(2005)
    k2007, s2007 = expected_fills(2007)
    assert (k2005, s2005) != (k2007, s2007), "documented list should differ between the years"

    app = open_app()
    app.wait_for_map(50)
    kreis_paths = app.map.locator(f'path[fill="{KREIS_FILL}"]')
    stadt_paths = app.map.locator(f'path[fill="{STADT_FILL}"]')
    legend = app.map.locator(".mapapp-legend")
    # mark the map's window: if the iframe were rebuilt on a year switch, the mark would be gone
    app.map_iframe.evaluate("el => { el.contentWindow.__mapappMark = 1; }")

    for year, kreise, staedte in ((2005, k2005, s2005), (2007, k2007, s2007)):
        year_button(app, str(year)).click()
        expect(year_button(app, str(year))).to_have_attribute("aria-checked", "true")
        expect(app.page).to_have_url(re.compile(rf"[?&]jahre={year}\b"))
        # the caption above the map names the year and the counts; the map shows them
        caption = app.page.get_by_text(f"Geförderte Kommunen {year} –")
        expect(caption).to_contain_text(f"Kreise: {kreise}, Städte: {staedte}")
        expect(kreis_paths).to_have_count(kreise)
        expect(stadt_paths).to_have_count(staedte)
        expect(legend).to_contain_text("Kreis (gefördert)")
    # only the units layer was exchanged: the map iframe was not rebuilt
    assert app.map_iframe.evaluate("el => el.contentWindow.__mapappMark") == 1
    no_exception(app)


def test_click_on_funded_kreis_shows_details(open_app: OpenApp) -> None:
    kreise = [ags for ags, t in funded_units({2005}).items() if t == "Kreis"]
    assert kreise, "documented list should have a Kreis funded in 2005"
    names = [status_name(ags) for ags in kreise]

    app = open_app("/?jahre=2005")
    app.wait_for_map(50)
    expect(app.page.get_by_text("Keine Fläche ausgewählt.")).to_be_visible()
    target = app.map.locator(f'path[fill="{KREIS_FILL}"]')
    expect(target).to_have_count(len(kreise))
    app.map_iframe.scroll_into_view_if_needed()
    app.map_iframe.evaluate(WAIT_STABLE_JS)
    target.first.evaluate(WAIT_STABLE_JS)
    point = target.first.evaluate(VISIBLE_POINT_JS)
    assert point is not None, "no visible point on the funded Kreis polygon"
    frame_box = app.map_iframe.bounding_box()
    assert frame_box is not None
    # A real mouse click at that point (page coordinates = iframe origin + frame coordinates).
    app.page.mouse.click(frame_box["x"] + point["x"], frame_box["y"] + point["y"])

    expect(app.page.get_by_text("Keine Fläche ausgewählt.")).to_have_count(0)
    pattern = "|".join(re.escape(n) for n in names)
    details = app.page.locator("[data-testid='stMarkdownContainer'] p").filter(
        has_text=re.compile(rf"^({pattern}) – Kreis$")
    )
    expect(details).to_be_visible()
    no_exception(app)
    details.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(exist_ok=True)
    app.page.screenshot(path=str(ARTIFACTS / "foerderkarte-details.png"))


def test_mobile_viewport_shows_map(open_app: OpenApp) -> None:
    app = open_app(width=390, height=844)
    app.wait_for_map(50)
    iframe = app.map_iframe
    iframe.scroll_into_view_if_needed()
    expect(iframe).to_be_visible()
    box = iframe.bounding_box()
    assert box is not None and 300 <= box["width"] <= 390 and box["height"] >= 300, box
    expect(app.map.locator(f'path[fill="{KREIS_FILL}"]').first).to_be_visible()
    no_exception(app)
    ARTIFACTS.mkdir(exist_ok=True)
    app.page.screenshot(path=str(ARTIFACTS / "foerderkarte-mobile.png"))
