"""KOMM-IN NRW map – Streamlit entry point (``streamlit run streamlit_app.py``)."""

from __future__ import annotations

import streamlit as st

from mapapp.ui import state
from mapapp.ui.pages import angebote, datenpflege, foerderkarte, versorgungsluecken
from mapapp.ui.texts import direction, t

st.set_page_config(page_title="KOMM-IN NRW", page_icon="🗺️", layout="wide")

lang = state.language_selector()
if direction(lang) == "rtl":
    # Right-to-left layout for the main area (the map itself stays left-to-right).
    st.html(
        "<style>[data-testid='stMain'] {direction: rtl; text-align: right;}"
        " iframe {direction: ltr;}</style>"
    )

pages = [
    st.Page(
        foerderkarte.render,
        title=t("nav.foerderkarte", lang),
        url_path="foerderkarte",
        default=True,
    ),
    st.Page(angebote.render, title=t("nav.angebote", lang), url_path="angebote"),
    st.Page(versorgungsluecken.render, title=t("nav.luecken", lang), url_path="versorgungsluecken"),
    st.Page(datenpflege.render, title="Datenpflege", url_path="datenpflege"),
]
st.navigation(pages).run()
