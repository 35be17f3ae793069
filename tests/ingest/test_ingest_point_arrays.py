"""mapapp.ingest.point_arrays: the one-pass numpy reader of `mapapp coverage` agrees with the careful
reader (mapapp.ingest.points) on every file it accepts and hands every unusual file over."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mapapp.ingest.point_arrays import quick_points
from mapapp.ingest.points import read_point_arrays

P = "400000,5700000"


@pytest.mark.parametrize(
    ("text", "value", "need_xy"),
    [
        (f"id,x,y,demand\nA,{P},100\n B ,{P},2.5\n", "demand", True),
        ("\ufeffid;x;y;capacity\r\nA;400000,5;5700000;1,5\r\n", "capacity", True),
        (f"x,y,id,demand,note\n{P},A,1,text\n{P},B,0,more text\n", "demand", True),
        ("id,capacity\nS1,3\nS2,0\n", "capacity", False),
        (f"id,x,y\nA,{P}\nB,400001.25,5700000.5\n", None, True),
    ],
)
def test_plain_files_read_the_same_as_the_careful_reader(
    tmp_path: Path, text: str, value: str | None, need_xy: bool
) -> None:
    path = tmp_path / "points.csv"
    path.write_bytes(text.encode("utf-8"))
    quick = quick_points(path, value=value, need_xy=need_xy)
    careful = read_point_arrays(path, value=value, need_xy=need_xy)
    assert quick is not None
    assert quick.ids == careful.ids
    for ours, theirs in ((quick.xy, careful.xy), (quick.value, careful.value)):
        assert (ours is None) == (theirs is None)
        if ours is not None and theirs is not None:
            np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    "text",
    [
        f'id,x,y,demand\n"A, quoted",{P},1\n',  # quotes
        f"id,x,y,demand\nA,{P},1\n\nB,{P},2\n",  # a blank line
        f"id,x,y,demand\nA,{P},1\nB,{P},2,9\n",  # a row with more fields
        f"id,x,y,demand\nA,{P},1\nB,{P}\n",  # a row with fewer fields
        f"id, x,y,demand\nA,{P},1\n",  # a header with blanks
        f"id,x,y,demand\nA,{P},-1\n",  # negative value
        f"id,x,y,demand\nA,{P},1\nA,{P},2\n",  # repeated id
        f"id,x,y,demand\n,{P},1\n",  # empty id
        "id,x,y,demand\nA,7.6,51.9,1\n",  # degrees
        f"id,x,y,demand\nA,{P},nan\n",  # not finite
        f"id,x,y,demand\nA,{P},1_000\n",  # Python-only number syntax
        "id,x,y,demand\n",  # no data rows
        f"id,x,y,people\nA,{P},1\n",  # a missing column
    ],
)
def test_unusual_files_go_to_the_careful_reader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "points.csv"
    path.write_text(text, encoding="utf-8")
    assert quick_points(path, value="demand", need_xy=True) is None


def test_other_encodings_go_to_the_careful_reader(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_bytes(f"id,x,y,demand\nKöln,{P},1\n".encode("cp1252"))
    assert quick_points(path, value="demand", need_xy=True) is None
