"""``mapapp fetch-data --only osm`` against a server on 127.0.0.1 (SYNTHETIC PBF extract):
download into raw/osm, resume, a truncated body keeps the stored file, a Regierungsbezirk URL,
a mirror folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mapapp import config
from mapapp.cli import main
from mapapp.config import get_settings
from mapapp.io.fetch import IntegrityError, load_manifest, verify_file
from tests.fixtures.local_server import LocalServer, patch_official, serve
from tests.fixtures.osm_world import write_pbf

NAME = config.SOURCES["osm"].filename
REGBEZ = "koeln-regbez-latest.osm.pbf"
FAST = ["--retries", "1", "--timeout", "5"]


@pytest.fixture(scope="module")
def pbf(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    # large enough that half of it arrives before the connection breaks (64 KiB chunks)
    data = write_pbf(tmp_path_factory.mktemp("pbf"), filler=6_000).read_bytes()
    assert len(data) > 2 * 65536
    return data


@pytest.fixture
def server(pbf: bytes) -> Iterator[LocalServer]:
    with serve({NAME: pbf, REGBEZ: pbf}) as srv:
        yield srv


@pytest.fixture
def raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    return get_settings().raw_dir


def test_osm_source_is_geofabriks_nrw_extract_into_the_osm_dir() -> None:
    src = config.SOURCES["osm"]
    assert (
        src.url == "https://download.geofabrik.de/europe/germany/nordrhein-westfalen-latest.osm.pbf"
    )
    assert get_settings().raw_path(src.subdir, src.filename).parent == get_settings().osm_dir


def test_only_osm_downloads_the_extract(
    server: LocalServer, raw: Path, pbf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_official(monkeypatch, f"{server.base}/ok")
    assert main(["fetch-data", "--only", "osm", *FAST]) == 0
    assert (raw / "osm" / NAME).read_bytes() == pbf
    assert load_manifest(raw)[f"osm/{NAME}"].size == len(pbf)
    assert sorted(p.name for p in (raw / "osm").iterdir()) == [NAME]  # no temp file left


def test_broken_transfer_is_resumed(
    server: LocalServer, raw: Path, pbf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_official(monkeypatch, f"{server.base}/resume")
    assert main(["fetch-data", "--only", "osm", *FAST]) == 0
    first, second = server.state.hits(f"/resume/{NAME}")
    assert first["range"] is None
    offset = int(second["range"].removeprefix("bytes=").rstrip("-"))
    assert 0 < offset <= len(pbf) // 2  # went on from what had arrived
    assert (raw / "osm" / NAME).read_bytes() == pbf


def test_truncated_body_keeps_the_stored_extract(
    server: LocalServer, raw: Path, pbf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = raw / "osm" / NAME
    old.parent.mkdir(parents=True)
    old.write_bytes(pbf[:-1] + b"\x00")  # an earlier file (any content) must survive
    before = old.read_bytes()
    patch_official(monkeypatch, f"{server.base}/truncated")
    assert main(["fetch-data", "--only", "osm", *FAST]) == 1
    assert old.read_bytes() == before
    assert sorted(p.name for p in old.parent.iterdir()) == [NAME]  # no .part file


def test_regierungsbezirk_url_and_mirror_folder(
    server: LocalServer, raw: Path, pbf: bytes, tmp_path: Path
) -> None:
    assert main(["fetch-data", "--source", server.url("ok", REGBEZ), *FAST]) == 0
    assert (raw / "osm" / REGBEZ).read_bytes() == pbf
    mirror = tmp_path / "mirror" / "osm"
    mirror.mkdir(parents=True)
    (mirror / NAME).write_bytes(pbf)
    assert main(["fetch-data", "--only", "osm", "--source", str(mirror.parent)]) == 0
    assert (raw / "osm" / NAME).read_bytes() == pbf


def test_pbf_integrity_check(tmp_path: Path, pbf: bytes) -> None:
    good = tmp_path / "a.osm.pbf"
    good.write_bytes(pbf)
    verify_file(good, "pbf")
    for bad in (pbf[:-5], pbf[: len(pbf) // 2], b"PK\x03\x04" + pbf[4:], b"\x00\x00\x00\x05hello"):
        good.write_bytes(bad)
        with pytest.raises(IntegrityError):
            verify_file(good, "pbf")
