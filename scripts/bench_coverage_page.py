"""Benchmark of the Versorgungslücken page's work: cold start vs. a rerun with a changed threshold.

Usage: python scripts/bench_coverage_page.py [--cell-size 1000] [--repeat 5]
       (MAPAPP_DATA_DIR must hold the fetched data: ``mapapp fetch-data``)

What is timed (in one process, the same calls the page makes, without the Streamlit server):

* cold: Gemeinden + people (``load_nrw_inputs``), demand grid (``demand_grid_nrw``), the pixel lookup
  of the grid image (``raster_lookup``), the offers (``load_offers``), ``run_coverage`` and the
  folium map built and rendered to HTML - what the first page view after a server start does
  (the simplified boundaries come from the GeoParquet cache in ``derived/``; ``--no-boundary-cache``
  builds them too).
* rerun: what a changed threshold costs once the grid is cached: ``run_coverage`` for the new
  threshold, a pickle round trip of the offers and of the result (``st.cache_data`` hands out
  copies), and the map built and rendered. Median over thresholds 5..25 km and ``--repeat`` rounds.

The ratio cold / rerun is reported from the same run, plus the map payload (bytes of HTML/JS the
browser receives) for the grid, Gemeinde and Kreis views.
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams, Method
from mapapp.analysis.coverage.result import CoverageResult, run_coverage
from mapapp.config import Settings, get_settings
from mapapp.io import datasets
from mapapp.render.coverage_map import coverage_map
from mapapp.render.coverage_raster import raster_lookup
from mapapp.services import coverage


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def page_map(result: CoverageResult, view: str, b: Any, lookup: Any) -> int:
    m = coverage_map(result, view, kreise=b.kreise, gemeinden=b.gemeinden, lookup=lookup)
    return len(m.get_root().render().encode("utf-8"))


def cold(settings: Settings, cell_size: float, params: CoverageParams) -> dict[str, float]:
    out: dict[str, float] = {}
    out["boundaries"], b = timed(lambda: datasets.load_boundaries(settings, simplify_m=100.0))
    out["inputs"], inputs = timed(lambda: coverage.load_inputs(settings))
    out["grid"], grid = timed(lambda: demand_grid_nrw(inputs, cell_size))
    outline = b.land.geometry.iloc[0]
    out["raster lookup"], lookup = timed(lambda: raster_lookup(grid, outline))
    out["offers"], offers = timed(lambda: coverage.load_offers(settings))
    out["run_coverage"], result = timed(lambda: run_coverage(grid, offers, params))
    out["map"], _ = timed(lambda: page_map(result, "grid", b, lookup))
    out["total"] = sum(out.values())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cell-size", type=float, default=1000.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-boundary-cache",
        action="store_true",
        help="cold run in a copy of the data directory without derived/ caches",
    )
    parser.add_argument(
        "--apptest", action="store_true", help="also time the whole page script with AppTest"
    )
    args = parser.parse_args()
    settings = get_settings()
    params = CoverageParams(cell_size_m=args.cell_size)
    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; Python "
        f"{platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}"
    )

    tmp: str | None = None
    cold_settings = settings
    if args.no_boundary_cache:
        tmp = tempfile.mkdtemp(prefix="bench_cov_")
        shutil.copytree(settings.raw_dir, Path(tmp) / "raw")
        cold_settings = Settings(data_dir=Path(tmp))
    try:
        t_cold = cold(cold_settings, args.cell_size, params)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print("\nCold (first view after a server start):")
    for key, value in t_cold.items():
        print(f"  {key:<14} {value:7.3f} s")

    # cached state of the page: grid, lookup, offers, boundaries
    b = datasets.load_boundaries(settings, simplify_m=100.0)
    grid = demand_grid_nrw(coverage.load_inputs(settings), args.cell_size)
    lookup = raster_lookup(grid, b.land.geometry.iloc[0])
    offers_blob = pickle.dumps(coverage.load_offers(settings))
    print(
        f"\nGrid: {grid.n_cells:,} cells, {len(grid.cells):,} pieces (cell size {args.cell_size:g} m)"
    )

    def rerun(p: CoverageParams) -> float:
        start = time.perf_counter()
        offers = pickle.loads(offers_blob)  # st.cache_data returns a copy
        result = run_coverage(grid, offers, p)
        result = pickle.loads(pickle.dumps(result))  # stored and handed out as a copy
        page_map(result, "grid", b, lookup)
        return time.perf_counter() - start

    rows = []
    for method in Method:
        times = [
            rerun(
                CoverageParams(cell_size_m=args.cell_size, method=method, threshold_m=km * 1000.0)
            )
            for _ in range(args.repeat)
            for km in (5, 10, 15, 20, 25)
        ]
        rows.append((method.value, statistics.median(times), max(times)))
    print("\nRerun with a changed threshold (grid cached), per measure:")
    print("  measure       median     max   cold/median")
    for name, med, worst in rows:
        print(f"  {name:<12} {med:6.3f} s {worst:6.3f} s   {t_cold['total'] / med:5.1f}x")

    result = run_coverage(grid, pickle.loads(offers_blob), params)
    print("\nMap payload (HTML/JS bytes):")
    for view in ("grid", "gemeinde", "kreis"):
        print(f"  {view:<9} {page_map(result, view, b, lookup) / 1e6:6.2f} MB")
    if args.apptest:
        apptest(args.repeat)


def apptest(repeat: int) -> None:
    """The whole page script through Streamlit's AppTest (widgets, cache layers, map, tables)."""
    from streamlit.testing.v1 import AppTest

    script = "from mapapp.ui.pages import versorgungsluecken\nversorgungsluecken.render()\n"
    at = AppTest.from_string(script, default_timeout=300)
    first, _ = timed(at.run)
    times = []
    for _ in range(repeat):
        for km in (5, 15, 20, 25, 10):
            t, _ = timed(at.slider(key="gap_km").set_value(km).run)
            assert not at.exception, at.exception
            times.append(t)
    again, _ = timed(at.slider(key="gap_km").set_value(10).run)
    print("\nWhole page script (AppTest, no browser):")
    print(f"  first run (cold caches)        {first:6.3f} s")
    print(f"  threshold change (new result)  {statistics.median(times[:5]):6.3f} s median of 5")
    print(f"  threshold seen before (cached) {again:6.3f} s")
    print(f"  cold / threshold change        {first / statistics.median(times[:5]):5.1f}x")


if __name__ == "__main__":
    main()
