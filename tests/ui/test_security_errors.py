"""No tracebacks or server paths for visitors: a broken data file shows one translated sentence,
the traceback goes to the server log."""

from __future__ import annotations

import logging
import shutil
import tomllib
from pathlib import Path

import pytest
from streamlit.config import ShowErrorDetailsConfigOptions
from streamlit.testing.v1 import AppTest

from mapapp.config import REPO_ROOT, Settings
from mapapp.io import datasets
from mapapp.model import DataError
from mapapp.ui.errors import data_error_text
from mapapp.ui.markdown import md
from mapapp.ui.texts import t

APP = str(REPO_ROOT / "streamlit_app.py")
TIMEOUT = 120
_ELEMENTS = ("markdown", "caption", "error", "warning", "info", "success", "code", "text")


def test_config_hides_error_details() -> None:
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value
    assert config["client"]["showErrorLinks"] is False


def test_data_error_text_names_the_file_without_its_folder() -> None:
    exc = DataError(
        "Wert '[x](http://h)' ungültig", file="/srv/data/raw/liste.csv", row=3, field="ags"
    )
    text = data_error_text(exc)
    assert "/srv" not in text and "srv" not in text
    assert text.startswith("liste\\.csv\\, Zeile 3\\, Feld \\'ags\\'\\: Wert")
    assert md("Wert '[x](http://h)' ungültig") in text


def _visible(at: AppTest) -> list[str]:
    values: list[str] = []
    for kind in _ELEMENTS:
        values += [str(el.value) for el in getattr(at, kind)]
    values += [str(e.value) for e in at.exception]
    return values


def _assert_nothing_leaks(at: AppTest, data_dir: Path) -> None:
    assert not at.exception, [e.message for e in at.exception]
    for value in _visible(at):
        assert "Traceback" not in value
        assert str(data_dir) not in value and "/tmp/" not in value
        assert ".py" not in value and "site-packages" not in value
        assert "Error" not in value  # no exception type names (ArrowInvalid, DatabaseError, …)


@pytest.fixture
def broken_data_dir(real_data_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real data dir (its own path, so no cache entry of other tests is reused)."""
    data_dir = tmp_path / "data"
    shutil.copytree(real_data_cache, data_dir)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(data_dir))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    return data_dir


@pytest.mark.data
def test_truncated_boundary_cache_is_rebuilt_and_the_page_works(
    broken_data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # the boundary cache the page reads (built here if this session has not built it yet)
    datasets.load_boundaries(Settings(data_dir=broken_data_dir), simplify_m=datasets.WEB_SIMPLIFY_M)
    parquets = list((broken_data_dir / "derived").glob("boundaries_*/*.parquet"))
    assert parquets
    for path in parquets:
        path.write_bytes(path.read_bytes()[:100])  # a download/copy cut off half-way

    with caplog.at_level(logging.WARNING, logger="mapapp"):
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # default page: Förderkarte
    _assert_nothing_leaks(at, broken_data_dir)
    assert not at.error, [e.value for e in at.error]  # the cache healed itself
    assert any(r.name == "mapapp.data" and r.levelno == logging.WARNING for r in caplog.records)
    web_cache = datasets.boundaries_cache_dir(
        Settings(data_dir=broken_data_dir), datasets.WEB_SIMPLIFY_M
    )
    rebuilt = list(web_cache.glob("*.parquet"))  # the cache the page reads was rebuilt
    assert rebuilt and all(len(p.read_bytes()) > 100 for p in rebuilt)


def test_an_unexpected_error_shows_one_sentence_and_logs_the_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def page() -> None:
        from mapapp.ui.errors import run_guarded

        def render() -> None:
            raise ValueError("/srv/secret/path.py kaputt")

        run_guarded(render, "de", page="foerderkarte")

    with caplog.at_level(logging.ERROR, logger="mapapp"):
        at = AppTest.from_function(page).run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("error.internal", "de")]
    logged = [r for r in caplog.records if r.name == "mapapp.ui" and r.exc_info]
    assert (
        logged and logged[0].levelno == logging.ERROR and "foerderkarte" in logged[0].getMessage()
    )


def _guarded_angebote() -> None:
    from mapapp.ui.errors import run_guarded
    from mapapp.ui.pages import angebote

    run_guarded(angebote.render, "de", page="angebote")


@pytest.mark.data
def test_corrupt_offer_store_on_the_public_page(
    broken_data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (broken_data_dir / "store").mkdir(exist_ok=True)
    (broken_data_dir / "store" / "offers.sqlite").write_bytes(b"this is no database\x00" * 100)
    for extra in (broken_data_dir / "store").glob("offers.sqlite-*"):
        extra.unlink()
    with caplog.at_level(logging.ERROR, logger="mapapp"):
        at = AppTest.from_function(_guarded_angebote, default_timeout=TIMEOUT)
        at.query_params["ort"] = "Münster"
        at.run()
    _assert_nothing_leaks(at, broken_data_dir)
    # user data that cannot be rebuilt: one sentence naming the file (not its folder) and the remedy
    errors = [str(e.value) for e in at.error]
    assert len(errors) == 1 and "offers\\.sqlite" in errors[0], errors
    assert "Sicherung" in errors[0]


def test_guard_lets_stop_and_rerun_through() -> None:
    def page() -> None:
        import streamlit as st

        from mapapp.ui.errors import run_guarded

        def render() -> None:
            st.write("vorher")
            st.stop()

        run_guarded(render, "de")
        st.write("nachher")  # st.stop() ends the script run, also through the guard

    at = AppTest.from_function(page).run()
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == ["vorher"]
