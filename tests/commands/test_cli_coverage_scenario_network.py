"""``mapapp coverage scenario --network``: before and after in walking minutes on the SYNTHETIC
extract of tests/fixtures/osm_world.py (walk 4.5 km/h = 75 m per minute; the motorway B–F is
closed to walkers, the service way F–C (1414 m) is open to them).

Walking metres by hand: A–B, B–C, C–D, D–F, F–E, E–A 1000 each. Demand rows a, b, d at the
nodes A, B, D; offers X at A and Z at E; changes: --remove Z, --move X to C, --add Y at F.

    before (X at A, Z at E): a 0, b 1000 m (X) = 13.33 min, d 2000 m (Z via F) = 26.67 min
    after  (X at C, Y at F): a 2000 m = 26.67 min, b 1000 m (X) = 13.33, d 1000 m = 13.33

Within --max-cost 20 minutes: d gains access, a loses it; b keeps it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mapapp.cli import main
from mapapp.config import get_settings
from tests.fixtures.osm_world import write_osm, xy

M = 1000 / 75  # minutes per walked kilometre


@pytest.fixture
def walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The walking network of the extract built into a fresh data directory; the CSV files."""
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path / "data"))
    write_osm(get_settings().osm_dir, "toy.osm")
    assert main(["network", "build", "--mode", "walk"]) == 0

    def csv(name: str, header: str, rows: list[tuple[str, str]]) -> None:
        body = "".join(f"{i},{x!r},{y!r}\n" for i, n in rows for x, y in [xy(n)])
        (tmp_path / name).write_text(header + "\n" + body)

    csv("d.csv", "id,x,y", [("a", "A"), ("b", "B"), ("d", "D")])
    csv("s.csv", "id,x,y", [("X", "A"), ("Z", "E")])
    csv("add.csv", "id,x,y", [("Y", "F")])
    return tmp_path


def run(f: Path, *extra: str) -> int:
    x, y = xy("C")
    return main(
        ["coverage", "scenario", "--demand", str(f / "d.csv"), "--supply", str(f / "s.csv"),
         "--add", str(f / "add.csv"), "--remove", "Z", "--move", f"X:{x!r},{y!r}",
         "--method", "nearest", "--network", "walk", "--out", str(f / "out.csv"), *extra]
    )  # fmt: skip


def test_add_move_remove_in_walking_minutes(walk: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(walk, "--max-cost", "20", "--max-minutes", "60") == 0
    out = pd.read_csv(walk / "out.csv", dtype={"id": str}).set_index("id")
    assert out.loc["a", "before"] == pytest.approx(0, abs=1e-3)
    assert pd.isna(out.loc["a", "after"])  # 26.67 minutes: beyond 20
    assert out.loc["b", "before"] == pytest.approx(1 * M, abs=1e-3)
    assert out.loc["b", "after"] == pytest.approx(1 * M, abs=1e-3)
    assert out.loc["b", "change"] == pytest.approx(0, abs=1e-3)
    assert pd.isna(out.loc["d", "before"])  # 26.67 minutes: beyond 20
    assert out.loc["d", "after"] == pytest.approx(1 * M, abs=1e-3)
    assert capsys.readouterr().out.strip() == (
        "Zugang (Angebot <= 20): gewonnen 1 von 3 Zeilen; verloren 1 von 3 Zeilen"
    )


def test_search_limit_alone_is_the_reach(walk: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Without --max-cost the search (--max-minutes 30) is the reach: every row has an offer."""
    assert run(walk, "--max-minutes", "30") == 0
    out = pd.read_csv(walk / "out.csv", dtype={"id": str}).set_index("id")
    assert out["before"].tolist() == pytest.approx([0, M, 2 * M], abs=1e-3)
    assert out["after"].tolist() == pytest.approx([2 * M, M, M], abs=1e-3)
    assert out["change"].tolist() == pytest.approx([2 * M, 0, -M], abs=1e-3)
    assert "gewonnen 0 von 3 Zeilen; verloren 0 von 3 Zeilen" in capsys.readouterr().out


def test_network_options_are_checked(walk: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(walk) == 2  # neither limit
    assert "--max-minutes" in capsys.readouterr().err
    assert run(walk, "--max-cost", "40", "--max-minutes", "30") == 2  # reach beyond the search
    assert "über der Suche bis 30 Minuten" in capsys.readouterr().err
    argv = ["coverage", "scenario", "--demand", str(walk / "d.csv"), "--supply",
            str(walk / "s.csv"), "--method", "nearest", "--max-minutes", "30",
            "--out", str(walk / "o.csv")]  # fmt: skip
    assert main(argv) == 2  # --max-minutes belongs to --network
    assert "nur mit --network" in capsys.readouterr().err
