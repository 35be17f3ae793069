"""Förderkarte: funded Kreise and Städte per year (legend Kreis vs. Stadt), table, exports."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from mapapp.analysis.funding import (
    CLASS_FUNDED_KREIS,
    CLASS_FUNDED_STADT,
    available_years,
    funded_table,
    published_total_for,
)
from mapapp.render.assets import localize_assets
from mapapp.render.captions import (
    funding_attribution,
    funding_completeness,
    funding_note,
    funding_title,
)
from mapapp.render.funding_map import FundingLayers, funding_base_map, funding_feature_group
from mapapp.ui import cached, state
from mapapp.ui.events import clicked_feature_property
from mapapp.ui.funding_controls import FundingChoice, funding_controls
from mapapp.ui.funding_exports import funding_downloads, funding_tables
from mapapp.ui.funding_panels import completeness_panel, counts_view, details
from mapapp.ui.markdown import md
from mapapp.ui.streamlit_texts import map_container
from mapapp.ui.texts import t

MAP_KEY = "foerderkarte_map"


def render() -> None:
    lang = state.language()
    st.title(t("fk.title", lang))
    st.caption(t("fk.caption", lang))
    version = state.require_data(lang)
    info = cached.current_registry_info()
    registry = cached.registry(info)
    choice = funding_controls(available_years(registry), lang)

    b = cached.boundaries(version)
    units = cached.units_for_years(version, info, choice.years, choice.include_unknown)
    layers = cached.funding_layers_for_years(
        version, info, choice.years, choice.include_unknown, lang
    )
    totals = cached.published_totals(str(cached.settings().reference_dir))
    shown = funding_completeness(
        int(units["funded"].sum()), published_total_for(totals, choice.years), info.imported, lang
    )
    ags = _show_map(layers, choice, b.year, shown, lang)

    details(ags, units, registry, lang)
    completeness_panel(registry, info, lang)
    table = funded_table(units)
    funding_tables(counts_view(cached.counts_for_years(info, choice.years), lang), table, lang)
    note = funding_note(info.imported, info.path, lang)
    funding_downloads(table, units, b, choice.label, note, lang, completeness=shown)


def _show_map(
    layers: FundingLayers, choice: FundingChoice, year: int, completeness: str, lang: str
) -> str | None:
    """The map with its heading (title, counts, the list's ``completeness``) and caption; the
    AGS of the last clicked unit (if any).

    The base map (outlines, legend) stays the same across years; only the units layer is sent
    again when the year changes, so the map is not rebuilt in the browser.
    """
    m = funding_base_map(
        layers,
        legend_title=t("fk.map.title", lang),
        attribution=funding_attribution(year, lang),
        tiles=choice.tiles,
        lang=lang,
    )
    localize_assets(m)
    counts = {
        "kreise": layers.counts.get(CLASS_FUNDED_KREIS, 0),
        "staedte": layers.counts.get(CLASS_FUNDED_STADT, 0),
    }
    st.markdown(
        f"**{md(funding_title(choice.label, lang))}** – "
        f"{t('fk.map.counts', lang, **counts)}  \n"
        f"{md(completeness)}  \n" + t("fk.map.hint", lang)
    )
    with map_container("foerderkarte"):  # the iframe's title: "Karte: Förderung"
        returned = st_folium(
            m,
            key=MAP_KEY,
            height=620,
            use_container_width=True,
            feature_group_to_add=funding_feature_group(layers, lang=lang),
            returned_objects=["last_active_drawing"],
        )
    st.caption(t("fk.historic", lang, year=year))
    return clicked_feature_property(returned, "ags")
