"""BKG boundary loader on a toy archive (tests/fixtures/toy_land.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from mapapp.io.boundaries import (
    dissolve_units,
    find_boundary_archive,
    read_boundaries,
    simplify_coverage,
)
from mapapp.model import DataError, DataMissingError
from tests.fixtures.toy_land import GEMEINDEN, write_bkg_gpkg, write_bkg_zip


def test_zip_shapefile_in_gk3_is_read_into_utm32_nrw_frames(tmp_path: Path) -> None:
    archive = write_bkg_zip(tmp_path / "vg250_test.zip", crs="EPSG:31467")
    b = read_boundaries(archive)
    assert b.gemeinden.crs.to_epsg() == 25832
    # Land 06 feature dropped; all five toy Gemeinden kept with 8-char string AGS
    assert list(b.gemeinden["ags"]) == sorted(a for a, *_ in GEMEINDEN)
    assert list(b.kreise["ags"]) == ["05111", "05901", "05902"]
    assert list(b.rb["ags"]) == ["051", "059"]
    assert list(b.land["ags"]) == ["05"]
    assert list(b.gemeinden["kreis_ags"]) == ["05111", "05901", "05901", "05901", "05902"]
    assert b.year == 2021
    # Reprojection GK3 -> UTM32 round-trips the 10 km squares to within a metre
    area = b.gemeinden.set_index("ags").geometry.area
    assert area["05901004"] == pytest.approx(1e8, rel=1e-4)


def test_geopackage_is_read_too(tmp_path: Path) -> None:
    gpkg = write_bkg_gpkg(tmp_path / "vg250_test.gpkg")
    b = read_boundaries(gpkg)
    assert len(b.gemeinden) == 5
    assert b.kreise.set_index("ags").loc["05901", "name"] == "Nordkreis"


def test_water_features_are_dropped_when_land_features_are_marked(tmp_path: Path) -> None:
    archive = write_bkg_zip(tmp_path / "vg250_w.zip", with_water=True)
    b = read_boundaries(archive)
    # The GF=2 water part of Betadorf does not create a second row nor change its area
    betadorf = b.gemeinden[b.gemeinden["ags"] == "05901004"]
    assert len(betadorf) == 1
    assert betadorf.geometry.iloc[0].area == pytest.approx(1e8, rel=1e-4)


def test_missing_archive_and_missing_level_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DataMissingError, match="fetch-data"):
        read_boundaries(tmp_path / "nope.zip")
    with pytest.raises(DataMissingError, match="fetch-data"):
        find_boundary_archive(tmp_path)
    bad = tmp_path / "vg250_bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="Zip"):
        read_boundaries(bad)


def test_find_prefers_vg250_over_vg5000(tmp_path: Path) -> None:
    (tmp_path / "bkg").mkdir()
    (tmp_path / "bkg" / "vg5000_x.zip").write_bytes(b"")
    (tmp_path / "bkg" / "vg250_x.zip").write_bytes(b"")
    assert find_boundary_archive(tmp_path).name == "vg250_x.zip"


def test_coverage_simplification_keeps_shared_borders(tmp_path: Path) -> None:
    b = read_boundaries(write_bkg_zip(tmp_path / "vg250_s.zip"))
    # Make the border wiggly so simplification has something to do
    wiggly = b.gemeinden.copy()
    wiggly["geometry"] = shapely.segmentize(wiggly.geometry.values, 500)
    simple = simplify_coverage(wiggly, 1000)
    # No gaps or overlaps: the union area equals the sum of areas (5 squares of 1e8 m²)
    assert simple.geometry.union_all().area == pytest.approx(simple.geometry.area.sum(), rel=1e-9)
    assert (
        shapely.get_num_coordinates(simple.geometry.values).sum()
        < shapely.get_num_coordinates(wiggly.geometry.values).sum()
    )
    kreise = dissolve_units(simple, "kreis_ags")
    assert sorted(kreise["kreis_ags"]) == ["05111", "05901", "05902"]
