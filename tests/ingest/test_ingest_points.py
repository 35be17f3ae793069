"""mapapp.ingest.points: the x,y CSV inputs of `mapapp coverage`, read with the one reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.ingest.points import read_costs, read_points
from mapapp.model import DataError


def test_points_with_semicolons_decimal_commas_and_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "nachfrage.csv"
    path.write_bytes(
        "id;x;y;Bevölkerung\nA;368000,5;5700000;12,5\n;;;\nB;369000;5701000;3\n".encode("cp1252")
    )
    frame = read_points(path, value="Bevölkerung")
    assert frame.index.tolist() == [2, 4]
    assert frame["id"].tolist() == ["A", "B"]
    assert frame["x"].tolist() == [368000.5, 369000.0]
    assert frame["Bevölkerung"].tolist() == [12.5, 3.0]


def test_points_from_bytes_with_commas_and_a_sep_line() -> None:
    frame = read_points(b"sep=,\nid,x,y\n1,368000.0,5700000\n", file="angebot.csv")
    assert frame.loc[2, "y"] == 5700000.0


@pytest.mark.parametrize(
    ("text", "row", "field", "pattern"),
    [
        ("id;x;y\n1;7,2;51,4\n", 2, "x", "Grad"),
        ("id;x;y\n1;5700000;368000\n", 2, "x", "vertauscht"),
        ("id;x\n1;368000\n", 1, "y", "Spalte fehlt"),
        ("id;x;y\n1;368000;5700000\n1;368001;5700000\n", 3, "id", "mehrfach"),
        ("id;x;y\n1;abc;5700000\n", 2, "x", "keine Zahl"),
    ],
)
def test_points_refused_with_row_and_field(text: str, row: int, field: str, pattern: str) -> None:
    with pytest.raises(DataError, match=pattern) as info:
        read_points(text.encode(), file="p.csv")
    assert (info.value.row, info.value.field, info.value.file) == (row, field, "p.csv")


def test_points_without_data_rows_and_costs() -> None:
    with pytest.raises(DataError, match="keine Datenzeilen"):
        read_points(b"id;x;y\n", file="p.csv")
    costs = read_costs(b"origin;destination;cost\na;b;1,5\n", file="c.csv")
    assert costs["cost"].tolist() == [1.5]
    with pytest.raises(DataError, match=">= 0"):
        read_costs(b"origin;destination;cost\na;b;-1\n", file="c.csv")
