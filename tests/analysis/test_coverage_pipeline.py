"""The Versorgungslücken pipeline (``mapapp.analysis.coverage``) and ``mapapp coverage nrw``.

Fixture: two square Gemeinden on a 1 km grid (EPSG:25832, lower-left corner at E 350000, N 5650000),
every cell of them fully inside (no split cells), people spread evenly:

    G1 05111000 (Kreis 05111)   x 0-2 km  -> 4 cells a b c d, 100 people (25 foreign) each
    G2 05154004 (Kreis 05154)   x 2-6 km  -> 8 cells e..l,    100 people (25 foreign) each

    y 1-2 km:   c d | i j k l
    y 0-1 km:   a b | e f g h

Offers: O1 Ausländerbehörde at a's centre (address, in G1), O3 Ausländerbehörde at x 3 km, y 1 km
(placed at its Kreis seat's centre: precision kreis_seat_centre), O2 MBE at l's centre.
(Built by ``tests/fixtures/coverage_inputs.py``.)
Expected values are worked out by hand in the comments and checked against naive loops.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mapapp.analysis.accessibility import StepWeights
from mapapp.analysis.coverage.exports import export_table, funding_comparison
from mapapp.analysis.coverage.grid import coverage_inputs, demand_grid_nrw
from mapapp.analysis.coverage.offers import select_offers
from mapapp.analysis.coverage.params import CoverageParams, DemandKind, Method
from mapapp.analysis.coverage.result import run_coverage
from mapapp.cli import main
from mapapp.model import DataError
from mapapp.text.coverage import (
    attribution,
    export_comment,
    funding_comparison_labels,
    headline_figure,
    headline_sentence,
    method_text,
)
from tests.fixtures.coverage_inputs import ABH, G1, G2, MBE, X0, Y0, make_inputs, make_offers


@pytest.fixture(scope="module")
def grid():  # type: ignore[no-untyped-def]
    return demand_grid_nrw(make_inputs(), 1000)


def by_centre(result, column: str) -> dict[tuple[int, int], float]:  # type: ignore[no-untyped-def]
    """Value of ``column`` per cell centre (relative metres)."""
    cells = result.cells
    return {
        (round(x - X0), round(y - Y0)): v
        for x, y, v in zip(cells["x"], cells["y"], cells[column], strict=True)
    }


def unit(result, level: str, ags: str) -> pd.Series:  # type: ignore[no-untyped-def]
    table = result.gemeinden if level == "gemeinde" else result.kreise
    return table.set_index("ags").loc[ags]


# --------------------------------------------------------------------------------------------
# Grid and parameters
# --------------------------------------------------------------------------------------------


def test_grid_cells_people_and_positions(grid) -> None:  # type: ignore[no-untyped-def]
    assert grid.n_cells == 12 and len(grid.cells) == 12
    assert grid.foreign_known
    assert grid.cells.groupby("ags")["population"].sum().to_dict() == pytest.approx(
        {G1: 400, G2: 800}
    )
    assert grid.cells["foreign_population"].to_numpy() == pytest.approx(np.full(12, 25.0))
    # whole-cell positions: lower-left corner / 1000
    assert sorted(set(grid.cell_ix.tolist())) == list(range(350, 356))
    assert sorted(set(grid.cell_iy.tolist())) == [5650, 5651]
    ix = grid.cell_ix[grid.cells["cell"].to_numpy()]
    iy = grid.cell_iy[grid.cells["cell"].to_numpy()]
    np.testing.assert_array_equal(ix, np.floor(grid.cells["x"] / 1000))
    np.testing.assert_array_equal(iy, np.floor(grid.cells["y"] / 1000))
    assert set(grid.names.itertuples(index=False)) == {
        ("gemeinde", G1, "Erststadt"),
        ("gemeinde", G2, "Zweitdorf <b>"),
        ("kreis", "05111", "Erststadt"),
        ("kreis", "05154", "Kreis Zwei"),
    }


def test_inputs_need_people_for_every_gemeinde() -> None:
    inputs = make_inputs()
    with pytest.raises(DataError, match="05154004"):
        coverage_inputs(
            inputs.gemeinden,
            inputs.kreise,
            pd.DataFrame({"ags": [G1], "population": [1]}),
            population_source="gvisys",
            boundary_product="VG5000",
            boundary_year=2021,
        )


def test_params_are_normalised_and_validated() -> None:
    p = CoverageParams(categories=(MBE, ABH, MBE), method="2sfca", demand="all")  # type: ignore[arg-type]
    assert p.categories == (ABH, MBE)
    assert p.method is Method.TWO_SFCA and p.demand is DemandKind.ALL
    assert p.catchment_m == p.threshold_m == 10_000
    assert hash(p) == hash(
        CoverageParams(categories=(ABH, MBE), method=Method.TWO_SFCA, demand=DemandKind.ALL)
    )
    with pytest.raises(ValueError, match="Angebotskategorie"):
        CoverageParams(categories=("no_such",))
    with pytest.raises(ValueError, match="e2sfca"):
        CoverageParams(weights=StepWeights((1.0,), (1.0,)))
    with pytest.raises(ValueError, match="threshold_m"):
        CoverageParams(threshold_m=0)
    with pytest.raises(ValueError, match="100 m"):
        CoverageParams(cell_size_m=50)


def test_select_offers_by_category_and_precision() -> None:
    offers = make_offers()
    assert list(select_offers(offers, CoverageParams(categories=(ABH,)))["id"]) == ["O1", "O3"]
    no_kreis = CoverageParams(categories=(ABH,), include_kreis_area=False)
    assert list(select_offers(offers, no_kreis)["id"]) == ["O1"]
    assert list(select_offers(offers, CoverageParams(categories=()))["id"]) == ["O1", "O2", "O3"]


# --------------------------------------------------------------------------------------------
# Measures, worked out by hand
# --------------------------------------------------------------------------------------------

# Distances to the nearest Ausländerbehörde (O1 at a, O3 at x 3000 / y 1000), metres:
D = {
    (500, 500): 0.0,  # a
    (1500, 500): 1000.0,  # b
    (500, 1500): 1000.0,  # c
    (1500, 1500): math.hypot(1000, 1000),  # d: O1 1414.2 < O3 1581.1
    (2500, 500): math.hypot(500, 500),  # e: O3
    (3500, 500): math.hypot(500, 500),  # f
    (4500, 500): math.hypot(1500, 500),  # g
    (5500, 500): math.hypot(2500, 500),  # h
    (2500, 1500): math.hypot(500, 500),  # i
    (3500, 1500): math.hypot(500, 500),  # j
    (4500, 1500): math.hypot(1500, 500),  # k
    (5500, 1500): math.hypot(2500, 500),  # l
}


def test_nearest_distance_share_and_ranking(grid) -> None:  # type: ignore[no-untyped-def]
    offers = make_offers()
    result = run_coverage(
        grid, offers, CoverageParams(categories=(ABH,), threshold_m=1500, cell_size_m=1000)
    )
    assert by_centre(result, "nearest_m") == pytest.approx(D)
    # naive reference: every cell against every counted offer
    xy = np.column_stack([result.cells["x"], result.cells["y"]])
    pts = np.array([[X0 + 500, Y0 + 500], [X0 + 3000, Y0 + 1000]])
    naive = np.sqrt(((xy[:, None, :] - pts[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    np.testing.assert_allclose(result.cells["nearest_m"], naive)
    # beyond 1.5 km: g h k l (all in G2) -> 100 of 200 foreign residents of G2
    beyond = by_centre(result, "beyond")
    assert {c for c, b in beyond.items() if b} == {
        (4500, 500),
        (5500, 500),
        (4500, 1500),
        (5500, 1500),
    }
    g1, g2 = unit(result, "gemeinde", G1), unit(result, "gemeinde", G2)
    assert (g1["demand"], g1["demand_beyond"], g1["share_beyond_pct"]) == (100, 0, 0)
    assert (g2["demand"], g2["demand_beyond"], g2["share_beyond_pct"]) == (200, 100, 50)
    assert g1["mean_nearest_km"] == pytest.approx(
        (0 + 1000 + 1000 + math.hypot(1000, 1000)) / 4 / 1000
    )
    g2_mean = (4 * math.hypot(500, 500) + 2 * math.hypot(1500, 500) + 2 * math.hypot(2500, 500)) / 8
    assert g2["mean_nearest_km"] == pytest.approx(g2_mean / 1000)
    assert g2["value"] == pytest.approx(g2_mean / 1000)  # nearest: the value is the mean distance
    assert (g1["offers"], g2["offers"]) == (1, 0)  # O3 has no Gemeinde
    assert unit(result, "kreis", "05154")["offers"] == 1  # ... but a Kreis
    assert g2["name"] == "Zweitdorf <b>" and g1["population"] == 400
    # ranking: most affected first, per level
    ranked = result.ranked
    assert list(ranked[["level", "rank", "ags"]].itertuples(index=False, name=None)) == [
        ("gemeinde", 1, G2),
        ("gemeinde", 2, G1),
        ("kreis", 1, "05154"),
        ("kreis", 2, "05111"),
    ]
    h = result.headline
    assert (h.demand_total, h.demand_beyond) == (300, 100)
    assert h.share_beyond_pct == pytest.approx(100 / 3)
    assert h.n_offers == 2
    assert h.precision_counts == (("address", 1), ("kreis_seat_centre", 1))
    assert headline_figure(h).startswith(
        "33,3 % der ausländischen Bevölkerung (100 Menschen) leben mehr als 1,5 km"
    )
    # G2's 200 of 300 foreign residents have O3 (Kreis seat centre) as nearest offer: 2/3 > 1/2,
    # so the headline is an approximation and says so before the figure
    assert h.approx_share == pytest.approx(2 / 3) and h.support == "approximate"
    assert headline_sentence(h).startswith("Nur eine Näherung: Für 67")


def test_kreis_seat_offers_can_be_left_out(grid) -> None:  # type: ignore[no-untyped-def]
    p = CoverageParams(categories=(ABH,), threshold_m=1500, include_kreis_area=False)
    result = run_coverage(grid, make_offers(), p)
    # only O1 at a: distance = hypot to (500, 500)
    expected = {c: math.hypot(c[0] - 500, c[1] - 500) for c in D}
    assert by_centre(result, "nearest_m") == pytest.approx(expected)
    assert result.headline.n_offers == 1
    assert "zählen hier nicht (Schalter aus)" in method_text(result)


def test_offers_known_only_by_their_kreis_never_count(grid) -> None:  # type: ignore[no-untyped-def]
    """O3 as an office known only by its Kreis (precision kreis_area): with or without stale
    coordinates and whatever the Kreis-seat switch says, no distance is measured to it."""
    offers = make_offers()
    offers.loc[2, "precision"] = "kreis_area"
    unlocated = offers.copy()
    unlocated.loc[2, ["lat", "lon"]] = float("nan")
    unlocated.loc[2, "geometry"] = None
    expected = {c: math.hypot(c[0] - 500, c[1] - 500) for c in D}
    for frame in (offers, unlocated):
        for include in (True, False):
            p = CoverageParams(categories=(ABH,), threshold_m=1500, include_kreis_area=include)
            result = run_coverage(grid, frame, p)
            assert by_centre(result, "nearest_m") == pytest.approx(expected)
            assert result.headline.n_offers == 1


def test_share_measure_per_unit(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_coverage(
        grid,
        make_offers(),
        CoverageParams(categories=(ABH,), threshold_m=1500, method=Method.SHARE),
    )
    assert unit(result, "gemeinde", G1)["value"] == 0
    assert unit(result, "gemeinde", G2)["value"] == pytest.approx(50)
    assert unit(result, "kreis", "05154")["value"] == pytest.approx(50)
    assert result.headline.value == pytest.approx(100 / 3)
    assert set(by_centre(result, "value").values()) == {0.0, 1.0}


def test_2sfca_by_hand(grid) -> None:  # type: ignore[no-untyped-def]
    # catchment 1.5 km: O1 reaches a b c d (100 foreign) -> 1/100; O3 reaches e f i j -> 1/100
    result = run_coverage(
        grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500, method="2sfca")
    )  # type: ignore[arg-type]
    reached = {
        (500, 500),
        (1500, 500),
        (500, 1500),
        (1500, 1500),
        (2500, 500),
        (3500, 500),
        (2500, 1500),
        (3500, 1500),
    }
    expected = {c: (1000.0 if c in reached else 0.0) for c in D}  # 1/100 per person x 100,000
    assert by_centre(result, "value") == pytest.approx(expected)
    assert unit(result, "gemeinde", G1)["value"] == pytest.approx(1000)
    assert unit(result, "gemeinde", G2)["value"] == pytest.approx(500)
    assert result.headline.value == pytest.approx((4 * 1000 + 4 * 1000) / 12)


def test_e2sfca_default_and_explicit_weights(grid) -> None:  # type: ignore[no-untyped-def]
    # thirds of 1500 m: w = 1 up to 500 m, 0.68 up to 1000 m, 0.22 up to 1500 m
    p = CoverageParams(categories=(ABH,), threshold_m=1500, method=Method.E2SFCA)
    result = run_coverage(grid, make_offers(), p)
    w1 = 25 * (1 + 0.68 + 0.68 + 0.22)  # O1: a b c d
    w3 = 4 * 25 * 0.68  # O3: e f i j at 707 m
    got = by_centre(result, "value")
    assert got[(500, 500)] == pytest.approx(1e5 / w1)
    assert got[(1500, 500)] == pytest.approx(1e5 * 0.68 / w1)
    assert got[(1500, 1500)] == pytest.approx(1e5 * 0.22 / w1)
    assert got[(2500, 500)] == pytest.approx(1e5 * 0.68 / w3)
    assert got[(5500, 1500)] == 0
    flat = CoverageParams(
        categories=(ABH,),
        threshold_m=1500,
        method=Method.E2SFCA,
        weights=StepWeights((1500.0,), (1.0,)),
    )
    two = run_coverage(
        grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500, method="2sfca")
    )  # type: ignore[arg-type]
    np.testing.assert_allclose(
        run_coverage(grid, make_offers(), flat).cells["value"], two.cells["value"]
    )
    assert "bis 0,5 km: 1,00; bis 1 km: 0,68; bis 1,5 km: 0,22" in method_text(result)


def test_offers_per_capita(grid) -> None:  # type: ignore[no-untyped-def]
    p = CoverageParams(categories=(ABH,), method=Method.PER_CAPITA)
    result = run_coverage(grid, make_offers(), p)
    assert unit(result, "gemeinde", G1)["value"] == pytest.approx(1 / 100 * 10_000)
    assert unit(result, "gemeinde", G2)["value"] == 0  # O3 is not located in a Gemeinde
    assert unit(result, "kreis", "05154")["value"] == pytest.approx(1 / 200 * 10_000)
    assert result.headline.value == pytest.approx(2 / 300 * 10_000)
    everyone = run_coverage(
        grid, make_offers(), CoverageParams(categories=(ABH,), method="per_capita", demand="all")
    )  # type: ignore[arg-type]
    assert unit(everyone, "gemeinde", G1)["value"] == pytest.approx(1 / 400 * 10_000)


def test_no_offers_in_the_selection(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_coverage(
        grid, make_offers(), CoverageParams(categories=("jobcenter",), threshold_m=1500)
    )
    assert result.headline.n_offers == 0
    assert result.headline.share_beyond_pct == 100
    assert np.isinf(result.cells["nearest_m"]).all()
    assert result.gemeinden["value"].isna().all()
    assert export_table(result, "cell")["nearest_m"].isna().all()


def test_foreign_population_unknown_without_zensus() -> None:
    grid = demand_grid_nrw(make_inputs(foreign=False), 1000)
    assert not grid.foreign_known
    with pytest.raises(DataError, match="Zensus"):
        run_coverage(grid, make_offers(), CoverageParams(categories=(ABH,)))
    result = run_coverage(
        grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500, demand="all")
    )  # type: ignore[arg-type]
    assert (result.headline.demand_total, result.headline.demand_beyond) == (1200, 400)
    assert "foreign_population" not in result.gemeinden.columns
    assert "GV-ISys" in method_text(result) and "unbekannt" in method_text(result)
    assert "Destatis" in attribution(result)


def test_grid_and_params_must_agree(grid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="1000 m"):
        run_coverage(grid, make_offers(), CoverageParams(cell_size_m=2000))


def test_method_text_and_attribution_state_what_was_used(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_coverage(grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500))
    text = method_text(result)
    for part in (
        "2 Angebote",
        "1 Adresse",
        "1 Gemeindezentrum des Kreissitzes",
        "Luftlinie",
        "1,5 km",
        "12 Zellen",
        "1.000 m × 1.000 m",
        "unvollständig",
        "Zensus 2022",
        "BKG VG5000, Stand 01.01.2021",
    ):
        assert part in text, part
    assert attribution(result).startswith("© GeoBasis-DE / BKG 2021 (Daten verändert)")
    assert "Zensus 2022" in export_comment(result)


def test_funding_comparison_groups(grid) -> None:  # type: ignore[no-untyped-def]
    result = run_coverage(grid, make_offers(), CoverageParams(categories=(ABH,), threshold_m=1500))
    units = pd.DataFrame(
        {
            "ags": [G1, "05154", G2],  # a kreisfreie Stadt appears with its 8-digit key
            "level": ["kreis", "kreis", "gemeinde"],
            "funded": [True, False, False],
            "eligible": [True, True, True],
        }
    )
    table = funding_comparison(result, units).set_index(["comparison", "group"])
    kreise = table.loc["kreise"]  # codes; the page labels them (mapapp.text.coverage)
    assert kreise.loc["funded", ["units", "demand", "demand_beyond"]].tolist() == [1, 100, 0]
    assert kreise.loc["not_funded", "share_beyond_pct"] == pytest.approx(50)
    gem = table.loc["gemeinden"]  # G1 is a kreisfreie Stadt: not here
    assert gem["units"].to_dict() == {"funded": 0, "eligible": 1, "other": 0}
    assert gem.loc["eligible", "value_weighted"] == pytest.approx(
        unit(result, "gemeinde", G2)["value"]
    )
    labelled = funding_comparison_labels(funding_comparison(result, units), "en")
    assert set(labelled["comparison"]) == {
        "districts and independent cities",
        "municipalities within districts",
    }
    assert "Kreise und kreisfreie Städte" in set(
        funding_comparison_labels(funding_comparison(result, units))["comparison"]
    )


# --------------------------------------------------------------------------------------------
# CLI: the same numbers as the core
# --------------------------------------------------------------------------------------------


@pytest.fixture
def fake_nrw(monkeypatch):  # type: ignore[no-untyped-def]
    """``mapapp coverage nrw`` on the fixture instead of the data directory."""
    from mapapp.services import coverage

    monkeypatch.setattr(coverage, "load_inputs", lambda settings: make_inputs())
    monkeypatch.setattr(coverage, "load_offers", lambda settings: make_offers())


@pytest.mark.parametrize(
    ("args", "params", "level"),
    [
        ([], CoverageParams(categories=(ABH,), threshold_m=1500), "gemeinde"),
        (
            ["--method", "2sfca", "--level", "kreis"],
            CoverageParams(categories=(ABH,), threshold_m=1500, method="2sfca"),
            "kreis",
        ),  # type: ignore[arg-type]
        (
            [
                "--method",
                "e2sfca",
                "--steps",
                "700:1,1500:0.5",
                "--demand",
                "all",
                "--level",
                "cell",
            ],
            CoverageParams(
                categories=(ABH,),
                threshold_m=1500,
                method=Method.E2SFCA,
                demand=DemandKind.ALL,
                weights=StepWeights((700.0, 1500.0), (1.0, 0.5)),
            ),
            "cell",
        ),
        (
            ["--method", "per_capita", "--exclude-kreis-area", "--category", MBE],
            CoverageParams(
                categories=(ABH, MBE),
                threshold_m=1500,
                method="per_capita",
                include_kreis_area=False,
            ),  # type: ignore[arg-type]
            "gemeinde",
        ),
    ],
)
def test_cli_nrw_writes_the_core_numbers(
    fake_nrw, tmp_path: Path, capsys, args, params, level
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out.csv"
    code = main(
        ["coverage", "nrw", "--category", ABH, "--threshold", "1500", "--out", str(out), *args]
    )
    assert code == 0
    expected = export_table(
        run_coverage(demand_grid_nrw(make_inputs(), 1000), make_offers(), params), level
    )
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith(("level,", "cell_id,"))  # no comment line: sources beside it
    sources = (tmp_path / "out.quellen.txt").read_text(encoding="utf-8")
    assert "Versorgungslücken NRW" in sources and "GeoBasis-DE / BKG 2021" in sources
    got = pd.read_csv(out, dtype={"ags": str, "kreis_ags": str})
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    for column in expected.columns:
        if pd.api.types.is_numeric_dtype(expected[column]) and not pd.api.types.is_bool_dtype(
            expected[column]
        ):
            np.testing.assert_allclose(
                got[column].to_numpy(float),
                expected[column].to_numpy(float),
                rtol=1e-12,
                err_msg=column,
            )
        else:
            assert got[column].astype(str).tolist() == expected[column].astype(str).tolist(), column
    assert "% der" in capsys.readouterr().out


def test_cli_nrw_errors_are_one_line(fake_nrw, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = str(tmp_path / "out.csv")
    assert main(["coverage", "nrw", "--category", ABH, "--steps", "1:1", "--out", out]) == 2
    assert "Feld '--steps'" in capsys.readouterr().err
    assert main(["coverage", "nrw", "--category", ABH, "--cell-size", "50", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mapapp: ") and err.count("\n") == 1
    # a negative threshold stops the parser (exit 2, see tests/test_cli_coverage.py)
    with pytest.raises(SystemExit) as info:
        main(["coverage", "nrw", "--category", ABH, "--threshold", "-5", "--out", out])
    assert info.value.code == 2
    assert not (tmp_path / "out.csv").exists()


def test_cli_nrw_foreign_without_zensus(monkeypatch, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from mapapp.services import coverage

    monkeypatch.setattr(coverage, "load_inputs", lambda settings: make_inputs(foreign=False))
    monkeypatch.setattr(coverage, "load_offers", lambda settings: make_offers())
    out = tmp_path / "out.csv"
    assert main(["coverage", "nrw", "--category", ABH, "--out", str(out)]) == 2
    assert "Zensus" in capsys.readouterr().err
    assert main(["coverage", "nrw", "--category", ABH, "--demand", "all", "--out", str(out)]) == 0


def test_csv_form_still_requires_its_options(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["coverage", "--method", "nearest", "--out", str(tmp_path / "o.csv")]) == 2
    assert "--demand" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Real data (the mirror): the pipeline end to end
# --------------------------------------------------------------------------------------------


@pytest.mark.data
def test_real_data_population_and_cli(real_data_dir: Path, tmp_path: Path) -> None:
    from mapapp.config import get_settings
    from mapapp.services import coverage

    settings = get_settings()
    inputs = coverage.load_inputs(settings)
    assert inputs.population_source == "zensus2022" and inputs.foreign_known
    grid = demand_grid_nrw(inputs, 5000)
    # Zensus 2022: NRW population 17,890,489 (shared/README.md)
    assert grid.cells["population"].sum() == pytest.approx(17_890_489, abs=1)
    params = CoverageParams(categories=(ABH,), threshold_m=10_000, cell_size_m=5000)
    result = run_coverage(grid, coverage.load_offers(settings), params)
    assert len(result.gemeinden) == 396 and len(result.kreise) == 53
    assert result.headline.demand_total == pytest.approx(grid.cells["foreign_population"].sum())
    assert 0 < result.headline.share_beyond_pct < 100
    out = tmp_path / "kreise.csv"
    assert (
        main(
            [
                "coverage",
                "nrw",
                "--category",
                ABH,
                "--cell-size",
                "5000",
                "--level",
                "kreis",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    got = pd.read_csv(out, comment="#", dtype={"ags": str})
    expected = export_table(result, "kreis")
    assert got["ags"].tolist() == expected["ags"].tolist()
    np.testing.assert_allclose(got["demand_beyond"], expected["demand_beyond"], rtol=1e-12)
