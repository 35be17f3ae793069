"""Förderkarte panels below the map: details of the clicked Kommune and the list's completeness."""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import streamlit as st

from mapapp.analysis.funding import completeness, unit_projects
from mapapp.io.funding import RegistryInfo
from mapapp.model import is_http_url
from mapapp.ui import cached
from mapapp.ui.markdown import md
from mapapp.ui.tables import show_table
from mapapp.ui.texts import t

_PROJECT_COLUMNS = [
    "funding_years", "project_title", "focus", "amount_eur", "year_confidence", "source_url",
]  # fmt: skip


def details(ags: str | None, units: pd.DataFrame, registry: pd.DataFrame, lang: str) -> None:
    """The clicked unit (``ags`` from the map) with its projects, or a hint to click."""
    st.subheader(t("fk.details", lang))
    rows = units[units["ags"] == ags] if ags else units.iloc[:0]
    if rows.empty:
        st.info(t("fk.details.none", lang))
        return
    unit = rows.iloc[0]
    projects = unit_projects(registry, str(ags))
    if not unit["funded"] or projects.empty:
        st.write(t("fk.details.notfunded", lang, name=unit["name"], unit_type=unit["unit_type"]))
        return
    st.markdown(f"**{md(unit['name'])}** – {md(unit['unit_type'])}")
    show_table(
        _project_view(projects),
        column_config={
            "funding_years": t("fk.col.years", lang),
            "project_title": t("fk.col.projects", lang),
            "focus": t("fk.col.focus", lang),
            "amount_eur": st.column_config.NumberColumn(t("fk.col.amount", lang), format="%.0f"),
            "year_confidence": t("fk.col.confidence", lang),
            "source_url": st.column_config.LinkColumn(t("fk.col.sources", lang)),
        },
    )


def _project_view(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects as shown: years and focus joined, only http(s) links kept."""
    return projects.assign(
        funding_years=[", ".join(map(str, y)) for y in projects["funding_years"]],
        focus=["; ".join(f) for f in projects["focus"]],
        source_url=[u if is_http_url(u) else "" for u in projects["source_url"]],
    )[_PROJECT_COLUMNS]


def completeness_panel(registry: pd.DataFrame, info: RegistryInfo, lang: str) -> None:
    """Loaded vs. published counts; open while only the documented list is loaded."""
    with st.expander(t("fk.completeness", lang), expanded=not info.imported):
        if info.imported:
            # the file's name only: the server's folders are nobody's business
            st.markdown(t("fk.completeness.imported", lang, path=PurePath(info.path).name))
        else:
            st.markdown(t("fk.completeness.documented", lang))
        totals = cached.published_totals(str(cached.settings().reference_dir))
        for c in completeness(registry, totals):
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
