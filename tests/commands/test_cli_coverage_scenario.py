"""``mapapp coverage scenario``: before and after, by hand on three SYNTHETIC demand rows on a line
(EPSG:25832, from x = 350,000, y = 5,650,000):

    r1 (+0 m, demand 10)   r2 (+3000 m, 20)   r3 (+6000 m, 30)
    offers A (+0, capacity 15), B (+6000, 40); --add C (+3000, 1000 m north, 25);
    --remove A; --move B to 500 m north of r3.

Nearest within 2000 m: before r1 0 (A), r2 none (A and B 3000 m away), r3 0 (B); after r1 none
(C 3162 m, B 6021 m), r2 1000 (C), r3 500 (B). r2 gains access, r1 loses it.
Capacity (B and C first by capacity, nearest rows first): before B takes r3's 30, A r1's 10, r2
(3000 m) is out of reach -> 0, 20, 0; after B takes r3 (500 m), C r2 (1000 m), r1 is out of reach
-> 10, 0, 0.
"""

from __future__ import annotations

import subprocess
import sys

from mapapp.cli import main

DEMAND = "id,x,y,demand\nr1,350000,5650000,10\nr2,353000,5650000,20\nr3,356000,5650000,30\n"
SUPPLY = "id,x,y,capacity\nA,350000,5650000,15\nB,356000,5650000,40\n"
ADD = "id,x,y,capacity\nC,353000,5651000,25\n"
CHANGES = ("--add", "a.csv", "--remove", "A", "--move", "B:356000,5650500")


def files(tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "d.csv").write_text(DEMAND)
    (tmp_path / "s.csv").write_text(SUPPLY)
    (tmp_path / "a.csv").write_text(ADD)
    return tmp_path


def args(f, *extra: str) -> list[str]:  # type: ignore[no-untyped-def]
    paths = [str(f / a) if a.endswith(".csv") else a for a in extra]
    return ["coverage", "scenario", "--demand", str(f / "d.csv"), "--supply",
            str(f / "s.csv"), "--out", str(f / "out.csv"), *paths]  # fmt: skip


def test_nearest_before_after_change(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path)
    assert main(args(f, *CHANGES, "--method", "nearest", "--max-cost", "2000")) == 0
    assert (f / "out.csv").read_text() == (
        "id,before,after,change\nr1,0.0,,\nr2,,1000.0,\nr3,0.0,500.0,500.0\n"
    )
    out = capsys.readouterr().out
    assert out.strip() == (
        "Zugang (Angebot <= 2000): gewonnen 1 von 3 Zeilen; verloren 1 von 3 Zeilen"
    )


def test_capacity_before_after_change(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path)
    assert main(args(f, *CHANGES, "--method", "capacity", "--max-cost", "2000")) == 0
    assert (f / "out.csv").read_text() == (
        "id,before,after,change\nr1,0.0,10.0,10.0\nr2,20.0,0.0,-20.0\nr3,0.0,0.0,0.0\n"
    )
    assert "gewonnen 1 von 3 Zeilen (Nachfrage 20); verloren 1 von 3 Zeilen (Nachfrage 10)" in (
        capsys.readouterr().out
    )


def test_without_changes_before_equals_after(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path)
    assert main(args(f, "--method", "nearest")) == 0  # unlimited: r2 is 3000 m from A
    assert (f / "out.csv").read_text() == (
        "id,before,after,change\nr1,0.0,0.0,0.0\nr2,3000.0,3000.0,0.0\nr3,0.0,0.0,0.0\n"
    )


def test_removing_every_offer(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path)
    assert main(args(f, "--remove", "A,B", "--method", "2sfca", "--max-cost", "2000")) == 0
    text = (f / "out.csv").read_text().splitlines()
    # before: A serves r1 (15 / 10), B serves r3 (40 / 30); after nothing is left
    assert text[1:] == [
        "r1,1.5,0.0,-1.5",
        "r2,0.0,0.0,0.0",
        "r3,1.3333333333333333,0.0,-1.3333333333333333",
    ]
    assert "verloren 2 von 3 Zeilen (Nachfrage 40)" in capsys.readouterr().out


def test_cost_table_with_an_added_offer(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path)
    (f / "c.csv").write_text("origin,destination,cost\nr1,A,2\nr2,A,9\nr2,C,4\nr3,B,1\n")
    assert main(args(f, "--add", "a.csv", "--method", "nearest", "--max-cost", "5",
                     "--cost", "c.csv")) == 0  # fmt: skip
    assert (f / "out.csv").read_text() == (
        "id,before,after,change\nr1,2.0,2.0,0.0\nr2,,4.0,\nr3,1.0,1.0,0.0\n"
    )


def test_bad_ids_and_options_are_named(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path)
    assert main(args(f, "--remove", "Z", "--method", "nearest")) == 2
    assert "'Z' gibt es nicht" in capsys.readouterr().err
    assert main(args(f, "--add", "s.csv", "--method", "nearest")) == 2  # A and B exist
    assert "'A' gibt es schon" in capsys.readouterr().err
    assert main(args(f, "--method", "capacity")) == 2
    assert "--max-cost" in capsys.readouterr().err
    (f / "c.csv").write_text("origin,destination,cost\nr1,A,2\n")
    assert main(args(f, "--move", "A:350000,5650000", "--cost", "c.csv",
                     "--method", "nearest")) == 2  # fmt: skip
    assert "--move" in capsys.readouterr().err


def test_move_option_syntax(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path)
    try:
        main(args(f, "--move", "A:350000", "--method", "nearest"))
    except SystemExit as exc:
        assert exc.code == 2
    assert "ID:X,Y" in capsys.readouterr().err


LEAN = """
import sys
from mapapp.cli import main
code = main(sys.argv[1:])
heavy = ("pandas", "geopandas", "folium", "matplotlib", "streamlit", "shapely", "pyproj")
print(",".join(sorted(m for m in heavy if m in sys.modules)))
sys.exit(code)
"""


def test_plain_csv_files_load_no_pandas(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = files(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", LEAN, *args(f, *CHANGES, "--method", "capacity",
                                           "--max-cost", "2000")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == ""
