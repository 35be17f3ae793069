"""``mapapp coverage`` through ``mapapp.cli.main`` on the three-tract scenario in tmp_path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mapapp.cli import main

# SYNTHETIC points in EPSG:25832 (inside NRW's coordinate range), on the line y = 5,700,000:
# A(+0) B(+3000) C(+10000) D(+50000) from x = 400,000; offices S1 at +0 (cap 5), S2 at +9000 (cap 3).
DEMAND = (
    "id,x,y,demand\nA,400000,5700000,100\nB,403000,5700000,200\n"
    "C,410000,5700000,50\nD,450000,5700000,80\n"
)
SUPPLY = "id,x,y,capacity\nS1,400000,5700000,5\nS2,409000,5700000,3\n"
P = "400000,5700000"  # a point for rows whose position does not matter


@pytest.fixture
def files(tmp_path):
    (tmp_path / "d.csv").write_text(DEMAND)
    (tmp_path / "s.csv").write_text(SUPPLY)
    return tmp_path


def run(tmp_path, *extra: str, demand="d.csv", supply="s.csv") -> int:
    return main(
        [
            "coverage",
            "--demand",
            str(tmp_path / demand),
            "--supply",
            str(tmp_path / supply),
            "--out",
            str(tmp_path / "out.csv"),
            *extra,
        ]
    )


def read_out(tmp_path) -> pd.DataFrame:
    return pd.read_csv(tmp_path / "out.csv", dtype={"id": str})


def test_2sfca(files):
    assert run(files, "--method", "2sfca", "--max-cost", "4000") == 0
    out = read_out(files)
    assert list(out.columns) == ["id", "value"]
    assert list(out["id"]) == ["A", "B", "C", "D"]
    np.testing.assert_allclose(out["value"], [1 / 60, 1 / 60, 0.06, 0.0], rtol=1e-15)


def test_e2sfca_steps_and_gaussian(files):
    assert run(files, "--method", "e2sfca", "--max-cost", "4000", "--steps", "1000:1,3000:0.5") == 0
    np.testing.assert_allclose(
        read_out(files)["value"], [5 / 200, 0.5 * 5 / 200, 3 / 50, 0.0], rtol=1e-15
    )
    assert run(files, "--method", "e2sfca", "--max-cost", "4000", "--gaussian", "2000") == 0
    g = np.exp(-(3000.0**2) / (2 * 2000.0**2))
    w1 = 100 + 200 * g
    w2 = 50 * np.exp(-(1000.0**2) / (2 * 2000.0**2))
    expected = [5 / w1, g * 5 / w1, np.exp(-(1000.0**2) / (2 * 2000.0**2)) * 3 / w2, 0.0]
    np.testing.assert_allclose(read_out(files)["value"], expected, rtol=1e-12)
    # default weights: 1 / 0.68 / 0.22 in thirds of max-cost (1500, 3000, 4500)
    assert run(files, "--method", "e2sfca", "--max-cost", "4500") == 0
    w1 = 100 + 200 * 0.68
    np.testing.assert_allclose(
        read_out(files)["value"], [5 / w1, 0.68 * 5 / w1, 3 / 50, 0.0], rtol=1e-15
    )


def test_nearest_writes_empty_beyond_max_cost(files):
    assert run(files, "--method", "nearest", "--max-cost", "5000") == 0
    text = (files / "out.csv").read_text().splitlines()
    assert text == ["id,value", "A,0.0", "B,3000.0", "C,1000.0", "D,"]
    assert run(files, "--method", "nearest") == 0  # unlimited
    np.testing.assert_array_equal(read_out(files)["value"], [0, 3000, 1000, 41000])


def test_nearest_needs_no_capacity_and_accepts_semicolons(tmp_path):
    (tmp_path / "d.csv").write_text("id;x;y\nA;400000,5;5700000\nB;403000;5700000\n")
    (tmp_path / "s.csv").write_text("id;x;y\nS1;400000;5700000\n")
    assert run(tmp_path, "--method", "nearest") == 0
    np.testing.assert_array_equal(read_out(tmp_path)["value"], [0.5, 3000])


def test_cost_matrix_instead_of_coordinates(files):
    (files / "c.csv").write_text(
        "origin,destination,cost\nA,S1,0\nB,S1,3\nC,S2,1\nC,S1,10\nX,S1,1\n"
    )
    assert run(files, "--method", "2sfca", "--max-cost", "4", "--cost", str(files / "c.csv")) == 0
    np.testing.assert_allclose(read_out(files)["value"], [1 / 60, 1 / 60, 0.06, 0.0], rtol=1e-15)
    assert run(files, "--method", "nearest", "--cost", str(files / "c.csv")) == 0
    assert (files / "out.csv").read_text().splitlines()[1:] == ["A,0.0", "B,3.0", "C,1.0", "D,"]


def test_formula_like_ids_are_neutralised(tmp_path):
    (tmp_path / "d.csv").write_text(f"id,x,y,demand\n=HYPERLINK(1),{P},1\n")
    (tmp_path / "s.csv").write_text(SUPPLY)
    assert run(tmp_path, "--method", "2sfca", "--max-cost", "10") == 0
    assert (tmp_path / "out.csv").read_text().splitlines()[1].startswith("'=HYPERLINK(1),")


@pytest.mark.parametrize(
    ("demand", "args", "where"),
    [
        (f"id,x,y,demand\nA,{P},100\nB,zero,0,5\n", (), "d.csv, Zeile 3, Feld 'x'"),
        (f"id,x,y,demand\nA,{P},100\n\nB,{P},-5\n", (), "d.csv, Zeile 4, Feld 'demand'"),
        (f"id,x,y,demand\nA,{P},100\nA,{P},5\n", (), "d.csv, Zeile 3, Feld 'id'"),
        (f"id,x,y,people\nA,{P},100\n", (), "d.csv, Zeile 1, Feld 'demand'"),
        (f"id,x,y,demand\nA,{P},100\nB,{P},5,9\n", (), "d.csv, Zeile 3"),
        (f"id,x,y,demand\n,{P},100\n", (), "d.csv, Zeile 2, Feld 'id'"),
        (DEMAND, ("--steps", "1000:1"), "Feld '--steps'"),
    ],
)
def test_bad_input_exit_2_one_line(tmp_path, capsys, demand, args, where):
    (tmp_path / "d.csv").write_text(demand)
    (tmp_path / "s.csv").write_text(SUPPLY)
    assert run(tmp_path, "--method", "2sfca", "--max-cost", "4000", *args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mapapp: ")
    assert where in err
    assert not (tmp_path / "out.csv").exists()


def test_bad_options_and_supply(files, capsys):
    assert run(files, "--method", "2sfca") == 2
    assert "--max-cost" in capsys.readouterr().err
    assert run(files, "--method", "e2sfca", "--max-cost", "4000", "--steps", "1000:x") == 2
    assert "Feld '--steps'" in capsys.readouterr().err
    (files / "s.csv").write_text(f"id,x,y,capacity\nS1,{P},-1\n")
    assert run(files, "--method", "2sfca", "--max-cost", "4000") == 2
    assert "s.csv, Zeile 2, Feld 'capacity'" in capsys.readouterr().err
    assert run(files, "--method", "nearest", demand="missing.csv") == 2
    assert "missing.csv" in capsys.readouterr().err


def test_help_documents_the_output(capsys):
    with pytest.raises(SystemExit) as info:
        main(["coverage", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "LEER" in out and "id,value" in out and "EPSG:25832" in out


def test_too_many_pairs_exit_2_names_estimate_limit_and_option(files, capsys, monkeypatch):
    """A catchment of 1,000 km grows the pairs to demand x supply: refused, not run forever."""
    from mapapp.analysis.accessibility import pairs

    monkeypatch.setattr(pairs, "MAX_PAIRS", 7)  # instead of huge test data
    for method in ("2sfca", "e2sfca"):
        assert run(files, "--method", method, "--max-cost", "1000000") == 2
        err = capsys.readouterr().err
        assert err.startswith("mapapp: Feld '--max-cost': etwa 8 ") and err.count("\n") == 1
        assert "Grenze von 7" in err and "kleineren Einzugsbereich" in err
        assert not (files / "out.csv").exists()
    assert run(files, "--method", "2sfca", "--max-cost", "4000") == 0  # 3 pairs
    assert run(files, "--method", "nearest", "--max-cost", "1000000") == 0  # no pairs walked


@pytest.mark.parametrize(
    ("which", "row", "field", "needle"),
    [
        ("A,7.6261,51.9607,100", 2, "x", "sieht nach Grad (WGS84) aus"),  # lon, lat
        ("A,5700000,400000,100", 2, "x", "x und y vertauscht?"),
        ("A,2570000,5700000,100", 2, "x", "Meter in EPSG:25832"),  # Gauss-Krüger zone 2
        ("A,400000,5700,100", 2, "y", "Meter in EPSG:25832"),  # kilometres
    ],
)
def test_coordinates_outside_nrw_are_refused(tmp_path, capsys, which, row, field, needle):
    """Degrees in a file that should hold metres used to give distances of 5.7 million m."""
    (tmp_path / "d.csv").write_text(f"id,x,y,demand\n{which}\nB,{P},5\n")
    (tmp_path / "s.csv").write_text(SUPPLY)
    assert run(tmp_path, "--method", "nearest") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"d.csv, Zeile {row}, Feld '{field}'" in err and needle in err
    assert "x 200.000–620.000, y 5.500.000–5.900.000" in err
    assert not (tmp_path / "out.csv").exists()
    # the supply file is checked the same way (here its second data row)
    (tmp_path / "d.csv").write_text(DEMAND)
    (tmp_path / "s.csv").write_text(f"id,x,y,capacity\nS1,{P},5\nS2,7.63,51.96,3\n")
    assert run(tmp_path, "--method", "2sfca", "--max-cost", "4000") == 2
    assert "s.csv, Zeile 3, Feld 'x'" in capsys.readouterr().err


@pytest.mark.parametrize("empty", ["d.csv", "s.csv"])
@pytest.mark.parametrize("method", ["nearest", "2sfca"])
def test_empty_demand_or_supply_file_is_refused(files, capsys, empty, method):
    """A file with only its header used to give exit 0 (and an empty result)."""
    header = "id,x,y,demand\n" if empty == "d.csv" else "id,x,y,capacity\n"
    (files / empty).write_text(header + "\n")
    assert run(files, "--method", method, "--max-cost", "4000") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{empty}: enthält keine Datenzeilen" in err
    assert not (files / "out.csv").exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--max-cost", "-1"),
        ("--max-cost", "0"),
        ("--max-cost", "nan"),
        ("--max-cost", "inf"),
        ("--max-cost", "-inf"),
        ("--max-cost", "zehn"),
        ("--gaussian", "0"),
        ("--gaussian", "nan"),
        ("--workers", "0"),
        ("--workers", "100000"),
        ("--workers", "1.5"),
    ],
)
def test_non_positive_or_non_finite_options_exit_2(files, capsys, option, value):
    args = ["--method", "e2sfca", "--max-cost", "4000", option, value]
    with pytest.raises(SystemExit) as info:
        run(files, *args)
    assert info.value.code == 2
    assert f"argument {option}: " in capsys.readouterr().err
    assert not (files / "out.csv").exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--threshold", "-5"),
        ("--threshold", "0"),
        ("--threshold", "nan"),
        ("--threshold", "inf"),
        ("--cell-size", "nan"),
        ("--cell-size", "-1000"),
        ("--max-cost", "inf"),
        ("--max-cost", "0"),
        ("--gaussian", "-1"),
    ],
)
def test_nrw_form_refuses_bad_numbers_before_loading_data(tmp_path, capsys, option, value):
    out = tmp_path / "out.csv"
    with pytest.raises(SystemExit) as info:
        main(
            [
                "coverage",
                "nrw",
                "--category",
                "auslaenderbehoerde",
                "--out",
                str(out),
                option,
                value,
            ]
        )
    assert info.value.code == 2
    assert f"argument {option}: " in capsys.readouterr().err
    assert not out.exists()


LEAN_SCRIPT = """
import sys
from mapapp.cli import main
code = main(sys.argv[1:])
heavy = ("geopandas", "folium", "matplotlib", "streamlit", "shapely", "pyproj")
print(",".join(sorted(m for m in heavy if m in sys.modules)))
sys.exit(code)
"""


def fresh_process(script: str, files, method: str, out) -> str:
    """Run ``script`` (``mapapp.cli.main`` on its arguments, then a print) with ``mapapp coverage``
    on d.csv/s.csv in a fresh interpreter; assert exit 0 and return what it printed."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", script, "coverage", "--demand", str(files / "d.csv"),
         "--supply", str(files / "s.csv"), "--method", method, "--max-cost", "15000",
         "--out", str(out)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("method", ["nearest", "e2sfca"])
def test_csv_form_loads_no_geo_map_or_ui_stack(files, method: str) -> None:
    """``mapapp coverage`` on CSV files in a fresh interpreter: neither geopandas, folium,
    matplotlib, streamlit (nor shapely/pyproj) is imported, and the output is right."""
    out = files / "lean.csv"
    assert fresh_process(LEAN_SCRIPT, files, method, out) == ""  # no heavy module was loaded
    assert list(pd.read_csv(out)["id"]) == ["A", "B", "C", "D"]


def test_numbers_are_written_as_numbers_and_ids_are_neutralised(tmp_path) -> None:
    (tmp_path / "d.csv").write_text("id,x,y,demand\n=cmd,400000,5700000,100\n-7,403000,5700000,1\n")
    (tmp_path / "s.csv").write_text(SUPPLY)
    assert run(tmp_path, "--method", "nearest") == 0
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert lines == ["id,value", "'=cmd,0.0", "'-7,3000.0"]


PANDAS_SCRIPT = """
import sys
from mapapp.cli import main
code = main(sys.argv[1:])
print("pandas" in sys.modules)
sys.exit(code)
"""


@pytest.mark.parametrize("method", ["nearest", "2sfca", "e2sfca"])
def test_plain_csv_files_need_no_pandas(files, method: str) -> None:
    """Plain CSV files are read with numpy and the measures run on arrays: pandas stays unloaded
    (it is loaded for unusual files and cost tables only), and the numbers are those of the
    frame functions."""
    from mapapp.analysis.accessibility import enhanced_two_stage_fca, nearest_cost, two_stage_fca

    out = files / "lean.csv"
    assert fresh_process(PANDAS_SCRIPT, files, method, out) == "False"
    demand = pd.read_csv(files / "d.csv", dtype={"id": str})
    supply = pd.read_csv(files / "s.csv", dtype={"id": str})
    kwargs = dict(demand_value="demand", supply_value="capacity", max_cost=15000.0)
    if method == "nearest":
        expected = nearest_cost(demand, supply, max_cost=15000.0)["cost"].replace(np.inf, np.nan)
    elif method == "2sfca":
        expected = two_stage_fca(demand, supply, **kwargs)
    else:
        expected = enhanced_two_stage_fca(demand, supply, **kwargs)
    written = pd.read_csv(out, dtype={"id": str})
    assert written["id"].tolist() == demand["id"].tolist()
    np.testing.assert_array_equal(written["value"].to_numpy(), expected.to_numpy())


def test_ids_that_need_quoting_are_written_as_pandas_writes_them(tmp_path) -> None:
    ids = ["a,b", 'say "hi"', "=1+1", "plain"]
    rows = "".join(f'"{i.replace(chr(34), chr(34) * 2)}",{P},1\n' for i in ids)
    (tmp_path / "d.csv").write_text("id,x,y,demand\n" + rows)
    (tmp_path / "s.csv").write_text(SUPPLY)
    assert run(tmp_path, "--method", "nearest", "--max-cost", "1") == 0
    safe = ["'=1+1" if i == "=1+1" else i for i in ids]
    expected = pd.DataFrame({"id": safe, "value": [0.0, 0.0, 0.0, 0.0]})
    assert (tmp_path / "out.csv").read_text() == expected.to_csv(index=False, lineterminator="\n")
