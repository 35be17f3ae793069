"""Derived caches heal themselves; damaged raw files end in one sentence (toy data dir in tmp_path).

The data directory is filled by ``fetch_all`` from a toy mirror (the hand-made BKG squares of
``tests/fixtures/toy_land.py`` and a GV-ISys workbook for the same Gemeinden), so ``raw/manifest.json``
holds real checksums. Each test damages one file the way a crash, a full disk or a bad copy does.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from mapapp.config import Settings, get_settings
from mapapp.io import datasets
from mapapp.model import DataError
from tests.fixtures.data_dirs import BKG_NAME, GV_NAME, garbage, make_toy_data_dir, truncate
from tests.fixtures.toy_land import GEMEINDEN


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    make_toy_data_dir(tmp_path)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    return get_settings()


def test_boundaries_cache_is_stamped_and_reused(toy: Settings) -> None:
    first = datasets.load_boundaries(toy)
    cache = datasets.boundaries_cache_dir(toy)
    assert sorted(p.name for p in cache.iterdir()) == [
        "gemeinden.parquet",
        "kreise.parquet",
        "land.parquet",
        "meta.json",
        "rb.parquet",
    ]
    mtime = (cache / "gemeinden.parquet").stat().st_mtime_ns
    again = datasets.load_boundaries(toy)
    assert (cache / "gemeinden.parquet").stat().st_mtime_ns == mtime  # read, not rebuilt
    assert list(again.gemeinden["ags"]) == list(first.gemeinden["ags"])
    assert (again.product, again.year) == ("VG250", 2021)


@pytest.mark.parametrize(
    ("member", "damage"),
    [
        ("gemeinden.parquet", truncate),
        ("gemeinden.parquet", garbage),
        ("kreise.parquet", truncate),
        ("kreise.parquet", garbage),
        ("meta.json", garbage),
    ],
)
def test_damaged_boundaries_cache_is_rebuilt(
    toy: Settings, member: str, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    expected = datasets.load_boundaries(toy, simplify_m=100.0)
    cache = datasets.boundaries_cache_dir(toy, 100.0)
    damage(cache / member)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="mapapp.data"):
        healed = datasets.load_boundaries(toy, simplify_m=100.0)
    assert list(healed.gemeinden["ags"]) == list(expected.gemeinden["ags"])
    assert list(healed.kreise["ags"]) == ["05111", "05901", "05902"]
    assert "beschädigt" in caplog.text and member in caplog.text
    # the rebuilt cache is good again: the next load reads it without a warning
    caplog.clear()
    datasets.load_boundaries(toy, simplify_m=100.0)
    assert caplog.text == ""


def test_boundaries_cache_with_a_missing_column_or_wrong_row_count(toy: Settings) -> None:
    b = datasets.load_boundaries(toy)
    cache = datasets.boundaries_cache_dir(toy)
    b.gemeinden.drop(columns="kreis_ags").to_parquet(cache / "gemeinden.parquet")
    assert "kreis_ags" in datasets.load_boundaries(toy).gemeinden.columns
    b.kreise.iloc[:1].to_parquet(cache / "kreise.parquet")  # readable, but not what the stamp says
    assert len(datasets.load_boundaries(toy).kreise) == 3


@pytest.mark.parametrize("damage", [truncate, garbage])
def test_damaged_gvisys_cache_is_rebuilt(toy: Settings, damage: object) -> None:
    expected = datasets.load_gvisys(toy)
    damage(datasets.gvisys_cache_path(toy))  # type: ignore[operator]
    pd.testing.assert_frame_equal(datasets.load_gvisys(toy), expected)


def test_empty_or_incomplete_gvisys_cache_is_rebuilt(toy: Settings) -> None:
    expected = datasets.load_gvisys(toy)
    cache = datasets.gvisys_cache_path(toy)
    expected.iloc[:0].to_parquet(cache)
    assert len(datasets.load_gvisys(toy)) == len(GEMEINDEN)
    expected.drop(columns="population").to_parquet(cache)
    pd.testing.assert_frame_equal(datasets.load_gvisys(toy), expected)


def test_caches_are_written_without_leftover_temp_files(toy: Settings) -> None:
    datasets.load_boundaries(toy)
    datasets.load_gvisys(toy)
    leftovers = [p for p in toy.derived_dir.rglob("*") if p.name.startswith(".")]
    assert leftovers == []


def test_damaged_raw_file_names_the_file_and_the_fetch_command(toy: Settings) -> None:
    gv = toy.raw_dir / "destatis" / GV_NAME
    data = bytearray(gv.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, other bytes
    gv.write_bytes(bytes(data))
    with pytest.raises(DataError) as info:
        datasets.load_gvisys(toy)
    text = str(info.value)
    assert info.value.file == str(gv)
    assert "Prüfsumme" in text and "mapapp fetch-data --force --only gvisys" in text


def test_garbage_raw_archive_without_manifest_entry(toy: Settings) -> None:
    (toy.raw_dir / "manifest.json").unlink()
    zip_path = toy.raw_dir / "bkg" / BKG_NAME
    truncate(zip_path)
    with pytest.raises(DataError, match="mapapp fetch-data --force --only vg250"):
        datasets.load_boundaries(toy)
