"""mapapp.io.fetch: downloads against a local HTTP server, mirror copies, integrity, manifest.

The server is started by the tests on 127.0.0.1 (free port, threads, torn down in ``finally``) and
serves the REAL BKG archive from the shared mirror; no test touches the internet or sleeps.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mapapp import config
from mapapp.config import Settings, get_settings
from mapapp.io.fetch import (
    DownloadError,
    DownloadTimeoutError,
    FetchError,
    FetchStatus,
    IntegrityError,
    NoConnectionError,
    TruncatedDownloadError,
    copy_file,
    download,
    fetch_all,
    load_manifest,
    verify_file,
)
from tests.fixtures.fetch_files import (
    FAST,
    INKAR_CSV,
    NEED_MIRROR,
    REAL_NAME,
    REAL_ZIP,
    SHARED,
    ZENSUS_CSV,
    corrupt,
    files_under,
    make_mirror,
    sha,
    tiny_xlsx,
    tiny_zip,
)
from tests.fixtures.local_server import (
    LocalServer,
    closed_port,
    mirror_files,
    patch_official,
    serve,
)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    return get_settings()


@pytest.fixture(scope="module")
def real_bytes() -> bytes:
    if not REAL_ZIP.is_file():
        pytest.skip(f"real BKG archive not found at {REAL_ZIP} (set MAPAPP_MIRROR)")
    return REAL_ZIP.read_bytes()


@pytest.fixture
def server(real_bytes: bytes) -> Iterator[LocalServer]:
    with serve({REAL_NAME: real_bytes, **mirror_files()}) as srv:
        yield srv


@pytest.fixture
def tiny_server() -> Iterator[LocalServer]:
    """The server with the tiny files only (no real mirror needed)."""
    with serve(mirror_files()) as srv:
        yield srv


# --------------------------------------------------------------------------------------------
# download(): HTTP behaviour against the real archive
# --------------------------------------------------------------------------------------------

web = pytest.mark.web


@web
@pytest.mark.data
def test_download_real_archive_is_verified_and_atomic(
    server: LocalServer, real_bytes: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "raw" / "bkg" / REAL_NAME
    stored = download(server.url("ok", REAL_NAME), dest, options=FAST)
    assert dest.read_bytes() == real_bytes
    assert stored.sha256 == sha(real_bytes)
    assert stored.size == len(real_bytes)
    assert files_under(tmp_path / "raw") == {f"bkg/{REAL_NAME}"}  # no temp file left
    [hit] = server.state.hits(f"/ok/{REAL_NAME}")
    assert hit["range"] is None


@web
@pytest.mark.data
def test_404_is_a_clear_error_naming_the_url(server: LocalServer, tmp_path: Path) -> None:
    url = server.url("missing", REAL_NAME)
    with pytest.raises(DownloadError) as info:
        download(url, tmp_path / "bkg" / REAL_NAME, options=FAST)
    assert info.value.status == 404
    assert url in str(info.value)
    assert "404" in str(info.value)
    assert len(server.state.hits(f"/missing/{REAL_NAME}")) == 1  # a 404 is not retried
    assert files_under(tmp_path) == set()


@web
@pytest.mark.data
def test_truncated_body_is_rejected_and_the_stored_file_kept(
    server: LocalServer, settings: Settings
) -> None:
    good = tiny_zip()
    target = settings.raw_dir / "bkg" / REAL_NAME
    target.parent.mkdir(parents=True)
    target.write_bytes(good)

    report = fetch_all(settings, source=server.url("truncated", REAL_NAME), options=FAST)

    assert not report.ok
    [result] = report.results
    assert result.status is FetchStatus.FAILED
    assert isinstance(result.error, TruncatedDownloadError)
    assert target.read_bytes() == good  # the previous good file is untouched
    assert files_under(settings.raw_dir) == {f"bkg/{REAL_NAME}"}  # no partial file, no manifest
    assert len(server.state.hits(f"/truncated/{REAL_NAME}")) == FAST.retries + 1


@web
@pytest.mark.data
def test_truncated_body_leaves_nothing_when_nothing_was_there(
    server: LocalServer, tmp_path: Path
) -> None:
    with pytest.raises(TruncatedDownloadError):
        download(server.url("truncated", REAL_NAME), tmp_path / "bkg" / REAL_NAME, options=FAST)
    assert files_under(tmp_path) == set()


@web
@pytest.mark.data
@pytest.mark.parametrize("scenario", ["stall-headers", "stall-body"])
def test_stalled_server_raises_a_timeout_instead_of_hanging(
    server: LocalServer, tmp_path: Path, scenario: str
) -> None:
    opts = dataclasses.replace(FAST, read_timeout=0.3, retries=1)
    with pytest.raises(DownloadTimeoutError) as info:
        download(server.url(scenario, REAL_NAME), tmp_path / "bkg" / REAL_NAME, options=opts)
    assert "Zeitüberschreitung" in str(info.value)
    assert len(server.state.hits(f"/{scenario}/{REAL_NAME}")) == 2
    assert files_under(tmp_path) == set()


@web
@pytest.mark.data
def test_broken_transfer_is_resumed_with_range(
    server: LocalServer, real_bytes: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "bkg" / REAL_NAME
    stored = download(server.url("resume", REAL_NAME), dest, options=FAST)
    assert stored.sha256 == sha(real_bytes)
    first, second = server.state.hits(f"/resume/{REAL_NAME}")
    assert first["range"] is None
    offset = int(second["range"].removeprefix("bytes=").rstrip("-"))
    assert 0 < offset < len(real_bytes)
    assert second["if_range"] == '"v1"'  # resume only if the file did not change meanwhile
    assert files_under(tmp_path) == {f"bkg/{REAL_NAME}"}


@web
@pytest.mark.data
def test_download_restarts_when_the_server_ignores_range(
    server: LocalServer, real_bytes: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "bkg" / REAL_NAME
    download(server.url("norange", REAL_NAME), dest, options=FAST)
    assert dest.read_bytes() == real_bytes
    first, second = server.state.hits(f"/norange/{REAL_NAME}")
    assert second["range"] is not None  # asked to resume, got the whole file (200): restarted


@web
@pytest.mark.data
def test_partial_file_from_an_interrupted_run_is_resumed(
    server: LocalServer, real_bytes: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "bkg" / REAL_NAME
    dest.parent.mkdir(parents=True)
    half = len(real_bytes) // 2
    (dest.parent / f".{REAL_NAME}.part").write_bytes(real_bytes[:half])
    download(server.url("ok", REAL_NAME), dest, options=FAST)
    assert dest.read_bytes() == real_bytes
    [hit] = server.state.hits(f"/ok/{REAL_NAME}")
    assert hit["range"] == f"bytes={half}-"


@web
@pytest.mark.data
def test_discard_partial_starts_from_zero(
    server: LocalServer, real_bytes: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "bkg" / REAL_NAME
    dest.parent.mkdir(parents=True)
    (dest.parent / f".{REAL_NAME}.part").write_bytes(b"garbage from another version")
    download(server.url("ok", REAL_NAME), dest, options=FAST, discard_partial=True)
    assert dest.read_bytes() == real_bytes
    [hit] = server.state.hits(f"/ok/{REAL_NAME}")
    assert hit["range"] is None


@web
@pytest.mark.data
def test_bad_resume_is_restarted_once_from_scratch(
    server: LocalServer, real_bytes: bytes, tmp_path: Path
) -> None:
    dest = tmp_path / "bkg" / REAL_NAME
    dest.parent.mkdir(parents=True)
    half = len(real_bytes) // 2
    (dest.parent / f".{REAL_NAME}.part").write_bytes(corrupt(real_bytes[:half]))
    download(server.url("ok", REAL_NAME), dest, options=FAST)
    assert dest.read_bytes() == real_bytes
    first, second = server.state.hits(f"/ok/{REAL_NAME}")
    assert first["range"] == f"bytes={half}-"
    assert second["range"] is None


@web
@pytest.mark.data
def test_503_is_retried_with_exponential_backoff(
    server: LocalServer, real_bytes: bytes, tmp_path: Path
) -> None:
    waits: list[float] = []
    opts = dataclasses.replace(FAST, retries=3, backoff=0.5, sleep=waits.append)
    stored = download(server.url("flaky", REAL_NAME), tmp_path / "bkg" / REAL_NAME, options=opts)
    assert stored.sha256 == sha(real_bytes)
    assert len(server.state.hits(f"/flaky/{REAL_NAME}")) == 3
    assert waits == [0.5, 1.0]


@web
@pytest.mark.data
def test_503_until_retries_are_used_up(server: LocalServer, tmp_path: Path) -> None:
    opts = dataclasses.replace(FAST, retries=2)
    with pytest.raises(DownloadError) as info:
        download(server.url("down", REAL_NAME), tmp_path / "bkg" / REAL_NAME, options=opts)
    assert info.value.status == 503
    assert len(server.state.hits(f"/down/{REAL_NAME}")) == 3
    assert files_under(tmp_path) == set()


@web
@pytest.mark.data
def test_corrupt_archive_with_correct_length_is_rejected(
    server: LocalServer, tmp_path: Path
) -> None:
    with pytest.raises(IntegrityError) as info:
        download(server.url("corrupt", REAL_NAME), tmp_path / "bkg" / REAL_NAME, options=FAST)
    assert REAL_NAME in str(info.value)
    assert files_under(tmp_path) == set()


@web
def test_closed_port_is_no_connection(tmp_path: Path) -> None:
    port = closed_port()
    with pytest.raises(NoConnectionError) as info:
        download(f"http://127.0.0.1:{port}/bkg/{REAL_NAME}", tmp_path / "x.zip", options=FAST)
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message
    assert "--source" in message and "MAPAPP_MIRROR" in message
    assert "\n" not in message
    assert files_under(tmp_path) == set()


# --------------------------------------------------------------------------------------------
# fetch_all(): official URLs (patched to the local server), base URL, mirror folders
# --------------------------------------------------------------------------------------------


@web
def test_official_download_fills_raw_and_manifest(
    tiny_server: LocalServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_official(monkeypatch, f"{tiny_server.base}/ok")
    report = fetch_all(settings, options=FAST)

    assert report.ok
    status = {r.key: r.status for r in report.results}
    assert status == {
        "vg250": FetchStatus.DOWNLOADED,
        "gvisys": FetchStatus.DOWNLOADED,
        "zensus_gemeinden": FetchStatus.SKIPPED,
        "inkar_foreign_share": FetchStatus.SKIPPED,
    }
    skipped = report.by_status(FetchStatus.SKIPPED)
    assert all("GV-ISys" in (r.note or "") for r in skipped)
    assert files_under(settings.raw_dir) == {
        "bkg/vg250_01-01.utm32s.gpkg.ebenen.zip",
        "destatis/31122023_Auszug_GV.xlsx",
        "manifest.json",
    }
    manifest = load_manifest(settings.raw_dir)
    entry = manifest["destatis/31122023_Auszug_GV.xlsx"]
    assert entry.sha256 == sha(tiny_xlsx())
    assert entry.size == len(tiny_xlsx())
    assert entry.source == f"{tiny_server.base}/ok/31122023_Auszug_GV.xlsx"
    assert entry.fetched_at.endswith("+00:00")
    # the big Zensus grid is only fetched on request
    assert tiny_server.state.hits("/ok/Zensus2022_Bevoelkerungszahl.zip") == []
    assert "Zusammenfassung: 2 geladen, 2 übersprungen." in report.summary_lines()

    # --if-missing: nothing is requested again
    before = len(tiny_server.state.log)
    again = fetch_all(settings, if_missing=True, options=FAST)
    assert [r.status for r in again.results[:2]] == [FetchStatus.PRESENT, FetchStatus.PRESENT]
    assert len(tiny_server.state.log) == before

    # a damaged file is fetched again even with --if-missing
    (settings.raw_dir / "destatis" / "31122023_Auszug_GV.xlsx").write_bytes(b"broken")
    third = fetch_all(settings, only=["gvisys"], if_missing=True, options=FAST)
    assert [r.status for r in third.results] == [FetchStatus.DOWNLOADED]

    # --force fetches even with --if-missing
    forced = fetch_all(settings, only=["gvisys"], if_missing=True, force=True, options=FAST)
    assert [r.status for r in forced.results] == [FetchStatus.DOWNLOADED]


@web
def test_zensus_grid_only_on_request(
    tiny_server: LocalServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_official(monkeypatch, f"{tiny_server.base}/ok")
    report = fetch_all(settings, only=["zensus_grid"], options=FAST)
    assert [(r.file, r.status) for r in report.results] == [
        ("zensus2022/Zensus2022_Bevoelkerungszahl.zip", FetchStatus.DOWNLOADED)
    ]


@web
@pytest.mark.data
def test_vg5000_boundaries_from_official_url(
    server: LocalServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_official(monkeypatch, f"{server.base}/ok")
    src = config.SOURCES["vg5000"]
    monkeypatch.setitem(
        config.SOURCES, "vg5000", dataclasses.replace(src, url=server.url("ok", REAL_NAME))
    )
    report = fetch_all(settings, only=["vg5000"], options=FAST)
    assert report.ok
    assert (settings.raw_dir / "bkg" / src.filename).stat().st_size == REAL_ZIP.stat().st_size


@web
@pytest.mark.data
def test_no_connection_is_one_sentence_and_keeps_stored_files(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_official(monkeypatch, f"http://127.0.0.1:{closed_port()}/x")
    stored = settings.raw_dir / "destatis" / "31122023_Auszug_GV.xlsx"
    stored.parent.mkdir(parents=True)
    stored.write_bytes(tiny_xlsx())

    report = fetch_all(settings, options=dataclasses.replace(FAST, retries=0))

    assert not report.ok
    [line] = report.error_lines()
    assert line.startswith("Keine Verbindung zu 127.0.0.1:")
    assert stored.read_bytes() == tiny_xlsx()


@web
def test_base_url_mirror_layout(settings: Settings) -> None:
    with serve(mirror_files()) as srv:
        report = fetch_all(settings, source=f"{srv.base}/mirror/", options=FAST)
        hits = [r["path"] for r in srv.state.log]
    status = {r.key: r.status for r in report.results}
    assert status == {
        "vg250": FetchStatus.DOWNLOADED,
        "gvisys": FetchStatus.DOWNLOADED,
        "zensus_gemeinden": FetchStatus.DOWNLOADED,
        "inkar_foreign_share": FetchStatus.MISSING,  # 404 for a mirror-only file: a notice
    }
    assert report.ok
    assert "/mirror/bkg/vg250_01-01.utm32s.gpkg.ebenen.zip" in hits
    assert "/mirror/zensus2022/gemeinden_nrw_2022-05-15.csv" in hits
    assert (
        settings.raw_dir / "zensus2022" / "gemeinden_nrw_2022-05-15.csv"
    ).read_bytes() == ZENSUS_CSV


@web
def test_base_url_404_for_an_official_file_is_a_failure(settings: Settings) -> None:
    files = mirror_files()
    del files["31122023_Auszug_GV.xlsx"]
    with serve(files) as srv:
        report = fetch_all(settings, source=f"{srv.base}/mirror", options=FAST)
    [failed] = report.failed
    assert failed.key == "gvisys"
    assert "404" in str(failed.error)


def test_mirror_folder_copy(settings: Settings, tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    report = fetch_all(settings, source=mirror)

    assert report.ok
    status = {r.file: r.status for r in report.results}
    assert status == {
        "bkg/vg250_01-01.utm32s.gpkg.ebenen.zip": FetchStatus.COPIED,
        "destatis/31122023_Auszug_GV.xlsx": FetchStatus.COPIED,
        "zensus2022/gemeinden_nrw_2022-05-15.csv": FetchStatus.COPIED,
        "inkar/foreign_share_kreise_nrw_1995-2022.csv": FetchStatus.MISSING,
    }
    assert files_under(settings.raw_dir) == {
        "bkg/vg250_01-01.utm32s.gpkg.ebenen.zip",
        "destatis/31122023_Auszug_GV.xlsx",
        "zensus2022/gemeinden_nrw_2022-05-15.csv",
        "manifest.json",
    }
    manifest = json.loads((settings.raw_dir / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["files"]["zensus2022/gemeinden_nrw_2022-05-15.csv"]
    assert entry["sha256"] == sha(ZENSUS_CSV)
    assert entry["size"] == len(ZENSUS_CSV)
    assert entry["source"] == str(mirror.resolve() / "zensus2022" / "gemeinden_nrw_2022-05-15.csv")
    assert set(entry) == {"file", "source", "size", "sha256", "fetched_at"}

    again = fetch_all(settings, source=mirror, if_missing=True)
    assert [r.status for r in again.results[:3]] == [FetchStatus.PRESENT] * 3


def test_mirror_from_env_when_no_source(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    monkeypatch.setenv("MAPAPP_MIRROR", str(mirror))
    report = fetch_all(get_settings(), only=["gvisys"])
    assert [r.status for r in report.results] == [FetchStatus.COPIED]


def test_mirror_without_vg250_supplies_vg5000(settings: Settings, tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "mirror", vg="vg5000_01-01.gk3.shape.ebenen.zip")
    report = fetch_all(settings, source=mirror)
    [bkg] = [r for r in report.results if r.file.startswith("bkg/")]
    assert bkg.file == "bkg/vg5000_01-01.gk3.shape.ebenen.zip"
    assert bkg.status is FetchStatus.COPIED
    assert "VG5000" in (bkg.note or "")

    explicit = fetch_all(settings, source=mirror, only=["vg250"])
    [failed] = explicit.failed
    assert "fehlt im Spiegelordner" in str(failed.error)


def test_mirror_boundaries_choice(settings: Settings, tmp_path: Path) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    (mirror / "bkg" / "vg5000_01-01.utm32s.shape.ebenen.zip").write_bytes(tiny_zip())
    report = fetch_all(settings, source=mirror, boundaries="vg5000", only=None)
    assert [r.file for r in report.results if r.file.startswith("bkg/")] == [
        "bkg/vg5000_01-01.utm32s.shape.ebenen.zip"
    ]


def test_corrupt_mirror_file_is_rejected_and_the_stored_copy_kept(
    settings: Settings, tmp_path: Path
) -> None:
    mirror = make_mirror(tmp_path / "mirror")
    assert fetch_all(settings, source=mirror).ok
    good = (settings.raw_dir / "destatis" / "31122023_Auszug_GV.xlsx").read_bytes()
    (mirror / "destatis" / "31122023_Auszug_GV.xlsx").write_bytes(good[: len(good) // 2])

    report = fetch_all(settings, source=mirror, only=["gvisys"])

    [failed] = report.failed
    assert isinstance(failed.error, IntegrityError)
    assert (settings.raw_dir / "destatis" / "31122023_Auszug_GV.xlsx").read_bytes() == good
    assert not list(settings.raw_dir.rglob("*.part"))


def test_missing_mirror_folder_raises(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="Spiegelordner .* gibt es nicht"):
        fetch_all(settings, source=tmp_path / "nowhere")


def test_unknown_key_and_product_raise(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="Unbekannte Datenquelle"):
        fetch_all(settings, source=tmp_path, only=["strassen"])
    with pytest.raises(FetchError, match="Grenzprodukt"):
        fetch_all(settings, source=tmp_path, boundaries="vg1000")


def test_single_file_path(settings: Settings, tmp_path: Path) -> None:
    src = tmp_path / "31122024_Auszug_GV.xlsx"
    src.write_bytes(tiny_xlsx())
    report = fetch_all(settings, source=src)
    assert [(r.file, r.status) for r in report.results] == [
        ("destatis/31122024_Auszug_GV.xlsx", FetchStatus.COPIED)
    ]
    with pytest.raises(FetchError, match="keine bekannte Datei"):
        other = tmp_path / "random.csv"
        other.write_bytes(INKAR_CSV)
        fetch_all(settings, source=other)


def test_manifest_corruption_is_a_clear_error(settings: Settings, tmp_path: Path) -> None:
    settings.raw_dir.mkdir(parents=True)
    (settings.raw_dir / "manifest.json").write_text("{not json")
    with pytest.raises(FetchError, match="manifest.json ist beschädigt"):
        fetch_all(settings, source=make_mirror(tmp_path / "mirror"))


def test_hand_placed_good_file_counts_as_present(settings: Settings, tmp_path: Path) -> None:
    target = settings.raw_dir / "destatis" / "31122023_Auszug_GV.xlsx"
    target.parent.mkdir(parents=True)
    target.write_bytes(tiny_xlsx())
    report = fetch_all(
        settings, source=make_mirror(tmp_path / "m"), only=["gvisys"], if_missing=True
    )
    [result] = report.results
    assert result.status is FetchStatus.PRESENT
    assert (
        load_manifest(settings.raw_dir)["destatis/31122023_Auszug_GV.xlsx"].source == "vorgefunden"
    )


@pytest.mark.data
@NEED_MIRROR
def test_real_mirror_copy(settings: Settings) -> None:
    report = fetch_all(settings, source=SHARED)
    assert report.ok, report.summary_lines()
    expected = {
        f"bkg/{REAL_NAME}",
        "destatis/31122023_Auszug_GV.xlsx",
        "zensus2022/gemeinden_nrw_2022-05-15.csv",
        "inkar/foreign_share_kreise_nrw_1995-2022.csv",
    }
    assert files_under(settings.raw_dir) == expected | {"manifest.json"}
    manifest = load_manifest(settings.raw_dir)
    for rel in expected:
        assert manifest[rel].sha256 == sha((SHARED / rel).read_bytes()), rel
    # the loaders find the archive (any vg*.zip in raw/bkg)
    from mapapp.io.boundaries import find_boundary_archive

    assert find_boundary_archive(settings.raw_dir).name == REAL_NAME
    assert [r.status for r in fetch_all(settings, source=SHARED, if_missing=True).results] == [
        FetchStatus.PRESENT
    ] * 4


# --------------------------------------------------------------------------------------------
# verify_file / copy_file
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind", "message"),
    [
        ("a.zip", b"PK\x03\x04 not really", "zip", "kein vollständiges Zip"),
        ("b.zip", corrupt(tiny_zip({"x.txt": b"abcdefgh" * 200})), "zip", "beschädigt"),
        ("c.xlsx", tiny_zip(), "xlsx", "keine Excel"),
        ("d.csv", b"", "csv", "leer"),
        ("e.csv", b"nur ein wort\n", "csv", "keine CSV-Kopfzeile"),
        ("f.csv", b"a,b\n\x00\x01", "csv", "Binärdaten"),
    ],
)
def test_verify_file_rejects(
    tmp_path: Path, name: str, data: bytes, kind: str, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IntegrityError, match=message):
        verify_file(path, kind)


def test_verify_file_accepts_and_checks_size(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_bytes("ags;name\n05111000;Düsseldorf\n".encode("cp1252"))
    verify_file(path, "csv")
    with pytest.raises(TruncatedDownloadError):
        verify_file(path, "csv", expected_size=path.stat().st_size + 1)


def test_copy_file_is_atomic(tmp_path: Path) -> None:
    src = tmp_path / "src.zip"
    src.write_bytes(corrupt(tiny_zip({"x.txt": b"abcdefgh" * 200})))
    dest = tmp_path / "raw" / "bkg" / "vg250_x.zip"
    dest.parent.mkdir(parents=True)
    dest.write_bytes(tiny_zip())
    with pytest.raises(IntegrityError):
        copy_file(src, dest)
    assert dest.read_bytes() == tiny_zip()
    assert sorted(p.name for p in dest.parent.iterdir()) == ["vg250_x.zip"]
    with pytest.raises(FetchError, match="gibt es nicht"):
        copy_file(tmp_path / "missing.zip", dest)
