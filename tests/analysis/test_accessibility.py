"""Coverage measures: hand-computed toy scenarios, a naive reference and PySAL ``access`` itself."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from access import Access
from access import weights as access_weights

from mapapp.analysis import accessibility as acc
from mapapp.analysis.accessibility import (
    CostTable,
    GaussianWeights,
    StepWeights,
    enhanced_two_stage_fca,
    gaussian_weights,
    nearest_cost,
    offers_per_capita,
    pairs,
    rank_gaps,
    share_beyond,
    step_weights,
    two_stage_fca,
)
from mapapp.model import DataError

# access 1.1.10 uses set_index(inplace=True), deprecated in pandas 3.
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning")

# ---------------------------------------------------------------------------------------------
# Three-tract scenario (metres, on a line so every distance is exact)
#
#   A(0)  B(3000)        [S1 at 0, cap 5]
#   C(10000)             [S2 at 9000, cap 3]
#   D(50000)             nothing within 4 km
#
# max_cost 4000: pairs A-S1 (0), B-S1 (3000), C-S2 (1000).
# W1 = 100 + 200 = 300, W2 = 50  ->  R1 = 5/300, R2 = 3/50
# 2SFCA: A = B = 1/60, C = 0.06, D unreachable.
# ---------------------------------------------------------------------------------------------


def three_tracts() -> tuple[pd.DataFrame, pd.DataFrame]:
    demand = pd.DataFrame(
        {"x": [0.0, 3000.0, 10000.0, 50000.0], "y": 0.0, "pop": [100.0, 200.0, 50.0, 80.0]},
        index=pd.Index(["A", "B", "C", "D"], name="cell"),
    )
    supply = pd.DataFrame(
        {"x": [0.0, 9000.0], "y": 0.0, "cap": [5.0, 3.0]},
        index=pd.Index(["S1", "S2"], name="office"),
    )
    return demand, supply


def dense_cost_table(demand: pd.DataFrame, supply: pd.DataFrame) -> pd.DataFrame:
    """Every demand-supply pair with its straight-line distance (naive, for small tests)."""
    dx = demand["x"].to_numpy()[:, None] - supply["x"].to_numpy()[None, :]
    dy = demand["y"].to_numpy()[:, None] - supply["y"].to_numpy()[None, :]
    return pd.DataFrame(
        {
            "origin": np.repeat(demand.index.to_numpy(), len(supply)),
            "dest": np.tile(supply.index.to_numpy(), len(demand)),
            "cost": np.hypot(dx, dy).ravel(),
        }
    )


def access_result(demand, supply, cost_df, max_cost, weight_fn=None) -> pd.Series:
    """Run PySAL access on frames indexed by id, return the access column aligned to demand."""
    model = Access(
        demand_df=demand.rename_axis("did").reset_index(),
        demand_index="did",
        demand_value="pop",
        supply_df=supply.rename_axis("sid").reset_index(),
        supply_index="sid",
        supply_value="cap",
        cost_df=cost_df,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    if weight_fn is None:
        out = model.two_stage_fca(name="x", max_cost=max_cost)
    else:
        out = model.enhanced_two_stage_fca(name="x", max_cost=max_cost, weight_fn=weight_fn)
    return out["x_cap"].reindex(demand.index)


def test_two_stage_fca_three_tracts_by_hand():
    demand, supply = three_tracts()
    result = two_stage_fca(demand, supply, demand_value="pop", supply_value="cap", max_cost=4000)
    expected = pd.Series([1 / 60, 1 / 60, 0.06, 0.0], index=demand.index, name="2sfca")
    pd.testing.assert_series_equal(result, expected, rtol=1e-15)


def test_two_stage_fca_unreachable_value_and_access_nan():
    demand, supply = three_tracts()
    ours = two_stage_fca(
        demand, supply, demand_value="pop", supply_value="cap", max_cost=4000, unreachable=np.nan
    )
    theirs = access_result(demand, supply, dense_cost_table(demand, supply), 4000)
    assert math.isnan(ours["D"]) and math.isnan(theirs["D"])
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-12)


def test_max_cost_is_inclusive_like_access():
    demand, supply = three_tracts()
    # B is exactly 3000 m from S1: inside at max_cost=3000, outside just below.
    at = two_stage_fca(demand, supply, demand_value="pop", supply_value="cap", max_cost=3000)
    below = two_stage_fca(demand, supply, demand_value="pop", supply_value="cap", max_cost=2999.9)
    assert at["B"] == pytest.approx(5 / 300)
    assert below["B"] == 0.0
    assert below["A"] == pytest.approx(5 / 100)


def test_enhanced_two_stage_fca_by_hand():
    demand, supply = three_tracts()
    # Bands: <=1000 -> 1, <=3000 -> 0.5. W1 = 100*1 + 200*0.5 = 200, W2 = 50*1 = 50.
    weights = step_weights({1000: 1.0, 3000: 0.5})
    result = enhanced_two_stage_fca(
        demand, supply, demand_value="pop", supply_value="cap", max_cost=4000, weight_fn=weights
    )
    expected = [5 / 200, 0.5 * 5 / 200, 3 / 50, 0.0]
    np.testing.assert_allclose(result.to_numpy(), expected, rtol=1e-15)
    assert result.name == "e2sfca"


def test_enhanced_default_weights_are_classic_thirds():
    demand, supply = three_tracts()
    default = enhanced_two_stage_fca(
        demand, supply, demand_value="pop", supply_value="cap", max_cost=4500
    )
    explicit = enhanced_two_stage_fca(
        demand,
        supply,
        demand_value="pop",
        supply_value="cap",
        max_cost=4500,
        weight_fn=step_weights({1500: 1, 3000: 0.68, 4500: 0.22}),
    )
    pd.testing.assert_series_equal(default, explicit)
    assert StepWeights.classic(4500) == StepWeights((1500.0, 3000.0, 4500.0), (1.0, 0.68, 0.22))


# ---------------------------------------------------------------------------------------------
# Weight helpers against access.weights
# ---------------------------------------------------------------------------------------------


def test_step_weights_match_access_step_fn_including_boundaries():
    steps = {5000: 1, 10000: 0.68, 15000: 0.22}
    costs = np.array([0, 1, 4999.9, 5000, 5000.1, 10000, 12000, 15000, 15000.1, 1e9], dtype=float)
    reference = access_weights.step_fn(steps)
    np.testing.assert_array_equal(step_weights(steps)(costs), [reference(c) for c in costs])


def test_step_weights_parse_and_validation():
    assert StepWeights.parse("10000:0.68, 5000:1,15000:0.22") == step_weights(
        [(5000, 1), (10000, 0.68), (15000, 0.22)]
    )
    for bad in ["5000", "a:1", "5000:-1", "5000:1,5000:0.5"]:
        with pytest.raises(ValueError):
            StepWeights.parse(bad)
    with pytest.raises(ValueError):
        StepWeights((), ())


def test_gaussian_weights_match_access_gaussian():
    costs = np.linspace(0, 30000, 61)
    reference = access_weights.gaussian(7000)
    np.testing.assert_allclose(
        gaussian_weights(7000)(costs), [reference(c) for c in costs], rtol=1e-15
    )
    assert gaussian_weights(7000) == GaussianWeights(7000.0)  # hashable value object
    with pytest.raises(ValueError):
        gaussian_weights(0)


# ---------------------------------------------------------------------------------------------
# Random scenario against PySAL access itself
# ---------------------------------------------------------------------------------------------


def random_scenario(seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic points in a 20 km square; includes zero demand, zero capacity, lonely supply."""
    rng = np.random.default_rng(seed)
    n, m = 300, 40
    demand = pd.DataFrame(
        {
            "x": rng.uniform(0, 20000, n),
            "y": rng.uniform(0, 20000, n),
            "pop": rng.integers(0, 500, n).astype(float),
        },
        index=pd.Index([f"d{k}" for k in range(n)]),
    )
    demand.iloc[:20, demand.columns.get_loc("pop")] = 0.0
    supply = pd.DataFrame(
        {
            "x": rng.uniform(0, 20000, m),
            "y": rng.uniform(0, 20000, m),
            "cap": rng.uniform(0, 10, m),
        },
        index=pd.Index([f"s{k}" for k in range(m)]),
    )
    supply.iloc[0, supply.columns.get_loc("cap")] = 0.0
    # A lonely office 60 km away whose only neighbour is a zero-demand cell (R = inf in access),
    # and a lonely zero-capacity office with one zero-demand cell (R = 0/0 = NaN in access).
    demand.loc["lonely1"] = [80000.0, 0.0, 0.0]
    supply.loc["far1"] = [80500.0, 0.0, 2.0]
    demand.loc["lonely2"] = [0.0, 90000.0, 0.0]
    supply.loc["far2"] = [0.0, 90500.0, 0.0]
    return demand, supply


@pytest.mark.parametrize(
    ("theirs_fn", "ours_fn"),
    [
        (None, None),
        (
            access_weights.step_fn({1500: 1, 3000: 0.68, 4000: 0.22}),
            step_weights({1500: 1, 3000: 0.68, 4000: 0.22}),
        ),
        (access_weights.gaussian(1500), gaussian_weights(1500)),
    ],
    ids=["2sfca", "e2sfca-step", "e2sfca-gaussian"],
)
def test_fca_equals_pysal_access_on_coordinates(theirs_fn, ours_fn):
    demand, supply = random_scenario()
    max_cost = 4000.0
    theirs = access_result(demand, supply, dense_cost_table(demand, supply), max_cost, theirs_fn)
    measure = two_stage_fca if ours_fn is None else enhanced_two_stage_fca
    extra = {} if ours_fn is None else {"weight_fn": ours_fn}
    ours = measure(
        demand,
        supply,
        demand_value="pop",
        supply_value="cap",
        max_cost=max_cost,
        unreachable=np.nan,
        **extra,
    )
    assert theirs.isna().sum() > 0  # the scenario has unreachable cells
    assert np.isinf(theirs["lonely1"]) and np.isinf(ours["lonely1"])
    assert theirs["lonely2"] == 0 and ours["lonely2"] == 0
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-9, equal_nan=True)
    # default unreachable=0 is access with NaN filled
    filled = measure(
        demand, supply, demand_value="pop", supply_value="cap", max_cost=max_cost, **extra
    )
    np.testing.assert_allclose(filled.to_numpy(), theirs.fillna(0).to_numpy(), rtol=1e-9)


@pytest.mark.parametrize("max_cost", [None, 12.5])
def test_fca_equals_pysal_access_on_a_cost_table(max_cost):
    """Travel times (minutes) from a 'router': a sparse random table, not distances."""
    demand, supply = random_scenario(seed=3)
    rng = np.random.default_rng(11)
    table = dense_cost_table(demand, supply).sample(frac=0.3, random_state=5)
    table["cost"] = rng.uniform(0, 30, len(table)).round(1)  # ties at the cut-off happen
    table = pd.concat([table, table.iloc[:5]])  # duplicated pairs count twice in both
    weights_ours = step_weights({10: 1, 20: 0.68, 30: 0.22})
    theirs = access_result(
        demand, supply, table, max_cost, access_weights.step_fn({10: 1, 20: 0.68, 30: 0.22})
    )
    ours = enhanced_two_stage_fca(
        demand,
        supply,
        demand_value="pop",
        supply_value="cap",
        max_cost=max_cost if max_cost is not None else math.inf,
        weight_fn=weights_ours,
        cost=CostTable(table, origin="origin", destination="dest", cost="cost"),
        unreachable=np.nan,
    )
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-9, equal_nan=True)
    classic = two_stage_fca(
        demand,
        supply,
        demand_value="pop",
        supply_value="cap",
        max_cost=max_cost,
        cost=CostTable(table, destination="dest"),
        unreachable=np.nan,
    )
    theirs_classic = access_result(demand, supply, table, max_cost)
    np.testing.assert_allclose(
        classic.to_numpy(), theirs_classic.to_numpy(), rtol=1e-9, equal_nan=True
    )


def test_cost_table_ids_from_columns_and_unknown_ids_ignored():
    demand, supply = three_tracts()
    table = pd.DataFrame(
        {
            "from": ["A", "B", "C", "ghost", "A"],
            "to": ["S1", "S1", "S2", "S1", "nowhere"],
            "minutes": [0.0, 3.0, 1.0, 1.0, 1.0],
        }
    )
    result = two_stage_fca(
        demand.reset_index(),
        supply.reset_index(),
        demand_value="pop",
        supply_value="cap",
        max_cost=4,
        cost=CostTable(table, origin="from", destination="to", cost="minutes"),
        demand_id="cell",
        supply_id="office",
    )
    np.testing.assert_allclose(result.to_numpy(), [1 / 60, 1 / 60, 0.06, 0.0], rtol=1e-15)


def test_supply_is_conserved_in_e2sfca():
    """sum_i demand_i * A_i equals the capacity of every office with weighted demand > 0."""
    demand, supply = random_scenario(seed=1)
    weights = gaussian_weights(2000)
    result = enhanced_two_stage_fca(
        demand.drop(index=["lonely1", "lonely2"]),
        supply.drop(index=["far1", "far2"]),
        demand_value="pop",
        supply_value="cap",
        max_cost=5000,
        weight_fn=weights,
    )
    table = dense_cost_table(demand, supply)
    table = table[table["cost"] <= 5000]
    served = table.merge(demand[["pop"]], left_on="origin", right_index=True)
    has_demand = served.assign(w=served["pop"] * weights(served["cost"].to_numpy()))
    offices = has_demand.groupby("dest")["w"].sum()
    expected = supply.loc[offices[offices > 0].index, "cap"].sum()
    kept = demand.drop(index=["lonely1", "lonely2"])
    assert (kept["pop"] * result).sum() == pytest.approx(expected, rel=1e-12)


def test_chunks_and_threads_do_not_change_the_result(monkeypatch):
    demand, supply = random_scenario(seed=5)
    kwargs = dict(demand_value="pop", supply_value="cap", max_cost=4000.0)
    one = enhanced_two_stage_fca(demand, supply, **kwargs)
    monkeypatch.setattr(pairs, "_PAIRS_PER_CHUNK", 40)  # many small chunks
    many = enhanced_two_stage_fca(demand, supply, **kwargs)
    threaded = enhanced_two_stage_fca(demand, supply, workers=2, **kwargs)
    np.testing.assert_allclose(many.to_numpy(), one.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(threaded.to_numpy(), one.to_numpy(), rtol=1e-12)
    assert (one > 0).sum() > 100


def test_too_many_pairs_are_refused_before_any_pair_is_built():
    """The pair count grows with the catchment: above ``max_pairs`` the run is refused."""
    demand, supply = three_tracts()
    kwargs = dict(demand_value="pop", supply_value="cap")
    # 4000 m: A-S1, B-S1, C-S2 = 3 pairs (supply < 256, so the "estimate" is exact)
    ok = two_stage_fca(demand, supply, max_cost=4000, max_pairs=3, **kwargs)
    np.testing.assert_allclose(ok.to_numpy(), [1 / 60, 1 / 60, 0.06, 0.0], rtol=1e-15)
    for fn in (two_stage_fca, enhanced_two_stage_fca):
        with pytest.raises(acc.PairLimitError) as info:
            fn(demand, supply, max_cost=4000, max_pairs=2, **kwargs)
        assert (info.value.estimate, info.value.limit) == (3, 2)
        # a catchment of 1,000 km: every one of the 4 x 2 pairs
        with pytest.raises(DataError) as err:
            fn(demand, supply, max_cost=1_000_000, max_pairs=7, **kwargs)
        message = str(err.value)
        assert "etwa 8 " in message and "Grenze von 7" in message
        assert "kleineren Einzugsbereich" in message and "weniger" in message
        assert message.count("\n") == 0
    # the default limit is read at call time
    with pytest.raises(acc.PairLimitError):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(pairs, "MAX_PAIRS", 2)
            two_stage_fca(demand, supply, max_cost=4000, **kwargs)
    assert acc.MAX_PAIRS >= 170_000_000  # the 3-million-cell benchmark (docs/BENCHMARKS.md) runs
    # a cost table holds its pairs already: not limited
    table = dense_cost_table(demand, supply)
    two_stage_fca(
        demand,
        supply,
        max_cost=None,
        cost=CostTable(table, destination="dest"),
        max_pairs=1,
        **kwargs,
    )
    with pytest.raises(ValueError, match="max_pairs"):
        two_stage_fca(demand, supply, max_cost=4000, max_pairs=0, **kwargs)


def test_fca_accepts_point_geodataframes():
    demand, supply = three_tracts()
    gd = gpd.GeoDataFrame(
        demand[["pop"]], geometry=gpd.points_from_xy(demand["x"], demand["y"]), crs="EPSG:25832"
    )
    gs = gpd.GeoDataFrame(
        supply[["cap"]], geometry=gpd.points_from_xy(supply["x"], supply["y"]), crs="EPSG:25832"
    )
    result = two_stage_fca(gd, gs, demand_value="pop", supply_value="cap", max_cost=4000)
    np.testing.assert_allclose(result.to_numpy(), [1 / 60, 1 / 60, 0.06, 0.0], rtol=1e-15)
    with pytest.raises(ValueError, match="geographisch"):
        two_stage_fca(
            gd.to_crs("EPSG:4326"), gs, demand_value="pop", supply_value="cap", max_cost=4000
        )


def test_fca_bad_input():
    demand, supply = three_tracts()
    bad = demand.assign(pop=[100.0, -1.0, 50.0, 80.0])
    with pytest.raises(DataError) as info:
        two_stage_fca(bad, supply, demand_value="pop", supply_value="cap", max_cost=4000)
    assert info.value.field == "pop" and "'B'" in str(info.value)
    with pytest.raises(ValueError, match="fehlen"):
        two_stage_fca(demand, supply, demand_value="people", supply_value="cap", max_cost=4000)
    with pytest.raises(ValueError, match="max_cost"):
        two_stage_fca(demand, supply, demand_value="pop", supply_value="cap", max_cost=None)
    with pytest.raises(ValueError, match="workers"):
        two_stage_fca(demand, supply, demand_value="pop", supply_value="cap", max_cost=1, workers=0)
    with pytest.raises(ValueError, match="weight_fn"):
        enhanced_two_stage_fca(
            demand,
            supply,
            demand_value="pop",
            supply_value="cap",
            max_cost=4000,
            weight_fn=lambda c: -np.ones_like(c),
        )
    table = pd.DataFrame({"origin": ["A", "A"], "destination": ["S1", "S1"], "cost": [1, -2]})
    with pytest.raises(DataError) as info:
        two_stage_fca(
            demand,
            supply,
            demand_value="pop",
            supply_value="cap",
            max_cost=None,
            cost=CostTable(table),
        )
    assert info.value.field == "cost"
    dup = supply.rename(index={"S2": "S1"})
    with pytest.raises(DataError, match="mehrfach"):
        two_stage_fca(
            demand,
            dup,
            demand_value="pop",
            supply_value="cap",
            max_cost=None,
            cost=CostTable(table.iloc[:1]),
        )


# ---------------------------------------------------------------------------------------------
# Nearest offer
# ---------------------------------------------------------------------------------------------


def test_nearest_cost_by_hand_and_categories():
    demand, supply = three_tracts()
    supply = supply.assign(category=["mbe", "jmd"])
    result = nearest_cost(demand, supply)
    np.testing.assert_array_equal(result["cost"], [0.0, 3000.0, 1000.0, 41000.0])
    assert list(result["nearest"]) == ["S1", "S1", "S2", "S2"]
    mbe = nearest_cost(demand, supply, category="category", categories={"mbe"})
    np.testing.assert_array_equal(mbe["cost"], [0.0, 3000.0, 10000.0, 50000.0])
    both = nearest_cost(demand, supply, category="category", categories=["mbe", "jmd"])
    pd.testing.assert_frame_equal(both, result)
    none = nearest_cost(demand, supply, category="category", categories=["ki"])
    assert np.isinf(none["cost"]).all() and none["nearest"].isna().all()
    with pytest.raises(ValueError):
        nearest_cost(demand, supply, categories=["mbe"])


def test_nearest_cost_max_cost_inclusive_and_inf_beyond():
    demand, supply = three_tracts()
    result = nearest_cost(demand, supply, max_cost=3000)
    np.testing.assert_array_equal(result["cost"], [0.0, 3000.0, 1000.0, np.inf])
    assert pd.isna(result["nearest"].iloc[3])


def test_nearest_cost_equals_naive_reference():
    demand, supply = random_scenario(seed=9)
    table = dense_cost_table(demand, supply)
    naive = table[table["cost"] <= 6000].groupby("origin")["cost"].min()
    naive = naive.reindex(demand.index, fill_value=np.inf)
    ours = nearest_cost(demand, supply, max_cost=6000, workers=2)
    np.testing.assert_allclose(ours["cost"].to_numpy(), naive.to_numpy(), rtol=1e-12)
    via_table = nearest_cost(
        demand, supply, max_cost=6000, cost=CostTable(table, destination="dest")
    )
    np.testing.assert_allclose(via_table["cost"].to_numpy(), naive.to_numpy(), rtol=1e-12)
    reached = ours["nearest"].notna()
    assert (ours["nearest"][reached] == via_table["nearest"][reached]).all()


def test_nearest_cost_from_a_cost_table_by_hand():
    demand, supply = three_tracts()
    table = pd.DataFrame(
        {
            "origin": ["A", "A", "B", "C", "C"],
            "destination": ["S1", "S2", "S2", "S2", "S1"],
            "cost": [7.0, 5.0, 12.0, 9.0, 9.0],
        }
    )
    result = nearest_cost(demand, supply, cost=CostTable(table), max_cost=10)
    np.testing.assert_array_equal(result["cost"], [5.0, np.inf, 9.0, np.inf])
    assert list(result["nearest"].iloc[[0, 2]]) == ["S2", "S1"]  # tie -> first supply row
    assert result["nearest"].iloc[[1, 3]].isna().all()


def test_nearest_cost_without_supply():
    demand, supply = three_tracts()
    result = nearest_cost(demand, supply.iloc[:0])
    assert np.isinf(result["cost"]).all()
    assert list(result.index) == list(demand.index)


# ---------------------------------------------------------------------------------------------
# Summaries: share beyond, offers per capita, ranking
# ---------------------------------------------------------------------------------------------


def cells_fixture() -> pd.DataFrame:
    """Five cells in two Gemeinden of Kreis 05554 and one of kreisfreie Stadt 05111."""
    return pd.DataFrame(
        {
            "ags": ["05554004", "05554004", "05554008", "05554008", "05111000"],
            "kreis_ags": ["05554", "05554", "05554", "05554", "05111"],
            "population": [100.0, 300.0, 50.0, 50.0, 1000.0],
            "foreign_population": [10.0, 30.0, 20.0, 0.0, 200.0],
            "cost": [2000.0, 12000.0, np.inf, 10000.0, 500.0],
        }
    )


def test_share_beyond_by_hand():
    out = share_beyond(cells_fixture(), cost="cost", threshold=10000)
    out = out.set_index(["level", "ags"])
    # 05554004: 300 of 400 beyond (12 km); 05554008: 50 of 100 (inf beyond, exactly 10 km not)
    assert out.loc[("gemeinde", "05554004"), "population_beyond"] == 300
    assert out.loc[("gemeinde", "05554004"), "share_beyond"] == 0.75
    assert out.loc[("gemeinde", "05554008"), "share_beyond"] == 0.5
    assert out.loc[("gemeinde", "05554008"), "foreign_share_beyond"] == 1.0
    assert out.loc[("kreis", "05554"), "population_beyond"] == 350
    assert out.loc[("kreis", "05554"), "foreign_population_beyond"] == 50
    assert out.loc[("kreis", "05111"), "share_beyond"] == 0.0
    land = out.loc[("land", "05")]
    assert land["population"] == 1500 and land["population_beyond"] == 350
    assert land["foreign_share_beyond"] == pytest.approx(50 / 260)
    assert list(out.columns) == [
        "population",
        "population_beyond",
        "share_beyond",
        "foreign_population",
        "foreign_population_beyond",
        "foreign_share_beyond",
    ]


def test_share_beyond_levels_and_zero_population():
    cells = cells_fixture().assign(population=0.0)
    out = share_beyond(
        cells, cost="cost", threshold=1, foreign_population=None, kreis=None, land=None
    )
    assert set(out["level"]) == {"gemeinde"}
    assert out["share_beyond"].isna().all()
    assert "foreign_population" not in out.columns


def test_offers_per_capita_by_hand():
    units = pd.DataFrame(
        {
            "ags": ["05554004", "05554008", "05111000"],
            "population": [20000.0, 5000.0, 600000.0],
            "foreign_population": [2000.0, 0.0, 120000.0],
        }
    )
    offers = pd.DataFrame(
        {"ags": ["05554004", "05554004", "05111000", "06411000"], "places": [10, 5, 40, 99]}
    )
    out = offers_per_capita(units, offers).set_index(["level", "ags"])
    assert out.loc[("gemeinde", "05554004"), "offers"] == 2
    assert out.loc[("gemeinde", "05554004"), "offers_per_10000"] == 1.0
    assert out.loc[("gemeinde", "05554004"), "offers_per_1000_foreign"] == 1.0
    assert out.loc[("gemeinde", "05554008"), "offers"] == 0
    assert math.isnan(out.loc[("gemeinde", "05554008"), "offers_per_1000_foreign"])
    assert out.loc[("kreis", "05554"), "offers_per_10000"] == pytest.approx(2 / 25000 * 10000)
    assert out.loc[("land", "05"), "offers"] == 3  # the Hessian offer is not counted
    by_capacity = offers_per_capita(units, offers, capacity="places").set_index(["level", "ags"])
    assert by_capacity.loc[("kreis", "05111"), "offers"] == 40
    # AGS that lost their leading zero in a spreadsheet are restored; missing keys are errors
    as_int = offers_per_capita(units.assign(ags=[5554004, 5554008, 5111000]), offers)
    pd.testing.assert_frame_equal(as_int, offers_per_capita(units, offers))
    with pytest.raises(DataError) as info:
        offers_per_capita(units, offers.assign(ags=["05554004", None, "05111000", "x"]))
    assert info.value.field == "ags"


def test_rank_gaps_orders_by_people_affected_and_joins_measures():
    summary = share_beyond(cells_fixture(), cost="cost", threshold=10000)
    units = pd.DataFrame(
        {
            "ags": ["05554004", "05554008", "05111000"],
            "population": [400.0, 100.0, 1000.0],
            "foreign_population": [40.0, 20.0, 200.0],
        }
    )
    per_capita = offers_per_capita(units, pd.DataFrame({"ags": ["05111000"]}))
    names = pd.DataFrame({"ags": ["05554004", "05111000"], "name": ["Bocholt", "Düsseldorf"]})
    ranked = rank_gaps(summary, affected="population_beyond", others=[per_capita], names=names)
    assert list(ranked["level"]) == ["gemeinde"] * 3 + ["kreis"] * 2
    assert list(ranked["ags"]) == ["05554004", "05554008", "05111000", "05554", "05111"]
    assert list(ranked["rank"]) == [1, 2, 3, 1, 2]
    assert ranked.loc[0, "name"] == "Bocholt" and pd.isna(ranked.loc[1, "name"])
    assert ranked.loc[2, "offers_per_10000"] == 10.0
    assert list(ranked.columns[:4]) == ["level", "rank", "ags", "name"]
    csv = ranked.to_csv(index=False)
    assert csv.splitlines()[1].startswith("gemeinde,1,05554004,Bocholt,")
