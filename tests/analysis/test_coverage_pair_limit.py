"""The pair limit of the floating-catchment measures in the Versorgungslücken pipeline and in
``mapapp coverage nrw`` (page and CLI call the same core function, so they refuse alike).

SYNTHETIC fixture from tests/test_coverage_pipeline.py: 12 cells of 1 km, offers O1 and O3 are
Ausländerbehörden; with a catchment of 1,000 km every cell reaches both (24 pairs).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.analysis.accessibility import PairLimitError, pairs
from mapapp.analysis.coverage.grid import demand_grid_nrw
from mapapp.analysis.coverage.params import CoverageParams
from mapapp.analysis.coverage.result import run_coverage
from mapapp.cli import main
from tests.fixtures.coverage_inputs import ABH, make_inputs, make_offers


@pytest.mark.parametrize("method", ["2sfca", "e2sfca"])
def test_run_coverage_refuses_too_many_pairs(method: str) -> None:
    grid = demand_grid_nrw(make_inputs(), 1000)
    params = CoverageParams(categories=(ABH,), threshold_m=1_000_000, method=method)  # type: ignore[arg-type]
    with pytest.raises(PairLimitError) as info:
        run_coverage(grid, make_offers(), params, max_pairs=23)
    assert (info.value.estimate, info.value.limit) == (24, 23)
    assert "kleineren Einzugsbereich" in str(info.value)
    result = run_coverage(grid, make_offers(), params, max_pairs=24)
    assert len(result.cells) == 12


def test_cli_nrw_refuses_too_many_pairs(monkeypatch, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from mapapp.services import coverage

    monkeypatch.setattr(coverage, "load_inputs", lambda settings: make_inputs())
    monkeypatch.setattr(coverage, "load_offers", lambda settings: make_offers())
    monkeypatch.setattr(pairs, "MAX_PAIRS", 23)
    out = tmp_path / "out.csv"
    base = ["coverage", "nrw", "--category", ABH, "--method", "2sfca", "--out", str(out)]
    assert main([*base, "--max-cost", "1000000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mapapp: Feld '--max-cost': etwa 24 ") and err.count("\n") == 1
    assert main([*base, "--threshold", "1000000"]) == 2
    assert "Feld '--threshold'" in capsys.readouterr().err
    assert not out.exists()
    assert main([*base, "--threshold", "1500"]) == 0
