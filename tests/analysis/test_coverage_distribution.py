"""Distribution of the measure: weighted mean, median, 90th percentile and Gini, by hand.

First the statistics on toy arrays, then the per-Kreis/NRW table on the SYNTHETIC two-Gemeinde
scenario of :mod:`tests.fixtures.coverage_inputs` with different foreign shares (G1: 50 foreign
residents per cell, G2: 12.5; 100 people per cell everywhere), so foreign and total differ.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mapapp.analysis.accessibility.distribution import (
    weighted_gini,
    weighted_mean,
    weighted_quantile,
)
from mapapp.analysis.coverage.distribution import distribution_table
from mapapp.analysis.coverage.exports import export_table
from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams, Method
from mapapp.analysis.coverage.result import run_coverage
from mapapp.cli import main
from tests.fixtures.coverage_inputs import ABH, make_inputs, make_offers


def gini_by_definition(values: list[float], weights: list[float]) -> float:
    """sum_i sum_j w_i w_j |x_i - x_j| / (2 W^2 mean), as written."""
    total = sum(weights)
    mean = sum(v * w for v, w in zip(values, weights, strict=True)) / total
    pairs = sum(
        wi * wj * abs(vi - vj)
        for vi, wi in zip(values, weights, strict=True)
        for vj, wj in zip(values, weights, strict=True)
    )
    return pairs / (2 * total**2 * mean)


def test_weighted_statistics_on_toy_arrays() -> None:
    # 1 2 3 4, equal weights: median 2 (half the weight at or below 2), p90 4, mean 2.5;
    # Gini: ordered-pair differences 2 x (1+2+3+1+2+1) = 20 / (2 x 16 x 2.5) = 0.25
    v, w = [1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0]
    assert weighted_mean(v, w) == 2.5
    assert (weighted_quantile(v, w, 0.5), weighted_quantile(v, w, 0.9)) == (2.0, 4.0)
    assert weighted_gini(v, w) == pytest.approx(0.25)
    # weights are repetitions: [0, 1] weighted [3, 1] is [0, 0, 0, 1]
    assert weighted_gini([0.0, 1.0], [3.0, 1.0]) == pytest.approx(0.75)
    assert weighted_gini([0, 0, 0, 1], [1, 1, 1, 1]) == pytest.approx(0.75)
    assert weighted_quantile([1.0, 0.0], [1.0, 3.0], 0.5) == 0.0  # order of input irrelevant
    assert weighted_quantile([0.0, 1.0], [3.0, 1.0], 0.9) == 1.0  # 0.9 x 4 = 3.6 > 3
    assert weighted_quantile([10.0, 20.0], [1.0, 1.0], 0.5) == 10.0  # no interpolation
    # equal values: no inequality; not finite values and zero weights are left out
    assert weighted_gini([3.0, 3.0, 3.0], [1.0, 2.0, 5.0]) == 0.0
    assert weighted_quantile([1.0, math.inf, math.nan, 5.0], [1.0, 5.0, 5.0, 0.0], 0.5) == 1.0
    assert math.isnan(weighted_gini([0.0, 0.0], [1.0, 1.0]))  # mean 0: undefined
    assert math.isnan(weighted_quantile([], [], 0.5)) and math.isnan(weighted_mean([], []))
    with pytest.raises(ValueError):
        weighted_quantile([1.0], [1.0], 1.5)


def test_gini_matches_its_definition_on_random_weights() -> None:
    rng = np.random.default_rng(11)  # SYNTHETIC
    for _ in range(20):
        v = rng.integers(0, 20, 9).astype(float).tolist()
        w = (rng.integers(1, 30, 9) / 7).tolist()
        if sum(v) == 0:
            continue
        assert weighted_gini(v, w) == pytest.approx(gini_by_definition(v, w), rel=1e-12)


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    inputs = make_inputs()
    inputs.gemeinden["foreign_population"] = [200.0, 100.0]  # G1 50 per cell, G2 12.5 per cell
    grid = demand_grid_nrw(inputs, 1000)
    return run_coverage(grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500))


# nearest offer (km) per cell: G1 (O1 at a) a 0, b 1, c 1, d sqrt 2; G2 (O3 at x 3, y 1 km)
# e f i j sqrt(0.5), g k sqrt(2.5), h l sqrt(6.5)
G1_KM = [0.0, 1.0, 1.0, math.sqrt(2)]
G2_KM = [math.sqrt(0.5)] * 4 + [math.sqrt(2.5)] * 2 + [math.sqrt(6.5)] * 2


def test_distribution_per_kreis_and_nrw_by_hand(result) -> None:  # type: ignore[no-untyped-def]
    table = distribution_table(result).set_index("ags")
    assert list(table.index) == ["05111", "05154", "05"]
    assert list(table["level"]) == ["kreis", "kreis", "land"]
    nrw = table.loc["05"]
    assert (nrw["population"], nrw["foreign_population"]) == (1200, 300)
    # foreign: 0 (50) 0.707 (4 x 12.5) 1 (100) 1.414 (50) 1.581 (25) 2.550 (25); cumulative
    # 50 100 200 250 275 300 -> median (150) 1 km, p90 (270) 1.581 km
    assert nrw["foreign_median"] == 1.0
    assert nrw["foreign_p90"] == pytest.approx(math.sqrt(2.5))
    # everybody: 0 (100) 0.707 (400) 1 (200) 1.414 (100) 1.581 (200) 2.550 (200); cumulative
    # 100 500 700 800 1000 1200 -> median (600) 1 km, p90 (1080) 2.550 km
    assert nrw["all_median"] == 1.0
    assert nrw["all_p90"] == pytest.approx(math.sqrt(6.5))
    km = G1_KM + G2_KM
    foreign = [50.0] * 4 + [12.5] * 8
    everybody = [100.0] * 12
    for who, w in (("foreign", foreign), ("all", everybody)):
        mean = sum(k * x for k, x in zip(km, w, strict=True)) / sum(w)
        assert nrw[f"{who}_mean"] == pytest.approx(mean)
        assert nrw[f"{who}_gini"] == pytest.approx(gini_by_definition(km, w))
    # foreign residents live nearer here (more of them in G1): a lower mean and p90
    assert nrw["foreign_mean"] < nrw["all_mean"] and nrw["foreign_p90"] < nrw["all_p90"]
    # a Kreis of one Gemeinde with the same foreign share everywhere: both columns agree
    g1 = table.loc["05111"]
    assert g1["name"] == "Erststadt" and g1["foreign_median"] == g1["all_median"] == 1.0
    assert g1["foreign_gini"] == pytest.approx(gini_by_definition(G1_KM, [1.0] * 4))


def test_share_measure_is_in_percent_and_export_level(result) -> None:  # type: ignore[no-untyped-def]
    grid_result = run_coverage(
        demand_grid_nrw(make_inputs(), 1000),
        make_offers(),
        CoverageParams(categories=(ABH,), threshold_m=1500, method=Method.SHARE),
    )
    nrw = distribution_table(grid_result).set_index("ags").loc["05"]
    assert nrw["all_mean"] == pytest.approx(grid_result.headline.share_beyond_pct)  # 33.3 %
    assert nrw["all_p90"] == 100.0
    pd.testing.assert_frame_equal(export_table(result, "distribution"), distribution_table(result))


def test_cli_writes_the_distribution(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mapapp.services import coverage

    monkeypatch.setattr(coverage, "load_inputs", lambda settings: make_inputs())
    monkeypatch.setattr(coverage, "load_offers", lambda settings: make_offers())
    out = tmp_path / "dist.csv"
    args = ["coverage", "nrw", "--category", ABH, "--threshold", "1500", "--level", "distribution"]
    assert main([*args, "--out", str(out)]) == 0
    table = pd.read_csv(out, comment="#", dtype={"ags": str})
    assert list(table["ags"]) == ["05111", "05154", "05"]
    assert {"foreign_median", "foreign_p90", "foreign_gini", "all_median", "all_gini"} <= set(
        table.columns
    )
    assert table.set_index("ags").loc["05", "all_median"] == pytest.approx(1.0)
