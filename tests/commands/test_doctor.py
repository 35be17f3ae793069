"""``mapapp doctor`` and the commands on a damaged data dir (toy data in tmp_path, no mirror)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mapapp.commands.offers as offers_cmd
from mapapp.cli import main
from mapapp.config import Settings
from mapapp.io import datasets
from mapapp.store import SqliteOfferStore
from mapapp.store.logins import LoginGuard
from tests.fixtures.data_dirs import GV_NAME, garbage, make_toy_data_dir, truncate
from tests.fixtures.offers_geography import write_data_dir


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    settings = make_toy_data_dir(tmp_path)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    return settings


def statuses(capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """``file -> status`` from ``doctor --format json``."""
    payload = json.loads(capsys.readouterr().out)
    return {f["file"]: f["status"] for f in payload["files"]}


def test_healthy_dir_is_all_ok(toy: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    datasets.load_boundaries(toy)
    datasets.load_gvisys(toy)
    SqliteOfferStore(toy.store_dir / "offers.sqlite")
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "beschädigt" not in out and "repariert" not in out
    assert "  ok          raw/destatis/31122023_Auszug_GV.xlsx" in out
    assert "  ok          store/offers.sqlite" in out
    assert out.rstrip().endswith("Zusammenfassung: 5 ok.")


def test_damaged_caches_are_repaired_exit_0(
    toy: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    datasets.load_boundaries(toy)
    datasets.load_boundaries(toy, simplify_m=datasets.WEB_SIMPLIFY_M)
    datasets.load_gvisys(toy)
    truncate(datasets.boundaries_cache_dir(toy) / "gemeinden.parquet")
    garbage(datasets.boundaries_cache_dir(toy, datasets.WEB_SIMPLIFY_M) / "kreise.parquet")
    truncate(datasets.gvisys_cache_path(toy))
    assert main(["doctor", "--format", "json"]) == 0
    found = statuses(capsys)
    gv = datasets.gvisys_cache_path(toy).relative_to(toy.data_dir).as_posix()
    assert found[gv] == "repaired"
    assert sorted(v for k, v in found.items() if k.startswith("derived/boundaries_")) == [
        "repaired",
        "repaired",
    ]
    assert set(found.values()) == {"ok", "repaired"}
    # repaired for real: the loaders read the rebuilt caches
    assert len(datasets.load_gvisys(toy)) == 5
    assert main(["doctor", "--format", "json"]) == 0
    assert set(statuses(capsys).values()) == {"ok"}


def test_damaged_raw_file_and_stores_need_the_user_exit_1(
    toy: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    datasets.load_gvisys(toy)
    truncate(datasets.gvisys_cache_path(toy))
    gv = toy.raw_dir / "destatis" / GV_NAME
    gv.write_bytes(gv.read_bytes()[:-100])
    garbage(toy.store_dir / "offers.sqlite")
    garbage(toy.store_dir / "logins.sqlite")
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("  ")}
    assert "beschädigt" in lines["raw/destatis/31122023_Auszug_GV.xlsx"]
    assert (
        "mapapp fetch-data --force --only gvisys" in lines["raw/destatis/31122023_Auszug_GV.xlsx"]
    )
    cache = next(k for k in lines if k.startswith("derived/gvisys_"))
    assert "beschädigt" in lines[cache] and "fetch-data --force --only gvisys" in lines[cache]
    for store in ("store/offers.sqlite", "store/logins.sqlite"):
        assert "beschädigt" in lines[store] and "Sicherung" in lines[store]
    assert "Zusammenfassung: 1 ok, 4 beschädigt." in out


def test_missing_raw_files_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path / "empty"))
    assert main(["doctor", "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False
    assert {f["file"]: f["status"] for f in payload["files"]} == {
        "raw/bkg": "missing",
        "raw/destatis/31122023_Auszug_GV.xlsx": "missing",
    }


def test_damaged_manifest_is_reported(toy: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    (toy.raw_dir / "manifest.json").write_text("{not json", encoding="utf-8")
    assert main(["doctor", "--format", "json"]) == 1
    found = statuses(capsys)
    assert found["raw/manifest.json"] == "damaged"
    assert found["raw/destatis/31122023_Auszug_GV.xlsx"] == "ok"  # checked like a hand-placed file


# --------------------------------------------------------------------------------------------
# The commands themselves on damaged files (synthetic offers data dir of tests.fixtures.offers_geography)
# --------------------------------------------------------------------------------------------


@pytest.fixture
def offers_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    s = write_data_dir(tmp_path)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(s.data_dir))
    monkeypatch.delenv("MAPAPP_GEOCODER_URL", raising=False)
    monkeypatch.setattr(offers_cmd, "get_settings", lambda: s)
    return s


def near(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["offers", "near", "Aheim", "--format", "json", "--limit", "3"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("damage", [truncate, garbage])
def test_offers_near_heals_damaged_caches(
    offers_dir: Settings, capsys: pytest.CaptureFixture[str], damage: object
) -> None:
    code, expected, _ = near(capsys)
    assert code == 0
    caches = sorted(p for p in offers_dir.derived_dir.rglob("*.parquet"))
    assert any(p.name == "gemeinden.parquet" for p in caches)
    for path in caches:
        damage(path)  # type: ignore[operator]
    assert near(capsys) == (0, expected, "")


def test_offers_near_on_a_garbage_store_is_one_line(
    offers_dir: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage(offers_dir.store_dir / "offers.sqlite")
    code, out, err = near(capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "offers.sqlite" in err and "Sicherung" in err


def test_login_guard_on_a_garbage_file_names_it(tmp_path: Path) -> None:
    path = tmp_path / "logins.sqlite"
    garbage(path)
    with pytest.raises(ValueError, match="logins.sqlite: Die Datenbank ist beschädigt"):
        LoginGuard(path)
