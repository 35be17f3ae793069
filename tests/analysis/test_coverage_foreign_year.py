"""Foreign demand for other years (e.g. 2005–2007): Gemeinde population × INKAR share of the Kreis."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from mapapp.analysis.coverage.grid import demand_grid_nrw, with_foreign_year
from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.result import run_coverage
from mapapp.io.tabular import sources_path
from mapapp.model import DataError
from mapapp.text.coverage import attribution, sources
from tests.fixtures.coverage_inputs import G1, G2, SHARES, make_inputs, make_offers

# SHARES: synthetic INKAR shares (Kreis 05111 10 %, Kreis 05154 25 % in 2006).


def grid_with_shares(foreign: bool = True):  # type: ignore[no-untyped-def]
    inputs = dataclasses.replace(make_inputs(foreign), foreign_shares=SHARES)
    return demand_grid_nrw(inputs, 1000)


def test_foreign_population_of_a_year_is_population_times_kreis_share() -> None:
    grid = with_foreign_year(grid_with_shares(), 2006)
    per_gemeinde = grid.cells.groupby("ags")[["population", "foreign_population"]].sum()
    # 400 people × 10 % and 800 people × 25 % (the Zensus 100 / 200 are replaced)
    assert per_gemeinde.loc[G1, "foreign_population"] == pytest.approx(40.0)
    assert per_gemeinde.loc[G2, "foreign_population"] == pytest.approx(200.0)
    assert grid.foreign_year == 2006 and grid.foreign_years == [2006, 2007]


def test_works_without_zensus_and_reports_missing_years() -> None:
    grid = grid_with_shares(foreign=False)
    assert not grid.foreign_known
    assert with_foreign_year(grid, 2006).foreign_known  # GV-ISys people × INKAR share
    with pytest.raises(DataError) as err:
        with_foreign_year(grid, 2007)  # Kreis 05154 has no 2007 share
    assert "05154" in str(err.value) and err.value.field == "foreign_year"
    with pytest.raises(DataError):
        with_foreign_year(demand_grid_nrw(make_inputs(), 1000), 2006)  # no INKAR table at all
    assert with_foreign_year(grid, None) is grid


def test_run_coverage_uses_the_year_and_says_so() -> None:
    grid = grid_with_shares()
    now = run_coverage(grid, make_offers(), CoverageParams(cell_size_m=1000))
    then = run_coverage(grid, make_offers(), CoverageParams(cell_size_m=1000, foreign_year=2006))
    assert now.headline.demand_total == pytest.approx(300.0)
    assert then.headline.demand_total == pytest.approx(240.0)
    assert then.foreign_year == 2006 and "INKAR" in attribution(then)
    assert any("2006" in s and "INKAR" in s for s in sources(then))
    assert "INKAR" not in attribution(now)


def test_cli_foreign_year_gives_the_core_numbers(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from mapapp.analysis.coverage.exports import export_table
    from mapapp.cli import main
    from mapapp.services import coverage

    inputs = dataclasses.replace(make_inputs(), foreign_shares=SHARES)
    monkeypatch.setattr(coverage, "load_inputs", lambda settings: inputs)
    monkeypatch.setattr(coverage, "load_offers", lambda settings: make_offers())
    out = tmp_path / "out.csv"
    args = ["coverage", "nrw", "--category", "auslaenderbehoerde", "--threshold", "1500"]
    assert main([*args, "--foreign-year", "2006", "--out", str(out)]) == 0
    expected = export_table(
        run_coverage(
            demand_grid_nrw(inputs, 1000),
            make_offers(),
            CoverageParams(categories=("auslaenderbehoerde",), threshold_m=1500, foreign_year=2006),
        ),
        "gemeinde",
    )
    assert not out.read_text(encoding="utf-8").startswith("#")  # no comment line in a CSV
    got = pd.read_csv(out, dtype={"ags": str})
    assert got["demand"].tolist() == pytest.approx(expected["demand"].tolist())
    assert sorted(got["demand"].tolist()) == pytest.approx([40.0, 200.0])
    assert "INKAR" in sources_path(out).read_text(encoding="utf-8")  # sources file beside it
    assert (
        main([*args, "--foreign-year", "2007", "--out", str(out)]) == 2
    )  # 05154 has no 2007 share
    assert "05154" in capsys.readouterr().err
