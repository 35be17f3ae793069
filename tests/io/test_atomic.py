"""``mapapp.io.atomic``: all or nothing, no temporary file left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.io.atomic import atomic_path, write_bytes, write_text, write_with


def test_write_bytes_and_text_replace_the_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.bin"
    write_bytes(target, b"one")
    write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    text = tmp_path / "b.csv"
    write_text(text, "x;y\r\n1;2\n")
    assert text.read_bytes() == b"x;y\r\n1;2\n"  # line ends kept as given
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.bin", "b.csv", "sub"]


def test_a_failing_writer_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "c.json"
    write_text(target, "old")

    def boom(handle) -> None:  # type: ignore[no-untyped-def]
        handle.write("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_with(target, boom)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]


def test_atomic_path_for_writers_that_want_a_name(tmp_path: Path) -> None:
    target = tmp_path / "d.txt"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_text("new")
        assert not target.exists()
    assert target.read_text() == "new"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("broken")
        raise RuntimeError("stop")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["d.txt"]
