"""Accessibility in a real browser: axe-core on every page, and the search by keyboard only.

axe-core (npm, pinned in ``tests/browser/js/package-lock.json``, installed by
``scripts/install_browser.sh``) is injected into the page and into every frame (the maps are
iframes) and run on the settled page; no violation of impact "serious" or "critical" may be left
(contrast, names of buttons, links, iframes and form fields, landmarks, ``lang`` …), and no
heading may skip a level (``heading-order``: sections are h2 under the page's h1). Other moderate
and minor findings are printed, not failed. Pages: Förderkarte, Angebote (with a search, filters
open; German desktop and Arabic phone), Versorgungslücken, Datenpflege (the login a visitor sees).

The keyboard test searches, reaches the results and opens two cards with Tab, Enter and Space
only -- no mouse.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from mapapp.config import REPO_ROOT
from mapapp.text import t
from tests.browser.conftest import AppPage
from tests.browser.harness import MAP_IFRAME
from tests.conftest import skip_or_fail

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]

AXE_JS = REPO_ROOT / "tests" / "browser" / "js" / "node_modules" / "axe-core" / "axe.min.js"
#: Impacts that fail the test.
BLOCKING = ("serious", "critical")
#: Rules of a lesser impact that fail the test too.
BLOCKING_RULES = ("heading-order",)
#: The page has settled: no element of an earlier run left (Streamlit fades those), nothing
#: still loading.
_IDLE = """() => !document.querySelector(
    "[data-stale='true'], [data-testid='stSkeleton'], [data-testid='stStatusWidgetRunningIcon']")"""
_RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map((n) => n.target.join(" >> ") + "  " + n.html.slice(0, 160)),
    }));
}"""
#: Most Tab presses allowed to reach an element (the sidebar, the form, filters, cards).
MAX_TABS = 80


@pytest.fixture(scope="module")
def axe_js() -> Path:
    if not AXE_JS.is_file():
        skip_or_fail(f"axe-core missing at {AXE_JS} (bash scripts/install_browser.sh)")
    return AXE_JS


def settle(page: Page) -> None:
    """Wait until the Streamlit run is over and its output is on the page."""
    page.wait_for_timeout(1500)  # a run that is about to start has started
    page.wait_for_function(_IDLE)
    page.wait_for_timeout(500)


def axe_violations(page: Page, axe: Path) -> list[dict[str, Any]]:
    """axe-core's violations on the page and in all its frames."""
    for frame in page.frames:
        try:
            frame.add_script_tag(path=str(axe))
        except PlaywrightError:  # a frame that went away while injecting is not on the page
            continue
    result: list[dict[str, Any]] = page.evaluate(_RUN_AXE)
    return result


def _report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        lines += [f"    {n}" for n in v["nodes"][:8]]
    return "\n".join(lines)


PAGES = [
    pytest.param("/", "de", 1366, 900, id="foerderkarte"),
    pytest.param("/angebote?ort=Bochum", "de", 1366, 900, id="angebote"),
    pytest.param("/angebote?lang=ar&ort=Bochum", "ar", 390, 844, id="angebote_ar_phone"),
    pytest.param("/versorgungsluecken", "de", 1366, 900, id="versorgungsluecken"),
    pytest.param("/datenpflege", "de", 1366, 900, id="datenpflege"),
]


@pytest.mark.parametrize(("path", "lang", "width", "height"), PAGES)
def test_no_serious_accessibility_violation(
    open_app: Callable[..., AppPage], axe_js: Path, path: str, lang: str, width: int, height: int
) -> None:
    app = open_app(path, width=width, height=height)
    page = app.page
    expect(page.locator("h1").first).to_be_visible()
    if path.startswith("/angebote"):
        expect(page.get_by_role("heading", level=2).filter(has_text="Bochum").first).to_be_visible()
        expect(app.map.locator(".leaflet-marker-icon").first).to_be_attached()
        # the filters too (multiselects, checkbox, slider)
        page.locator("[data-testid='stExpander'] summary").first.click()
        expect(page.locator("[data-testid='stMultiSelect']").first).to_be_visible()
    settle(page)
    # the document speaks the page's language, the maps have a name in it
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("[data-testid='stSkipToContent']")).to_have_text(t("st.skip", lang))
    for title in page.locator(MAP_IFRAME).evaluate_all("els => els.map((f) => f.title)"):
        assert title.startswith(t("map.frame.page", lang, page="")), title
    violations = axe_violations(page, axe_js)
    blocking = [v for v in violations if v["impact"] in BLOCKING or v["id"] in BLOCKING_RULES]
    others = [v for v in violations if v not in blocking]
    if others:
        print(f"axe, not blocking ({path}):\n{_report(others)}")
    assert not blocking, f"axe on {path}:\n{_report(blocking)}"


def _tab_to(page: Page, is_target: str, what: str) -> None:
    """Press Tab until the focused element satisfies the JS predicate ``is_target(el)``."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({is_target})(document.activeElement)"):
            return
    pytest.fail(f"{what} not reached with {MAX_TABS} Tab presses")


def test_search_results_and_cards_by_keyboard_only(open_app: Callable[..., AppPage]) -> None:
    lang = "de"
    app = open_app("/angebote", width=1366, height=900)
    page = app.page
    box = page.get_by_label(t("of.search.label", lang), exact=True)
    expect(box).to_be_visible()
    settle(page)
    label = t("of.search.label", lang)
    _tab_to(page, f"(el) => el.getAttribute('aria-label') === {label!r}", "the search box")
    page.keyboard.type("Bochum")
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=2).filter(has_text=re.compile(r"Bochum"))
    expect(heading.first).to_be_visible()
    settle(page)
    # the cards' folded details: reached by Tab, opened with Enter and with Space
    details = t("of.card.details", lang)
    on_details = f"(el) => el.tagName === 'SUMMARY' && el.textContent.includes({details!r})"
    opened = page.locator("[data-testid='stExpander'] details[open] summary").filter(
        has_text=details
    )
    expect(opened).to_have_count(0)
    _tab_to(page, on_details, "the first card's details")
    page.keyboard.press("Enter")
    expect(opened).to_have_count(1)
    _tab_to(page, on_details, "the second card's details")
    page.keyboard.press("Space")
    expect(opened).to_have_count(2)
    # what opened is the details of a card: its lines are shown
    expect(
        page.locator(
            "[data-testid='stExpander'] details[open] [data-testid='stMarkdownContainer']"
        ).first
    ).to_be_visible()
