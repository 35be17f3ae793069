"""``mapapp coverage --method capacity``: unserved demand per row, by hand on the three-tract
line of :mod:`tests.commands.test_cli_coverage` (SYNTHETIC points, EPSG:25832).

Demand A(+0 m, 100) B(+3000, 200) C(+10000, 50) D(+50000, 80) from x = 400,000; offices
S1 at +0 and S2 at +9000 with the capacities of each test.
"""

from __future__ import annotations

import pandas as pd

from tests.commands.test_cli_coverage import DEMAND, fresh_process, read_out, run

SUPPLY = "id,x,y,capacity\nS1,400000,5700000,250\nS2,409000,5700000,60\n"


def files(tmp_path, supply: str = SUPPLY):  # type: ignore[no-untyped-def]
    (tmp_path / "d.csv").write_text(DEMAND)
    (tmp_path / "s.csv").write_text(supply)
    return tmp_path


def test_unserved_demand_per_row(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # S1 (250) first: A 100 (0 m), then 150 of B's 200 (3000 m) -> B keeps 50; S2 (60): C 50
    # (1000 m); B is 6000 m from S2, beyond 4000. D is out of reach of both.
    f = files(tmp_path)
    assert run(f, "--method", "capacity", "--max-cost", "4000") == 0
    out = read_out(f)
    assert out["id"].tolist() == ["A", "B", "C", "D"]
    assert out["value"].tolist() == [0, 50, 0, 80]


def test_max_cost_is_inclusive_and_the_remainder_goes_to_the_next_offer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # at 6000 m B is in reach of S2 exactly: after C (50) S2 has 10 left for B's remaining 50
    f = files(tmp_path)
    assert run(f, "--method", "capacity", "--max-cost", "6000") == 0
    assert read_out(f)["value"].tolist() == [0, 40, 0, 80]


def test_small_capacities(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # S1 (5) first takes 5 of A; S2 (3) takes 3 of C
    f = files(tmp_path, "id,x,y,capacity\nS1,400000,5700000,5\nS2,409000,5700000,3\n")
    assert run(f, "--method", "capacity", "--max-cost", "4000") == 0
    assert read_out(f)["value"].tolist() == [95, 200, 47, 80]


def test_cost_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path)
    (f / "c.csv").write_text(
        "origin,destination,cost\nA,S1,0\nB,S1,3\nC,S2,1\nC,S1,10\nX,S1,1\nB,S2,4\n"
    )
    # minutes: S1 takes A (0) and 150 of B (3); C at 10 min is beyond 4. S2: C (1) 50, then B
    # (4 min, inclusive) 10 -> B keeps 40; the unknown origin X is ignored
    assert run(f, "--method", "capacity", "--max-cost", "4", "--cost", str(f / "c.csv")) == 0
    assert read_out(f)["value"].tolist() == [0, 40, 0, 80]


def test_capacity_needs_max_cost_and_a_capacity_column(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path)
    assert run(f, "--method", "capacity") == 2
    assert "--max-cost" in capsys.readouterr().err
    f = files(tmp_path, "id,x,y\nS1,400000,5700000\n")
    assert run(f, "--method", "capacity", "--max-cost", "4000") == 2
    assert "capacity" in capsys.readouterr().err
    assert not (f / "out.csv").exists()


def test_plain_files_need_neither_pandas_nor_the_geo_stack(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.commands.test_cli_coverage import LEAN_SCRIPT, PANDAS_SCRIPT

    f = files(tmp_path)
    assert fresh_process(PANDAS_SCRIPT, f, "capacity", f / "a.csv") == "False"
    assert fresh_process(LEAN_SCRIPT, f, "capacity", f / "b.csv") == ""
    # 15,000 m reach: S1 takes A and 150 of B; S2 takes C (50) and 10 of B; D out of reach
    assert pd.read_csv(f / "a.csv")["value"].tolist() == [0, 40, 0, 80]


def test_help_states_the_semantics(capsys) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from mapapp.cli import main

    with pytest.raises(SystemExit):
        main(["coverage", "--help"])
    text = capsys.readouterr().out
    assert "absteigender Kapazität" in text and "nach Nachfrage-id" in text
