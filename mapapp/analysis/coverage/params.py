"""What a coverage run computes: the measure, whose demand, the threshold (:class:`CoverageParams`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from mapapp.analysis.accessibility import GaussianWeights, StepWeights
from mapapp.model import OfferCategory

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
    CAPACITY = "capacity"  # share of the demand left unserved by the offers' capacities, percent


class DemandKind(StrEnum):
    """Whose coverage is measured."""

    ALL = "all"  # the whole population
    FOREIGN = "foreign"  # people without German citizenship (Zensus 2022 share per Gemeinde)


#: Location precisions of offers in reporting order (``Headline.precision_counts``).
PRECISIONS = (
    "address", "street", "postcode", "gemeinde_centre", "kreis_seat_centre", "kreis_area",
)  # fmt: skip
PRECISION_KREIS_AREA = "kreis_area"
PRECISION_KREIS_SEAT = "kreis_seat_centre"
#: Precisions of offers with a point that stands only roughly where the offer is: a PLZ area's
#: centre, the Gemeinde centre, the centre of the Kreis seat's Gemeinde. (``address`` and
#: ``street`` count as located; ``kreis_area`` has no point and never counts.)
APPROXIMATE_PRECISIONS = ("postcode", "gemeinde_centre", "kreis_seat_centre")
#: A figure rests mostly on approximate locations when the nearest counted offer of more than
#: this share of the demand (people) is approximately located (:data:`APPROXIMATE_PRECISIONS`);
#: a unit's row is marked, the headline is shown as an approximation
#: (:attr:`Support.APPROXIMATE`).
MOSTLY_APPROXIMATE = 0.5


class Support(StrEnum):
    """How far the data carry a headline (labels: ``mapapp.text.coverage_basis``)."""

    OK = "ok"  # offers with a location; most of the demand's nearest offers exactly located
    APPROXIMATE = "approximate"  # the nearest offer of most of the demand is approximate
    NO_OFFERS = "no_offers"  # no offer of the chosen categories has a location
    NO_CAPACITY = "no_capacity"  # capacity method: no counted offer has a capacity


#: How costs are measured: straight line (metres) or travel time on a built street network
#: (minutes; :mod:`mapapp.analysis.network`, ``mapapp network build --mode walk|bike|car``).
MODE_LINE = "line"
TRAVEL_MODES: tuple[str, ...] = (MODE_LINE, "walk", "bike", "car")
#: Travel time (minutes) up to which the page searches the network from the offers: the upper end
#: of its threshold slider, so a threshold change reuses the same cost table.
NETWORK_MAX_MINUTES: dict[str, float] = {"walk": 120.0, "bike": 120.0, "car": 60.0}

#: Export levels (``distribution``: :func:`~mapapp.analysis.coverage.distribution.distribution_table`).
EXPORT_LEVELS = ("gemeinde", "kreis", "cell", "distribution")


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
        Whether offers placed only through their Kreis count: those at the centre of the Kreis
        seat's Gemeinde (precision ``kreis_seat_centre``, e.g. the Ausländerbehörden of the
        Kreise). Offers known only by their Kreis (``kreis_area``) have no location and never
        count. (The name is kept for the saved URLs and the CLI's ``--exclude-kreis-area``.)
    foreign_year
        ``None``: foreign population from the Zensus 2022 share per Gemeinde. A year (e.g. 2006):
        each Gemeinde's population times the INKAR foreign share of its Kreis in that year (the
        people of today, the share of then – an approximation for the funding years).
    mode
        :data:`MODE_LINE` (straight-line metres, the default) or a street-network mode of
        :data:`TRAVEL_MODES` (travel minutes from a cost table; ``threshold_m``, ``max_cost_m``
        and ``weights`` are then not used).
    threshold_min
        A network mode's threshold in minutes; also the catchment of 2SFCA/E2SFCA and the
        capacity method. Required with a network mode, ``None`` otherwise.
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
    mode: str = MODE_LINE
    threshold_min: float | None = None

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
        self._check_mode()

    def _check_mode(self) -> None:
        if self.mode not in TRAVEL_MODES:
            raise ValueError(f"unbekannte Art der Entfernung {self.mode!r}")
        if self.mode == MODE_LINE:
            if self.threshold_min is not None:
                raise ValueError("threshold_min gibt es nur mit einem Straßennetz")
            return
        value = float(self.threshold_min) if self.threshold_min is not None else math.nan
        if not math.isfinite(value) or value <= 0:
            raise ValueError("threshold_min muss eine Zahl > 0 (Minuten) sein")
        object.__setattr__(self, "threshold_min", value)

    @property
    def network(self) -> bool:
        """Travel times on a street network (minutes) instead of straight lines (metres)."""
        return self.mode != MODE_LINE

    @property
    def threshold(self) -> float:
        """The threshold in the unit of the costs: metres, or minutes with a network mode."""
        return float(self.threshold_min) if self.threshold_min is not None else self.threshold_m

    @property
    def catchment_m(self) -> float:
        """Catchment of the floating-catchment measures (metres)."""
        return self.max_cost_m if self.max_cost_m is not None else self.threshold_m

    @property
    def catchment(self) -> float:
        """Catchment of 2SFCA/E2SFCA and the capacity method in the unit of the costs (metres,
        or a network mode's threshold in minutes)."""
        return self.threshold if self.network else self.catchment_m

    @property
    def e2sfca_weights(self) -> StepWeights | GaussianWeights:
        if self.weights is not None and not self.network:
            return self.weights
        return StepWeights.classic(self.catchment)
