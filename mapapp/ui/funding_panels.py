"""Förderkarte panels below the map: details of the clicked Kommune, the list's completeness and
the counts table's translated headers."""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd
import streamlit as st

from mapapp.analysis.funding import COUNT_COLUMNS, completeness, unit_projects
from mapapp.io.funding import RegistryInfo
from mapapp.model import is_http_url
from mapapp.text import label
from mapapp.text.formats import integer, percent
from mapapp.text.funding import completeness_label
from mapapp.ui import cached
from mapapp.ui.markdown import md
from mapapp.ui.tables import show_table
from mapapp.ui.texts import plain, t

_PROJECT_COLUMNS = [
    "funding_years", "project_title", "focus", "amount_eur", "year_confidence", "source_url",
]  # fmt: skip


def details(ags: str | None, units: pd.DataFrame, registry: pd.DataFrame, lang: str) -> None:
    """The clicked unit (``ags`` from the map) with its projects, or a hint to click."""
    st.header(t("fk.details", lang))
    rows = units[units["ags"] == ags] if ags else units.iloc[:0]
    if rows.empty:
        st.info(t("fk.details.none", lang))
        return
    unit = rows.iloc[0]
    unit_type = label("unit_type", unit["unit_type"], lang)
    projects = unit_projects(registry, str(ags))
    if not unit["funded"] or projects.empty:
        st.write(t("fk.details.notfunded", lang, name=unit["name"], unit_type=unit_type))
        return
    st.markdown(f"**{md(unit['name'])}** – {md(unit_type)}")
    show_table(
        _project_view(projects, lang),
        column_config={
            "funding_years": plain("fk.col.years", lang),
            "project_title": plain("fk.col.projects", lang),
            "focus": plain("fk.col.focus", lang),
            "amount_eur": plain("fk.col.amount", lang),
            "year_confidence": plain("fk.col.confidence", lang),
            "source_url": st.column_config.LinkColumn(plain("fk.col.sources", lang)),
        },
    )


def _project_view(projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Projects as shown: years and focus joined, amounts in the language's number format,
    the year confidence translated, only http(s) links kept."""
    return projects.assign(
        funding_years=[", ".join(map(str, y)) for y in projects["funding_years"]],
        focus=["; ".join(f) for f in projects["focus"]],
        amount_eur=[integer(a, lang) if pd.notna(a) else "" for a in projects["amount_eur"]],
        year_confidence=[label("year_confidence", c, lang) for c in projects["year_confidence"]],
        source_url=[u if is_http_url(u) else "" for u in projects["source_url"]],
    )[_PROJECT_COLUMNS]


#: Catalogue keys of the counts table's headers, in :data:`COUNT_COLUMNS` order.
_COUNT_KEYS = (
    "fk.years",
    "fk.sheet.kreise",
    "fk.sheet.staedte",
    "fk.col.kommunen",
    "fk.col.n_projects",
)


def counts_view(counts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The counts per type and year (:func:`mapapp.analysis.funding.funding_counts`) with
    headers in ``lang``."""
    headers = {col: plain(key, lang) for col, key in zip(COUNT_COLUMNS, _COUNT_KEYS, strict=True)}
    return counts.rename(columns=headers)


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
                    label=completeness_label(c, lang),
                    loaded=integer(c.loaded, lang),
                    published=integer(c.published, lang),
                    share=percent(100 * c.share, lang, decimals=0),
                    source=c.source,
                )
            )
