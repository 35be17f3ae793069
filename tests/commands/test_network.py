"""``mapapp network build|costs|list`` on the SYNTHETIC extract of tests/fixtures/osm_world.py:
hand-computed minutes, snapping distance, the table read back by ``mapapp coverage --cost``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from mapapp.cli import main
from mapapp.config import get_settings
from mapapp.services.network import available_networks
from tests.fixtures.osm_world import EXPECTED_MINUTES, NEWEST_WAY, NODES, write_osm, xy


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def built(data_dir: Path, tmp_path: Path) -> Path:
    """All three modes built from the extract in raw/osm (the default --osm)."""
    write_osm(get_settings().osm_dir, "toy.osm")
    for mode in ("walk", "bike", "car"):
        assert main(["network", "build", "--mode", mode]) == 0
    return data_dir


def points_csv(path: Path, rows: list[tuple[str, float, float]]) -> Path:
    path.write_text("id,x,y\n" + "".join(f"{i},{x!r},{y!r}\n" for i, x, y in rows))
    return path


@pytest.mark.parametrize("engine", ["pandana", "scipy"])
def test_costs_are_the_hand_computed_minutes(built: Path, tmp_path: Path, engine: str) -> None:
    names = list(NODES)[:7]  # A..E, not the dropped island
    origins = points_csv(tmp_path / "o.csv", [(n, *xy(n)) for n in names])
    dests = points_csv(tmp_path / "d.csv", [(n, *xy(n)) for n in names])
    for mode in ("walk", "bike", "car"):
        out = tmp_path / f"{mode}.csv"
        argv = ["network", "costs", "--network", mode, "--from", str(origins), "--to", str(dests),
                "--max-minutes", "120", "--out", str(out), "--engine", engine]  # fmt: skip
        assert main(argv) == 0
        table = pd.read_csv(out, dtype={"origin": str, "destination": str})
        assert list(table.columns) == ["origin", "destination", "cost"]
        got = {(o, d): c for o, d, c in table.itertuples(index=False)}
        for (m, a, b), minutes in EXPECTED_MINUTES.items():
            if m != mode:
                continue
            if minutes is None:
                assert (a, b) not in got, (mode, a, b)
            else:
                assert got[(a, b)] == pytest.approx(minutes, abs=5e-4), (mode, a, b)


def test_snapping_distance_is_added_at_the_mode_speed(built: Path, tmp_path: Path) -> None:
    # 30 m south of A, 40 m west of E; office 20 m north of F
    origins = points_csv(tmp_path / "o.csv", [("d1", *xy("A", dy=-30)), ("d2", *xy("E", dx=-40))])
    dests = points_csv(tmp_path / "s.csv", [("s1", *xy("F", dy=20))])
    out = tmp_path / "c.csv"
    argv = ["network", "costs", "--network", "walk", "--from", str(origins), "--to", str(dests),
            "--max-minutes", "30", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    table = pd.read_csv(out)
    assert table["origin"].tolist() == ["d1", "d2"]  # by origin (input order), then cost
    expected = [(30 + 2000 + 20) / 75, (40 + 1000 + 20) / 75]  # A–E–F, E–F at 75 m/min
    assert table["cost"].tolist() == pytest.approx(expected, abs=5e-4)
    # car: the snapping distance at 30 km/h (500 m/min): d1 → s1 = 0.06 + 1.7 + 0.04 minutes
    argv[3], argv[-1] = "car", str(tmp_path / "car.csv")
    assert main(argv) == 0
    car = pd.read_csv(tmp_path / "car.csv").set_index("origin")["cost"]
    assert car["d1"] == pytest.approx(30 / 500 + 1.7 + 20 / 500, abs=5e-4)


def test_cost_table_is_read_by_coverage(built: Path, tmp_path: Path) -> None:
    (tmp_path / "demand.csv").write_text(
        "id,x,y,demand\n"
        + "".join(f"{i},{x!r},{y!r},{n}\n" for i, (x, y), n in
                  [("d1", xy("A", dy=-30), 10), ("d2", xy("E", dx=-40), 5), ("d3", xy("D"), 1)])
    )  # fmt: skip
    (tmp_path / "supply.csv").write_text(
        "id,x,y,capacity\n" + f"s1,{xy('F', dy=20)[0]!r},{xy('F', dy=20)[1]!r},3\n"
    )
    costs = tmp_path / "minutes.csv"
    argv = ["network", "costs", "--network", "walk", "--from", str(tmp_path / "demand.csv"),
            "--to", str(tmp_path / "supply.csv"), "--max-minutes", "20", "--out", str(costs)]  # fmt: skip
    assert main(argv) == 0
    out = tmp_path / "nearest.csv"
    argv = ["coverage", "--demand", str(tmp_path / "demand.csv"), "--supply",
            str(tmp_path / "supply.csv"), "--cost", str(costs), "--method", "nearest",
            "--max-cost", "20", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    result = pd.read_csv(out).set_index("id")["value"]
    assert result["d2"] == pytest.approx((40 + 1000 + 20) / 75, abs=5e-4)
    assert result["d3"] == pytest.approx(1020 / 75, abs=5e-4)  # D–F 1000 m, 20 m snap
    assert pd.isna(result["d1"])  # 27.3 minutes: beyond 20


def test_manifest_and_list_name_mode_speed_and_extract_date(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = json.loads((built / "derived" / "network" / "car" / "manifest.json").read_text())
    assert manifest["mode"] == "car" and manifest["speed_kmh"] is None
    assert manifest["car_kmh"]["residential"] == 30.0 and manifest["snap_kmh"] == 30.0
    assert manifest["extract"]["newest_way"] == NEWEST_WAY
    assert manifest["dropped_nodes"] == 2  # the G–H island
    infos = available_networks(get_settings())
    assert [(i.mode, i.speed_kmh, i.extract_date) for i in infos] == [
        ("walk", 4.5, NEWEST_WAY), ("bike", 15.0, NEWEST_WAY), ("car", None, NEWEST_WAY)
    ]  # fmt: skip
    capsys.readouterr()
    assert main(["network", "list"]) == 0
    assert "walk: " in capsys.readouterr().out


def test_build_without_extract_says_what_to_do(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["network", "build", "--mode", "walk"]) == 2
    assert "fetch-data --only osm" in capsys.readouterr().err


def test_costs_without_network_is_one_sentence(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pts = points_csv(tmp_path / "p.csv", [("a", *xy("A"))])
    argv = ["network", "costs", "--network", "bike", "--from", str(pts), "--to", str(pts),
            "--max-minutes", "5", "--out", str(tmp_path / "c.csv")]  # fmt: skip
    assert main(argv) == 2
    assert "mapapp network build" in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()


def test_coverage_on_plain_csv_does_not_load_the_network_stack(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "d.csv").write_text("id,x,y,demand\na,400000,5700000,1\n")
    (tmp_path / "s.csv").write_text("id,x,y,capacity\ns,400100,5700000,1\n")
    code = (
        "import sys; from mapapp.cli import main; "
        f"main(['coverage','--demand',{str(tmp_path / 'd.csv')!r},'--supply',"
        f"{str(tmp_path / 's.csv')!r},'--method','nearest','--out',{str(tmp_path / 'o.csv')!r}]); "
        "print(sorted(m for m in ('pandana','osmium','pandas','mapapp.services.network') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_engine_pandana_without_pandana_is_one_sentence(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """pandana is an optional dependency: without it '--engine pandana' says so in one line."""
    monkeypatch.setitem(sys.modules, "pandana", None)  # import pandana -> ImportError
    pts = points_csv(tmp_path / "p.csv", [("A", *xy("A"))])
    argv = ["network", "costs", "--network", "walk", "--from", str(pts), "--to", str(pts),
            "--max-minutes", "10", "--out", str(tmp_path / "c.csv"), "--engine", "pandana"]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "pandana ist nicht installiert" in err and "--engine" in err
    assert not (tmp_path / "c.csv").exists()
