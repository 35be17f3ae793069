"""Streamlit's own interface texts in the page's language, and readable names for the maps.

Streamlit writes some English texts itself, with no option to change them: the skip link
("Skip to main content"), screen-reader labels ("App pages", "Sidebar", "Collapse sidebar",
"Link to heading", "Open", "Clear all", "Remove …", "Help for …"), the table toolbar ("Download as
CSV", "Search", "Fullscreen", "Show/hide columns"), "No results" in a select list, the file
uploader, the live announcements of its select lists ("6 options available."). The script
``static/js/streamlit_texts.js`` replaces exactly these strings (:data:`EXACT`, :data:`PREFIX`
and two fixed patterns) in the page's document with the catalogue texts ``st.*`` of the UI
language, whenever Streamlit draws them; nothing else on the page is touched.

The map iframes of streamlit-folium are called "streamlit_folium.st_folium" by Streamlit; they
get a title such as "Karte: Angebote" – by the key of their container (:func:`map_container`),
else the page's map title ("Karte: Versorgungslücken", a second map "… (2)").
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from mapapp.catalogue import catalogue
from mapapp.config import PACKAGE_DIR
from mapapp.render.safe import json_for_script
from mapapp.ui.texts import DEFAULT_LANG, normalize_lang, plain

SCRIPT = PACKAGE_DIR / "static" / "js" / "streamlit_texts.js"

#: Streamlit's English text (whole value) -> catalogue key.
EXACT: dict[str, str] = {
    "Skip to main content": "st.skip",
    "App pages": "st.pages",
    "Sidebar": "st.sidebar",
    "Collapse sidebar": "st.sidebar.collapse",
    "Expand sidebar": "st.sidebar.expand",
    "Main menu": "st.menu",
    "Link to heading": "st.heading_link",
    "Open": "st.open",
    "Close": "st.close",
    "Dismiss": "st.close",
    "Clear all": "st.clear_all",
    "Clear value": "st.clear_value",
    "Selected values": "st.selected",
    "No results": "st.no_results",
    "Help": "st.help",
    "Download as CSV": "st.csv",
    "Search": "st.search",
    "Close Search": "st.search.close",
    "Previous Result": "st.search.previous",
    "Next Result": "st.search.next",
    "Fullscreen": "st.fullscreen",
    "Close fullscreen": "st.fullscreen.close",
    "Show/hide columns": "st.columns",
    "Upload": "st.upload",
    "Browse files": "st.upload",
    "file upload": "st.upload",
    "Drag and drop file here": "st.drop",
    "Drag and drop files here": "st.drop",
    "Show password": "st.password.show",
    "Hide password": "st.password.hide",
    "Scroll tabs left": "st.tabs.left",
    "Scroll tabs right": "st.tabs.right",
}
#: Streamlit's English start of an ``aria-label`` followed by a label or option -> catalogue key
#: (its text has ``{value}`` where that label or option goes).
PREFIX: dict[str, str] = {
    "Remove ": "st.remove",
    "Help for ": "st.help_for",
}
#: "200MB per file" under a file uploader (``{size}``).
PER_FILE_KEY = "st.per_file"
#: "6 options available." announced by a select list (plural entry with ``{n}``).
OPTIONS_KEY = "st.options"
#: Map name (key of its container) -> catalogue key of the iframe's title.
MAP_TITLES: dict[str, str] = {
    "foerderkarte": "map.frame.foerderkarte",
    "angebote": "map.frame.angebote",
    "luecken": "map.frame.luecken",
    "scenario": "map.frame.scenario",
}
#: Prefix of a map container's key: ``st.container(key="mapapp_map_angebote")``.
MAP_KEY_PREFIX = "mapapp_map_"


@contextmanager
def map_container(name: str) -> Iterator[None]:
    """Put one map (``st_folium``) in here: its iframe is named by :data:`MAP_TITLES` ``[name]``."""
    if name not in MAP_TITLES:
        raise ValueError(f"unknown map name {name!r}")
    with st.container(key=f"{MAP_KEY_PREFIX}{name}"):
        yield


def _plural_forms(key: str, lang: str) -> dict[str, str]:
    entry = catalogue(lang).get(key) or catalogue(DEFAULT_LANG)[key]
    return dict(entry) if isinstance(entry, dict) else {"other": entry}


def dictionary(lang: str, page_title: str) -> dict[str, object]:
    """Everything the script needs for ``lang``: texts only, no markup."""
    code = normalize_lang(lang)
    return {
        "lang": code,
        "exact": {english: plain(key, code) for english, key in EXACT.items()},
        "prefix": [[english, plain(key, code)] for english, key in PREFIX.items()],
        "perFile": plain(PER_FILE_KEY, code),
        "options": _plural_forms(OPTIONS_KEY, code),
        "frames": {name: plain(key, code) for name, key in MAP_TITLES.items()},
        "frame": plain("map.frame.page", code, page=page_title),
    }


def script(lang: str, page_title: str) -> str:
    """The ``<script>`` element (the dictionary as script-safe JSON)."""
    source = SCRIPT.read_text("utf-8")
    data = json_for_script(dictionary(lang, page_title))
    return f"<script>{source.replace('__DATA__', data)}</script>"


def translate_streamlit(lang: str, page_title: str) -> None:
    """Run the script in the page's document (like ``<html lang dir>``, see
    :func:`mapapp.ui.state.document_language`); again whenever the language or page changes."""
    st.html(script(lang, page_title), unsafe_allow_javascript=True)
