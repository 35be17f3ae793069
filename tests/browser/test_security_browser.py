"""Hostile texts in a real browser: offers named with every payload of the corpus near the searched
place, and payloads reflected from a shared ``?ort=`` link. Nothing may run, load or link.

The offers are SYNTHETIC (test data), placed in the Hochsauerland away from other tests' places.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from mapapp.config import Settings
from mapapp.services.offers import geo_context, import_offers, open_store
from tests.browser.conftest import ARTIFACTS, AppPage
from tests.fixtures.payloads import MARKERS, PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]

LAT, LON = 51.20, 8.30  # synthetic place for the synthetic offers
N = 20  # list length asked for

#: Collects every offer layer's popups and tooltips as Leaflet would show them (innerHTML of the
#: content node) and the numbered badges' tooltip nodes.
_OPEN_ALL = """
() => {
    const out = [];
    const box = document.createElement("div");
    document.body.appendChild(box);
    for (const key of Object.keys(window)) {
        const layer = window[key];
        if (!layer || typeof layer.getLayers !== "function" || !key.startsWith("offers_layer")) {
            continue;
        }
        for (const m of layer.getLayers()) {
            for (const bound of [m.getPopup(), m.getTooltip()]) {
                if (!bound) { continue; }
                const c = typeof bound._content === "function" ? bound._content(m) : bound._content;
                const div = document.createElement("div");
                if (typeof c === "string") { div.innerHTML = c; } else { div.appendChild(c); }
                box.appendChild(div);
                out.push(div.textContent);
            }
        }
    }
    return out;
}
"""


@pytest.fixture(scope="module")
def hostile_offers(real_data_cache: Path) -> list[str]:
    settings = Settings(data_dir=real_data_cache)
    ctx = geo_context(settings, online=False)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(["name", "category", "lat", "lon", "provider", "note", "source"])
    names = []
    for i, text in enumerate(PAYLOADS):
        name = f"{i:02d} {text}".replace("\t", " ")
        names.append(name)
        lat = LAT + (i // 7) * 0.004
        lon = LON + (i % 7) * 0.004
        writer.writerow([name, "Sprachkurs", lat, lon, text, text, "Browsertest (synthetisch)"])
    report = import_offers(
        buf.getvalue().encode("utf-8"), "hostile.csv", ctx, open_store(settings, ctx)
    )
    assert report.stored and report.accepted == len(PAYLOADS), report.to_dict()
    return names


def _watch_dialogs(app: AppPage) -> list[str]:
    dialogs: list[str] = []
    app.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def test_hostile_offers_nearby_stay_text_everywhere(
    open_app: Callable[..., AppPage], hostile_offers: list[str]
) -> None:
    app = open_app(f"/angebote?ort={LAT},{LON}&n={N}")
    dialogs = _watch_dialogs(app)
    # the list shows the names literally (markdown escaped: no links, images, formulas)
    cards = app.page.locator("[data-testid='stMarkdownContainer'] strong").filter(has_text=". ")
    expect(cards).to_have_count(N)
    title = app.page.title()
    by_prefix = {n[:2]: " ".join(n.split()) for n in hostile_offers}
    for k, text in enumerate(cards.all_inner_texts(), start=1):
        number, name = text.replace("\u2060", "").split(". ", 1)  # joiners break autolinks
        assert number == str(k)
        assert " ".join(name.split()) == by_prefix[name[:2]], text  # literal, nothing rendered
    # every numbered badge: hover shows the tooltip with the literal name
    badges = app.map.locator(".mapapp-hit")
    expect(badges).to_have_count(N)
    for i in range(N):
        badges.nth(i).hover(force=True)
    expect(app.map.locator(".leaflet-tooltip").first).to_be_attached()
    # every clustered offer marker: popup and tooltip content as Leaflet builds it
    frame = app.map_iframe.element_handle().content_frame()
    assert frame is not None
    texts = frame.evaluate(_OPEN_ALL)
    joined = "\n".join(texts)
    for name in hostile_offers:
        assert name.split(" ", 1)[1].strip()[:12] in joined, name
    for marker in MARKERS:
        assert marker not in joined
    content = app.page.content()
    for marker in MARKERS:
        assert marker not in content
    # nothing ran, nothing loaded, nothing linked
    app.page.wait_for_timeout(300)  # let any injected handler fire before counting
    assert dialogs == []
    assert app.page.title() == title
    assert app.map_iframe.evaluate("el => el.contentDocument.title") != "x"
    assert not [u for u in app.requests if "127.0.0.1:9" in u]
    for frame in (app.page, app.map):
        bad = frame.locator("a[href^='javascript:'], a[href*='127.0.0.1:9']")
        assert bad.count() == 0, bad.evaluate_all("els => els.map(e => e.parentElement.outerHTML)")
        assert frame.locator("a[href^='javascript:'], a[href*='127.0.0.1:9']").count() == 0
        assert frame.locator("img[src='x'], script:has-text('alert(')").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    app.page.screenshot(path=str(ARTIFACTS / "security_hostile_offers.png"), full_page=True)


@pytest.mark.parametrize(
    "payload",
    [
        "![x](http://127.0.0.1:9/t.png)",
        "[Hier neu anmelden](http://127.0.0.1:9/phish)",
        "$\\frac{1}{0}$",
        "<img src=x onerror=alert(1)>",
        "{{ 7*7 }} ${alert(2)} `x`",
    ],
)
def test_reflected_place_text_is_shown_literally(
    open_app: Callable[..., AppPage], payload: str
) -> None:
    app = open_app(f"/angebote?ort={quote(payload)}")
    dialogs = _watch_dialogs(app)
    alert = app.page.locator("[data-testid='stAlertContentError']").first
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(payload.split("(")[0][:8])
    assert alert.locator("a, img, .katex").count() == 0
    app.page.wait_for_timeout(300)
    assert not [u for u in app.requests if "127.0.0.1:9" in u]
    assert dialogs == []
    assert "49" not in alert.inner_text()
