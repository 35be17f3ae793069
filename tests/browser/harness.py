"""Start the Streamlit app as a real server and find Debian's chromium (no pytest in here).

Used by ``tests/browser/conftest.py`` and ``scripts/bench_foerderkarte.py``. Habits copied from
datasette's browser tests: a free port, poll the health endpoint until it answers (fail with the
server's output if the process died or a generous deadline passed), guaranteed teardown.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mapapp.config import REPO_ROOT

APP = REPO_ROOT / "streamlit_app.py"
#: Debian's chromium; ``playwright install`` cannot download browsers here.
CHROMIUM = Path(os.environ.get("MAPAPP_CHROMIUM") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: A streamlit-folium map: the component's URL (the page gives the iframe a readable title,
#: "Karte: Angebote", see mapapp/ui/streamlit_texts.py).
MAP_IFRAME = "iframe[src*='/component/streamlit_folium.st_folium/']"
#: The current map iframe. streamlit-folium keys its component by a hash of the map's JS, so a new
#: year selection mounts a new iframe; during the rerun the old one lingers, marked stale.
CURRENT_MAP_IFRAME = f"[data-testid='stElementContainer'][data-stale='false'] {MAP_IFRAME}"
#: Seconds until the server must answer ``/_stcore/health`` (2 shared cores, cold imports).
START_DEADLINE_S = 120.0


class ServerError(RuntimeError):
    """The Streamlit server did not come up; the message carries its captured output."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class StreamlitServer:
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        try:
            return self.log_path.read_text("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """Terminate (then kill) the server process; safe to call twice."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)


def streamlit_command(port: int, app: Path = APP) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        # Other people edit the shared tree: never rerun the app because a file changed.
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
    ]


def wait_healthy(server: StreamlitServer, deadline_s: float = START_DEADLINE_S) -> float:
    """Poll ``/_stcore/health`` until it says ``ok``; return the seconds it took.

    Raises :class:`ServerError` (with the server's output) if the process exits or the deadline
    passes. Between polls we wait on the process itself, so a crash is noticed at once.
    """
    t0 = time.monotonic()
    health = f"{server.url}/_stcore/health"
    while True:
        code = server.proc.poll()
        if code is not None:
            raise ServerError(
                f"streamlit exited with code {code} before answering {health}:\n{server.output()}"
            )
        try:
            with urllib.request.urlopen(health, timeout=2) as resp:  # noqa: S310 - local URL
                if resp.status == 200 and resp.read().strip() == b"ok":
                    return time.monotonic() - t0
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() - t0 > deadline_s:
            raise ServerError(
                f"streamlit did not answer {health} within {deadline_s:.0f} s:\n{server.output()}"
            )
        try:
            server.proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            continue


def start_streamlit(
    data_dir: Path,
    log_path: Path,
    *,
    app: Path = APP,
    env: Mapping[str, str] | None = None,
) -> StreamlitServer:
    """Start ``streamlit run`` on a free port with ``MAPAPP_DATA_DIR=data_dir`` (not yet healthy)."""
    port = free_port()
    full_env = {**os.environ, **(env or {}), "MAPAPP_DATA_DIR": str(data_dir)}
    full_env.pop("MAPAPP_MIRROR", None)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            streamlit_command(port, app),
            cwd=REPO_ROOT,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return StreamlitServer(proc=proc, port=port, log_path=log_path)


@contextmanager
def running_streamlit(
    data_dir: Path, log_path: Path, *, deadline_s: float = START_DEADLINE_S
) -> Iterator[StreamlitServer]:
    """Start the app, wait until healthy, always stop it afterwards."""
    server = start_streamlit(data_dir, log_path)
    try:
        wait_healthy(server, deadline_s)
        yield server
    finally:
        server.stop()
