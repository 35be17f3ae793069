"""Texts about coverage results: labels, the headline sentence, method and data texts.

Pure functions from parameters and results (:mod:`mapapp.analysis.coverage`) to text in the
page's language (catalogue keys ``cov.*``, German is the reference); the page, the map sheet and
``mapapp coverage nrw`` (German) show the same words. Numbers through :mod:`mapapp.text.formats`.
"""

from __future__ import annotations

import pandas as pd

from mapapp.analysis.accessibility import StepWeights
from mapapp.analysis.coverage.params import (
    FCA_PER,
    GRID_SIMPLIFY_M,
    MODE_LINE,
    PER_CAPITA_PER,
    POPULATION_ZENSUS,
    POPULATION_ZENSUS_GRID,
    CoverageParams,
    Method,
    Support,
)
from mapapp.analysis.coverage.result import CoverageResult, Headline
from mapapp.config import (
    ATTRIBUTION_DESTATIS,
    ATTRIBUTION_INKAR,
    ATTRIBUTION_OSM_DATA,
    ATTRIBUTION_ZENSUS,
    ATTRIBUTION_ZENSUS_GRID,
)
from mapapp.text import integer, km, label, number, t
from mapapp.text.coverage_basis import (
    basis_text,
    capacity_basis,
    capacity_sentence,
    category_text,
    precision_text,
    support_paragraph,
    support_text,
    who,
)
from mapapp.text.coverage_network import (
    method_label,
    network_paragraph,
    network_source,
    reach_text,
)


def km_text(metres: float, lang: str = "de") -> str:
    """``3333.3`` -> ``3,33 km`` (de), ``3.33 km`` (en)."""
    return t("fmt.km", lang, value=km(metres, lang))


def _grid_label(resolution_m: float | None, lang: str = "de") -> str:
    """``1000`` -> ``"1 km"``, ``100`` -> ``"100 m"``, ``None`` -> ``""``."""
    if resolution_m is None:
        return ""
    if resolution_m >= 1000:
        return km_text(resolution_m, lang)
    return t("fmt.m", lang, value=integer(resolution_m, lang))


def zensus_grid_attribution(resolution_m: float | None = None) -> str:
    """Attribution of the Zensus 2022 population grid, with the cell size when known (the
    licensor's wording, German)."""
    label_ = _grid_label(resolution_m)
    return ATTRIBUTION_ZENSUS_GRID.format(size=f" {label_}" if label_ else "")


def attribution_text(
    boundary_year: int,
    population_source: str,
    *,
    offers: bool = True,
    foreign_year: int | None = None,
    grid_resolution_m: float | None = None,
    lang: str = "de",
) -> str:
    """``© GeoBasis-DE / BKG <year> (Daten verändert)`` plus the population source used (and, with
    ``offers``, where the offers come from; maps credit each offer in its tooltip instead).

    ``grid_resolution_m`` names the cell size of the Zensus population grid
    (:data:`POPULATION_ZENSUS_GRID`; ignored for the other sources)."""
    if population_source == POPULATION_ZENSUS_GRID:
        people = zensus_grid_attribution(grid_resolution_m)
    elif population_source == POPULATION_ZENSUS:
        people = ATTRIBUTION_ZENSUS
    else:
        people = ATTRIBUTION_DESTATIS
    if foreign_year is not None:
        people += f"; {ATTRIBUTION_INKAR}"
    text = t("cov.attr", lang, bkg=t("attr.bkg", lang, year=boundary_year), people=people)
    return t("cov.attr.offers", lang, text=text) if offers else text


def _people_source(
    population_source: str,
    foreign_known: bool,
    grid_resolution_m: float | None,
    lang: str,
) -> str:
    if population_source == POPULATION_ZENSUS_GRID:
        size = _grid_label(grid_resolution_m, lang)
        foreign = (
            t("cov.src.grid.foreign", lang, attribution=ATTRIBUTION_ZENSUS)
            if foreign_known
            else t("cov.src.grid.foreign_unknown", lang)
        )
        return t(
            "cov.src.grid",
            lang,
            size=f" {size}" if size else "",
            attribution=zensus_grid_attribution(grid_resolution_m),
            foreign=foreign,
        )
    if population_source == POPULATION_ZENSUS:
        return t("cov.src.zensus", lang, attribution=ATTRIBUTION_ZENSUS)
    return t("cov.src.gvisys", lang, attribution=ATTRIBUTION_DESTATIS)


def _people_then(
    population_source: str, foreign_year: int, grid_resolution_m: float | None, lang: str
) -> str:
    """Population of today with the foreign share of a Kreis in ``foreign_year`` (INKAR)."""
    if population_source == POPULATION_ZENSUS_GRID:
        size = _grid_label(grid_resolution_m, lang)
        base = t(
            "cov.src.year.grid",
            lang,
            size=f" {size}" if size else "",
            attribution=zensus_grid_attribution(grid_resolution_m),
        )
        whose = t("cov.src.whose.cell", lang)
    else:
        zensus = population_source == POPULATION_ZENSUS
        base = t(
            "cov.src.year.gemeinde", lang, source="Zensus 2022" if zensus else "GV-ISys 31.12.2023"
        )
        whose = t("cov.src.whose.people", lang)
    return t("cov.src.year", lang, base=base, whose=whose, year=foreign_year)


def data_sources(
    product: str,
    year: int,
    population_source: str,
    foreign_year: int | None = None,
    *,
    foreign_known: bool = True,
    grid_resolution_m: float | None = None,
    lang: str = "de",
) -> tuple[str, ...]:
    """The data vintages used (one line each).

    ``foreign_known`` and ``grid_resolution_m`` matter only for :data:`POPULATION_ZENSUS_GRID`:
    whether the Zensus foreign share per Gemeinde was available, and the grid's cell size.
    """
    if foreign_year is None:
        people = _people_source(population_source, foreign_known, grid_resolution_m, lang)
    else:
        people = _people_then(population_source, foreign_year, grid_resolution_m, lang)
    return (
        t(
            "cov.src.boundaries",
            lang,
            product=product,
            year=year,
            simplify=integer(GRID_SIMPLIFY_M, lang),
            bkg=t("attr.bkg", lang, year=year),
        ),
        people,
        t("cov.src.offers", lang),
    )


def sources(result: CoverageResult, lang: str = "de") -> tuple[str, ...]:
    """The data vintages ``result`` was computed on (one line each; the street network too)."""
    lines = data_sources(
        result.boundary_product,
        result.boundary_year,
        result.population_source,
        result.foreign_year,
        foreign_known=result.foreign_known,
        grid_resolution_m=result.params.cell_size_m,
        lang=lang,
    )
    if result.network is not None:
        lines = (*lines, network_source(result.network, lang))
    return lines


def _fca_text(params: CoverageParams, lang: str) -> str:
    weights = ""
    if params.method is Method.E2SFCA:
        w = params.e2sfca_weights
        if isinstance(w, StepWeights):
            bands = "; ".join(
                t(
                    "cov.fca.band",
                    lang,
                    km=reach_text(d, params.mode, lang),
                    weight=number(g, lang, 2),
                )
                for d, g in zip(w.thresholds, w.weights, strict=True)
            )
            weights = t("cov.fca.steps", lang, bands=bands)
        else:
            weights = t("cov.fca.gauss", lang, sigma=reach_text(w.sigma, params.mode, lang))
    return t(
        "cov.m.calc.fca",
        lang,
        who=who(params.demand, lang),
        km=reach_text(params.catchment, params.mode, lang),
        per=integer(FCA_PER, lang),
        weights=weights,
    )


def _demand_text(result: CoverageResult, size: str, lang: str) -> str:
    """The "Nachfrage" paragraph: people spread by area, or the Zensus result."""
    if result.population_source != POPULATION_ZENSUS_GRID:
        return t("cov.m.demand.area", lang, size=size, cells=integer(result.n_cells, lang))
    if result.foreign_year is not None:
        foreign = t("cov.m.demand.foreign.inkar", lang, year=result.foreign_year)
    elif result.foreign_known:
        foreign = t("cov.m.demand.foreign.zensus", lang)
    else:
        foreign = t("cov.m.demand.foreign.unknown", lang)
    return t(
        "cov.m.demand.grid",
        lang,
        size=_grid_label(result.params.cell_size_m, lang),
        cells=integer(len(result.cells), lang),
        foreign=foreign,
    )


def _calc_text(params: CoverageParams, threshold: str, lang: str) -> str:
    """The "Berechnung" paragraph of the chosen measure."""
    net = ".net" if params.network else ""
    if params.method is Method.NEAREST:
        return t(f"cov.m.calc.nearest{net}", lang, who=who(params.demand, lang))
    if params.method is Method.SHARE:
        return t("cov.m.calc.share", lang, who=who(params.demand, lang), km=threshold)
    if params.method in (Method.TWO_SFCA, Method.E2SFCA):
        return _fca_text(params, lang)
    if params.method is Method.CAPACITY:
        km = reach_text(params.catchment, params.mode, lang)
        return t(f"cov.m.calc.capacity{net}", lang, km=km, who=who(params.demand, lang))
    return t(
        "cov.m.calc.per_capita",
        lang,
        who=who(params.demand, lang),
        per=integer(PER_CAPITA_PER, lang),
    )


def method_paragraphs(result: CoverageResult, lang: str = "de") -> list[str]:
    """What was computed on which data (Markdown paragraphs): measure, demand, offers, distance,
    calculation, ranking, grid, caution, data – the first and the last are the measure line and
    the data sources (the map sheet shows those elsewhere)."""
    params, headline = result.params, result.headline
    size = integer(params.cell_size_m, lang)
    threshold = reach_text(params.threshold, params.mode, lang)
    from_grid = result.population_source == POPULATION_ZENSUS_GRID
    distance = t("cov.m.distance.grid" if from_grid else "cov.m.distance.area", lang)
    if result.network is not None:
        distance = network_paragraph(result.network, lang)
    net = ".net" if params.network else ""
    if params.method is Method.CAPACITY:
        offers = t(
            "cov.m.offers.capacity",
            lang,
            count=integer(headline.n_offers, lang),
            precision=precision_text(headline.precision_counts, lang),
            capacity=capacity_basis(headline, lang),
        )
    else:
        offers = t(
            "cov.m.offers",
            lang,
            n=headline.n_offers,
            precision=precision_text(headline.precision_counts, lang),
        )
    if not params.include_kreis_area:
        offers += t("cov.m.offers.no_kreis_area", lang)
    if headline.n_unlocated:
        offers += " " + t("cov.basis.unlocated", lang, n=headline.n_unlocated)
    return [
        t(
            "cov.m.measure",
            lang,
            measure=method_label(params, lang),
            demand=label("demand", params.demand, lang),
            categories=category_text(params.categories, lang),
            km=threshold,
        ),
        _demand_text(result, size, lang),
        offers,
        distance,
        _calc_text(params, threshold, lang),
        t(f"cov.m.ranking{net}", lang, who=who(params.demand, lang), km=threshold),
        support_paragraph(params.demand, lang),
        t("cov.m.raster.grid", lang, size=size) if from_grid else t("cov.m.raster.area", lang),
        t("cov.m.caution", lang),
        t("cov.m.data", lang, sources=" · ".join(sources(result, lang))),
    ]


def method_text(result: CoverageResult, lang: str = "de") -> str:
    """What was computed on which data (Markdown paragraphs)."""
    return "\n\n".join(method_paragraphs(result, lang))


def export_comment(result: CoverageResult, lang: str = "de") -> str:
    """One-line header for CSV exports: parameters, what the figures rest on, attribution."""
    p = result.params
    comment = t(
        "cov.export_comment.net" if p.network else "cov.export_comment",
        lang,
        measure=method_label(p, lang),
        demand=label("demand", p.demand, lang),
        categories=category_text(p.categories, lang),
        n=result.headline.n_offers,
        threshold=reach_text(p.threshold, p.mode, lang)
        if p.network
        else integer(p.threshold_m, lang),
        cell=integer(p.cell_size_m, lang),
        attribution=attribution(result, lang),
    )
    return f"{comment} | {basis_text(result.headline, lang)}"


def headline_figure(headline: Headline, lang: str = "de") -> str:
    """The headline figure as one sentence (numbers rounded for reading), without its basis;
    with a network mode in minutes, naming the mode."""
    net = "net." if headline.mode != MODE_LINE else ""
    return t(
        f"cov.headline.{net}{headline.demand.value}",
        lang,
        share=number(headline.share_beyond_pct, lang, 1),
        people=integer(headline.demand_beyond, lang),
        km=km(headline.threshold_m, lang),
        reach=reach_text(headline.threshold, headline.mode, lang),
        what=category_text(headline.categories, lang),
        n=headline.n_offers,
    )


def headline_sentence(headline: Headline, lang: str = "de") -> str:
    """The headline with what it rests on (CLI, map sheet): the figure and the basis line; an
    approximation is said to be one; without offers with a location, no figure at all. With the
    capacity method also the people left unserved within the catchment and how many offers have
    a capacity, or why that cannot be computed."""
    basis = basis_text(headline, lang)
    caveat = support_text(headline, lang)
    if headline.support is Support.OK:
        text = f"{headline_figure(headline, lang)} {basis}"
    elif headline.support is Support.APPROXIMATE:  # the caveat first, then the figure
        text = f"{caveat} {headline_figure(headline, lang)} {basis}"
    else:
        return f"{caveat} {basis}"
    if headline.method is Method.CAPACITY:
        reach = reach_text(headline.catchment, headline.mode, lang)
        text += " " + capacity_sentence(headline, reach, lang)
    return text


def attribution(result: CoverageResult, lang: str = "de") -> str:
    """Source line for maps and exports of ``result`` (with the OpenStreetMap credit when it
    rests on a street network)."""
    text = attribution_text(
        result.boundary_year,
        result.population_source,
        foreign_year=result.foreign_year,
        grid_resolution_m=result.params.cell_size_m,
        lang=lang,
    )
    return f"{text} | {ATTRIBUTION_OSM_DATA}" if result.network is not None else text


def funding_comparison_labels(table: pd.DataFrame, lang: str = "de") -> pd.DataFrame:
    """:func:`mapapp.analysis.coverage.exports.funding_comparison` with the comparison and group
    codes replaced by their labels in ``lang`` (the table the page shows)."""
    out = table.copy()
    out["comparison"] = [label("comparison", c, lang) for c in out["comparison"]]
    out["group"] = [label("comparison_group", g, lang) for g in out["group"]]
    return out
