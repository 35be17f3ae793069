"""What a coverage figure rests on: the basis line, how far the data carry it, the row marks.

Every headline and ranking names its basis ("Auf Basis von 88 Angeboten (Ausländerbehörde),
davon 57 nur ungefähr verortet: …"), from the counts of
:class:`~mapapp.analysis.coverage.result.Headline`; the location precisions are named with
``label("precision", …)``. :func:`support_text` says, in place of a bold figure, when the data
cannot carry it (:class:`~mapapp.analysis.coverage.params.Support`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from mapapp.analysis.coverage.params import (
    APPROXIMATE_PRECISIONS,
    MOSTLY_APPROXIMATE,
    DemandKind,
    Support,
)
from mapapp.analysis.coverage.result import Headline
from mapapp.text import integer, label, percent, t


def category_text(categories: Iterable[str], lang: str = "de") -> str:
    """The chosen categories, or "all categories"."""
    cats = list(categories)
    if not cats:
        return t("gap.all_categories", lang)
    return ", ".join(label("category", c, lang) for c in cats)


def precision_text(counts: Iterable[tuple[str, int]], lang: str = "de") -> str:
    """``1 Adresse, 2 Gemeindezentrum (ungefähr)``; "keine" without offers."""
    parts = [f"{integer(n, lang)} {label('precision', p, lang)}" for p, n in counts]
    return ", ".join(parts) if parts else t("cov.precision.none", lang)


def who(demand: DemandKind, lang: str = "de") -> str:
    """The demand as object of a sentence ("gewichtet mit der …", "Anteil der …")."""
    return t(f"cov.who.{demand.value}", lang)


def basis_text(headline: Headline, lang: str = "de") -> str:
    """One sentence: how many offers of which categories a figure rests on, how many of them
    only roughly located (per precision) and how many were left out for lack of a location."""
    what = category_text(headline.categories, lang)
    if headline.n_offers == 0:
        text = t("cov.basis.none", lang, what=what)
    else:
        text = t("cov.basis", lang, n=headline.n_offers, what=what)
        approx = [(p, n) for p, n in headline.precision_counts if p in APPROXIMATE_PRECISIONS]
        m = sum(n for _, n in approx)
        if m:
            text += t("cov.basis.approx", lang, n=m, detail=precision_text(approx, lang))
        else:
            text += t("cov.basis.exact", lang)
        text += "."
    if headline.n_unlocated:
        text += " " + t("cov.basis.unlocated", lang, n=headline.n_unlocated)
    return text


def support_text(headline: Headline, lang: str = "de") -> str | None:
    """Why a figure is not shown as a fact (``None`` when the data carry it)."""
    if headline.support is Support.OK:
        return None
    if headline.support is Support.APPROXIMATE:
        return t(
            "cov.support.approximate",
            lang,
            share=percent(headline.approx_share * 100, lang, 0),
            who=who(headline.demand, lang),
        )
    return t(
        f"cov.support.{headline.support.value}",
        lang,
        what=category_text(headline.categories, lang),
        n=headline.n_offers,
    )


def capacity_basis(headline: Headline, lang: str = "de") -> str:
    """How many of the counted offers have a capacity (the capacity method uses only these)."""
    return t("cov.capacity.basis", lang, k=headline.n_capacity, total=headline.n_offers)


def capacity_sentence(headline: Headline, km: str, lang: str = "de") -> str:
    """The capacity figure (people left unserved in NRW) with its basis, or why it cannot be
    computed; ``km`` is the catchment as text."""
    if headline.value_support not in (Support.OK, Support.APPROXIMATE):
        return support_text_value(headline, lang)
    figure = t(
        "cov.capacity.headline",
        lang,
        people=integer(headline.demand_unserved, lang),
        who=who(headline.demand, lang),
        share=percent(headline.value, lang, 1),
        km=km,
    )
    return f"{figure} {capacity_basis(headline, lang)}"


def support_text_value(headline: Headline, lang: str = "de") -> str:
    """Why the measure's value is not shown (:attr:`Headline.value_support`)."""
    support = headline.value_support
    if support is Support.NO_CAPACITY:
        return t(
            "cov.support.no_capacity",
            lang,
            what=category_text(headline.categories, lang),
            n=headline.n_offers,
        )
    return support_text(headline, lang) or ""


def approx_row_label(flag: object, lang: str = "de") -> str:
    """The ranking's mark for a row decided by approximately located offers ("" otherwise)."""
    return t("cov.approx_row", lang) if bool(flag) else ""


def ranking_labels(table: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """A ranking (:func:`~mapapp.analysis.coverage.exports.export_table`) with the code column
    ``nearest_approx`` replaced by its label in ``lang`` (the table the page shows)."""
    out = table.copy()
    if "nearest_approx" in out:
        out["nearest_approx"] = [approx_row_label(f, lang) for f in out["nearest_approx"]]
    return out


def support_paragraph(demand: DemandKind, lang: str = "de") -> str:
    """The method panel's paragraph on the rule (what counts as approximate, when rows are marked
    and when a figure is not shown)."""
    return t(
        "cov.m.support",
        lang,
        who=who(demand, lang),
        share=percent(MOSTLY_APPROXIMATE * 100, lang, 0),
        approximate=", ".join(label("precision", p, lang) for p in APPROXIMATE_PRECISIONS),
    )
