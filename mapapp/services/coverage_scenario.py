"""User task "what if these offers were added, moved or removed?" on the NRW coverage data.

New offers come from a file read by the offers importer (:func:`mapapp.io.offers.parse_offers`,
with its row report; smaller limits than an import: a scenario holds a few offers) or from a
point on the map (the Gemeinde from the locator). Nothing is ever written to the offer store:
the scenario is a value (:class:`~mapapp.analysis.coverage.scenario.Scenario`) the page keeps
in the session. The comparison is :func:`mapapp.analysis.coverage.scenario_result.run_scenario`.

On a street network (a network mode of the params) the added and moved offers get travel times on
the same built network as the existing ones (:func:`fresh_travel_times`: the same
:func:`mapapp.services.coverage.travel_times`, so the same snapping, speeds and search limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mapapp.analysis.coverage.grid import DemandGrid
from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.scenario import MAX_CHANGES, NewOffer, Scenario
from mapapp.analysis.coverage.scenario_result import ScenarioResult, fresh_offers, run_scenario
from mapapp.analysis.network import TravelTimes
from mapapp.config import Settings
from mapapp.ingest.report import ImportReport
from mapapp.io.offer_placing import GeoContext
from mapapp.io.offers import parse_offers
from mapapp.projection import to_metric
from mapapp.services import coverage

if TYPE_CHECKING:
    import pandas as pd

#: Largest scenario file (bytes) and number of data rows.
SCENARIO_MAX_BYTES = 200_000
SCENARIO_MAX_ROWS = 200


@dataclass(frozen=True)
class ScenarioUpload:
    """The offers of a scenario file (ids ``S<n>``, located ones only) and the importer's report.

    ``unlocated`` counts accepted rows without a point (only their Kreis is known): they would
    never count in a distance, so they are not added.
    """

    offers: tuple[NewOffer, ...]
    unlocated: int
    report: ImportReport


def scenario_upload(
    data: bytes, filename: str, ctx: GeoContext, scenario: Scenario
) -> ScenarioUpload:
    """Read a file of new offers for ``scenario`` (nothing is stored).

    Raises
    ------
    mapapp.model.DataError
        The file itself is unusable (type, size over :data:`SCENARIO_MAX_BYTES`, more rows than
        :data:`SCENARIO_MAX_ROWS`, no name column …).
    """
    result = parse_offers(
        data, filename, ctx, max_bytes=SCENARIO_MAX_BYTES, max_rows=SCENARIO_MAX_ROWS
    )
    room = max(MAX_CHANGES - scenario.n_changes, 0)
    offers: list[NewOffer] = []
    grown = scenario
    for o in result.offers:
        if not o.located or o.lon is None or o.lat is None or len(offers) >= room:
            continue
        new = NewOffer(
            id=grown.next_id(),
            name=o.name,
            category=o.category.value,
            lon=o.lon,
            lat=o.lat,
            precision=o.precision.value,
            ags=o.ags,
            capacity=o.capacity,
        )
        offers.append(new)
        grown = grown.add(new)
    unlocated = sum(1 for o in result.offers if not o.located)
    return ScenarioUpload(tuple(offers), unlocated, result.report)


def gemeinde_at(ctx: GeoContext, lon: float, lat: float) -> str | None:
    """AGS of the NRW Gemeinde at a point (WGS84 degrees); ``None`` outside NRW."""
    x, y = to_metric([lon], [lat])
    if not bool(ctx.locator.in_nrw(x, y)[0]):
        return None
    return ctx.locator.ags_at(x, y)[0]


def fresh_travel_times(
    settings: Settings,
    grid: DemandGrid,
    offers: pd.DataFrame,
    params: CoverageParams,
    scenario: Scenario,
) -> TravelTimes:
    """Minutes from the grid's pieces to the offers ``scenario`` adds or moves (at their new
    points) on the built network of ``params.mode``: the ``fresh`` of
    :func:`~mapapp.analysis.coverage.scenario_result.run_scenario`. Empty (no network read) when
    the scenario only removes offers.

    Raises
    ------
    mapapp.model.DataError
        No network of that mode is built; an unknown id to move or remove.
    """
    return coverage.travel_times(settings, grid, fresh_offers(offers, scenario), params)


def compute_scenario(
    settings: Settings,
    params: CoverageParams,
    scenario: Scenario,
    *,
    population_grid: bool = False,
) -> ScenarioResult:
    """Before and after ``scenario`` on the data directory's grid and the store's offers (on the
    built street network when ``params`` has a network mode)."""
    grid = coverage.build_grid(settings, params.cell_size_m, population_grid=population_grid)
    offers = coverage.load_offers(settings)
    if not params.network:
        return run_scenario(grid, offers, params, scenario)
    travel = coverage.travel_times(settings, grid, offers, params)
    fresh = fresh_travel_times(settings, grid, offers, params, scenario)
    return run_scenario(grid, offers, params, scenario, travel=travel, fresh=fresh)


__all__ = [
    "SCENARIO_MAX_BYTES",
    "SCENARIO_MAX_ROWS",
    "ScenarioUpload",
    "compute_scenario",
    "fresh_travel_times",
    "gemeinde_at",
    "scenario_upload",
]
