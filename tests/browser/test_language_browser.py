"""The public view in Arabic and Ukrainian in a real browser: no German UI word anywhere.

Page, popup of an offer marker, tooltip of a numbered badge, legend, layer control and map
attribution are read as the visitor gets them. Data values (offer names, addresses, providers,
sources, place names) and licence names may be German; they are taken out before the check.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from mapapp.config import BKG_LICENCE, Settings
from mapapp.services.offers import load_offers
from mapapp.text import I18N_DIR, available_languages, t
from tests.browser.conftest import ARTIFACTS, AppPage

pytestmark = [pytest.mark.browser, pytest.mark.data, pytest.mark.web]

#: German UI words that must not appear in another language (besides the catalogue's values).
GERMAN_WORDS = (
    "Träger",
    "Legende",
    "Suchort",
    "Adresse",
    "Sprachen",
    "barrierefrei",
    "ungefähr",
    "Quelle",
    "Hintergrundkarte",
    "Angebote",
    "Angebot",
    "Standort",
    "Öffnungszeiten",
    "Zielgruppen",
    "Gemeinden",
    "Datenpflege",
    "Förderkarte",
    "Versorgungslücken",
    "Daten verändert",
    "Mitwirkende",
    "Choose options",
    "Press Enter",
    "Bitte wählen",
)

#: Opens the popup of an approximately located offer marker (hollow, dashed icon; its popup has
#: the location line) through the clusters, as clicks would; resolves with whether it worked.
_OPEN_POPUP = """
() => new Promise((resolve) => {
    for (const key of Object.keys(window)) {
        const layer = window[key];
        if (!layer || typeof layer.getLayers !== "function" || !key.startsWith("offers_layer")) {
            continue;
        }
        // the approximate marker nearest to Köln (its popup has an address and the location line)
        const near = (m) => m.getLatLng().distanceTo([50.94, 6.96]);
        const approx = layer.getLayers()
            .filter((m) => m.options.icon.options.html.includes("dashed"))
            .sort((a, b) => near(a) - near(b));
        const m = approx[0];
        if (!m) { resolve(false); return; }
        layer.zoomToShowLayer(m, () => { m.openPopup(); resolve(true); });
        return;
    }
    resolve(false);
})
"""


def _german_catalogue_values(lang: str) -> set[str]:
    """German catalogue texts (without placeholders) that the other language words differently."""
    de = json.loads((I18N_DIR / "de.json").read_text("utf-8"))
    other = json.loads((I18N_DIR / f"{lang}.json").read_text("utf-8"))
    values: set[str] = set()
    for key, entry in de.items():
        for text in entry.values() if isinstance(entry, dict) else [entry]:
            mine = other.get(key)
            theirs = mine.values() if isinstance(mine, dict) else [mine]
            for part in re.split(r"\{[^}]*\}", text):
                part = part.strip(" :–-().,;|")
                if len(part) >= 6 and not any(part in str(x) for x in theirs):
                    values.add(part)
    return values


@pytest.fixture(scope="module")
def data_values(real_data_cache: Path) -> list[str]:
    """Every text of the offer data (names, addresses, …) that may legitimately be German."""
    values: set[str] = {"Köln", "KOMM-IN", "OpenStreetMap", "GeoBasis-DE / BKG", "Leaflet"}
    # a licence's name as the licensor words it ("Datenlizenz Deutschland – Namensnennung –
    # Version 2.0") stays German on purpose (docs/ARCHITECTURE.md, "Stays German on purpose")
    values.add(BKG_LICENCE)
    for o in load_offers(Settings(data_dir=real_data_cache)):
        for v in (o.name, o.address, o.provider, o.source, o.note, o.opening_hours, o.city):
            if v:
                values.update({v, *v.split("\n")})
    return sorted(values, key=len, reverse=True)  # longest first: remove whole names first


def _without_data(text: str, data: list[str]) -> str:
    for value in data:
        text = text.replace(value, " ")
    return text


def _german_left(text: str, lang: str, data: list[str]) -> list[str]:
    rest = _without_data(text, data)
    found = [w for w in GERMAN_WORDS if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", rest)]
    found += [v for v in _german_catalogue_values(lang) if v in rest]
    return found


@pytest.mark.parametrize(("lang", "legend_word"), [("ar", "دليل الخريطة"), ("uk", "Легенда")])
def test_public_page_has_no_german_ui_text(
    open_app: Callable[..., AppPage], data_values: list[str], lang: str, legend_word: str
) -> None:
    app = open_app(f"/angebote?lang={lang}&ort=K%C3%B6ln")
    page, frame = app.page, app.map
    expect(page.get_by_role("heading", name=re.compile("Köln"))).to_be_visible()
    # the numbered badges are on the map: hover the first one, its tooltip shows
    badges = frame.locator(".mapapp-hit div")
    expect(badges.first).to_be_attached()
    badges.first.hover(force=True)
    tooltip = frame.locator(".leaflet-tooltip").first
    expect(tooltip).to_be_attached()
    # read now: Leaflet removes the tooltip as soon as the mouse leaves the badge (expander click)
    tooltip_text = tooltip.inner_text()
    # open the popup of an offer marker (through the clusters)
    iframe = app.map_iframe.element_handle().content_frame()
    assert iframe is not None
    assert iframe.evaluate(_OPEN_POPUP) is True
    popup = frame.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    popup_text = popup.inner_text()
    legend = frame.locator(".mapapp-offer-legend")
    expect(legend).to_contain_text(legend_word)
    # the filters (with the multiselect placeholders) are open, so their texts are read too
    page.locator("[data-testid='stExpander'] summary").first.click()
    expect(page.locator("[data-testid='stMultiSelect']").first).to_be_visible()
    texts = {
        "page": page.locator("[data-testid='stApp']").inner_text(),
        "popup": popup_text,
        "tooltip": tooltip_text,
        "legend": legend.text_content() or "",
        "layers": frame.locator(".leaflet-control-layers").text_content() or "",
        "attribution": frame.locator(".leaflet-control-attribution").inner_text(),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"angebote_{lang}_popup.png"))
    # the popup speaks the language: translated field labels and the location line
    catalogue = json.loads((I18N_DIR / f"{lang}.json").read_text("utf-8"))
    assert catalogue["of.card.address"] in popup_text
    assert catalogue["offer.location"].split(":")[0] in popup_text
    assert catalogue["map.layer.offers"] in texts["layers"]
    for where, text in texts.items():
        assert _german_left(text, lang, data_values) == [], (where, text)


#: Streamlit's own English widget texts the app replaces (placeholders, "Select all").
STREAMLIT_ENGLISH = (
    "Choose an option",
    "Choose options",
    "Choose or add",
    "Add an option",
    "No options to select",
    "Select all",
)
#: Where the text of an element starts and ends on screen (its first text node's glyphs), and
#: the element's own box.
_TEXT_EDGES = """(el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const text = range.getBoundingClientRect(), box = el.getBoundingClientRect();
    return {textLeft: text.left, textRight: text.right, boxLeft: box.left, boxRight: box.right};
}"""
#: Screen position of a card title's number ("1") and of its name's part on the same line.
_NUMBER_AND_NAME = """(el) => {
    const node = document.createTreeWalker(el, NodeFilter.SHOW_TEXT).nextNode();
    const at = (start, end) => {
        const r = document.createRange();
        r.setStart(node, start);
        r.setEnd(node, end);
        return r.getClientRects()[0];  // on the first line (a long name wraps)
    };
    const digit = at(0, 1), name = at(node.textContent.indexOf(" ") + 2, node.textContent.length);
    return {digitLeft: digit.left, digitRight: digit.right, nameLeft: name.left,
            nameRight: name.right};
}"""


def _language_picker(app: AppPage) -> None:
    app.page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").click()


def test_document_language_and_direction_follow_the_choice(
    open_app: Callable[..., AppPage],
) -> None:
    """``<html lang dir>`` is the UI language on a deep link and after each switch in the
    sidebar; the sidebar's page names are translated."""
    app = open_app("/datenpflege?lang=uk")
    page, html = app.page, app.page.locator("html")
    expect(html).to_have_attribute("lang", "uk")
    expect(html).to_have_attribute("dir", "ltr")
    for lang, (name, direction) in available_languages().items():
        _language_picker(app)
        page.get_by_role("option", name=name, exact=True).click()
        expect(html).to_have_attribute("lang", lang)
        expect(html).to_have_attribute("dir", direction)
        nav = page.locator("[data-testid='stSidebarNav']")
        for key in ("nav.foerderkarte", "nav.angebote", "nav.luecken", "nav.datenpflege"):
            expect(nav).to_contain_text(t(key, lang))


def test_arabic_phone_reads_right_to_left(open_app: Callable[..., AppPage]) -> None:
    """Arabic on a phone: headings and card titles stand at the right edge; a card's number
    stays at the start of its line (right of the name), whatever the name's script; the
    filters show no Streamlit English."""
    app = open_app("/angebote?lang=ar&ort=Bochum", width=390, height=844)
    page = app.page
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    title = page.locator("h1").first
    heading = page.get_by_role("heading", level=2).filter(has_text="بالقرب من")
    expect(heading).to_have_count(1)
    card = page.locator("[data-testid='stMarkdownContainer'] strong").filter(
        has_text=re.compile(r"^1\. ")
    )
    expect(card).to_have_count(1)
    for element in (title, heading, card):
        edges = element.evaluate(_TEXT_EDGES)
        # right-aligned: the text ends at the element's right edge, the free room is on the left
        assert edges["boxRight"] - edges["textRight"] < 4, edges
        assert edges["textLeft"] - edges["boxLeft"] >= edges["boxRight"] - edges["textRight"], edges
    pos = card.evaluate(_NUMBER_AND_NAME)
    assert pos["digitLeft"] >= pos["nameRight"], pos  # "1." at the start (right), then the name
    # Streamlit's English widget texts: placeholders and the multiselect's "Select all"
    page.locator("[data-testid='stExpander'] summary").first.click()
    select = page.locator("[data-testid='stMultiSelect']").first
    expect(select).to_be_visible()
    _open_list(select)
    shown = page.locator("[data-testid='stApp']").inner_text() + " ".join(
        page.locator("[placeholder]").evaluate_all("els => els.map(e => e.placeholder)")
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "angebote_ar_phone_filters.png"))
    assert [w for w in STREAMLIT_ENGLISH if w in shown] == []
    page.keyboard.press("Escape")


#: Streamlit's own English (frame, screen-reader labels, select lists, table toolbar) that the
#: page translates (mapapp/ui/streamlit_texts.py); matched as whole words.
STREAMLIT_OWN_ENGLISH = (
    "Skip to main content",
    "App pages",
    "Sidebar",
    "Collapse sidebar",
    "Expand sidebar",
    "Link to heading",
    "Open",
    "Close",
    "Dismiss",
    "Clear all",
    "Remove",
    "Selected values",
    "Help for",
    "Download as CSV",
    "Search",
    "Fullscreen",
    "Show/hide columns",
    "No results",
    "options available",
    "option available",
    "streamlit_folium",
)
#: Every aria-label, title and placeholder on the page.
_LABELS = """() => [...document.querySelectorAll('[aria-label],[title],[placeholder]')]
    .flatMap((el) => ['aria-label', 'title', 'placeholder'].map((a) => el.getAttribute(a)))
    .filter((v) => v)"""


def _open_list(select: Locator) -> None:
    """Open a multiselect's list (a click during a rerun may only focus it: then the arrow key)."""
    select.page.wait_for_function("() => !document.querySelector(\"[data-stale='true']\")")
    select.locator("input").click()
    option = select.page.get_by_role("option").first
    try:
        expect(option).to_be_visible(timeout=5000)
    except AssertionError:
        select.locator("input").press("ArrowDown")
        expect(option).to_be_visible()


def _english_left(texts: list[str], data: list[str]) -> list[str]:
    rest = _without_data("\n".join(texts), data)
    return [w for w in STREAMLIT_OWN_ENGLISH if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", rest)]


@pytest.mark.parametrize("lang", ["ar", "uk"])
def test_streamlit_own_texts_are_translated(
    open_app: Callable[..., AppPage], data_values: list[str], lang: str
) -> None:
    """Arabic and Ukrainian: none of Streamlit's own English is left in the visible text or the
    screen-reader labels, with the sidebar closed and opened again, a multiselect holding a
    choice and its list open without a match; the map's iframe has a translated name."""
    app = open_app(f"/angebote?lang={lang}&ort=K%C3%B6ln")
    page = app.page
    expect(page.get_by_role("heading", level=2).filter(has_text="Köln").first).to_be_visible()
    expect(app.map_iframe).to_have_attribute("title", t("map.frame.angebote", lang))
    expect(page.locator("[data-testid='stSkipToContent']")).to_have_text(t("st.skip", lang))
    # the sidebar: closed and opened again by its translated buttons
    page.locator("[data-testid='stSidebar']").hover()
    page.get_by_role("button", name=t("st.sidebar.collapse", lang), exact=True).click()
    expand = page.get_by_role("button", name=t("st.sidebar.expand", lang), exact=True)
    labels = page.evaluate(_LABELS)  # while collapsed: the expand button's label
    expand.click()
    expect(page.locator("[data-testid='stSidebarNav']")).to_be_visible()
    # a multiselect with a choice (its chip's "Remove …", "Clear all") and a search without match
    page.locator("[data-testid='stExpander'] summary").first.click()
    select = page.locator("[data-testid='stMultiSelect']").first
    _open_list(select)
    page.get_by_role("option").first.click()
    expect(select.get_by_label(t("st.clear_all", lang), exact=True)).to_be_attached()
    select = page.locator("[data-testid='stMultiSelect']").first  # after the rerun
    _open_list(select)
    page.keyboard.type("zzzz")
    expect(page.get_by_text(t("st.no_results", lang), exact=True)).to_be_visible()
    labels += page.evaluate(_LABELS)
    assert any(v.startswith(t("st.remove", lang, value="")) for v in labels), labels
    texts = [page.locator("body").inner_text(), *labels]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"angebote_{lang}_streamlit_texts.png"))
    assert _english_left(texts, data_values) == []
    page.keyboard.press("Escape")


def test_table_toolbar_is_translated(open_app: Callable[..., AppPage]) -> None:
    """A table's toolbar (Förderkarte, Ukrainian): buttons named and their tooltips worded in
    the page's language."""
    lang = "uk"
    app = open_app(f"/?lang={lang}")
    page = app.page
    expect(app.map_iframe).to_have_attribute("title", t("map.frame.foerderkarte", lang))
    table = page.locator("[data-testid='stDataFrame']:visible").first
    table.scroll_into_view_if_needed()
    table.hover()
    buttons = table.locator("[data-testid='stElementToolbar'] button")
    expect(buttons.first).to_be_visible()
    names = set(buttons.evaluate_all("els => els.map((b) => b.getAttribute('aria-label'))"))
    assert names == {t(k, lang) for k in ("st.columns", "st.csv", "st.search", "st.fullscreen")}
    buttons.first.hover()
    tooltip = page.locator("[data-testid='stTooltipContent']")
    expect(tooltip).to_have_text(t("st.columns", lang))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"foerderkarte_{lang}_table_toolbar.png"))
