"""Coverage-gap pipeline on the NRW data ("Versorgungslücken"): one core for the page and the CLI.

Steps (all in EPSG:25832, metres):

1. :func:`load_nrw_inputs` - Gemeinde polygons (BKG, coverage-simplified by
   :data:`GRID_SIMPLIFY_M`) with their population and foreign population (Zensus 2022 per Gemeinde;
   without the Zensus file the GV-ISys population and *no* foreign population).
2. :func:`demand_grid_nrw` - the population spread over square cells by area
   (:func:`mapapp.analysis.demand.build_demand_grid`); one row per piece of a cell inside a Gemeinde.
   Or, when the Zensus 2022 population grid is in the data directory
   (:func:`mapapp.io.datasets.load_nrw_population_grid`),
   :func:`demand_grid_from_population_grid` - the grid's people at the real cell centres.
3. :func:`run_coverage` - for the offers of the chosen categories: distance to the nearest offer,
   people beyond the threshold, the chosen measure (nearest distance, share beyond, 2SFCA, E2SFCA,
   offers per 10,000), summaries per Gemeinde, Kreis and NRW, the gap ranking, the headline figure and
   a text that states what was computed on which data.

The measures themselves are :mod:`mapapp.analysis.accessibility` (tested against PySAL ``access``);
this module only wires them to the NRW data. :func:`funding_comparison` compares the result for
KOMM-IN funded Kommunen with the others (descriptive only). :func:`export_table` is the table that
both the page's download and ``mapapp coverage nrw`` write, so they give the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from mapapp.analysis.accessibility import (
    LEVEL_GEMEINDE,
    LEVEL_KREIS,
    LEVEL_LAND,
    GaussianWeights,
    StepWeights,
    enhanced_two_stage_fca,
    nearest_cost,
    offers_per_capita,
    rank_gaps,
    share_beyond,
    two_stage_fca,
)
from mapapp.analysis.demand import (
    COL_CELL_ID,
    COL_FOREIGN_POPULATION,
    build_demand_grid,
    demand_from_population_grid,
)
from mapapp.analysis.offers import offers_frame, open_seeded_store
from mapapp.config import (
    ATTRIBUTION_DESTATIS,
    ATTRIBUTION_INKAR,
    ATTRIBUTION_ZENSUS,
    ATTRIBUTION_ZENSUS_GRID,
    CRS_METRIC,
    NRW_LAND,
    Settings,
    bkg_attribution,
)
from mapapp.io import datasets
from mapapp.model import (
    COL_AGS,
    COL_KREIS_AGS,
    COL_NAME,
    COL_POPULATION,
    OFFER_CATEGORY_LABELS_DE,
    DataError,
    OfferCategory,
)

#: Default edge length of the grid cells (metres): about 35,000 cells cover NRW.
DEFAULT_CELL_SIZE_M = 1000.0
#: Cell sizes offered by the page (metres).
CELL_SIZES_M = (500.0, 1000.0, 2000.0, 5000.0)
#: Default distance threshold (metres).
DEFAULT_THRESHOLD_M = 10_000.0
#: Tolerance (metres) of the coverage simplification of the Gemeinde polygons used for the grid
#: (the same geometry the web maps use; a tenth of the default cell size).
GRID_SIMPLIFY_M = 100.0
#: 2SFCA/E2SFCA values are reported per this many people of the demand.
FCA_PER = 100_000
#: Offers per capita are reported per this many people of the demand
#: (:func:`~mapapp.analysis.accessibility.offers_per_capita` reports per 10,000).
PER_CAPITA_PER = 10_000

POPULATION_ZENSUS = "zensus2022"
POPULATION_GVISYS = "gvisys"
#: People from the Zensus 2022 population grid (:func:`demand_grid_from_population_grid`).
POPULATION_ZENSUS_GRID = "zensus2022_grid"
#: Edge (metres) of the Zensus grid cells the page and ``coverage nrw --population-grid`` use
#: (the 1 km file, :data:`mapapp.io.datasets.ZENSUS_GRID_RESOLUTION`).
POPULATION_GRID_CELL_M = 1000.0


class Method(StrEnum):
    """The measure shown on the map and in the tables."""

    NEAREST = "nearest"  # distance to the nearest offer (demand-weighted mean per unit), km
    SHARE = "share"  # share of the demand farther than the threshold, percent
    TWO_SFCA = "2sfca"  # offers per 100,000 people of the demand in reach (Luo & Wang 2003)
    E2SFCA = "e2sfca"  # the same with distance-decay weights (Luo & Qi 2009)
    PER_CAPITA = "per_capita"  # offers located in the unit per 10,000 people of the demand


class DemandKind(StrEnum):
    """Whose coverage is measured."""

    ALL = "all"  # the whole population
    FOREIGN = "foreign"  # people without German citizenship (Zensus 2022 share per Gemeinde)


#: German measure labels with their unit (tables, legend titles, the map sheet).
METHOD_LABELS_DE: dict[Method, str] = {
    Method.NEAREST: "Entfernung zum nächsten Angebot (km, Luftlinie)",
    Method.SHARE: "Anteil weiter als die Schwelle (%)",
    Method.TWO_SFCA: "2SFCA: Angebote je 100.000 im Einzugsbereich",
    Method.E2SFCA: "E2SFCA: Angebote je 100.000 im Einzugsbereich (distanzgewichtet)",
    Method.PER_CAPITA: "Angebote je 10.000",
}
DEMAND_LABELS_DE: dict[DemandKind, str] = {
    DemandKind.ALL: "Bevölkerung",
    DemandKind.FOREIGN: "ausländische Bevölkerung",
}
PRECISION_LABELS_DE: dict[str, str] = {
    "address": "Adresse",
    "street": "Straße ohne Hausnummer",
    "postcode": "Postleitzahl",
    "gemeinde_centre": "Gemeindezentrum (ungefähr)",
    "kreis_area": "nur Kreisgebiet (Punkt irgendwo im Kreis)",
}
PRECISION_KREIS_AREA = "kreis_area"
#: Columns of :attr:`CoverageResult.offers` (those the offers frame has).
_OFFER_COLUMNS = (
    "id", "name", "category", "category_label", "precision", COL_AGS, COL_KREIS_AGS, "lat", "lon",
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageParams:
    """Everything that determines a coverage result (hashable: a cache key).

    Attributes
    ----------
    categories
        :class:`~mapapp.model.OfferCategory` values whose offers count; stored sorted and unique.
        Empty = every category.
    threshold_m
        Distance threshold in metres: people farther than this from the nearest offer are
        "affected" (ranking, headline, share measure).
    method
        The measure (:class:`Method`).
    demand
        Whose coverage (:class:`DemandKind`).
    cell_size_m
        Grid cell edge in metres.
    max_cost_m
        Catchment of 2SFCA/E2SFCA in metres (a pair counts when distance <= it); ``None``: the
        threshold.
    weights
        E2SFCA distance decay; ``None``: the bands 1 / 0.68 / 0.22 at thirds of the catchment.
    include_kreis_area
        Whether offers located only somewhere in their Kreis (precision ``kreis_area``) count.
    foreign_year
        ``None``: foreign population from the Zensus 2022 share per Gemeinde. A year (e.g. 2006):
        each Gemeinde's population times the INKAR foreign share of its Kreis in that year (the
        people of today, the share of then – an approximation for the funding years).
    """

    categories: tuple[str, ...] = (OfferCategory.ABH.value,)
    threshold_m: float = DEFAULT_THRESHOLD_M
    method: Method = Method.NEAREST
    demand: DemandKind = DemandKind.FOREIGN
    cell_size_m: float = DEFAULT_CELL_SIZE_M
    max_cost_m: float | None = None
    weights: StepWeights | GaussianWeights | None = None
    include_kreis_area: bool = True
    foreign_year: int | None = None

    def __post_init__(self) -> None:
        cats = []
        for c in self.categories:
            try:
                cats.append(OfferCategory(c).value)
            except ValueError:
                raise ValueError(f"unbekannte Angebotskategorie {c!r}") from None
        object.__setattr__(self, "categories", tuple(sorted(set(cats))))
        object.__setattr__(self, "method", Method(self.method))
        object.__setattr__(self, "demand", DemandKind(self.demand))
        for name in ("threshold_m", "cell_size_m"):
            value = float(getattr(self, name))
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"{name} muss eine Zahl > 0 (Meter) sein")
            object.__setattr__(self, name, value)
        if self.cell_size_m < 100:
            raise ValueError("cell_size_m muss mindestens 100 m sein")
        if self.max_cost_m is not None:
            value = float(self.max_cost_m)
            if not math.isfinite(value) or value <= 0:
                raise ValueError("max_cost_m muss eine endliche Zahl > 0 (Meter) sein")
            object.__setattr__(self, "max_cost_m", value)
        if self.weights is not None and self.method is not Method.E2SFCA:
            raise ValueError("Gewichte gibt es nur für die Methode e2sfca")
        if self.foreign_year is not None:
            object.__setattr__(self, "foreign_year", int(self.foreign_year))

    @property
    def catchment_m(self) -> float:
        """Catchment of the floating-catchment measures (metres)."""
        return self.max_cost_m if self.max_cost_m is not None else self.threshold_m

    @property
    def e2sfca_weights(self) -> StepWeights | GaussianWeights:
        return self.weights if self.weights is not None else StepWeights.classic(self.catchment_m)


# --------------------------------------------------------------------------------------------
# Inputs and grid
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CoverageInputs:
    """Gemeinden with people, and Kreis names, for the NRW pipeline.

    Attributes
    ----------
    gemeinden
        EPSG:25832: ``ags`` (8), ``name``, ``kreis_ags`` (5), ``population``, optional
        ``foreign_population`` (people), polygon ``geometry``.
    kreise
        ``ags`` (5), ``name`` (Kreis names as the boundaries spell them).
    population_source
        :data:`POPULATION_ZENSUS` or :data:`POPULATION_GVISYS` (where the Gemeinde people come
        from).
    boundary_product, boundary_year
        BKG product (``VG250``/``VG5000``) and its edition year (attribution).
    """

    gemeinden: gpd.GeoDataFrame
    kreise: pd.DataFrame
    population_source: str
    boundary_product: str
    boundary_year: int
    foreign_shares: pd.DataFrame | None = None  # INKAR: kreis_ags, year, foreign_share_pct

    @property
    def foreign_known(self) -> bool:
        return COL_FOREIGN_POPULATION in self.gemeinden.columns


def _check_keys(found: Iterable[str], expected: Iterable[str], what: str) -> None:
    missing = sorted(set(expected) - set(found))
    if missing:
        more = f" (und {len(missing) - 1} weitere)" if len(missing) > 1 else ""
        raise DataError(f"{what}: keine Bevölkerung für Gemeinde {missing[0]}{more}", field="ags")


def coverage_inputs(
    gemeinden: gpd.GeoDataFrame,
    kreise: pd.DataFrame,
    population: pd.DataFrame,
    *,
    population_source: str,
    boundary_product: str,
    boundary_year: int,
    foreign_shares: pd.DataFrame | None = None,
) -> CoverageInputs:
    """Join people to the Gemeinde polygons (every Gemeinde must find its row).

    Parameters
    ----------
    gemeinden
        Boundary Gemeinden (``ags``, ``name``, ``kreis_ags``, geometry; any CRS).
    kreise
        Boundary Kreise (``ags``, ``name``).
    population
        ``ags`` and ``population``, optionally ``foreign_population`` (people).
    """
    columns = [COL_AGS, COL_POPULATION] + (
        [COL_FOREIGN_POPULATION] if COL_FOREIGN_POPULATION in population.columns else []
    )
    _check_keys(population[COL_AGS], gemeinden[COL_AGS], population_source)
    gem = gemeinden[[COL_AGS, COL_NAME, COL_KREIS_AGS, "geometry"]].merge(
        population[columns], on=COL_AGS, how="left"
    )
    gem = gpd.GeoDataFrame(gem, geometry="geometry", crs=gemeinden.crs).to_crs(CRS_METRIC)
    return CoverageInputs(
        gemeinden=gem,
        kreise=pd.DataFrame(kreise[[COL_AGS, COL_NAME]]).reset_index(drop=True),
        population_source=population_source,
        boundary_product=boundary_product,
        boundary_year=int(boundary_year),
        foreign_shares=foreign_shares,
    )


def load_nrw_inputs(settings: Settings) -> CoverageInputs:
    """Boundaries (simplified by :data:`GRID_SIMPLIFY_M`) with Zensus 2022 people, else GV-ISys.

    Without the Zensus file the foreign population is unknown (``foreign_known`` is ``False``).
    """
    b = datasets.load_boundaries(settings, simplify_m=GRID_SIMPLIFY_M)
    zensus = datasets.load_zensus(settings)
    if zensus is not None:
        population = zensus[[COL_AGS, COL_POPULATION, COL_FOREIGN_POPULATION]]
        source = POPULATION_ZENSUS
    else:
        population = datasets.load_gvisys(settings)[[COL_AGS, COL_POPULATION]]
        source = POPULATION_GVISYS
    return coverage_inputs(
        b.gemeinden,
        b.kreise,
        population,
        population_source=source,
        boundary_product=b.product,
        boundary_year=b.year,
        foreign_shares=datasets.load_inkar(settings),
    )


@dataclass(frozen=True, eq=False)
class DemandGrid:
    """People per grid-cell piece, ready for :func:`run_coverage`.

    Attributes
    ----------
    cells
        One row per piece of a cell inside a Gemeinde: ``cell_id``, ``ags``, ``kreis_ags``, ``x``,
        ``y`` (centroid of the piece, metres), ``population``, optional ``foreign_population``,
        ``cell`` (position of the whole cell in ``cell_ix``/``cell_iy``). From a population grid
        (:data:`POPULATION_ZENSUS_GRID`): one row per grid cell, ``x``/``y`` its real centre, and
        ``cell`` the lattice cell its centre falls in (several rows may share one).
    cell_ix, cell_iy
        Column and row of every whole cell: its lower-left corner is
        ``(cell_ix * cell_size_m, cell_iy * cell_size_m)`` in EPSG:25832 (for the raster map).
    names
        ``level`` (``gemeinde``/``kreis``), ``ags``, ``name``.
    population_source
        :data:`POPULATION_ZENSUS`, :data:`POPULATION_GVISYS` (Gemeinde people spread by area) or
        :data:`POPULATION_ZENSUS_GRID` (people of the Zensus population grid).
    """

    cells: pd.DataFrame
    cell_ix: npt.NDArray[np.int64]
    cell_iy: npt.NDArray[np.int64]
    cell_size_m: float
    names: pd.DataFrame
    population_source: str
    boundary_product: str
    boundary_year: int
    foreign_shares: pd.DataFrame | None = None  # INKAR: kreis_ags, year, foreign_share_pct
    foreign_year: int | None = None  # set by with_foreign_year: foreign people from INKAR shares

    @property
    def foreign_known(self) -> bool:
        return COL_FOREIGN_POPULATION in self.cells.columns

    @property
    def foreign_years(self) -> list[int]:
        """Years with a foreign share per Kreis (INKAR), usable as ``CoverageParams.foreign_year``."""
        if self.foreign_shares is None:
            return []
        return sorted(int(y) for y in self.foreign_shares["year"].unique())

    @property
    def n_cells(self) -> int:
        return len(self.cell_ix)


def _check_cell_size(cell_size_m: float) -> float:
    size = float(cell_size_m)
    if not math.isfinite(size) or size < 100:
        raise ValueError("cell_size_m muss mindestens 100 m sein")
    return size


def _names(inputs: CoverageInputs) -> pd.DataFrame:
    names = pd.concat(
        [
            inputs.gemeinden[[COL_AGS, COL_NAME]].assign(level=LEVEL_GEMEINDE),
            inputs.kreise[[COL_AGS, COL_NAME]].assign(level=LEVEL_KREIS),
        ],
        ignore_index=True,
    )[["level", COL_AGS, COL_NAME]]
    return pd.DataFrame(names)


def _demand_grid(
    inputs: CoverageInputs,
    cells: pd.DataFrame,
    ix: npt.NDArray[np.int64],
    iy: npt.NDArray[np.int64],
    size: float,
    population_source: str,
) -> DemandGrid:
    """Number the whole cells ``(ix, iy)`` of the rows of ``cells`` and wrap them up."""
    uniq, codes = np.unique(np.column_stack([ix, iy]), axis=0, return_inverse=True)
    cells = cells.assign(cell=codes.reshape(-1).astype(np.int64)).reset_index(drop=True)
    return DemandGrid(
        cells=cells,
        cell_ix=uniq[:, 0].astype(np.int64),
        cell_iy=uniq[:, 1].astype(np.int64),
        cell_size_m=size,
        names=_names(inputs),
        population_source=population_source,
        boundary_product=inputs.boundary_product,
        boundary_year=inputs.boundary_year,
        foreign_shares=inputs.foreign_shares,
    )


def demand_grid_nrw(
    inputs: CoverageInputs,
    cell_size_m: float = DEFAULT_CELL_SIZE_M,
    population_grid: pd.DataFrame | None = None,
) -> DemandGrid:
    """Spread each Gemeinde's people over square cells of ``cell_size_m`` metres (by area).

    With ``population_grid`` (cells of a real population grid, see
    :func:`demand_grid_from_population_grid`) the grid's people are used instead; ``cell_size_m``
    must then be the grid's resolution.
    """
    if population_grid is not None:
        return demand_grid_from_population_grid(inputs, population_grid, cell_size_m)
    size = _check_cell_size(cell_size_m)
    grid = build_demand_grid(inputs.gemeinden, cell_size=size)
    cells = pd.DataFrame(grid.drop(columns=["geometry", "area_m2"]))
    corner = cells[COL_CELL_ID].str.extract(r"N(-?\d+)E(-?\d+)$").astype(np.int64)
    iy = np.rint(corner[0].to_numpy() / size).astype(np.int64)
    ix = np.rint(corner[1].to_numpy() / size).astype(np.int64)
    return _demand_grid(inputs, cells, ix, iy, size, inputs.population_source)


def demand_grid_from_population_grid(
    inputs: CoverageInputs,
    grid_cells: pd.DataFrame,
    cell_size_m: float = POPULATION_GRID_CELL_M,
) -> DemandGrid:
    """People of a real population grid (Zensus 2022) as the demand, instead of spreading.

    Parameters
    ----------
    inputs
        NRW Gemeinden (:func:`load_nrw_inputs`); their ``foreign_population / population`` is each
        cell's foreign share (:func:`mapapp.analysis.demand.demand_from_population_grid`).
    grid_cells
        ``cell_id``, ``x``, ``y`` (cell centre, EPSG:25832 metres), ``population`` (people), e.g.
        :func:`mapapp.io.datasets.load_nrw_population_grid`.
    cell_size_m
        The grid's resolution in metres (1000 for the 1 km file).

    Returns
    -------
    DemandGrid
        One row per grid cell whose centre lies in an NRW Gemeinde (cells outside are dropped,
        their people with them); ``x``/``y`` the real centre (distances are measured from it);
        the people as in the grid (not rescaled to the Gemeinde totals). For the raster map only,
        ``cell`` is the cell of the EPSG:25832 lattice of ``cell_size_m`` that contains the
        centre (the Zensus grid is in EPSG:3035, so its cells do not line up with that lattice).
        ``population_source`` is :data:`POPULATION_ZENSUS_GRID`.

    Raises
    ------
    DataError
        No grid cell lies in an NRW Gemeinde, or a bad value (see
        :func:`~mapapp.analysis.demand.demand_from_population_grid`).
    """
    size = _check_cell_size(cell_size_m)
    cells = demand_from_population_grid(grid_cells, inputs.gemeinden)
    if cells.empty:
        raise DataError("keine Zelle des Bevölkerungsgitters liegt in einer NRW-Gemeinde")
    ix = np.floor(cells["x"].to_numpy(dtype=float) / size).astype(np.int64)
    iy = np.floor(cells["y"].to_numpy(dtype=float) / size).astype(np.int64)
    return _demand_grid(inputs, cells, ix, iy, size, POPULATION_ZENSUS_GRID)


# --------------------------------------------------------------------------------------------
# Offers
# --------------------------------------------------------------------------------------------


def load_offers(settings: Settings) -> gpd.GeoDataFrame:
    """Every offer of the (seeded) offer store as a frame (:func:`mapapp.analysis.offers.offers_frame`)."""
    return offers_frame(open_seeded_store(settings).all())


def select_offers(offers: pd.DataFrame, params: CoverageParams) -> pd.DataFrame:
    """The offers that count for ``params`` (categories, precision), with coordinates."""
    keep = np.ones(len(offers), dtype=bool)
    if params.categories:
        keep &= offers["category"].astype(str).isin(params.categories).to_numpy()
    if not params.include_kreis_area:
        keep &= (offers["precision"].astype(str) != PRECISION_KREIS_AREA).to_numpy()
    out = offers[keep]
    geom = getattr(out, "geometry", None)
    if geom is not None and len(out):
        out = out[~(geom.isna() | geom.is_empty).to_numpy()]
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Result
# --------------------------------------------------------------------------------------------


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

    def sentence_de(self) -> str:
        """The headline as one German sentence (numbers rounded for reading)."""
        who = (
            "der ausländischen Bevölkerung"
            if self.demand is DemandKind.FOREIGN
            else "der Bevölkerung"
        )
        what = category_text_de(self.categories)
        share = _de_number(self.share_beyond_pct, 1)
        people = _de_number(self.demand_beyond)
        km = f"{self.threshold_m / 1000:g}".replace(".", ",")
        return (
            f"{share} % {who} ({people} Menschen) leben mehr als {km} km Luftlinie "
            f"vom nächsten Angebot entfernt ({what}; {self.n_offers} Angebote in den Daten)."
        )


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """Output of :func:`run_coverage`.

    Attributes
    ----------
    cells
        Per piece of a grid cell: ``cell_id``, ``cell``, ``ags``, ``kreis_ags``, ``x``, ``y``,
        ``population``, optional ``foreign_population``, ``demand`` (people of the chosen kind),
        ``nearest_m`` (straight-line distance to the nearest counted offer, ``inf`` when there is
        none), ``nearest_id``, ``beyond`` (bool, ``nearest_m > threshold``) and ``value`` (the
        measure for this piece; for offers per 10,000 the value of its Gemeinde).
    gemeinden, kreise
        Per unit: ``level``, ``ags``, ``name``, ``population``, optional ``foreign_population``,
        ``demand``, ``demand_beyond`` (people farther than the threshold), ``share_beyond_pct``,
        ``mean_nearest_km`` (demand-weighted), ``offers`` (counted offers located in the unit;
        Kreise include offers known only by their Kreis) and ``value`` (the measure, unit as in
        :data:`METHOD_LABELS_DE`).
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
    method_text: str
    population_source: str
    boundary_product: str
    boundary_year: int
    foreign_known: bool
    n_cells: int
    sources: tuple[str, ...] = field(default=())
    foreign_year: int | None = None

    @property
    def attribution(self) -> str:
        """Source line for maps and exports."""
        return attribution_text(
            self.boundary_year,
            self.population_source,
            foreign_year=self.foreign_year,
            grid_resolution_m=self.params.cell_size_m,
        )

    def units(self, level: str) -> pd.DataFrame:
        return self.gemeinden if level == LEVEL_GEMEINDE else self.kreise


def _grid_label(resolution_m: float | None) -> str:
    """``1000`` -> ``"1 km"``, ``100`` -> ``"100 m"``, ``None`` -> ``""``."""
    if resolution_m is None:
        return ""
    if resolution_m >= 1000:
        return f"{resolution_m / 1000:g} km".replace(".", ",")
    return f"{resolution_m:g} m"


def zensus_grid_attribution(resolution_m: float | None = None) -> str:
    """Attribution of the Zensus 2022 population grid, with the cell size when known."""
    label = _grid_label(resolution_m)
    return ATTRIBUTION_ZENSUS_GRID.format(size=f" {label}" if label else "")


def attribution_text(
    boundary_year: int,
    population_source: str,
    *,
    offers: bool = True,
    foreign_year: int | None = None,
    grid_resolution_m: float | None = None,
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
    text = f"{bkg_attribution(boundary_year)}, dl-de/by-2-0 | Bevölkerung: {people}"
    return text + " | Angebote: KOMM-IN NRW Karte (Quellen je Angebot)" if offers else text


def category_text_de(categories: Iterable[str]) -> str:
    cats = list(categories)
    if not cats:
        return "alle Kategorien"
    return ", ".join(OFFER_CATEGORY_LABELS_DE[OfferCategory(c)] for c in cats)


def _weighted_mean(
    keys: npt.NDArray[np.object_], values: npt.NDArray[np.float64], weights: npt.NDArray[np.float64]
) -> pd.Series:
    """Weighted mean of ``values`` per key; plain mean where the weights sum to 0."""
    finite = np.where(np.isfinite(values), values, np.nan)
    frame = pd.DataFrame({"k": keys, "wv": weights * finite, "w": weights, "v": finite})
    grouped = frame.groupby("k", sort=True)
    wsum = grouped["w"].sum()
    mean = grouped["wv"].sum(min_count=1) / wsum.where(wsum > 0)
    return mean.fillna(grouped["v"].mean())


def _per_capita(
    grid: DemandGrid, offers: pd.DataFrame, demand_col: str
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Offers per 10,000 people of ``demand_col``, indexed by AGS.

    Gemeinden count the offers carrying their AGS
    (:func:`~mapapp.analysis.accessibility.offers_per_capita`); Kreise count every offer with their
    Kreis key, including offers known only by their Kreis. Returns (Gemeinde offer counts,
    Gemeinde rates, Kreis rates).
    """
    cells = grid.cells
    gem_demand = cells.groupby(COL_AGS, sort=True)[demand_col].sum()
    units = pd.DataFrame({COL_AGS: gem_demand.index, "demand": gem_demand.to_numpy()})
    with_ags = offers[offers[COL_AGS].notna() & (offers[COL_AGS].astype(str) != "")]
    per = offers_per_capita(
        units,
        pd.DataFrame({COL_AGS: with_ags[COL_AGS].astype(str).to_numpy()}),
        population="demand",
        foreign_population=None,
        kreis=False,
        land=None,
    ).set_index(COL_AGS)
    kreis_demand = cells.groupby(COL_KREIS_AGS, sort=True)[demand_col].sum()
    kreis_counts = (
        offers[COL_KREIS_AGS]
        .dropna()
        .astype(str)
        .value_counts()
        .reindex(kreis_demand.index, fill_value=0)
        .astype(float)
    )
    kreis_rates = kreis_counts / kreis_demand.where(kreis_demand > 0) * PER_CAPITA_PER
    return per["offers"], per["offers_per_10000"], kreis_rates


def _unit_table(
    level: str,
    people: pd.DataFrame,
    demand_kind: DemandKind,
    mean_nearest_m: pd.Series,
    offers_count: pd.Series,
    value: pd.Series,
    names: pd.DataFrame,
    foreign_known: bool,
) -> pd.DataFrame:
    rows = people[people["level"] == level].set_index(COL_AGS)
    prefix = "foreign_population" if demand_kind is DemandKind.FOREIGN else "population"
    share_col = "foreign_share_beyond" if demand_kind is DemandKind.FOREIGN else "share_beyond"
    lookup = names[names["level"] == level].set_index(COL_AGS)[COL_NAME]
    out = pd.DataFrame(
        {
            "level": level,
            COL_AGS: rows.index.to_numpy(),
            COL_NAME: lookup.reindex(rows.index).to_numpy(),
            "population": rows["population"].to_numpy(),
        }
    )
    if foreign_known:
        out["foreign_population"] = rows["foreign_population"].to_numpy()
    out["demand"] = rows[prefix].to_numpy()
    out["demand_beyond"] = rows[f"{prefix}_beyond"].to_numpy()
    # people are sums of fractional cell pieces: drop the floating-point noise (1017355.0000000001)
    rounded = [
        c for c in ("population", "foreign_population", "demand", "demand_beyond") if c in out
    ]
    out[rounded] = out[rounded].round(3)
    out["share_beyond_pct"] = rows[share_col].to_numpy() * 100
    out["mean_nearest_km"] = mean_nearest_m.reindex(rows.index).to_numpy() / 1000
    out["offers"] = offers_count.reindex(rows.index).fillna(0).astype(int).to_numpy()
    out["value"] = value.reindex(rows.index).to_numpy()
    return out


def _measure(
    cells: pd.DataFrame,
    used: pd.DataFrame,
    params: CoverageParams,
    keys: Mapping[str, npt.NDArray[np.object_]],
    mean_nearest: Mapping[str, pd.Series],
    grid: DemandGrid,
    max_pairs: float | None = None,
) -> tuple[npt.NDArray[np.float64], dict[str, pd.Series], pd.Series | None]:
    """The chosen measure: per cell piece, per unit of each level (indexed by AGS), and for offers
    per capita the Gemeinde offer counts (``None`` otherwise)."""
    demand = cells["demand"].to_numpy(dtype=float)
    if params.method is Method.NEAREST:
        per_cell = cells["nearest_m"].to_numpy(dtype=float) / 1000
        return per_cell, {lvl: s / 1000 for lvl, s in mean_nearest.items()}, None
    if params.method is Method.SHARE:
        per_cell = cells["beyond"].to_numpy(dtype=float)
        return (
            per_cell,
            {lvl: _weighted_mean(k, per_cell, demand) * 100 for lvl, k in keys.items()},
            None,
        )
    if params.method in (Method.TWO_SFCA, Method.E2SFCA):
        supply = gpd.GeoDataFrame(
            {"id": used["id"].to_numpy(), "capacity": np.ones(len(used))},
            geometry=used.geometry.to_numpy(),
            crs=CRS_METRIC,
        )
        if params.method is Method.TWO_SFCA:
            access = two_stage_fca(
                cells,
                supply,
                demand_value="demand",
                supply_value="capacity",
                max_cost=params.catchment_m,
                max_pairs=max_pairs,
            )
        else:
            access = enhanced_two_stage_fca(
                cells,
                supply,
                demand_value="demand",
                supply_value="capacity",
                max_cost=params.catchment_m,
                weight_fn=params.e2sfca_weights,
                max_pairs=max_pairs,
            )
        per_cell = access.to_numpy(dtype=float) * FCA_PER
        return per_cell, {lvl: _weighted_mean(k, per_cell, demand) for lvl, k in keys.items()}, None
    demand_col = COL_FOREIGN_POPULATION if params.demand is DemandKind.FOREIGN else COL_POPULATION
    gem_counts, gem_rates, kreis_rates = _per_capita(grid, used, demand_col)
    total = float(demand.sum())
    land_rate = len(used) / total * PER_CAPITA_PER if total > 0 else float("nan")
    values = {
        LEVEL_GEMEINDE: gem_rates,
        LEVEL_KREIS: kreis_rates,
        LEVEL_LAND: pd.Series({NRW_LAND: land_rate}),
    }
    per_cell = cells[COL_AGS].map(gem_rates).to_numpy(dtype=float)
    return per_cell, values, gem_counts


def with_foreign_year(grid: DemandGrid, year: int | None) -> DemandGrid:
    """``grid`` with the foreign population of ``year``: each cell's people times the INKAR
    foreign share of its Kreis in that year (``None``: ``grid`` unchanged).

    Raises
    ------
    DataError
        No INKAR table, or no share for that year for some Kreis.
    """
    if year is None:
        return grid
    if grid.foreign_shares is None:
        raise DataError(
            "INKAR-Ausländeranteile fehlen (Datei aus dem Spiegel laden: mapapp fetch-data)",
            field="foreign_year",
        )
    shares = grid.foreign_shares[grid.foreign_shares["year"] == year]
    by_kreis = shares.set_index(COL_KREIS_AGS)["foreign_share_pct"]
    share = grid.cells[COL_KREIS_AGS].map(by_kreis)
    if share.isna().any():
        missing = sorted(set(grid.cells.loc[share.isna(), COL_KREIS_AGS]))
        raise DataError(
            f"kein INKAR-Ausländeranteil {year} für Kreis {missing[0]}"
            + (f" (und {len(missing) - 1} weitere)" if len(missing) > 1 else ""),
            field="foreign_year",
        )
    cells = grid.cells.copy()
    cells[COL_FOREIGN_POPULATION] = cells[COL_POPULATION].to_numpy(dtype=float) * (
        share.to_numpy(dtype=float) / 100.0
    )
    return replace(grid, cells=cells, foreign_year=year)


def run_coverage(
    grid: DemandGrid,
    offers: pd.DataFrame,
    params: CoverageParams,
    *,
    max_pairs: float | None = None,
) -> CoverageResult:
    """Compute the coverage measures for ``params`` on ``grid`` with the counted ``offers``.

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

    Raises
    ------
    DataError
        Foreign population asked for but not known (no Zensus data).
    mapapp.analysis.accessibility.PairLimitError
        Too many pairs within the catchment (a :class:`DataError`: page and CLI show its message).
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
    used = select_offers(offers, params)
    demand_col = COL_FOREIGN_POPULATION if params.demand is DemandKind.FOREIGN else COL_POPULATION
    cells = grid.cells.copy()
    cells["demand"] = cells[demand_col].to_numpy(dtype=float)

    near = nearest_cost(cells, used, supply_id="id")
    cells["nearest_m"] = near["cost"].to_numpy(dtype=float)
    cells["nearest_id"] = near["nearest"].to_numpy()
    cells["beyond"] = ~(cells["nearest_m"].to_numpy() <= params.threshold_m)

    people = share_beyond(
        cells,
        cost="nearest_m",
        threshold=params.threshold_m,
        population=COL_POPULATION,
        foreign_population=COL_FOREIGN_POPULATION if grid.foreign_known else None,
        gemeinde=COL_AGS,
        kreis=COL_KREIS_AGS,
        land=NRW_LAND,
    )
    demand = cells["demand"].to_numpy(dtype=float)
    nearest_m = cells["nearest_m"].to_numpy(dtype=float)
    keys = {
        LEVEL_GEMEINDE: cells[COL_AGS].to_numpy(dtype=object),
        LEVEL_KREIS: cells[COL_KREIS_AGS].to_numpy(dtype=object),
        LEVEL_LAND: np.full(len(cells), NRW_LAND, dtype=object),
    }
    mean_nearest = {lvl: _weighted_mean(k, nearest_m, demand) for lvl, k in keys.items()}

    counts = {
        LEVEL_GEMEINDE: used[COL_AGS].dropna().astype(str).value_counts(),
        LEVEL_KREIS: used[COL_KREIS_AGS].dropna().astype(str).value_counts(),
        LEVEL_LAND: pd.Series({NRW_LAND: len(used)}),
    }
    cells["value"], values, gem_counts = _measure(
        cells, used, params, keys, mean_nearest, grid, max_pairs
    )
    if gem_counts is not None:
        counts[LEVEL_GEMEINDE] = gem_counts

    tables = {
        lvl: _unit_table(
            lvl,
            people,
            params.demand,
            mean_nearest[lvl],
            counts[lvl],
            values[lvl],
            grid.names,
            grid.foreign_known,
        )
        for lvl in (LEVEL_GEMEINDE, LEVEL_KREIS)
    }
    ranked = rank_gaps(
        pd.concat([tables[LEVEL_GEMEINDE], tables[LEVEL_KREIS]], ignore_index=True),
        affected="demand_beyond",
    )
    land = _unit_table(
        LEVEL_LAND,
        people,
        params.demand,
        mean_nearest[LEVEL_LAND],
        counts[LEVEL_LAND],
        values[LEVEL_LAND],
        pd.DataFrame(
            {"level": [LEVEL_LAND], COL_AGS: [NRW_LAND], COL_NAME: ["Nordrhein-Westfalen"]}
        ),
        grid.foreign_known,
    ).iloc[0]
    precision = used["precision"].astype(str).value_counts()
    headline = Headline(
        demand=params.demand,
        threshold_m=params.threshold_m,
        demand_total=float(land["demand"]),
        demand_beyond=float(land["demand_beyond"]),
        share_beyond_pct=float(land["share_beyond_pct"]),
        value=float(land["value"]),
        n_offers=len(used),
        precision_counts=tuple(
            (p, int(precision[p])) for p in PRECISION_LABELS_DE if p in precision.index
        ),
        categories=params.categories,
    )
    offer_cols = [c for c in _OFFER_COLUMNS if c in used.columns]
    return CoverageResult(
        params=params,
        cells=cells,
        gemeinden=tables[LEVEL_GEMEINDE],
        kreise=tables[LEVEL_KREIS],
        ranked=ranked,
        headline=headline,
        offers=pd.DataFrame(used[offer_cols]).reset_index(drop=True),
        method_text=method_text(params, headline, grid),
        population_source=grid.population_source,
        foreign_year=grid.foreign_year,
        boundary_product=grid.boundary_product,
        boundary_year=grid.boundary_year,
        foreign_known=grid.foreign_known,
        n_cells=grid.n_cells,
        sources=_grid_sources(grid),
    )


# --------------------------------------------------------------------------------------------
# Texts: data, method
# --------------------------------------------------------------------------------------------


def data_sources(
    product: str,
    year: int,
    population_source: str,
    foreign_year: int | None = None,
    *,
    foreign_known: bool = True,
    grid_resolution_m: float | None = None,
) -> tuple[str, ...]:
    """The data vintages used (one line each).

    ``foreign_known`` and ``grid_resolution_m`` matter only for :data:`POPULATION_ZENSUS_GRID`:
    whether the Zensus foreign share per Gemeinde was available, and the grid's cell size.
    """
    if population_source == POPULATION_ZENSUS_GRID:
        label = _grid_label(grid_resolution_m)
        people = (
            f"Bevölkerung: Zensus 2022, Einwohner je Gitterzelle{' ' + label if label else ''} "
            f"(Stichtag 15.05.2022), {zensus_grid_attribution(grid_resolution_m)}; "
            + (
                "ausländische Bevölkerung = Einwohner der Zelle × Ausländeranteil ihrer Gemeinde "
                f"(Zensus 2022 je Gemeinde, {ATTRIBUTION_ZENSUS})"
                if foreign_known
                else "ausländische Bevölkerung unbekannt (Zensus-Datei je Gemeinde fehlt)"
            )
        )
    elif population_source == POPULATION_ZENSUS:
        people = (
            "Bevölkerung und ausländische Bevölkerung je Gemeinde: Zensus 2022 "
            f"(Stichtag 15.05.2022), {ATTRIBUTION_ZENSUS}"
        )
    else:
        people = (
            "Bevölkerung je Gemeinde: GV-ISys, Fortschreibung zum 31.12.2023, "
            f"{ATTRIBUTION_DESTATIS} – ausländische Bevölkerung unbekannt (Zensus-Datei fehlt)"
        )
    if foreign_year is not None:
        if population_source == POPULATION_ZENSUS_GRID:
            label = _grid_label(grid_resolution_m)
            base = (
                f"Bevölkerung: Zensus 2022, Einwohner je Gitterzelle{' ' + label if label else ''}, "
                f"{zensus_grid_attribution(grid_resolution_m)}"
            )
            whose = "Einwohner der Zelle"
        else:
            zensus = population_source == POPULATION_ZENSUS
            base = f"Bevölkerung je Gemeinde: {'Zensus 2022' if zensus else 'GV-ISys 31.12.2023'}"
            whose = "Bevölkerung"
        people = (
            f"{base}; ausländische Bevölkerung = {whose} × "
            f"Ausländeranteil des Kreises {foreign_year} (INKAR, BBSR Bonn, dl-de/by-2-0) – "
            "Näherung: heutige Bevölkerung, Anteil von damals"
        )
    return (
        f"Gemeindegrenzen: BKG {product}, Stand 01.01.{year}, um {GRID_SIMPLIFY_M:g} m vereinfacht, "
        f"{bkg_attribution(year)}, dl-de/by-2-0",
        people,
        "Angebote: Angebotsdaten der App (mitgelieferte Startdaten bzw. importierte Listen), "
        "Quelle je Angebot im Datensatz",
    )


def _grid_sources(grid: DemandGrid) -> tuple[str, ...]:
    return data_sources(
        grid.boundary_product,
        grid.boundary_year,
        grid.population_source,
        grid.foreign_year,
        foreign_known=grid.foreign_known,
        grid_resolution_m=grid.cell_size_m,
    )


def _de_number(value: float, decimals: int = 0) -> str:
    """German number format: ``35010`` -> ``35.010``, ``2.5`` -> ``2,5``."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _fmt_km(metres: float) -> str:
    """``3333.3`` -> ``3,33 km``, ``10000`` -> ``10 km``."""
    text = f"{metres / 1000:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + " km"


def precision_text_de(counts: Iterable[tuple[str, int]]) -> str:
    parts = [f"{n} {PRECISION_LABELS_DE.get(p, p)}" for p, n in counts]
    return ", ".join(parts) if parts else "keine"


#: Dative forms ("gewichtet mit der ...").
_DEMAND_DATIVE_DE: dict[DemandKind, str] = {
    DemandKind.ALL: "Bevölkerung",
    DemandKind.FOREIGN: "ausländischen Bevölkerung",
}


def _fca_text(params: CoverageParams, who: str) -> str:
    weights = ""
    if params.method is Method.E2SFCA:
        w = params.e2sfca_weights
        if isinstance(w, StepWeights):
            bands = "; ".join(
                f"bis {_fmt_km(t)}: {_de_number(g, 2)}"
                for t, g in zip(w.thresholds, w.weights, strict=True)
            )
            weights = f" Distanzgewichte in beiden Stufen: {bands}, darüber 0."
        else:
            weights = f" Gauß-Gewicht exp(−d²/2σ²) in beiden Stufen, σ = {_fmt_km(w.sigma)}."
    return (
        "**Berechnung:** Zwei-Stufen-Verfahren (2SFCA, wie PySAL access): je Angebot 1 geteilt "
        f"durch die {who} im Umkreis von {_fmt_km(params.catchment_m)}, je Zelle die Summe über "
        f"die erreichbaren Angebote, angegeben je {_de_number(FCA_PER)} Menschen; je Gebiet der "
        f"mit der {who} gewichtete Mittelwert. 0 = kein Angebot im Einzugsbereich.{weights}"
    )


def _demand_text(grid: DemandGrid, size: str) -> str:
    """The "Nachfrage" paragraph: people spread by area, or the Zensus grid."""
    if grid.population_source != POPULATION_ZENSUS_GRID:
        return (
            "**Nachfrage:** Die Menschen jeder Gemeinde sind nach Fläche gleichmäßig auf Quadrate "
            f"von {size} m × {size} m (EPSG:25832) verteilt – {_de_number(grid.n_cells)} Zellen, "
            "an Gemeindegrenzen geteilt. Wo innerhalb einer Gemeinde Menschen wohnen, ist nicht "
            "bekannt (keine Siedlungs- oder 100-m-Zensusdaten geladen)."
        )
    label = _grid_label(grid.cell_size_m)
    if grid.foreign_year is not None:
        foreign = (
            "die ausländische Bevölkerung ist Einwohner der Zelle × Ausländeranteil ihres Kreises "
            f"{grid.foreign_year} (INKAR)"
        )
    elif grid.foreign_known:
        foreign = (
            "die ausländische Bevölkerung ist Einwohner der Zelle × Ausländeranteil ihrer Gemeinde "
            "(Zensus 2022 je Gemeinde)"
        )
    else:
        foreign = "die ausländische Bevölkerung ist unbekannt"
    return (
        f"**Nachfrage:** Einwohner je Gitterzelle {label} des Zensus 2022 (Stichtag 15.05.2022) – "
        f"{_de_number(len(grid.cells))} Zellen. Jede Zelle gehört zu der Gemeinde, in der ihr "
        "Mittelpunkt liegt; Zellen mit Mittelpunkt außerhalb der NRW-Gemeinden sind weggelassen "
        "(ihre Einwohner zählen nicht). Die Einwohnerzahlen der Zellen sind nicht auf die "
        f"Gemeindesummen umgerechnet; {foreign}."
    )


def method_text(params: CoverageParams, headline: Headline, grid: DemandGrid) -> str:
    """What was computed on which data, in German (Markdown paragraphs)."""
    who = _DEMAND_DATIVE_DE[params.demand]
    size = _de_number(params.cell_size_m)
    km = _fmt_km(params.threshold_m)
    from_grid = grid.population_source == POPULATION_ZENSUS_GRID
    lines = [
        f"**Kennzahl:** {METHOD_LABELS_DE[params.method]}; Nachfrage: "
        f"{DEMAND_LABELS_DE[params.demand]}; Angebote: {category_text_de(params.categories)}; "
        f"Schwelle {km}.",
        _demand_text(grid, size),
        f"**Angebote:** {headline.n_offers} Angebote; Standortgenauigkeit: "
        f"{precision_text_de(headline.precision_counts)}. Jedes Angebot zählt 1 (Kapazitäten sind "
        "nicht erfasst)."
        + (
            ""
            if params.include_kreis_area
            else " Angebote, die nur über ihren Kreis verortet sind, zählen nicht."
        ),
        "**Entfernung:** Luftlinie vom "
        + ("Mittelpunkt jeder Gitterzelle" if from_grid else "Schwerpunkt jedes Zellstücks")
        + " zum nächsten Angebot – keine Wege, keine Fahrzeiten. Angebote außerhalb von NRW sind "
        "nicht enthalten (am Landesrand werden Entfernungen überschätzt).",
    ]
    if params.method is Method.NEAREST:
        lines.append(
            f"**Berechnung:** je Gebiet der Mittelwert der Entfernung, gewichtet mit der {who}."
        )
    elif params.method is Method.SHARE:
        lines.append(
            f"**Berechnung:** Anteil der {who}, deren Zelle weiter als {km} vom nächsten "
            "Angebot liegt."
        )
    elif params.method in (Method.TWO_SFCA, Method.E2SFCA):
        lines.append(_fca_text(params, who))
    else:
        lines.append(
            "**Berechnung:** Zahl der Angebote mit Standort in der Gemeinde je "
            f"{_de_number(PER_CAPITA_PER)} Menschen der {who}; bei Kreisen zählen auch Angebote, "
            "die nur über den Kreis verortet sind. Entfernungen spielen hier keine Rolle."
        )
    lines += [
        f"**Betroffene (Rangliste):** Menschen der {who} in Zellen weiter als {km} Luftlinie "
        "vom nächsten Angebot; Gemeinden und Kreise nach dieser Zahl geordnet.",
        (
            f"**Rasterkarte:** Jede Gitterzelle (EPSG:3035) wird dem {size}-m-Quadrat in "
            "EPSG:25832 zugeordnet, in dem ihr Mittelpunkt liegt – nur für die Darstellung; "
            "gerechnet wird mit den echten Mittelpunkten. Quadrate ohne Gitterzelle bleiben leer."
            if from_grid
            else "**Rasterweite:** Standard 1 km (etwa 35.000 Zellen in NRW). Das ist deutlich "
            "feiner als die betrachteten Entfernungen von einigen Kilometern; weil die Bevölkerung "
            "nur je Gemeinde bekannt ist, brächten feinere Zellen keine genaueren Wohnorte, nur "
            "längere Rechenzeit."
        ),
        "**Vorsicht:** Die Angebotsdaten sind unvollständig (wenige recherchierte Stellen und "
        "ungefähr verortete Ausländerbehörden). Die Ergebnisse zeigen Lücken in den Daten ebenso "
        "wie echte Versorgungslücken.",
        "**Daten:** " + " · ".join(_grid_sources(grid)),
    ]
    return "\n\n".join(lines)


# --------------------------------------------------------------------------------------------
# Exports and the funding comparison
# --------------------------------------------------------------------------------------------

#: Export levels.
EXPORT_LEVELS = ("gemeinde", "kreis", "cell")


def export_table(result: CoverageResult, level: str) -> pd.DataFrame:
    """The table the page offers for download and ``mapapp coverage nrw --out`` writes.

    ``level``: ``"gemeinde"``/``"kreis"`` (the ranking of that level) or ``"cell"`` (one row per
    piece of a grid cell: ``cell_id``, ``ags``, ``kreis_ags``, ``x``, ``y``, people, ``demand``,
    ``nearest_m`` (empty when no offer), ``beyond``, ``value``).
    """
    if level == "cell":
        cols = [COL_CELL_ID, COL_AGS, COL_KREIS_AGS, "x", "y", COL_POPULATION]
        if result.foreign_known:
            cols.append(COL_FOREIGN_POPULATION)
        cols += ["demand", "nearest_m", "nearest_id", "beyond", "value"]
        out = result.cells[cols].copy()
        out["nearest_m"] = out["nearest_m"].replace(np.inf, np.nan)
        return out.reset_index(drop=True)
    if level not in (LEVEL_GEMEINDE, LEVEL_KREIS):
        raise ValueError(f"Ebene muss eine von {', '.join(EXPORT_LEVELS)} sein, nicht {level!r}")
    return result.ranked[result.ranked["level"] == level].reset_index(drop=True)


def export_comment(result: CoverageResult) -> str:
    """One-line header for CSV exports: parameters and attribution."""
    p = result.params
    return (
        f"Versorgungslücken NRW – {METHOD_LABELS_DE[p.method]}; Nachfrage {DEMAND_LABELS_DE[p.demand]}; "
        f"Angebote {category_text_de(p.categories)} ({result.headline.n_offers}); "
        f"Schwelle {p.threshold_m:g} m; Raster {p.cell_size_m:g} m | {result.attribution}"
    )


COMPARISON_KREISE = "Kreise und kreisfreie Städte"
COMPARISON_GEMEINDEN = "kreisangehörige Gemeinden"
GROUP_FUNDED = "gefördert"
GROUP_ELIGIBLE = "mit Ausländerbehörde, nicht gefördert (laut Liste)"
GROUP_OTHER = "übrige (ohne eigene Ausländerbehörde)"


def _group_stats(
    table: pd.DataFrame, groups: Mapping[str, pd.Series], comparison: str
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for group, mask in groups.items():
        part = table[mask.to_numpy()]
        demand = float(part["demand"].sum())
        beyond = float(part["demand_beyond"].sum())
        finite = part[np.isfinite(part["value"].to_numpy(dtype=float))]
        w = finite["demand"].to_numpy(dtype=float)
        v = finite["value"].to_numpy(dtype=float)
        rows.append(
            {
                "comparison": comparison,
                "group": group,
                "units": len(part),
                "demand": demand,
                "demand_beyond": beyond,
                "share_beyond_pct": beyond / demand * 100 if demand > 0 else float("nan"),
                "value_weighted": float((w * v).sum() / w.sum()) if w.sum() > 0 else float("nan"),
                "value_median": float(np.median(v)) if len(v) else float("nan"),
            }
        )
    return rows


def funding_comparison(result: CoverageResult, units: pd.DataFrame) -> pd.DataFrame:
    """Descriptive comparison of the measure for funded Kommunen against the others.

    Two comparisons of disjoint units, so no person is counted twice within one:

    * Kreise and kreisfreie Städte (Kreis rows of the result): funded vs. not funded;
    * kreisangehörige Gemeinden (Gemeinde rows): funded Städte vs. eligible (own
      Ausländerbehörde) but not funded vs. the others.

    Parameters
    ----------
    units
        :func:`mapapp.analysis.funding.funding_units` for the chosen years: ``ags``, ``level``
        (``kreis``/``gemeinde``), ``funded``, ``eligible``. A kreisfreie Stadt appears as a Kreis
        row with its 8-digit AGS.

    Returns
    -------
    pandas.DataFrame
        ``comparison``, ``group``, ``units``, ``demand``, ``demand_beyond``, ``share_beyond_pct``
        (pooled), ``value_weighted`` (demand-weighted mean of the unit measure), ``value_median``.
    """
    kreis_units = units[units["level"] == LEVEL_KREIS]
    funded_kreise = set(
        kreis_units.loc[kreis_units["funded"].astype(bool), COL_AGS].astype(str).str[:5]
    )
    kreisfrei = {a[:5] for a in kreis_units[COL_AGS].astype(str) if len(a) == 8}
    kreise = result.kreise
    k_funded = kreise[COL_AGS].isin(funded_kreise)
    rows = _group_stats(
        kreise,
        {GROUP_FUNDED: k_funded, "nicht gefördert (laut Liste)": ~k_funded},
        COMPARISON_KREISE,
    )
    gem_units = units[units["level"] == LEVEL_GEMEINDE].set_index(COL_AGS)
    gem = result.gemeinden[~result.gemeinden[COL_AGS].str[:5].isin(kreisfrei)]
    funded = gem[COL_AGS].map(gem_units["funded"]).fillna(False).astype(bool)
    eligible = gem[COL_AGS].map(gem_units["eligible"]).fillna(False).astype(bool) & ~funded
    rows += _group_stats(
        gem,
        {GROUP_FUNDED: funded, GROUP_ELIGIBLE: eligible, GROUP_OTHER: ~funded & ~eligible},
        COMPARISON_GEMEINDEN,
    )
    return pd.DataFrame(rows)


__all__ = [
    "CELL_SIZES_M",
    "DEFAULT_CELL_SIZE_M",
    "DEFAULT_THRESHOLD_M",
    "CoverageInputs",
    "CoverageParams",
    "CoverageResult",
    "DemandGrid",
    "DemandKind",
    "Headline",
    "Method",
    "attribution_text",
    "coverage_inputs",
    "demand_grid_from_population_grid",
    "demand_grid_nrw",
    "export_comment",
    "export_table",
    "funding_comparison",
    "load_nrw_inputs",
    "load_offers",
    "method_text",
    "run_coverage",
    "select_offers",
    "zensus_grid_attribution",
]
