"""``mapapp fetch-data`` through ``mapapp.cli.main`` (and the scripts/ wrapper), data in tmp_path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mapapp.cli import main
from mapapp.config import REPO_ROOT
from tests.fixtures.fetch_files import REAL_NAME, SHARED, ZENSUS_CSV, files_under, make_mirror
from tests.fixtures.local_server import closed_port, mirror_files, patch_official, serve


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(path))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    return path


def test_fetch_from_mirror_folder(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    assert main(["fetch-data", "--source", str(mirror)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "kopiert" in out and "bkg/vg250_01-01.utm32s.gpkg.ebenen.zip" in out
    assert "Zusammenfassung: 3 kopiert, 1 nicht im Spiegel." in out
    assert (
        data_dir / "raw" / "zensus2022" / "gemeinden_nrw_2022-05-15.csv"
    ).read_bytes() == ZENSUS_CSV

    assert main(["fetch-data", "--source", str(mirror), "--if-missing"]) == 0
    out, _ = capsys.readouterr()
    assert "Zusammenfassung: 3 vorhanden, 1 nicht im Spiegel." in out


def test_mirror_from_environment(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MAPAPP_MIRROR", str(make_mirror(tmp_path / "mirror")))
    assert main(["fetch-data", "--only", "gvisys", "zensus_gemeinden"]) == 0
    assert files_under(data_dir / "raw") == {
        "destatis/31122023_Auszug_GV.xlsx",
        "zensus2022/gemeinden_nrw_2022-05-15.csv",
        "manifest.json",
    }
    assert "2 kopiert" in capsys.readouterr().out


def test_boundaries_option(data_dir: Path, tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    (mirror / "bkg" / "vg5000_01-01.utm32s.shape.ebenen.zip").write_bytes(
        (mirror / "bkg" / "vg250_01-01.utm32s.gpkg.ebenen.zip").read_bytes()
    )
    assert main(["fetch-data", "--source", str(mirror), "--boundaries", "vg5000"]) == 0
    assert sorted(p.name for p in (data_dir / "raw" / "bkg").iterdir()) == [
        "vg5000_01-01.utm32s.shape.ebenen.zip"
    ]


@pytest.mark.web
def test_no_internet_no_mirror_is_one_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = closed_port()
    patch_official(monkeypatch, f"http://127.0.0.1:{port}/produkte")
    code = main(["fetch-data", "--retries", "0"])
    out, err = capsys.readouterr()
    assert code != 0
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"mapapp: Keine Verbindung zu 127.0.0.1:{port} – ")
    assert "--source /pfad/zum/spiegel" in lines[0] and "MAPAPP_MIRROR" in lines[0]
    assert "Zusammenfassung:" in out and "fehlgeschlagen" in out
    assert not (data_dir / "raw" / "bkg").exists() or files_under(data_dir / "raw" / "bkg") == set()


@pytest.mark.web
def test_source_url_on_closed_port(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    code = main(["fetch-data", "--source", f"http://127.0.0.1:{port}/spiegel", "--retries", "0"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.count("\n") == 1
    assert f"Keine Verbindung zu 127.0.0.1:{port}" in err


@pytest.mark.web
def test_source_base_url(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve(mirror_files()) as srv:
        code = main(["fetch-data", "--source", f"{srv.base}/mirror", "--retries", "0"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "3 geladen" in out
    assert (data_dir / "raw" / "bkg" / "vg250_01-01.utm32s.gpkg.ebenen.zip").is_file()


@pytest.mark.web
def test_direct_file_url_404(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve(mirror_files()) as srv:
        url = f"{srv.base}/missing/{REAL_NAME}"
        code = main(["fetch-data", "--source", url])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("mapapp: HTTP 404") and url in err
    assert err.count("\n") == 1


def test_missing_source_folder(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["fetch-data", "--source", str(tmp_path / "kein-spiegel")])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.count("\n") == 1 and "kein-spiegel" in err


def test_unknown_only_key_is_a_usage_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["fetch-data", "--only", "strassen"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.data
@pytest.mark.skipif(
    not (SHARED / "bkg" / REAL_NAME).is_file(), reason=f"no real mirror at {SHARED}"
)
def test_script_wrapper_with_real_mirror(tmp_path: Path) -> None:
    env = {**os.environ, "MAPAPP_DATA_DIR": str(tmp_path / "data")}
    env.pop("MAPAPP_MIRROR", None)
    proc = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "fetch_data.py"), "--source", str(SHARED)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Zusammenfassung: 4 kopiert." in proc.stdout
    assert (tmp_path / "data" / "raw" / "bkg" / REAL_NAME).is_file()
