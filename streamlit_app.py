"""KOMM-IN NRW map – Streamlit entry point (``streamlit run streamlit_app.py``).

Pages are imported when they are shown, so opening one page does not load the others' stacks.
Each page runs guarded (:func:`mapapp.ui.errors.run_guarded`): an unexpected error shows one
translated sentence, the traceback goes to the server log (``client.showErrorDetails = "none"``
in ``.streamlit/config.toml`` covers anything outside the pages).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import streamlit as st

from mapapp.ui import state
from mapapp.ui.errors import configure_server_log, run_guarded
from mapapp.ui.streamlit_texts import translate_streamlit
from mapapp.ui.texts import t

configure_server_log()  # logins and page errors (with tracebacks) go to the server log
st.set_page_config(page_title="KOMM-IN NRW", page_icon="🗺️", layout="wide")


def _page(module: str) -> Callable[[], None]:
    def run() -> None:
        run_guarded(
            lambda: importlib.import_module(f"mapapp.ui.pages.{module}").render(),
            state.language(),
            page=module,
        )

    run.__name__ = f"page_{module}"
    return run


lang = state.language_selector()
state.document_language(lang)  # <html lang dir>, right-to-left layout for Arabic

pages = [
    st.Page(
        _page("foerderkarte"),
        title=t("nav.foerderkarte", lang),
        url_path="foerderkarte",
        default=True,
    ),
    st.Page(_page("angebote"), title=t("nav.angebote", lang), url_path="angebote"),
    st.Page(
        _page("versorgungsluecken"), title=t("nav.luecken", lang), url_path="versorgungsluecken"
    ),
    st.Page(_page("datenpflege"), title=t("nav.datenpflege", lang), url_path="datenpflege"),
]
page = st.navigation(pages)
# Streamlit's own English (skip link, screen-reader labels, table toolbar, …) and the maps' names
translate_streamlit(lang, page.title)
page.run()
