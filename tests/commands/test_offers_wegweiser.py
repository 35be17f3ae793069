"""``mapapp offers wegweiser`` through ``mapapp.cli.main`` on the SYNTHETIC toy world."""

from __future__ import annotations

import io
import sys

import pytest
from pypdf import PdfReader

from mapapp.cli import main
from mapapp.text import t


def test_wegweiser_writes_one_arabic_page(toy_data_dir, tmp_path, capsys):
    out = tmp_path / "sub" / "W.pdf"
    code = main(["offers", "wegweiser", "Betadorf", "--lang", "ar", "--out", str(out)])
    assert code == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert t("ww.nearest", "ar") in text and "Migrationsberatung Betadorf" in text
    err = capsys.readouterr().err
    assert "Wegweiser für Betadorf" in err and "1 Seite" in err and str(out) in err


def test_unknown_place_is_one_line_and_exit_2(toy_data_dir, tmp_path, capsys):
    out = tmp_path / "W.pdf"
    assert main(["offers", "wegweiser", "Nirgendwo", "--out", str(out)]) == 2
    assert "Nirgendwo" in capsys.readouterr().err
    assert not out.exists()


def test_bad_language_is_refused(toy_data_dir, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["offers", "wegweiser", "Betadorf", "--lang", "xx", "--out", str(tmp_path / "W.pdf")])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_other_commands_do_not_load_the_pdf_stack():
    """``mapapp offers`` registers the subcommand without importing WeasyPrint or segno."""
    import subprocess

    code = (
        "import sys; from mapapp.cli import build_parser; build_parser(['offers']); "
        "print(sorted(m for m in ('weasyprint', 'segno', 'mapapp.render.wegweiser') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
