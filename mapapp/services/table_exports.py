"""The tables the pages and the CLI hand out, with translated column labels.

Three tables leave the app as files: the funded units (Förderkarte), the funding registry
(``mapapp funding show``) and the coverage results (Versorgungslücken, ``mapapp coverage nrw``).
The offers are :mod:`mapapp.services.offers_download`. Each table comes in two shapes:

* machine (dialect ``csv``): the analysis columns as they are, for scripts;
* labelled (dialect ``csv-excel``, XLSX): the same rows with the column labels of the pages in
  ``lang`` and numbers as numbers (the writer puts the decimal comma).

The writers are :mod:`mapapp.io.tabular`; the sources that go beside a table are built here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from mapapp.analysis.coverage.exports import export_table
from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.result import CoverageResult
from mapapp.io.funding import registry_to_csv_frame
from mapapp.io.tabular import CSV_EXCEL, csv_bytes, to_safe_xlsx
from mapapp.text import label, t
from mapapp.text.coverage import export_comment

#: Funded-units table (:func:`mapapp.analysis.funding.funded_table`) -> catalogue key of the label.
FUNDED_TABLE_KEYS = {
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
#: Coded columns of the funded-units table -> their concept (:func:`mapapp.text.label`).
FUNDED_CONCEPTS = {"unit_type": "unit_type", "confidence": "year_confidence"}
#: Registry columns of ``mapapp funding show`` -> catalogue key of the label.
REGISTRY_KEYS = {
    "ags": "col.offer.ags",
    "name": "fk.col.name",
    "unit_type": "fk.col.unit_type",
    "funding_years": "fk.col.years",
    "project_title": "col.funding.project_title",
    "focus": "fk.col.focus",
    "amount_eur": "fk.col.amount",
    "year_confidence": "fk.col.confidence",
    "source_url": "col.funding.source_url",
}
#: Coverage ranking columns -> catalogue key of the label (cell columns: ``col.cov.<column>``).
COVERAGE_KEYS = {
    "rank": "gap.col.rank",
    "name": "gap.col.name",
    "population": "gap.col.population",
    "foreign_population": "gap.col.foreign",
    "demand": "gap.col.demand",
    "demand_beyond": "gap.col.beyond",
    "share_beyond_pct": "gap.col.share",
    "mean_nearest_km": "gap.col.km",
    "offers": "gap.col.offers",
    "demand_unserved": "gap.col.unserved",
    "unserved": "gap.col.unserved",
}
COVERAGE_CELL_COLUMNS = (
    "level", "ags", "kreis_ags", "cell_id", "x", "y", "nearest_m", "nearest_id",
    "nearest_approx", "approx_share", "beyond",
)  # fmt: skip
COVERAGE_LEVELS = ("gemeinde", "kreis", "cell")


def funded_table_headers(lang: str) -> dict[str, str]:
    """Column -> label in ``lang`` of the funded-units table (shown and downloaded)."""
    return {col: t(key, lang) for col, key in FUNDED_TABLE_KEYS.items()}


def registry_headers(lang: str) -> dict[str, str]:
    """Column -> label in ``lang`` of the registry table of ``mapapp funding show``."""
    return {col: t(key, lang) for col, key in REGISTRY_KEYS.items()}


def coverage_headers(lang: str, params: CoverageParams) -> dict[str, str]:
    """Column -> label in ``lang`` of the coverage tables (ranking and cell columns)."""
    return {
        **{col: t(key, lang) for col, key in COVERAGE_KEYS.items()},
        **{col: t(f"col.cov.{col}", lang) for col in COVERAGE_CELL_COLUMNS},
        "value": t(f"gap.value.{params.method.value}", lang),
    }


def yes_no(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Copy with yes/no columns (``bool``, or only ``True``/``False``/empty) written as words in
    ``lang`` (a spreadsheet would show ``True``)."""
    out = frame.copy()
    words = {True: t("dl.yes", lang), False: t("dl.no", lang)}
    for col in out.columns:
        values = out[col]
        if values.dtype == bool or (
            values.dtype == object
            and values.notna().any()
            and all(isinstance(v, bool) for v in values.dropna())
        ):
            out[col] = [words[bool(v)] if pd.notna(v) else None for v in values]
    return out


def code_labels(values: Iterable[Any], concept: str, lang: str) -> list[Any]:
    """The labels in ``lang`` of a column of ``concept`` codes (empty stays empty)."""
    return [label(concept, v, lang) if v else v for v in values]


def _labels(frame: pd.DataFrame, columns: dict[str, str], lang: str) -> pd.DataFrame:
    """Copy with the codes in ``columns`` (column -> concept) replaced by their labels."""
    out = frame.copy()
    for column, concept in columns.items():
        out[column] = code_labels(out[column], concept, lang)
    return out


def funded_table_labelled(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The funded-units table with labels in ``lang`` (headers, unit types, year confidence)."""
    labelled = yes_no(_labels(table, FUNDED_CONCEPTS, lang), lang)
    return labelled.rename(columns=funded_table_headers(lang))


def registry_table(frame: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The registry of ``funding show`` as a flat table: machine columns (``lang=None``: years
    ``2005;2006``, amounts as unambiguous text) or labelled in ``lang`` (years ``2005, 2006``,
    amounts as numbers)."""
    if lang is None:
        return registry_to_csv_frame(frame)
    out = frame.copy()
    out["funding_years"] = [", ".join(map(str, ys)) for ys in out["funding_years"]]
    out["focus"] = ["; ".join(fs) for fs in out["focus"]]
    out["amount_eur"] = pd.to_numeric(out["amount_eur"], errors="coerce")
    concepts = {"unit_type": "unit_type", "year_confidence": "year_confidence"}
    return yes_no(_labels(out, concepts, lang), lang).rename(columns=registry_headers(lang))


def coverage_table(result: CoverageResult, level: str, lang: str | None = None) -> pd.DataFrame:
    """The export table of ``level`` (:func:`export_table`); labelled in ``lang`` if given."""
    table = export_table(result, level)
    if lang is None:
        return table
    return yes_no(table, lang).rename(columns=coverage_headers(lang, result.params))


def coverage_sources(result: CoverageResult, lang: str) -> list[str]:
    """Parameters and sources of a coverage result (sources file or sheet)."""
    return [export_comment(result, lang)]


def coverage_csv(result: CoverageResult, level: str, dialect: str, lang: str = "de") -> bytes:
    """One coverage table as a CSV file: labelled for ``csv-excel``, machine columns for ``csv``."""
    return csv_bytes(coverage_table(result, level, lang if dialect == CSV_EXCEL else None), dialect)


def coverage_xlsx(result: CoverageResult, lang: str, *, cells: bool = False) -> bytes:
    """The coverage result as one workbook: Gemeinden, Kreise (and the cells), then the sources."""
    levels = COVERAGE_LEVELS if cells else COVERAGE_LEVELS[:2]
    sheets = {t(f"xlsx.sheet.{lvl}", lang): coverage_table(result, lvl, lang) for lvl in levels}
    return to_safe_xlsx(
        sheets, coverage_sources(result, lang), sources_title=t("xlsx.sheet.sources", lang)
    )
