"""Förderkarte controls: the year choice (kept in the URL as ``jahre``) and the two map toggles
(the background map's choice kept in the URL as ``hintergrund``, :mod:`mapapp.ui.map_tiles`)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from mapapp.ingest.values import parse_years
from mapapp.ui import state
from mapapp.ui.map_tiles import tiles_toggle
from mapapp.ui.texts import t

#: The slide's programme years, shown when the URL names no (known) choice.
DEFAULT_YEARS = "2005–2007"


@dataclass(frozen=True)
class FundingChoice:
    """What the controls say: the year choice as shown (``"2005–2007"``) and as years."""

    label: str
    years: tuple[int, ...]
    include_unknown: bool
    tiles: bool


def year_options(registry_years: list[int]) -> list[str]:
    """The single years of the slide, their span, later years of the registry and the whole span."""
    base = ["2005", "2006", "2007", DEFAULT_YEARS]
    later = [str(y) for y in registry_years if y > 2007]
    return base + later + (["2005–2012"] if later else [])


def funding_controls(registry_years: list[int], lang: str) -> FundingChoice:
    """Year buttons (key ``fk_years``, URL ``jahre``) over the whole width (so the last ones are
    not cut off), then the unknown-year and background-map toggles (URL ``hintergrund``)."""
    options = year_options(registry_years)
    choice = state.query_choice("jahre", options, default=DEFAULT_YEARS)
    picked = st.segmented_control(t("fk.years", lang), options, default=choice, key="fk_years")
    choice = picked or DEFAULT_YEARS
    state.set_query("jahre", choice)
    left, right = st.columns(2)
    with left:
        include_unknown = st.toggle(t("fk.include_unknown", lang), value=False)
    with right:
        tiles = tiles_toggle(lang, key="fk_tiles")
    return FundingChoice(choice, parse_years(choice), include_unknown, tiles)
