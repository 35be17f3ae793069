"""Run the coverage measures on a demand grid with the counted offers (:func:`run_coverage`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from mapapp.analysis.accessibility import (
    LEVEL_GEMEINDE,
    LEVEL_KREIS,
    LEVEL_LAND,
    nearest_cost,
    rank_gaps,
    share_beyond,
)
from mapapp.analysis.coverage.grid import DemandGrid, piece_ids, with_foreign_year
from mapapp.analysis.coverage.measures import _measure, _unit_table, _weighted_mean
from mapapp.analysis.coverage.offers import OFFER_COLUMNS, count_unlocated, select_offers
from mapapp.analysis.coverage.params import (
    APPROXIMATE_PRECISIONS,
    MODE_LINE,
    MOSTLY_APPROXIMATE,
    PRECISIONS,
    CoverageParams,
    DemandKind,
    Method,
    Support,
)
from mapapp.analysis.demand import COL_FOREIGN_POPULATION
from mapapp.analysis.network import NetworkBasis, TravelTimes
from mapapp.config import NRW_LAND
from mapapp.model import COL_AGS, COL_KREIS_AGS, COL_NAME, COL_POPULATION, DataError


@dataclass(frozen=True)
class Headline:
    """The NRW figures: "x % of the foreign population live more than 10 km from ..."."""

    demand: DemandKind
    threshold_m: float
    demand_total: float
    demand_beyond: float
    share_beyond_pct: float
    value: float  # the measure for NRW as a whole
    n_offers: int
    precision_counts: tuple[tuple[str, int], ...]
    categories: tuple[str, ...]
    n_unlocated: int = 0  # offers of the categories without a location (never counted)
    approx_share: float = float("nan")  # demand whose nearest counted offer is approximate, 0..1
    support: Support = Support.OK  # how far the data carry the figures
    method: Method = Method.NEAREST
    catchment_m: float = float("nan")  # reach of 2SFCA/E2SFCA and the capacity method, metres
    n_capacity: int = 0  # counted offers with a known capacity (the capacity method uses these)
    demand_unserved: float = float("nan")  # capacity method: people left unserved in NRW
    mode: str = MODE_LINE  # straight line (metres) or a street-network mode (minutes)
    threshold_min: float | None = None  # a network mode's threshold (and catchment), minutes

    @property
    def threshold(self) -> float:
        """The threshold in the unit of the costs (metres, or minutes with a network mode)."""
        return self.threshold_min if self.threshold_min is not None else self.threshold_m

    @property
    def catchment(self) -> float:
        """The catchment in the unit of the costs (a network mode's threshold in minutes)."""
        return self.threshold_min if self.threshold_min is not None else self.catchment_m

    @property
    def value_support(self) -> Support:
        """How far the data carry :attr:`value`: as :attr:`support`, and for the capacity method
        :attr:`Support.NO_CAPACITY` when no counted offer has a capacity."""
        if self.method is Method.CAPACITY and self.n_offers and not self.n_capacity:
            return Support.NO_CAPACITY
        return self.support

    @property
    def n_approximate(self) -> int:
        """Counted offers that stand only roughly where they are (:data:`APPROXIMATE_PRECISIONS`)."""
        return sum(n for p, n in self.precision_counts if p in APPROXIMATE_PRECISIONS)


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """Output of :func:`run_coverage`.

    Attributes
    ----------
    cells
        Per piece of a grid cell: ``cell_id``, ``cell``, ``ags``, ``kreis_ags``, ``x``, ``y``,
        ``population``, optional ``foreign_population``, ``demand`` (people of the chosen kind),
        ``nearest_m`` (straight-line distance to the nearest counted offer, ``inf`` when there is
        none), ``nearest_id``, ``nearest_approx`` (bool: that offer is approximately located,
        :data:`APPROXIMATE_PRECISIONS`), ``beyond`` (bool, ``nearest_m > threshold``; with a
        network mode ``nearest_min`` (travel minutes, ``inf`` beyond the search) decides
        ``nearest_id`` and ``beyond``) and
        ``value`` (the measure for this piece; for offers per 10,000 the value of its Gemeinde).
    gemeinden, kreise
        Per unit: ``level``, ``ags``, ``name``, ``population``, optional ``foreign_population``,
        ``demand``, ``demand_beyond`` (people farther than the threshold), ``share_beyond_pct``,
        ``mean_nearest_km`` (demand-weighted), ``offers`` (counted offers located in the unit;
        Kreise include offers known only by their Kreis), ``value`` (the measure, unit as in
        the catalogue's ``gap.value.*``), ``approx_share`` (share of the demand whose nearest
        counted offer is approximately located, 0..1) and ``nearest_approx`` (code: ``True``
        when that share exceeds :data:`MOSTLY_APPROXIMATE`, i.e. approximate locations decide
        the row; labelled by :mod:`mapapp.text.coverage_basis`); with the capacity method also
        ``demand_unserved`` (people left unserved by the offers' capacities).
    ranked
        Gemeinden then Kreise, each ordered by ``demand_beyond`` (descending), with ``rank``.
    offers
        The counted offers (``id``, ``name``, ``category``, ``category_label``, ``precision``,
        ``ags``, ``kreis_ags``, ``lat``, ``lon`` in WGS84 degrees, where the input has them).
    """

    params: CoverageParams
    cells: pd.DataFrame
    gemeinden: pd.DataFrame
    kreise: pd.DataFrame
    ranked: pd.DataFrame
    headline: Headline
    offers: pd.DataFrame
    population_source: str
    boundary_product: str
    boundary_year: int
    foreign_known: bool
    n_cells: int
    foreign_year: int | None = None
    network: NetworkBasis | None = None

    def units(self, level: str) -> pd.DataFrame:
        return self.gemeinden if level == LEVEL_GEMEINDE else self.kreise


def run_coverage(
    grid: DemandGrid,
    offers: pd.DataFrame,
    params: CoverageParams,
    *,
    max_pairs: float | None = None,
    travel: TravelTimes | None = None,
) -> CoverageResult:
    """Compute the coverage measures for ``params`` on ``grid`` with the counted ``offers``.

    Over 60 lines by its docstring and the keyword lists of the result: the steps themselves are
    helpers (:func:`_checked_grid`, :func:`_nearest_cells`, :func:`_measure`, :func:`_headline`).

    Parameters
    ----------
    grid
        :func:`demand_grid_nrw` (its cell size should equal ``params.cell_size_m``).
    offers
        Offers in EPSG:25832 (:func:`mapapp.analysis.offers.offers_frame` or any frame with ``id``,
        ``category``, ``precision``, ``ags``, ``kreis_ags`` and point geometry); filtered here by
        :func:`select_offers`.
    params
        What to compute.
    max_pairs
        2SFCA/E2SFCA only: refuse when about more cell-offer pairs than this lie within the
        catchment (``None``: :data:`mapapp.analysis.accessibility.MAX_PAIRS`).
    travel
        With a network mode (``params.mode``): travel minutes from the grid's pieces to the
        offers (the cost-table path of the measures, as ``mapapp coverage --cost``); required
        then, and only then.

    Raises
    ------
    DataError
        Foreign population asked for but not known (no Zensus data).
    mapapp.analysis.accessibility.PairLimitError
        Too many pairs within the catchment (a :class:`DataError`: page and CLI show its message).
    """
    grid = _checked_grid(grid, params)
    if (travel is not None) != params.network:
        raise ValueError(f"Reisezeiten passen nicht zur Art der Entfernung {params.mode!r}")
    used = select_offers(offers, params)
    cells = _nearest_cells(grid, used, params, travel)
    people = share_beyond(
        cells,
        cost="nearest_min" if travel is not None else "nearest_m",
        threshold=params.threshold,
        population=COL_POPULATION,
        foreign_population=COL_FOREIGN_POPULATION if grid.foreign_known else None,
        gemeinde=COL_AGS,
        kreis=COL_KREIS_AGS,
        land=NRW_LAND,
    )
    keys = _level_keys(cells)
    nearest_m, demand = cells["nearest_m"].to_numpy(float), cells["demand"].to_numpy(float)
    mean_nearest = {lvl: _weighted_mean(k, nearest_m, demand) for lvl, k in keys.items()}
    approx = cells["nearest_approx"].to_numpy(dtype=float)
    approx_share = {lvl: _demand_share(k, approx, demand) for lvl, k in keys.items()}
    counts = _offer_counts(used)
    cells["value"], values, gem_counts = _measure(
        cells, used, params, keys, mean_nearest, grid, max_pairs, travel
    )
    if gem_counts is not None:
        counts[LEVEL_GEMEINDE] = gem_counts

    def table(level: str, names: pd.DataFrame) -> pd.DataFrame:
        return _unit_table(
            level, people, params.demand, mean_nearest[level], counts[level], values[level],
            names, grid.foreign_known, approx_share[level],
        )  # fmt: skip

    tables = {lvl: table(lvl, grid.names) for lvl in (LEVEL_GEMEINDE, LEVEL_KREIS)}
    land = table(LEVEL_LAND, _LAND_NAMES).iloc[0]
    if "unserved" in cells:  # the capacity method: people left unserved per unit
        for lvl, frame in tables.items():
            frame["demand_unserved"] = _unserved(cells, keys[lvl], frame[COL_AGS])
        land["demand_unserved"] = float(cells["unserved"].sum(min_count=1))
    ranked = rank_gaps(
        pd.concat([tables[LEVEL_GEMEINDE], tables[LEVEL_KREIS]], ignore_index=True),
        affected="demand_beyond",
    )
    return CoverageResult(
        params=params,
        cells=cells,
        gemeinden=tables[LEVEL_GEMEINDE],
        kreise=tables[LEVEL_KREIS],
        ranked=ranked,
        headline=_headline(params, land, used, count_unlocated(offers, params)),
        offers=pd.DataFrame(used[[c for c in OFFER_COLUMNS if c in used.columns]]).reset_index(
            drop=True
        ),
        population_source=grid.population_source,
        foreign_year=grid.foreign_year,
        boundary_product=grid.boundary_product,
        boundary_year=grid.boundary_year,
        foreign_known=grid.foreign_known,
        n_cells=grid.n_cells,
        network=travel.basis if travel is not None else None,
    )


#: The name row of the NRW total.
_LAND_NAMES = pd.DataFrame(
    {"level": [LEVEL_LAND], COL_AGS: [NRW_LAND], COL_NAME: ["Nordrhein-Westfalen"]}
)


def _checked_grid(grid: DemandGrid, params: CoverageParams) -> DemandGrid:
    """The grid with the foreign population of ``params.foreign_year``, checked against params.

    Raises
    ------
    DataError
        Foreign population asked for but not known (no Zensus data).
    ValueError
        The grid's cell size (metres) is not the one of ``params``.
    """
    grid = with_foreign_year(grid, params.foreign_year)
    if params.demand is DemandKind.FOREIGN and not grid.foreign_known:
        raise DataError(
            "ausländische Bevölkerung unbekannt (Zensus-2022-Datei fehlt) – "
            "Nachfrage 'all' verwenden",
            field="demand",
        )
    if abs(grid.cell_size_m - params.cell_size_m) > 1e-9:
        raise ValueError(
            f"Gitter hat {grid.cell_size_m:g} m Zellen, Parameter verlangen {params.cell_size_m:g} m"
        )
    return grid


def _nearest_cells(
    grid: DemandGrid, used: pd.DataFrame, params: CoverageParams, travel: TravelTimes | None
) -> pd.DataFrame:
    """A copy of the grid's cells with ``demand`` (people of the chosen kind), ``nearest_m``
    (metres, EPSG:25832 straight line; ``inf`` without an offer), ``nearest_id`` and ``beyond``
    (``nearest_m > params.threshold_m``). With ``travel`` also ``nearest_min`` (minutes to the
    offer nearest in time, ``inf`` when none is within the search); ``nearest_id`` and
    ``beyond`` then follow the minutes."""
    demand_col = COL_FOREIGN_POPULATION if params.demand is DemandKind.FOREIGN else COL_POPULATION
    cells = grid.cells.copy()
    cells["demand"] = cells[demand_col].to_numpy(dtype=float)
    near = nearest_cost(cells, used, supply_id="id")
    cells["nearest_m"] = near["cost"].to_numpy(dtype=float)
    cells["nearest_id"] = near["nearest"].to_numpy()
    cost = cells["nearest_m"].to_numpy()
    if travel is not None:
        pieces = pd.DataFrame({"piece": piece_ids(cells)}, index=cells.index)
        timed = nearest_cost(pieces, used, cost=travel.table, demand_id="piece", supply_id="id")
        cells["nearest_min"] = cost = timed["cost"].to_numpy(dtype=float)
        cells["nearest_id"] = timed["nearest"].to_numpy()
    approximate = used["precision"].astype(str).isin(APPROXIMATE_PRECISIONS)
    by_id = dict(zip(used["id"], approximate.to_numpy(), strict=True))
    cells["nearest_approx"] = [bool(by_id.get(i, False)) for i in cells["nearest_id"]]
    cells["beyond"] = ~(cost <= params.threshold)
    return cells


def _level_keys(cells: pd.DataFrame) -> dict[str, np.ndarray]:
    """The unit key of every cell per level: Gemeinde AGS, Kreis AGS, NRW."""
    return {
        LEVEL_GEMEINDE: cells[COL_AGS].to_numpy(dtype=object),
        LEVEL_KREIS: cells[COL_KREIS_AGS].to_numpy(dtype=object),
        LEVEL_LAND: np.full(len(cells), NRW_LAND, dtype=object),
    }


def _offer_counts(used: pd.DataFrame) -> dict[str, pd.Series]:
    """Counted offers per Gemeinde AGS, per Kreis AGS and for NRW."""
    return {
        LEVEL_GEMEINDE: used[COL_AGS].dropna().astype(str).value_counts(),
        LEVEL_KREIS: used[COL_KREIS_AGS].dropna().astype(str).value_counts(),
        LEVEL_LAND: pd.Series({NRW_LAND: len(used)}),
    }


def _demand_share(keys: np.ndarray, flag: np.ndarray, demand: np.ndarray) -> pd.Series:
    """Share (0..1) of each key's demand in cells where ``flag`` is 1; ``NaN`` without demand."""
    frame = pd.DataFrame({"k": keys, "f": flag * demand, "d": demand})
    sums = frame.groupby("k", sort=True)[["f", "d"]].sum()
    return sums["f"] / sums["d"].where(sums["d"] > 0)


def _unserved(cells: pd.DataFrame, keys: np.ndarray, ags: pd.Series) -> np.ndarray:
    """People left unserved per unit (rounded like the other people columns)."""
    sums = cells["unserved"].groupby(keys, sort=True).sum(min_count=1)
    return sums.reindex(ags.to_numpy()).round(3).to_numpy(dtype=float)


def _support(n_offers: int, approx_share: float) -> Support:
    """:attr:`Support.NO_OFFERS` without a counted offer; :attr:`Support.APPROXIMATE` when the
    nearest offer of more than :data:`MOSTLY_APPROXIMATE` of the demand is approximate."""
    if n_offers == 0:
        return Support.NO_OFFERS
    if approx_share > MOSTLY_APPROXIMATE:  # NaN (no demand) compares False
        return Support.APPROXIMATE
    return Support.OK


def _headline(
    params: CoverageParams, land: pd.Series, used: pd.DataFrame, n_unlocated: int
) -> Headline:
    """The NRW figures from the NRW row of the unit table and the counted offers."""
    precision = used["precision"].astype(str).value_counts()
    approx_share = float(land["approx_share"])
    return Headline(
        demand=params.demand,
        threshold_m=params.threshold_m,
        demand_total=float(land["demand"]),
        demand_beyond=float(land["demand_beyond"]),
        share_beyond_pct=float(land["share_beyond_pct"]),
        value=float(land["value"]),
        n_offers=len(used),
        precision_counts=tuple((p, int(precision[p])) for p in PRECISIONS if p in precision.index),
        categories=params.categories,
        n_unlocated=n_unlocated,
        approx_share=approx_share,
        support=_support(len(used), approx_share),
        method=params.method,
        catchment_m=params.catchment_m,
        n_capacity=_n_capacity(used),
        demand_unserved=float(land.get("demand_unserved", float("nan"))),
        mode=params.mode,
        threshold_min=params.threshold_min,
    )


def _n_capacity(used: pd.DataFrame) -> int:
    """Counted offers with a known capacity."""
    if "capacity" not in used:
        return 0
    return int(pd.to_numeric(used["capacity"], errors="coerce").notna().sum())
