"""``mapapp export-map`` through :func:`mapapp.cli.main`, data directory in ``tmp_path``.

Error paths need no data. The tests marked ``data`` copy the real BKG archive from the mirror
(``../shared/geodata`` or ``MAPAPP_MIRROR``) into ``tmp_path/data/raw`` and render real NRW maps.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from mapapp.analysis.funding import CLASS_FUNDED_KREIS, funding_units
from mapapp.cli import main
from mapapp.commands.export import default_note, parse_years
from mapapp.config import REPO_ROOT, get_settings
from mapapp.io import datasets
from mapapp.io.funding import imported_registry_path
from mapapp.model import DataError
from mapapp.render.captions import (
    DEFAULT_NOTE,
    IMPORTED_NOTE,
    funding_attribution,
    funding_title,
)

MIRROR = Path(os.environ.get("MAPAPP_MIRROR") or REPO_ROOT.parent / "shared" / "geodata")


@pytest.fixture
def empty_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(path))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    return path


@pytest.fixture(scope="module")
def real_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with the real BKG archive (copied once for this module)."""
    archives = sorted((MIRROR / "bkg").glob("vg*.zip")) if (MIRROR / "bkg").is_dir() else []
    if not archives:
        pytest.skip(f"no BKG archive in {MIRROR / 'bkg'} (set MAPAPP_MIRROR to shared/geodata)")
    root = tmp_path_factory.mktemp("realdata")
    (root / "raw" / "bkg").mkdir(parents=True)
    shutil.copy2(archives[0], root / "raw" / "bkg" / archives[0].name)
    return root


@pytest.fixture
def data_env(real_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(real_data_dir))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    return real_data_dir


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("mapapp: ")
    return lines[0]


# ------------------------------------------------------------------------------------------------
# Errors (no data needed)
# ------------------------------------------------------------------------------------------------


def test_missing_data_is_one_line_and_writes_nothing(
    empty_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "karte.png"
    code = main(["export-map", "--years", "2005-2007", "--format", "png", "--out", str(out)])
    assert code == 2
    captured = capsys.readouterr()
    line = one_error_line(captured.err)
    assert "fetch-data" in line
    assert captured.out == ""
    assert not out.exists()
    assert list(tmp_path.glob("*.tmp")) == [] and list(tmp_path.glob(".karte*")) == []


@pytest.mark.parametrize(
    ("years", "needle"),
    [
        ("2004", "2004 liegt außerhalb der Programmlaufzeit 2005–2012"),
        ("2013", "2013 liegt außerhalb"),
        ("2004-2006", "2004 liegt außerhalb"),
        ("abc", "'abc' ist kein Förderjahr"),
        ("2007-2005", "absteigend"),
    ],
)
def test_bad_years_are_one_line(
    years: str,
    needle: str,
    empty_data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "karte.svg"
    assert main(["export-map", "--years", years, "--format", "svg", "--out", str(out)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "--years" in line and needle in line
    assert not out.exists()


def test_format_comes_from_the_suffix_or_fails(
    empty_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export-map", "--years", "2005", "--out", str(tmp_path / "karte.txt")]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "--format" in line and "png, svg, pdf, html" in line


def test_unknown_format_is_rejected_by_argparse(
    empty_data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export-map", "--years", "2005", "--format", "jpg", "--out", str(tmp_path / "k")])
    assert exc.value.code == 2
    assert "invalid choice: 'jpg'" in capsys.readouterr().err


def test_parse_years_accepts_programme_years() -> None:
    assert parse_years("2005–2007").years == (2005, 2006, 2007)
    assert parse_years("2005,2012").label == "2005, 2012"
    with pytest.raises(DataError, match="2004"):
        parse_years("2004")


def test_default_note_names_an_imported_list(
    empty_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = get_settings()
    assert default_note(settings) == DEFAULT_NOTE
    imported = imported_registry_path(settings)
    imported.parent.mkdir(parents=True, exist_ok=True)
    imported.write_text("ags\n", encoding="utf-8")
    assert default_note(settings) == IMPORTED_NOTE.format(name=imported.name)


# ------------------------------------------------------------------------------------------------
# Real data
# ------------------------------------------------------------------------------------------------


def expected_counts(years: tuple[int, ...], include_unknown: bool = False) -> tuple[int, int]:
    """(funded Kommunen, of which Kreise) computed with the core functions the CLI uses."""
    s = get_settings()
    units = funding_units(
        datasets.load_boundaries(s, simplify_m=datasets.WEB_SIMPLIFY_M),
        datasets.load_status(s),
        datasets.load_registry(s),
        years,
        include_unknown=include_unknown,
    )
    funded = units[units["funded"]]
    return len(funded), int((funded["map_class"] == CLASS_FUNDED_KREIS).sum())


@pytest.mark.data
def test_png_export(data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "export" / "foerderkarte_2005-2007.png"
    assert main(["export-map", "--years", "2005-2007", "--format", "png", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    n, n_kreise = expected_counts((2005, 2006, 2007))
    assert n > 0
    assert f"{n} geförderte Kommunen 2005–2007 ({n_kreise} Kreise, {n - n_kreise} Städte)" in (
        captured.out
    )
    with Image.open(io.BytesIO(out.read_bytes())) as im:
        assert abs(im.size[0] - 3508) <= 1 and abs(im.size[1] - 2480) <= 1
        assert im.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]  # no temp files left


@pytest.mark.data
def test_svg_export_with_title(
    data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "karte.svg"
    title = "Folie 4 – KOMM-IN <NRW> & Kommunen"
    args = ["export-map", "--years", "2005-2007", "--out", str(out), "--title", title]
    assert main(args) == 0  # format from the suffix
    svg = out.read_text(encoding="utf-8")
    assert "Folie 4 – KOMM-IN &lt;NRW&gt; &amp; Kommunen" in svg
    assert funding_title("2005–2007") not in svg
    assert funding_attribution(2021) in svg  # the mirror holds VG5000, Stand 2021
    assert "Förderdaten: in öffentlichen Quellen" in svg  # DEFAULT_NOTE (wrapped)
    # the completeness line stands under the title, with the ministry's published total
    assert "dokumentiert:" in svg and "laut Ministerium bis 2008: 86" in svg
    for region in ("D Ü S S E L D O R F", "K Ö L N", "M Ü N S T E R", "D E T M O L D"):
        assert region in svg
    urls = re.findall(r"https?://[^\s\"'<>)]+", svg)
    assert all(
        u.startswith(("http://www.w3.org/", "http://purl.org/", "http://creativecommons"))
        for u in urls
    )


@pytest.mark.data
def test_pdf_export(data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "karte.pdf"
    assert main(["export-map", "--years", "2007", "--format", "pdf", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    (box,) = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert (round(float(box[0])), round(float(box[1]))) == (842, 595)


@pytest.mark.data
def test_html_export_is_offline(
    data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "karte.html"
    args = ["export-map", "--years", "2005-2007", "--format", "html", "--out", str(out)]
    assert main(args) == 0
    html = out.read_text(encoding="utf-8")
    for cdn in ("cdn.jsdelivr", "unpkg", "cdnjs"):
        assert cdn not in html
    assert "tile.openstreetmap.org" not in html
    attribution = funding_attribution(2021)
    assert attribution in html or json.dumps(attribution)[1:-1] in html
    assert (
        funding_title("2005–2007") in html or json.dumps(funding_title("2005–2007"))[1:-1] in html
    )
    assert "laut Ministerium bis 2008: 86" in html


@pytest.mark.data
def test_include_unknown_counts_projects_without_year(
    data_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "karte.png"
    base = ["export-map", "--years", "2005-2007", "--out", str(out), "--dpi", "60"]
    assert main(base) == 0
    plain = capsys.readouterr().out
    assert main([*base, "--include-unknown", "--no-labels"]) == 0
    with_unknown = capsys.readouterr().out
    n, _ = expected_counts((2005, 2006, 2007))
    n_unknown, _ = expected_counts((2005, 2006, 2007), include_unknown=True)
    assert f"{n} geförderte Kommunen" in plain
    assert f"{n_unknown} geförderte Kommunen" in with_unknown
    with Image.open(out) as im:
        assert im.size == (702, 496)  # A4 at 60 dpi (701.6 x 496.1 px)
