"""Real-browser fixtures: the app as a Streamlit server on real data, Debian's chromium via Playwright.

Fixtures
--------
``chromium_executable`` (session)
    Path of the chromium binary (``MAPAPP_CHROMIUM``, default ``/usr/bin/chromium``). Skips when it or
    the playwright package is missing -- fails instead when env ``CI`` is set.
``app_server`` (session)
    A running :class:`tests.browser.harness.StreamlitServer` (``.url``, ``.output()``) serving
    ``streamlit_app.py`` with ``MAPAPP_DATA_DIR`` = the ``real_data_cache`` dir; stopped at the end.
``browser`` (session)
    A Playwright chromium ``Browser``.
``open_app`` (function)
    Factory ``open_app(path="/", width=1400, height=1000) -> AppPage``: a new browser context (one
    Streamlit session), every request off 127.0.0.1 aborted and recorded, the page loaded and the
    Streamlit app mounted. On test failure every page opened is screenshotted into
    ``test-artifacts/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mapapp.config import REPO_ROOT
from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CURRENT_MAP_IFRAME,
    ServerError,
    StreamlitServer,
    start_streamlit,
    wait_healthy,
)
from tests.conftest import skip_or_fail

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FrameLocator, Locator, Page

ARTIFACTS = REPO_ROOT / "test-artifacts"
#: Playwright's auto-wait budget for assertions/actions (2 shared cores; first render builds caches).
TIMEOUT_MS = 60_000
#: Any URL that is not the local server (tiles, CDNs, ...): aborted, the test runs offline.
EXTERNAL = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        skip_or_fail("playwright is not installed (pip install -e '.[dev]')")
    if not CHROMIUM.is_file():
        skip_or_fail(
            f"chromium not found at {CHROMIUM} (make browser-deps, or set MAPAPP_CHROMIUM)"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def app_server(
    real_data_cache: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StreamlitServer]:
    log = tmp_path_factory.mktemp("streamlit_server") / "streamlit.log"
    server = start_streamlit(real_data_cache, log)
    try:
        try:
            wait_healthy(server)
        except ServerError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(chromium_executable: Path) -> Iterator[Browser]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium_executable), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class AppPage:
    """A loaded app page and what it asked the network for."""

    page: Page
    base_url: str
    requests: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)

    @property
    def map(self) -> FrameLocator:
        """The Leaflet map inside the (current) st_folium component iframe."""
        return self.page.locator(CURRENT_MAP_IFRAME).content_frame

    @property
    def map_iframe(self) -> Locator:
        return self.page.locator(CURRENT_MAP_IFRAME)

    def wait_for_map(self, min_paths: int = 50) -> None:
        """Auto-wait until the map shows at least ``min_paths`` interactive Leaflet paths."""
        from playwright.sync_api import expect

        expect(self.map.locator("path.leaflet-interactive").nth(min_paths - 1)).to_be_attached()


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")


@pytest.fixture
def open_app(
    browser: Browser, app_server: StreamlitServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., AppPage]]:
    opened: list[AppPage] = []
    contexts: list[Any] = []

    def _open(path: str = "/", *, width: int = 1400, height: int = 1000) -> AppPage:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        app = AppPage(page=context.new_page(), base_url=app_server.url)

        def block(route: Any) -> None:
            app.aborted.append(route.request.url)
            route.abort()

        context.route(EXTERNAL, block)
        app.page.on("request", lambda req: app.requests.append(req.url))
        opened.append(app)
        app.page.goto(app_server.url + path, wait_until="domcontentloaded")
        app.page.locator("[data-testid='stApp']").wait_for()
        return app

    try:
        yield _open
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            from playwright.sync_api import Error as PlaywrightError

            ARTIFACTS.mkdir(exist_ok=True)
            for i, app in enumerate(opened):
                shot = ARTIFACTS / f"{_artifact_name(request.node.nodeid)}-{i}.png"
                try:
                    app.page.screenshot(path=str(shot), full_page=True)
                except PlaywrightError as exc:  # a dead page must not hide the test's own failure
                    print(f"screenshot {shot} failed: {exc}")
                else:
                    print(f"screenshot of the failed page: {shot}")
            print(f"streamlit server output:\n{app_server.output()[-4000:]}")
        for context in contexts:
            context.close()
