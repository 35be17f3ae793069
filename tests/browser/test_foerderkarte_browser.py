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
from tests.fixtures.documented_list import TOTALS, funded_units, read_csv, status_name

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]

#: Funded Kreise are filled with the hatch pattern (mapapp.render.funding_hatch).
KREIS_PATTERN = "mapapp-hatch-funded_kreis"
KREIS_FILL = f"url(#{KREIS_PATTERN})"
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
    expect(app.page.get_by_role("heading", name="Geförderte Kommunen", exact=True)).to_be_visible()
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
    app = open_app(
        "/?hintergrund=osm"
    )  # tiles asked for; open_app aborts every request off 127.0.0.1
    app.wait_for_map(50)
    expect(app.map.locator(f'path[fill="{KREIS_FILL}"]').first).to_be_visible()
    assert any(urlsplit(u).netloc == TILE_HOST for u in app.aborted), app.aborted[:5]
    expect(app.map.locator("img.leaflet-tile-loaded")).to_have_count(0)
    # the failed layer is gone with its credit; one line says so
    expect(app.map.locator(".mapapp-tiles-note")).to_have_count(1)
    expect(app.map.locator(".mapapp-tiles-note")).to_contain_text(
        "Hintergrundkarte nicht erreichbar"
    )
    expect(app.map.locator(".leaflet-tile-pane .leaflet-layer")).to_have_count(0)
    attribution = app.map.locator(".leaflet-control-attribution")
    expect(attribution).to_contain_text("© GeoBasis-DE / BKG")
    expect(attribution).not_to_contain_text("OpenStreetMap")
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


# --- Förderkarte as a new user meets it (issue 11) -------------------------------------------

#: JS on a non-interactive (inert) Gemeinde path inside a funded Kreis: a point (frame client
#: coordinates) inside that Gemeinde where the topmost element is the hatched Kreis path.
KREIS_UNDER_INERT_JS = """
(el, fill) => {
  const r = el.getBoundingClientRect();
  const svg = el.ownerSVGElement;
  const n = 24;
  for (let i = 1; i < n; i++) {
    for (let j = 1; j < n; j++) {
      const x = r.left + (r.width * i) / n, y = r.top + (r.height * j) / n;
      const pt = svg.createSVGPoint();
      pt.x = x; pt.y = y;
      const local = pt.matrixTransform(el.getScreenCTM().inverse());
      if (!el.isPointInFill(local)) continue;
      const top = document.elementFromPoint(x, y);
      if (top && top.getAttribute('fill') === fill) return {x, y};
    }
  }
  return null;
}
"""


def click_in_frame(app: AppPage, point: dict[str, float]) -> None:
    """A real mouse click at ``point`` (client coordinates inside the map frame)."""
    frame_box = app.map_iframe.bounding_box()
    assert frame_box is not None
    app.page.mouse.click(frame_box["x"] + point["x"], frame_box["y"] + point["y"])


def settle_map(app: AppPage) -> None:
    app.map_iframe.scroll_into_view_if_needed()
    app.map_iframe.evaluate(WAIT_STABLE_JS)


def details_heading(app: AppPage, names: list[str], unit_types: str):  # type: ignore[no-untyped-def]
    pattern = "|".join(re.escape(n) for n in names)
    return app.page.locator("[data-testid='stMarkdownContainer'] p").filter(
        has_text=re.compile(rf"^({pattern}) – ({unit_types})$")
    )


def test_click_on_stadt_symbol_shows_its_details(open_app: OpenApp) -> None:
    staedte = [ags for ags, t in funded_units({2005}).items() if t != "Kreis"]
    assert staedte, "documented list should have a Stadt funded in 2005"
    app = open_app("/?jahre=2005")
    app.wait_for_map(50)
    settle_map(app)
    symbols = app.map.locator('path.leaflet-interactive[fill="#ffffff"]')
    expect(symbols).to_have_count(len(staedte))
    box = symbols.first.bounding_box()  # page coordinates of the round symbol
    assert box is not None and box["width"] <= 20, box
    app.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(app.page.get_by_text("Keine Fläche ausgewählt.")).to_have_count(0)
    heading = details_heading(
        app, [status_name(a) for a in staedte], "kreisfreie Stadt|kreisangehörige Stadt"
    )
    expect(heading).to_be_visible()
    no_exception(app)


def test_click_inside_funded_kreis_on_unfunded_town_selects_the_kreis(open_app: OpenApp) -> None:
    kreise = [ags for ags, t in funded_units({2005, 2006, 2007}).items() if t == "Kreis"]
    app = open_app("/")
    app.wait_for_map(50)
    settle_map(app)
    # unfunded Gemeinden inside a funded Kreis: dashed outline only, no pointer events
    inert = app.map.locator('path[stroke-dasharray="5 4"]:not(.leaflet-interactive)')
    assert inert.count() > 0, "a funded Kreis should contain a Gemeinde with its own office"
    point = inert.first.evaluate(KREIS_UNDER_INERT_JS, KREIS_FILL)
    assert point is not None, "the Kreis should be the clickable shape under the inert Gemeinde"
    click_in_frame(app, point)
    expect(details_heading(app, [status_name(a) for a in kreise], "Kreis")).to_be_visible()
    no_exception(app)


def test_kreise_are_hatched_like_the_legend(open_app: OpenApp) -> None:
    kreise = [ags for ags, t in funded_units({2005, 2006, 2007}).items() if t == "Kreis"]
    app = open_app("/")
    app.wait_for_map(50)
    pattern = app.map.locator(f"pattern#{KREIS_PATTERN}")
    expect(pattern).to_have_count(1)
    assert pattern.locator("line").count() == 1  # the hatch lines
    expect(app.map.locator(f'path.leaflet-interactive[fill="{KREIS_FILL}"]')).to_have_count(
        len(kreise)
    )
    # the legend's Kreis swatch is painted with the very same pattern
    expect(app.map.locator(f'.mapapp-legend rect[fill="{KREIS_FILL}"]')).to_have_count(1)
    no_exception(app)


def tile_requests(app: AppPage) -> list[str]:
    return [u for u in app.requests if urlsplit(u).netloc == TILE_HOST]


def test_no_tile_request_when_tiles_are_off_also_after_reload(open_app: OpenApp) -> None:
    app = open_app("/")
    app.wait_for_map(50)
    toggle = app.page.get_by_role(
        "switch", name="Hintergrundkarte (OpenStreetMap, braucht Internet)"
    )
    expect(toggle).not_to_be_checked()
    expect(app.map.locator(".leaflet-tile-pane .leaflet-layer")).to_have_count(0)
    attribution = app.map.locator(".leaflet-control-attribution")
    expect(attribution).to_contain_text("© GeoBasis-DE / BKG")
    expect(attribution).not_to_contain_text("OpenStreetMap")
    app.page.reload(wait_until="domcontentloaded")
    app.wait_for_map(50)
    app.page.wait_for_timeout(1000)  # a tile layer would have asked for its tiles by now
    assert tile_requests(app) == []
    assert not any("openstreetmap" in u for u in app.requests)
    no_exception(app)


def test_tiles_choice_survives_a_reload_through_the_url(open_app: OpenApp) -> None:
    app = open_app("/")
    app.wait_for_map(50)
    label = "Hintergrundkarte (OpenStreetMap, braucht Internet)"
    app.page.get_by_text(label).click()
    expect(app.page).to_have_url(re.compile(r"[?&]hintergrund=osm\b"))
    expect(app.map.locator(".mapapp-tiles-note")).to_have_count(1)  # offline: tiles failed
    assert tile_requests(app), "switched on, the map asks for tiles"
    app.requests.clear()
    app.page.reload(wait_until="domcontentloaded")
    app.wait_for_map(50)
    expect(app.page.get_by_role("switch", name=label)).to_be_checked()
    expect(app.map.locator(".mapapp-tiles-note")).to_have_count(1)
    assert tile_requests(app)
    # and off again: gone from the URL
    app.page.get_by_text(label).click()
    expect(app.page).not_to_have_url(re.compile(r"hintergrund="))
    no_exception(app)


def test_completeness_in_the_subtitle(open_app: OpenApp) -> None:
    shown = len(funded_units({2005, 2006, 2007}))
    by_2008 = [
        r for r in read_csv(TOTALS) if r["period"] == "2005-2008" and r["cumulative"] == "yes"
    ]
    published = max(by_2008, key=lambda r: r["as_of"])["kommunen"]
    app = open_app("/")
    app.wait_for_map(50)
    expect(
        app.page.get_by_text(
            f"dokumentiert: {shown} Kommunen; laut Ministerium bis 2008: {published}"
        )
    ).to_be_visible()
    no_exception(app)


def test_phone_legend_is_folded_and_scale_is_metric(open_app: OpenApp) -> None:
    app = open_app(width=390, height=844)
    app.wait_for_map(50)
    settle_map(app)
    map_box = app.map_iframe.bounding_box()
    legend = app.map.locator(".mapapp-legend")
    expect(legend).to_be_visible()
    legend_box = legend.bounding_box()
    assert map_box is not None and legend_box is not None
    # folded: the title only, far from covering the top third of the map
    assert legend_box["height"] < map_box["height"] / 10, (legend_box, map_box)
    expect(legend.locator("details")).not_to_have_attribute("open", "")
    scale = app.map.locator(".leaflet-control-scale-line")
    expect(scale).to_have_count(1)
    assert re.fullmatch(r"\d+ k?m", scale.inner_text().strip()), scale.inner_text()
    # the scale bar is not hidden under the (wrapped) attribution
    attribution_box = app.map.locator(".leaflet-control-attribution").bounding_box()
    scale_box = scale.bounding_box()
    assert attribution_box is not None and scale_box is not None
    assert scale_box["y"] + scale_box["height"] <= attribution_box["y"] + 1, (
        scale_box,
        attribution_box,
    )
    ARTIFACTS.mkdir(exist_ok=True)
    app.page.screenshot(path=str(ARTIFACTS / "foerderkarte-phone-legend.png"))
    no_exception(app)


def test_wide_screen_shows_every_year_button_and_the_open_legend(open_app: OpenApp) -> None:
    app = open_app(width=1366, height=900)
    app.wait_for_map(50)
    group = app.page.get_by_role("radiogroup", name="Förderjahr(e)")
    group_box = group.bounding_box()
    assert group_box is not None
    radios = group.get_by_role("radio")
    last = radios.nth(radios.count() - 1).bounding_box()
    assert last is not None
    assert last["x"] + last["width"] <= group_box["x"] + group_box["width"] + 1
    assert last["x"] + last["width"] <= 1366
    expect(app.map.locator(".mapapp-legend details")).to_have_attribute("open", "")
    expect(app.map.locator(".mapapp-legend")).to_contain_text("Kreis (gefördert)")
    no_exception(app)
