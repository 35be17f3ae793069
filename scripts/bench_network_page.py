"""Benchmark: the Versorgungslücken page with travel times – a threshold change after the travel
table is cached, against the first view of a mode (same run, whole page script via AppTest).

    MAPAPP_DATA_DIR=/path/to/fetched/data .venv/bin/python scripts/bench_network_page.py \\
        [--block 300] [--repeat 2]

The data directory must hold the fetched official data (``mapapp fetch-data``); it is copied to a
temporary folder, and SYNTHETIC walk and car networks are written into the copy (no OSM extract
offline): a street grid every ``--block`` metres over NRW's extent in EPSG:25832 (E 280–540 km,
N 5,560–5,800 km), walk 4.5 km/h both ways, car 30/60/100 km/h with every fifth street one-way
(:func:`bench_network_nrw.for_mode`), stored as ``mapapp network build`` stores a network.

Timed through Streamlit's ``AppTest`` (widgets, the caches of ``ui/cached.py``, map, tables; no
browser), default resolution (1 km cells, the bundled offers' Ausländerbehörden):

* first view of a mode: switching from Luftlinie to the mode (the travel table is computed);
* a threshold change in that mode (a new result from the cached table): median over five
  thresholds x ``--repeat``;
* for comparison the same threshold changes with Luftlinie.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_network import grid_graph  # noqa: E402
from bench_network_nrw import for_mode  # noqa: E402

from mapapp.analysis.network import Graph, largest_component  # noqa: E402
from mapapp.io.network_cache import save_network  # noqa: E402
from mapapp.io.osm_network import StreetGraph  # noqa: E402

ORIGIN = (280_000.0, 5_560_000.0)
SIZE = 260_000.0
THRESHOLDS = {"walk": (15, 45, 60, 90, 30), "car": (10, 20, 40, 50, 15)}


def write_network(folder: Path, mode: str, block: float) -> None:
    """A SYNTHETIC grid network of NRW's extent stored as ``mapapp network build`` would."""
    g = grid_graph(int(SIZE / block) + 1)
    scale = block / 150.0
    base = Graph(ORIGIN[0] + g.x * scale, ORIGIN[1] + g.y * scale, g.source, g.target,
                 g.seconds * scale)  # fmt: skip
    kept, keep = largest_component(for_mode(base, mode))
    metres = np.hypot(kept.x[kept.target] - kept.x[kept.source],
                      kept.y[kept.target] - kept.y[kept.source])  # fmt: skip
    street = StreetGraph(keep.astype(np.int64), kept.x, kept.y, kept.source, kept.target,
                         metres, kept.seconds)  # fmt: skip
    speed = 4.5 if mode == "walk" else None
    manifest: dict[str, Any] = {
        "mode": mode, "speed_kmh": speed, "snap_kmh": speed or 30.0,
        "car_kmh": None if speed else {"synthetic": 60.0},
        "extract": {"name": "SYNTHETIC grid", "replication_timestamp": None, "newest_way": None},
        "built_at": "bench",
    }  # fmt: skip
    save_network(folder, street, manifest)


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--block", type=float, default=300.0)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    source = Path(os.environ["MAPAPP_DATA_DIR"])
    work = Path(tempfile.mkdtemp(prefix="mapapp-netpage-"))
    shutil.copytree(source, work / "data")
    os.environ["MAPAPP_DATA_DIR"] = str(work / "data")
    from mapapp.config import get_settings

    settings = get_settings()
    for mode in THRESHOLDS:
        t = timed(lambda m=mode: write_network(settings.network_dir / m, m, args.block))
        print(f"{mode} network written in {t:.1f} s")
    from streamlit.testing.v1 import AppTest

    script = "from mapapp.ui.pages import versorgungsluecken\nversorgungsluecken.render()\n"
    at = AppTest.from_string(script, default_timeout=900)
    first = timed(at.run)
    line = []
    for _ in range(args.repeat):
        for km in (5, 15, 20, 25, 10):
            line.append(timed(at.slider(key="gap_km").set_value(km).run))
    print(f"\nfirst page view (Luftlinie, cold caches): {first:.2f} s")
    print(f"Luftlinie threshold change: median {statistics.median(line):.3f} s")
    print(
        "\n| mode | first view of the mode (travel table) | threshold change (median) | max "
        "| first view / change |"
    )
    print("|---|---|---|---|---|")
    for mode, minutes in THRESHOLDS.items():
        cold = timed(at.radio(key="gap_mode").set_value(mode).run)
        assert not at.exception, at.exception
        times = []
        for _ in range(args.repeat):
            for m in minutes:
                times.append(timed(at.slider(key=f"gap_min_{mode}").set_value(m).run))
                assert not at.exception, at.exception
        med = statistics.median(times)
        print(f"| {mode} | {cold:.2f} s | {med:.3f} s | {max(times):.3f} s | {cold / med:.0f}x |")
        at.radio(key="gap_mode").set_value("line").run()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
