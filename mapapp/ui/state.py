"""Session/URL state helpers: language, query parameters, data presence."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import streamlit as st

from mapapp.config import PACKAGE_DIR
from mapapp.io.datasets import DataVersion
from mapapp.model import DataError, DataMissingError
from mapapp.ui import cached
from mapapp.ui.errors import data_error_text
from mapapp.ui.texts import (
    LANG_PARAM,
    available_languages,
    direction,
    normalize_lang,
    page_language,
    plain,
    t,
)

#: The app's own CSS for every page (contrast of captions, …).
APP_CSS = PACKAGE_DIR / "static" / "css" / "app.css"
#: Right-to-left layout of the app's own parts (the maps inside their iframes stay left-to-right).
RTL_CSS = PACKAGE_DIR / "static" / "css" / "rtl.css"
#: Sets ``lang`` and ``dir`` of the page's ``<html>`` element. Streamlit serves one ``index.html``
#: with ``lang="en"`` for every app; ``st.html`` runs this script in that document itself (no
#: iframe), on the first run and whenever the language changes.
_DOCUMENT_LANG_JS = (
    "<script>(() => {{ const root = document.documentElement;"
    " root.lang = {lang}; root.dir = {dir}; }})();</script>"
)


def language() -> str:
    """UI language from the URL (``?lang=ar``), German by default."""
    return page_language()


def set_query(name: str, value: str | None) -> None:
    """Keep a choice in the URL so links can be shared."""
    if value is None or value == "":
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def query_choice(name: str, options: Sequence[str], default: str) -> str:
    value = st.query_params.get(name)
    return value if value is not None and value in options else default


def language_selector() -> str:
    """Sidebar language switch; writes the choice into the URL."""
    langs = available_languages()
    current = language()
    codes = list(langs)
    # the label in the current language, and in English for whoever cannot read it
    caption = t("lang.label", current) + ("" if current == "en" else " / Language")
    choice = st.sidebar.selectbox(
        caption,
        codes,
        index=codes.index(current),
        format_func=lambda c: langs[c][0],
        placeholder=plain("of.filter.placeholder", current),
        key="ui_lang",
    )
    set_query(LANG_PARAM, None if choice == "de" else choice)
    return str(choice)


def document_language(lang: str) -> None:
    """Give the page's document the UI language: ``<html lang=… dir=…>`` (screen readers,
    hyphenation, fonts), the app's CSS, and right-to-left CSS for a right-to-left language."""
    code, dir_ = normalize_lang(lang), direction(lang)
    st.html(
        _DOCUMENT_LANG_JS.format(lang=json.dumps(code), dir=json.dumps(dir_)),
        unsafe_allow_javascript=True,
    )
    st.html(APP_CSS)
    if dir_ == "rtl":
        st.html(RTL_CSS)


@contextmanager
def stop_on_data_error(lang: str) -> Iterator[None]:
    """Run the block; missing or bad data stops the page with one clear sentence."""
    try:
        yield
    except DataMissingError:
        st.error(t("data.missing", lang))
        st.stop()
    except DataError as exc:
        st.error(data_error_text(exc, lang))
        st.stop()


def require_data(lang: str) -> DataVersion:
    """The loaded data version, or stop the page with one clear instruction."""
    with stop_on_data_error(lang):
        return cached.data_version()
    raise AssertionError("unreachable")  # pragma: no cover
