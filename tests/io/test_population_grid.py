"""Zensus population grid reader on tiny hand-written grid files (synthetic counts)."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import box

from mapapp.io.population_grid import read_population_grid
from mapapp.model import DataError
from tests.fixtures.files import zip_member

# Three 100 m cells near Düsseldorf, EPSG:3035 centres; counts are made up (synthetic).
HEADER = "GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner;werterlaeuternde_Zeichen"
ROWS = [
    "CRS3035RES100mN3128500E4095100;4095150;3128550;12;",
    "CRS3035RES100mN3128500E4095200;4095250;3128550;3;",
    "CRS3035RES100mN3128600E4095100;4095150;3128650;140;",
]
CENTRES_3035 = [(4095150, 3128550), (4095250, 3128550), (4095150, 3128650)]


def reference_centres() -> np.ndarray:
    """Naive per-point reprojection of the fixture centres to EPSG:25832."""
    to_metric = Transformer.from_crs("EPSG:3035", "EPSG:25832", always_xy=True)
    return np.array([to_metric.transform(x, y) for x, y in CENTRES_3035])


def write(tmp_path, text: str, name: str = "grid.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_official_layout_and_reprojects(tmp_path):
    path = write(tmp_path, "\n".join([HEADER, *ROWS]) + "\n")
    grid = read_population_grid(path)
    assert list(grid.columns) == ["cell_id", "x", "y", "population"]
    assert list(grid["cell_id"]) == [r.split(";")[0] for r in ROWS]
    np.testing.assert_array_equal(grid["population"], [12.0, 3.0, 140.0])
    np.testing.assert_allclose(grid[["x", "y"]].to_numpy(), reference_centres(), atol=1e-6)
    # neighbouring 100 m cells stay about 100 m apart after the reprojection
    assert np.hypot(*(grid.loc[1, ["x", "y"]] - grid.loc[0, ["x", "y"]])) == pytest.approx(
        100, abs=0.1
    )
    # a point in Düsseldorf in EPSG:25832 (sanity of axis order)
    assert 343_000 < grid.loc[0, "x"] < 345_000 and 5_676_000 < grid.loc[0, "y"] < 5_678_000


def test_tolerant_names_comma_separator_and_cp1252(tmp_path):
    text = "gitter_id_1km,X_MP_1KM,y_mp_1km,einwohner,Bemerkung\n" + "\n".join(
        [
            "CRS3035RES1000mN3128000E4095000,4095500,3128500,1200,Düsseldorf",
            "CRS3035RES1000mN3128000E4096000,4096500.0,3128500,7,",
        ]
    )
    grid = read_population_grid(write(tmp_path, text, encoding="cp1252"))
    np.testing.assert_array_equal(grid["population"], [1200.0, 7.0])
    assert grid["cell_id"].iloc[0] == "CRS3035RES1000mN3128000E4095000"


def test_decimal_comma_with_semicolons(tmp_path):
    text = "x_mp_100m;y_mp_100m;Einwohner\n4095150,0;3128550,0;12,0\n"
    grid = read_population_grid(write(tmp_path, text))
    np.testing.assert_allclose(grid[["x", "y"]].to_numpy(), reference_centres()[:1], atol=1e-6)
    assert grid["population"].tolist() == [12.0]
    # without an id column the INSPIRE id is rebuilt from the centre (lower-left corner)
    assert grid["cell_id"].tolist() == ["CRS3035RES100mN3128500E4095100"]


def test_centres_from_inspire_ids_when_no_coordinates(tmp_path):
    text = "GITTER_ID_100m;Einwohner\n" + "\n".join(f"{r.split(';')[0]};1" for r in ROWS)
    grid = read_population_grid(write(tmp_path, text))
    np.testing.assert_allclose(grid[["x", "y"]].to_numpy(), reference_centres(), atol=1e-6)


def test_zip_member_by_resolution(tmp_path):
    archive = tmp_path / "Zensus2022_Bevoelkerungszahl.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(
            zip_member("Zensus2022_Bevoelkerungszahl_100m-Gitter.csv"), "\n".join([HEADER, *ROWS])
        )
        zf.writestr(
            zip_member("Zensus2022_Bevoelkerungszahl_1km-Gitter.csv"),
            "GITTER_ID_1km;x_mp_1km;y_mp_1km;Einwohner\n"
            "CRS3035RES1000mN3128000E4095000;4095500;3128500;155\n",
        )
        zf.writestr(zip_member("Datensatzbeschreibung.txt"), "not a grid")
    fine = read_population_grid(archive, resolution="100m")
    coarse = read_population_grid(archive, resolution="1km")
    assert len(fine) == 3 and coarse["population"].tolist() == [155.0]
    named = read_population_grid(archive, member="Zensus2022_Bevoelkerungszahl_1km-Gitter.csv")
    assert named["cell_id"].tolist() == ["CRS3035RES1000mN3128000E4095000"]
    with pytest.raises(DataError, match="nicht eindeutig"):
        read_population_grid(archive)


def test_clip_to_bbox_and_polygon(tmp_path):
    path = write(tmp_path, "\n".join([HEADER, *ROWS]))
    centres = reference_centres()
    first = centres[0]
    bbox = (first[0] - 1, first[1] - 1, first[0] + 1, first[1] + 1)
    assert read_population_grid(path, bbox=bbox)["population"].tolist() == [12.0]
    around_top = box(*(centres[2] - 10), *(centres[2] + 10))
    assert read_population_grid(path, clip=around_top)["population"].tolist() == [140.0]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("CRS3035RES100mN3128500E4095100;4095150;3128550;zwölf;", "Einwohner", "keine Zahl"),
        ("CRS3035RES100mN3128500E4095100;4095150;3128550;-1;", "Einwohner", "negative"),
        ("CRS3035RES100mN3128500E4095100;4095150;3128550;.;", "Einwohner", "keine Einwohnerzahl"),
        ("CRS3035RES100mN3128500E4095100;abc;3128550;1;", "x_mp_100m", "keine Zahl"),
        ("CRS3035RES100mN3128500E4095100;;3128550;1;", "x_mp_100m", "Koordinate fehlt"),
    ],
)
def test_bad_rows_name_file_row_and_field(tmp_path, row, field, message):
    # header = row 1, two good rows, a blank line (row 4, skipped), then the bad row = row 5
    path = write(tmp_path, "\n".join([HEADER, ROWS[0], ROWS[1], "", row, ROWS[2]]))
    with pytest.raises(DataError, match=message) as info:
        read_population_grid(path, chunksize=2)  # the bad row is in the second chunk
    assert (info.value.file, info.value.row, info.value.field) == ("grid.csv", 5, field)


def test_markers_zero_or_drop(tmp_path):
    rows = [ROWS[0], ROWS[1].replace(";3;", ";–;"), ROWS[2]]
    path = write(tmp_path, "\n".join([HEADER, *rows]))
    zero = read_population_grid(path, missing="zero")
    assert zero["population"].tolist() == [12.0, 0.0, 140.0]
    dropped = read_population_grid(path, missing="drop")
    assert dropped["population"].tolist() == [12.0, 140.0]


def test_structural_errors(tmp_path):
    with pytest.raises(DataError) as info:
        read_population_grid(write(tmp_path, "GITTER_ID_100m;x_mp_100m;y_mp_100m\nA;1;2\n"))
    assert info.value.row == 1 and info.value.field == "Einwohner"
    with pytest.raises(DataError, match="GITTER_ID"):
        read_population_grid(write(tmp_path, "foo;Einwohner\n1;2\n"))
    too_many = "\n".join([HEADER, ROWS[0], ROWS[1] + ";extra;fields"])
    with pytest.raises(DataError) as info:
        read_population_grid(write(tmp_path, too_many))
    assert info.value.row == 3
    empty = read_population_grid(write(tmp_path, HEADER + "\n"))
    assert len(empty) == 0 and list(empty.columns) == ["cell_id", "x", "y", "population"]
