"""CLI tests for ``mapapp funding import|reset|show`` (main([...]) with a data dir in tmp_path)."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from mapapp.cli import main
from mapapp.config import REPO_ROOT, get_settings
from mapapp.io.funding import SHOW_COLUMNS, imported_registry_path
from tests.fixtures.documented_list import documented_rows

DOCUMENTED = REPO_ROOT / "geodata" / "reference" / "kommin_funding_documented.csv"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(path))
    return path


def ministry_csv(path: Path, *extra_rows: str) -> Path:
    lines = [
        "Bewilligungen KOMM-IN NRW;;;;",
        "Zuwendungsempfänger;Typ;Förderjahr;Projekttitel;Betrag (EUR)",
        "Kreis Unna;;2005/2006;Netzwerk Zuwanderung;75.000,50",
        "Solingen, Klingenstadt;kreisfreie Stadt;2005-2007;Integrationsnetzwerk;120.000",
        'Bochum;;2008;=HYPERLINK("http://x")',
        *extra_rows,
    ]
    path.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    return path


def stored(data_dir: Path) -> Path:
    return imported_registry_path(get_settings())


def read_csv_output(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


# --- import -----------------------------------------------------------------------------------------


def test_import_ok_stores_and_show_uses_it(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = ministry_csv(tmp_path / "liste.csv")
    assert main(["funding", "import", str(src)]) == 0
    out = capsys.readouterr()
    assert "Zeilen gelesen: 3, übernommen: 3" in out.out
    assert "Gespeichert:" in out.out
    assert out.err == ""
    assert stored(data_dir).exists()

    assert main(["funding", "show", "--format", "csv"]) == 0
    frame = read_csv_output(capsys.readouterr().out)
    assert frame.columns.tolist() == list(SHOW_COLUMNS)
    assert frame["ags"].tolist() == ["05978", "05122000", "05911000"]
    assert frame["name"].tolist() == ["Unna", "Solingen, Klingenstadt", "Bochum, Stadt"]
    assert frame["unit_type"].tolist() == ["Kreis", "kreisfreie Stadt", "kreisfreie Stadt"]
    assert frame["funding_years"].tolist() == ["2005;2006", "2005;2006;2007", "2008"]
    assert frame["amount_eur"].tolist() == ["75000.50", "120000", ""]
    assert frame["source_url"].tolist() == [""] * 3  # "Import: liste.csv" is no link
    # formula injection neutralised in the CSV output
    assert frame.loc[2, "project_title"].startswith("'=HYPERLINK")


def test_import_with_row_errors_stores_nothing_and_keeps_the_previous_import(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["funding", "import", str(ministry_csv(tmp_path / "gut.csv"))]) == 0
    before = stored(data_dir).read_bytes()
    capsys.readouterr()

    bad = ministry_csv(tmp_path / "schlecht.csv", "Unna;;2006;X;", "Stadt Lippe;;2013;Y;")
    assert main(["funding", "import", str(bad)]) == 1
    out = capsys.readouterr()
    assert "FEHLER   schlecht.csv, Zeile 6, Feld 'name': 'Unna' ist mehrdeutig" in out.out
    assert "Zeile 7" in out.out
    assert "Nichts gespeichert" in out.out
    assert out.err.count("\n") == 1 and out.err.startswith("mapapp: schlecht.csv")
    assert stored(data_dir).read_bytes() == before


def test_import_dry_run_stores_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["funding", "import", str(ministry_csv(tmp_path / "l.csv")), "--dry-run"]) == 0
    assert "Probelauf" in capsys.readouterr().out
    assert not stored(data_dir).exists()


def test_import_report_json(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = ministry_csv(tmp_path / "l.csv", "Unna;;2006;X;")
    report = tmp_path / "out" / "bericht.json"
    assert main(["funding", "import", str(bad), "--report", str(report)]) == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["ok"] is False and data["stored"] is False and data["unusable"] is False
    assert data["rows_read"] == 4 and data["accepted"] == 0
    assert [(e["row"], e["field"]) for e in data["rejected"]] == [(6, "name")]
    assert data["columns"]["name"] == ["Zuwendungsempfänger"]
    assert data["encoding"] == "Windows-1252"

    good = ministry_csv(tmp_path / "g.csv")
    assert main(["funding", "import", str(good), "--report", str(report)]) == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["ok"] is True and data["stored"] is True and data["accepted"] == 3
    assert data["registry_path"] == str(stored(data_dir))


def test_import_unusable_file_exits_2_with_one_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "quatsch.csv"
    src.write_text("Bochum;2005\nDortmund;2006\n", encoding="utf-8")
    report = tmp_path / "r.json"
    assert main(["funding", "import", str(src), "--report", str(report)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mapapp: quatsch.csv") and "Kopfzeile" in err
    assert json.loads(report.read_text(encoding="utf-8"))["unusable"] is True
    assert not stored(data_dir).exists()


def test_import_missing_file_exits_2(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["funding", "import", str(tmp_path / "fehlt.xlsx")]) == 2
    assert "nicht gefunden" in capsys.readouterr().err


# --- reset ------------------------------------------------------------------------------------------


def test_reset_goes_back_to_the_documented_list(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["funding", "import", str(ministry_csv(tmp_path / "l.csv"))]) == 0
    assert main(["funding", "reset"]) == 0
    assert "Gelöscht" in capsys.readouterr().out
    assert not stored(data_dir).exists()
    assert main(["funding", "show", "--format", "csv"]) == 0
    assert len(read_csv_output(capsys.readouterr().out)) == len(documented_rows())
    assert main(["funding", "reset"]) == 0
    assert "Keine importierte Liste" in capsys.readouterr().out


# --- show -------------------------------------------------------------------------------------------


def documented_years() -> list[set[int]]:
    raw = pd.read_csv(DOCUMENTED, dtype=str, keep_default_na=False)
    return [{int(y) for y in ys.split(";") if y} for ys in raw["funding_years"]]


def test_show_csv_documented_list(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["funding", "show", "--format", "csv", "--boundaries", "off"]) == 0
    frame = read_csv_output(capsys.readouterr().out)
    assert frame.columns.tolist() == list(SHOW_COLUMNS)
    assert len(frame) == len(documented_rows())
    kreis = frame["unit_type"] == "Kreis"
    assert frame.loc[kreis, "ags"].str.len().eq(5).all()
    assert frame.loc[~kreis, "ags"].str.len().eq(8).all()
    assert frame["funding_years"].str.fullmatch(r"(\d{4}(;\d{4})*)?").all()
    herford = frame[frame["ags"] == "05758"]
    assert set(herford["name"]) == {"Herford"} and set(herford["funding_years"]) == {
        "2005;2006;2007"
    }


def test_show_years_filter(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["funding", "show", "--format", "csv", "--years", "2005-2007"]) == 0
    frame = read_csv_output(capsys.readouterr().out)
    expected = sum(1 for ys in documented_years() if ys & {2005, 2006, 2007})
    assert len(frame) == expected > 0
    for ys in frame["funding_years"]:
        assert {int(y) for y in ys.split(";")} & {2005, 2006, 2007}


def test_show_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["funding", "show", "--format", "json", "--years", "2009"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records and all(2009 in r["funding_years"] for r in records)
    assert set(records[0]) == set(SHOW_COLUMNS)
    amounts = {r["ags"]: r["amount_eur"] for r in records if r["amount_eur"] is not None}
    assert amounts["05978024"] == 40000.0  # Lünen 2009, 40,000 EUR


def test_show_table(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["funding", "show"]) == 0
    out = capsys.readouterr().out
    # every row of the committed list, and its distinct Kommunen (counted with plain csv)
    rows = documented_rows()
    n_kommunen = len({r["ags"] for r in rows})
    assert out.splitlines()[-1].startswith(f"{len(rows)} Projekte, {n_kommunen} Kommunen")
    assert "Münster, Stadt" in out
    assert "dokumentierte Liste" in out
    assert "Solingen, Klingenstadt" in out


@pytest.mark.parametrize("years", ["2004", "2005-2013", "bald"])
def test_show_bad_years_exit_2(
    data_dir: Path, capsys: pytest.CaptureFixture[str], years: str
) -> None:
    assert main(["funding", "show", "--years", years]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--years" in err


def test_show_corrupt_stored_import_exit_2(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = stored(data_dir)
    path.parent.mkdir(parents=True)
    path.write_text("ags,name,unit_type,funding_years\n05978,Unna,Kreis,2015\n", encoding="utf-8")
    assert main(["funding", "show", "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Zeile 2" in err


def test_show_requires_boundaries_when_asked(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["funding", "show", "--boundaries", "require"]) == 2
    assert "fetch-data" in capsys.readouterr().err


def _bkg_archive() -> Path | None:
    mirror = os.environ.get("MAPAPP_MIRROR")
    roots = ([Path(mirror)] if mirror else []) + [REPO_ROOT.parent / "shared" / "geodata"]
    for root in roots:
        path = root / "bkg" / "vg5000_01-01.gk3.shape.ebenen.zip"
        if path.exists():
            return path
    return None


@pytest.mark.data
def test_show_joins_to_the_real_boundaries(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = _bkg_archive()
    if archive is None:
        pytest.skip("BKG VG5000 archive not in the mirror")
    (data_dir / "raw" / "bkg").mkdir(parents=True)
    shutil.copy(archive, data_dir / "raw" / "bkg" / archive.name)
    assert main(["funding", "show", "--format", "csv", "--boundaries", "require"]) == 0
    frame = read_csv_output(capsys.readouterr().out)
    assert len(frame) == len(documented_rows())


def test_import_of_a_list_over_the_row_limit_exits_2_with_one_sentence(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mapapp.ingest.read import MAX_IMPORT_ROWS

    src = tmp_path / "riesig.csv"
    src.write_text("Kommune;Jahr\n" + "Bochum;2005\n" * (MAX_IMPORT_ROWS + 1), encoding="utf-8")
    assert main(["funding", "import", str(src)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "riesig.csv" in err and f"{MAX_IMPORT_ROWS:,}".replace(",", ".") in err
    assert not stored(data_dir).exists()


def test_import_of_a_billion_laughs_workbook_exits_2_with_one_line(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.fixtures.files import billion_laughs_xlsx

    src = billion_laughs_xlsx(tmp_path / "lol.xlsx")
    assert main(["funding", "import", str(src)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "lol.xlsx" in err
    assert not stored(data_dir).exists()


def test_import_one_sheet_per_year_stores_every_sheet(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "2005"
    wb.active.append(["Kommune", "Projekt"])
    wb.active.append(["Bochum", "Konzept"])
    ws = wb.create_sheet("2006")
    ws.append(["Kommune", "Projekt"])
    ws.append(["Herne", "Beratung"])
    src = tmp_path / "jahre.xlsx"
    wb.save(src)
    assert main(["funding", "import", str(src)]) == 0
    out = capsys.readouterr().out
    assert "Zeilen gelesen: 2, übernommen: 2" in out
    assert "Blatt 2005, 2006" in out
