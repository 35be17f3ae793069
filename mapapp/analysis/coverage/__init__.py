"""Coverage-gap pipeline on the NRW data ("Versorgungslücken"): one core for the page and the CLI.

Pure: frames and parameters in, frames and dataclasses out (EPSG:25832, metres). Reading the data
directory and the offer store is :mod:`mapapp.services.coverage`; the German texts about a result
(method, sources, headline sentence) are :mod:`mapapp.text.coverage`.

- :mod:`.params` – :class:`~.params.CoverageParams` (measure, demand, threshold, cell size);
- :mod:`.grid` – :func:`~.grid.coverage_inputs` (Gemeinden with people),
  :func:`~.grid.demand_grid_nrw` (people spread by area over square cells, via
  :func:`mapapp.analysis.demand.build_demand_grid`) or :func:`~.grid.demand_grid_from_population_grid`
  (the Zensus 2022 grid's people at the real cell centres), :func:`~.grid.with_foreign_year`;
- :mod:`.offers` – :func:`~.offers.select_offers` (which offers count);
- :mod:`.result` – :func:`~.result.run_coverage`: distance to the nearest offer, people beyond the
  threshold, the chosen measure (:mod:`.measures`), summaries per Gemeinde, Kreis and NRW, the gap
  ranking and the headline figures;
- :mod:`.exports` – :func:`~.exports.export_table` (what the page's download and
  ``mapapp coverage nrw`` write) and :func:`~.exports.funding_comparison` (funded Kommunen against
  the others, descriptive only).

The measures themselves are :mod:`mapapp.analysis.accessibility` (tested against PySAL ``access``).
This package file imports nothing, so ``mapapp coverage`` can use :mod:`.params` without loading
geopandas.
"""
