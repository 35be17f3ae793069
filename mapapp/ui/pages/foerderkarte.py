"""Förderkarte: funded Kreise and Städte per year (legend Kreis vs. Stadt), table, exports."""

from __future__ import annotations

from pathlib import PurePath

import streamlit as st
from streamlit_folium import st_folium

from mapapp.analysis.funding import (
    CLASS_FUNDED_KREIS,
    CLASS_FUNDED_STADT,
    available_years,
    completeness,
    funded_table,
    unit_projects,
)
from mapapp.ingest.values import parse_years
from mapapp.io.tabular import to_safe_csv
from mapapp.model import is_http_url
from mapapp.render.assets import localize_assets
from mapapp.render.captions import funding_attribution, funding_note, funding_title
from mapapp.render.funding_map import funding_base_map, funding_feature_group, funding_html
from mapapp.ui import cached, state
from mapapp.ui.events import clicked_feature_property
from mapapp.ui.markdown import md
from mapapp.ui.tables import show_table
from mapapp.ui.texts import plain, t

MAP_KEY = "foerderkarte_map"


def _year_options(registry_years: list[int]) -> list[str]:
    base = ["2005", "2006", "2007", "2005–2007"]
    later = [str(y) for y in registry_years if y > 2007]
    return base + later + (["2005–2012"] if later else [])


def render() -> None:
    lang = state.language()
    st.title(t("fk.title", lang))
    st.caption(t("fk.caption", lang))
    version = state.require_data(lang)
    info = cached.current_registry_info()
    registry = cached.registry(info)

    options = _year_options(available_years(registry))
    choice = state.query_choice("jahre", options, default="2005–2007")
    left, right = st.columns([3, 2])
    with left:
        picked = st.segmented_control(t("fk.years", lang), options, default=choice, key="fk_years")
        choice = picked or "2005–2007"
        state.set_query("jahre", choice)
    with right:
        include_unknown = st.toggle(t("fk.include_unknown", lang), value=False)
        tiles = st.toggle(t("map.tiles.toggle", lang), value=True)
    years = parse_years(choice)

    b = cached.boundaries(version)
    units = cached.units_for_years(version, info, years, include_unknown)
    layers = cached.funding_layers_for_years(version, info, years, include_unknown, lang)
    # The base map (outlines, legend) stays the same across years; only the units layer is sent
    # again when the year changes, so the map is not rebuilt in the browser.
    m = funding_base_map(
        layers,
        legend_title=t("fk.map.title", lang),
        attribution=funding_attribution(b.year, lang),
        tiles=tiles,
        lang=lang,
    )
    localize_assets(m)
    st.markdown(
        f"**{md(funding_title(choice, lang))}** – "
        f"{t('fk.map.counts', lang, **_counts(layers.counts))}  \n" + t("fk.map.hint", lang)
    )
    returned = st_folium(
        m,
        key=MAP_KEY,
        height=620,
        use_container_width=True,
        feature_group_to_add=funding_feature_group(layers, lang=lang),
        returned_objects=["last_active_drawing"],
    )
    st.caption(t("fk.historic", lang, year=b.year))

    _details(clicked_feature_property(returned, "ags"), units, registry, lang)
    _completeness(registry, info.imported, info.path, lang)

    table = funded_table(units)
    st.subheader(t("fk.counts", lang))
    show_table(cached.counts_for_years(info, years))
    st.subheader(t("fk.table", lang))
    headers = _table_headers(lang)
    show_table(
        table,
        column_config={
            **headers,
            "sources": st.column_config.TextColumn(headers["sources"]),
            "amount_eur": st.column_config.NumberColumn(headers["amount_eur"], format="%.0f"),
        },
    )
    st.subheader(t("fk.exports", lang))
    stem = f"komm-in_foerderkarte_{choice.replace('–', '-')}"
    c1, c2 = st.columns(2)
    csv = to_safe_csv(table.rename(columns=headers))
    c1.download_button(t("fk.download.csv", lang), csv, f"{stem}.csv", "text/csv")
    c2.download_button(
        t("fk.download.html", lang),
        lambda: funding_html(units, b, choice, lang),
        f"{stem}.html",
        "text/html",
    )
    _static_downloads(units, b, choice, stem, lang, funding_note(info.imported, info.path, lang))


#: Columns of the funded-units table -> catalogue key of their header (table and CSV download).
_TABLE_KEYS = {
    "ags": "col.offer.ags",
    "name": "fk.col.name",
    "unit_type": "fk.col.unit_type",
    "years": "fk.col.years",
    "n_projects": "fk.col.n_projects",
    "projects": "fk.col.projects",
    "focus": "fk.col.focus",
    "confidence": "fk.col.confidence",
    "sources": "fk.col.sources",
    "amount_eur": "fk.col.amount",
}


def _table_headers(lang: str) -> dict[str, str]:
    return {col: plain(key, lang) for col, key in _TABLE_KEYS.items()}


def _counts(counts: dict[str, int]) -> dict[str, int]:
    return {
        "kreise": counts.get(CLASS_FUNDED_KREIS, 0),
        "staedte": counts.get(CLASS_FUNDED_STADT, 0),
    }


def _static_downloads(units, b, choice: str, stem: str, lang: str, note: str) -> None:  # type: ignore[no-untyped-def]
    cols = st.columns(3)
    for col, fmt, mime in zip(
        cols, ("png", "pdf", "svg"), ("image/png", "application/pdf", "image/svg+xml"), strict=True
    ):
        col.download_button(
            t(f"fk.download.{fmt}", lang),
            _deferred(units, b, choice, fmt, note, lang),
            f"{stem}.{fmt}",
            mime,
        )


def _deferred(units, b, choice: str, fmt: str, note: str, lang: str):  # type: ignore[no-untyped-def]
    """A no-argument callable for st.download_button: the static map (and matplotlib) is only
    loaded when the button is clicked."""

    def build() -> bytes:
        from mapapp.render.funding_sheet import static_funding_map

        return static_funding_map(units, b, years_label=choice, fmt=fmt, note=note, lang=lang)

    return build


def _details(ags: str | None, units, registry, lang: str) -> None:  # type: ignore[no-untyped-def]
    st.subheader(t("fk.details", lang))
    if not ags:
        st.info(t("fk.details.none", lang))
        return
    rows = units[units["ags"] == ags]
    if rows.empty:
        st.info(t("fk.details.none", lang))
        return
    unit = rows.iloc[0]
    projects = unit_projects(registry, ags)
    if not unit["funded"] or projects.empty:
        st.write(t("fk.details.notfunded", lang, name=unit["name"], unit_type=unit["unit_type"]))
        return
    st.markdown(f"**{md(unit['name'])}** – {md(unit['unit_type'])}")
    view = projects.assign(
        funding_years=[", ".join(map(str, y)) for y in projects["funding_years"]],
        focus=["; ".join(f) for f in projects["focus"]],
        source_url=[u if is_http_url(u) else "" for u in projects["source_url"]],
    )[["funding_years", "project_title", "focus", "amount_eur", "year_confidence", "source_url"]]
    show_table(
        view,
        column_config={
            "funding_years": t("fk.col.years", lang),
            "project_title": t("fk.col.projects", lang),
            "focus": t("fk.col.focus", lang),
            "amount_eur": st.column_config.NumberColumn(t("fk.col.amount", lang), format="%.0f"),
            "year_confidence": t("fk.col.confidence", lang),
            "source_url": st.column_config.LinkColumn(t("fk.col.sources", lang)),
        },
    )


def _completeness(registry, imported: bool, path: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    with st.expander(t("fk.completeness", lang), expanded=not imported):
        if imported:
            # the file's name only: the server's folders are nobody's business
            st.markdown(t("fk.completeness.imported", lang, path=PurePath(path).name))
        else:
            st.markdown(t("fk.completeness.documented", lang))
        s = cached.settings()
        for c in completeness(registry, cached.published_totals(str(s.reference_dir))):
            st.write(
                t(
                    "fk.completeness.row",
                    lang,
                    label=c.label,
                    loaded=c.loaded,
                    published=c.published,
                    share=c.share,
                    source=c.source,
                )
            )
