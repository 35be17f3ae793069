"""Shared fixtures: the real data mirror and a data directory filled from it once per session.

Fixtures
--------
``mirror_dir`` (session)
    Path of the local mirror of the official files (``MAPAPP_MIRROR``, else ``<repo>/../shared/geodata``).
    Skips when it is absent -- except in CI (env ``CI`` set), where it fails.
``real_data_cache`` (session)
    A tmp data directory (``MAPAPP_DATA_DIR`` layout: ``raw/``, ``derived/``) filled once from the
    mirror with mapapp's own :func:`mapapp.io.fetch.fetch_all`. Does not touch the environment; use it
    for session-wide consumers (the browser-test server).
``real_data_dir`` (function)
    The same directory, with ``MAPAPP_DATA_DIR`` pointing at it (and ``MAPAPP_MIRROR`` cleared) for
    the duration of one test.
``empty_data_dir`` (function)
    An empty data directory with ``MAPAPP_DATA_DIR`` pointing at it (the "please fetch data" state).
``toy_data_cache`` (session)
    The SYNTHETIC toy world (:mod:`tests.fixtures.toy_world`) written once per session into tmp:
    a toy mirror, a toy reference folder, and a data directory filled from the mirror with
    ``fetch_all`` (caches built, offer store seeded). A :class:`tests.fixtures.toy_files.ToyData`
    (``.mirror``, ``.data_dir``, ``.reference_dir``, ``.settings``). Needs no real data.
``toy_data_dir`` (function)
    A fresh copy of that data directory in ``tmp_path`` (so a test may write to it), with
    ``MAPAPP_DATA_DIR`` pointing at it, ``MAPAPP_MIRROR`` cleared and ``get_settings()`` reading the
    toy reference folder (:func:`tests.fixtures.toy_files.use_toy_reference`). A ``ToyData``.

In CI, any test marked ``data``, ``browser`` or ``postgres`` (the store tests on the PostgreSQL
server of ``MAPAPP_TEST_DATABASE_URL``, :mod:`tests.fixtures.databases`) that ends up skipped is
reported as a failure, so CI cannot pass by skipping the integration tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mapapp.config import REPO_ROOT, Settings

if TYPE_CHECKING:
    from tests.fixtures.toy_files import ToyData

#: Markers whose tests must not be skipped in CI.
NO_SKIP_IN_CI = ("data", "browser", "postgres")


def in_ci() -> bool:
    """Whether we run in CI (env ``CI`` set to anything but empty/0/false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail in CI (an integration test that cannot run is an error there)."""
    if in_ci():
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


def mirror_path() -> Path:
    """Where the mirror should be: ``MAPAPP_MIRROR``, else ``<repo>/../shared/geodata``."""
    env = os.environ.get("MAPAPP_MIRROR")
    return Path(env).expanduser().resolve() if env else REPO_ROOT.parent / "shared" / "geodata"


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    path = mirror_path()
    if not (path.is_dir() and any((path / "bkg").glob("vg*.zip"))):
        skip_or_fail(
            f"real data mirror not found at {path} (needs bkg/vg*.zip; set MAPAPP_MIRROR to the "
            "shared geodata folder)"
        )
    return path


@pytest.fixture(scope="session")
def real_data_cache(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mapapp.io.fetch import fetch_all

    data_dir = tmp_path_factory.mktemp("real_data")
    report = fetch_all(Settings(data_dir=data_dir), source=mirror_dir)
    if not report.ok:
        pytest.fail(
            "filling the data dir from the mirror failed:\n" + "\n".join(report.summary_lines()),
            pytrace=False,
        )
    return data_dir


@pytest.fixture
def real_data_dir(real_data_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(real_data_cache))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    yield real_data_cache


@pytest.fixture
def empty_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "empty_data"
    path.mkdir()
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(path))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    # Keep the reports on the item (the browser fixtures screenshot failed tests).
    setattr(item, f"rep_{report.when}", report)
    if (
        in_ci()
        and report.skipped
        and not hasattr(report, "wasxfail")
        and any(item.get_closest_marker(m) for m in NO_SKIP_IN_CI)
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI forbids skipping {item.nodeid}: {reason}"
    return report


# --------------------------------------------------------------------------------------------
# The SYNTHETIC toy world (tests/fixtures/toy_world.py): unit, page and CLI tests without a mirror
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def toy_data_cache(tmp_path_factory: pytest.TempPathFactory) -> ToyData:
    from tests.fixtures.toy_files import build_toy_data

    return build_toy_data(tmp_path_factory.mktemp("toy_world"))


@pytest.fixture
def toy_data_dir(
    toy_data_cache: ToyData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ToyData]:
    from tests.fixtures.toy_files import ToyData, use_toy_reference

    data_dir = tmp_path / "toy_data"
    shutil.copytree(toy_data_cache.data_dir, data_dir)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(data_dir))
    monkeypatch.delenv("MAPAPP_MIRROR", raising=False)
    use_toy_reference(monkeypatch, toy_data_cache.reference_dir)
    yield ToyData(toy_data_cache.mirror, data_dir, toy_data_cache.reference_dir)
