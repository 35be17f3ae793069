"""Benchmark the offers features on SYNTHETIC offers (scripts/gen_synthetic_offers.py).

Measures, in one run (ratios against the naive baseline of the same run):

1. map build + payload: our clustered layer (``mapapp.render.offers.add_offers_layer``, default
   ``detail="auto"``; median of 3 after a warm-up) vs one
   ``folium.Marker`` with an escaped popup per offer inside a ``MarkerCluster`` (naive) at 10,000
   offers, and only ours at 100,000. "Build" = creating the map and rendering its HTML; "payload" =
   size of that HTML (UTF-8 bytes; the Leaflet assets are not inlined in either).
2. nearest search at 100,000 offers: index build (once per data version; also from a SQLite store
   holding them, i.e. the first query after a write) and one query (median
   of 200 random queries; unfiltered and with a language filter), vs a brute-force numpy scan
   (all distances, then sort).
3. import of 10,000 rows with coordinates (CSV as a provider would send it): parse + validate +
   point-in-polygon, then the SQLite upsert (a fresh store in a temp dir), and the re-import.

Needs the data directory (BKG boundaries + GV-ISys: ``mapapp fetch-data``) for the Land polygon and
the importer's locator. Usage::

    MAPAPP_DATA_DIR=... python scripts/bench_offers.py [--quick]
"""

from __future__ import annotations

import argparse
import html
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

try:
    import mapapp  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import folium
import shapely
from folium.plugins import MarkerCluster
from gen_synthetic_offers import synthetic_offers, to_import_csv

from mapapp.analysis.offers import OfferFilter, OfferIndex
from mapapp.config import get_settings
from mapapp.io.datasets import load_boundaries
from mapapp.io.offers import load_geo_context, parse_offers
from mapapp.offers_model import Offer
from mapapp.projection import to_metric
from mapapp.render.offers_layer import add_offers_layer
from mapapp.services.offers import build_index
from mapapp.store import SqliteOfferStore


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def fast_map(offers: list[Offer]) -> str:
    m = folium.Map(location=[51.45, 7.55], zoom_start=8, tiles=None)
    add_offers_layer(m, offers)
    return m.get_root().render()


def naive_map(offers: list[Offer]) -> str:
    m = folium.Map(location=[51.45, 7.55], zoom_start=8, tiles=None)
    cluster = MarkerCluster().add_to(m)
    for o in offers:
        popup = (
            f"<b>{html.escape(o.name)}</b><br>{html.escape(o.category_label)}<br>"
            f"{html.escape(o.provider or '')}<br>{html.escape(o.address)}<br>"
            f"{html.escape(o.phone or '')} {html.escape(o.email or '')}<br>"
            f"{html.escape(o.website or '')}<br>{html.escape(', '.join(o.languages))}"
        )
        folium.Marker(
            [o.lat, o.lon], popup=folium.Popup(popup, max_width=320), tooltip=html.escape(o.name)
        ).add_to(cluster)
    return m.get_root().render()


def bench_map(offers: list[Offer], naive: bool) -> dict[str, Any]:
    fast_map(offers[:100])  # warm-up: imports and template compilation are not per-map costs
    runs = [timed(lambda: fast_map(offers)) for _ in range(3)]
    t_fast, page = statistics.median(r[0] for r in runs), runs[0][1]
    row: dict[str, Any] = {"n": len(offers), "fast_s": t_fast, "fast_mb": len(page.encode()) / 1e6}
    if naive:
        t_naive, page_n = timed(lambda: naive_map(offers))
        row.update(naive_s=t_naive, naive_mb=len(page_n.encode()) / 1e6)
    return row


def bench_nearest(offers: list[Offer], queries: int) -> dict[str, Any]:
    t_build, index = timed(lambda: OfferIndex(offers))
    rng = np.random.default_rng(7)
    picks = rng.integers(0, len(offers), queries)
    qlon = [offers[i].lon + 0.01 for i in picks]
    qlat = [offers[i].lat - 0.01 for i in picks]
    flt = OfferFilter(languages=frozenset({"ar"}))
    index.mask(flt)  # language mask built once (cached per index, like the tree)

    def run(fn: Callable[[float, float], Any]) -> float:
        times = []
        for lo, la in zip(qlon, qlat, strict=True):
            t, _ = timed(lambda lo=lo, la=la: fn(lo, la))
            times.append(t)
        return statistics.median(times)

    q_plain = run(lambda lo, la: index.nearest(lo, la, limit=10))
    q_filter = run(lambda lo, la: index.nearest(lo, la, limit=10, flt=flt))
    xs, ys = index.x, index.y

    def brute(lo: float, la: float) -> list[int]:
        qx, qy = to_metric([lo], [la])
        d = np.hypot(xs - qx[0], ys - qy[0])
        return np.argsort(d, kind="stable")[:10].tolist()

    q_brute = run(brute)
    # correctness: same ids as brute force for the first query
    same = [h.offer.id for h in index.nearest(qlon[0], qlat[0], limit=10)] == [
        offers[i].id for i in brute(qlon[0], qlat[0])
    ]
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteOfferStore(Path(tmp) / "offers.sqlite")
        store.upsert(offers)
        t_from_store, _ = timed(lambda: build_index(store))
    return {"n": len(offers), "build_s": t_build, "q_ms": q_plain * 1e3, "qf_ms": q_filter * 1e3,
            "brute_ms": q_brute * 1e3, "same": same, "store_build_s": t_from_store}  # fmt: skip


def bench_import(offers: list[Offer]) -> dict[str, Any]:
    settings = get_settings()
    ctx = load_geo_context(settings, online=False)
    data = to_import_csv(offers).encode("utf-8")
    t_parse, result = timed(lambda: parse_offers(data, "synthetic.csv", ctx))
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteOfferStore(Path(tmp) / "offers.sqlite")
        t_store, res1 = timed(lambda: store.upsert(result.offers))
        t_re, res2 = timed(lambda: store.upsert(parse_offers(data, "synthetic.csv", ctx).offers))
    return {"n": len(offers), "mb": len(data) / 1e6, "parse_s": t_parse, "store_s": t_store,
            "accepted": result.report.accepted, "rejected": len(result.report.rejected),
            "reimport_s": t_re, "reimport_updated": res2.updated, "reimport_inserted": res2.inserted,
            "inserted": res1.inserted}  # fmt: skip


def _html(fmap: folium.Map) -> str:
    from mapapp.render.assets import standalone_html

    return standalone_html(fmap)


def naive_html(offers: list[Offer]) -> str:
    """The naive baseline as a standalone page (one folium.Marker per offer in a MarkerCluster).

    The text goes into a tooltip: folium's Popup needs jQuery, which the offline pages do not load.
    """
    fmap = folium.Map(location=[51.45, 7.55], zoom_start=8, tiles=None)
    fmap.options.update({"maxZoom": 18})
    cluster = MarkerCluster().add_to(fmap)
    for o in offers:
        folium.Marker([o.lat, o.lon], tooltip=html.escape(o.name)).add_to(cluster)
    return _html(fmap)


def bench_browser(offers: list[Offer], naive: bool, workdir: Path) -> dict[str, Any]:
    """Headless chromium: page load until the first cluster icons are in the page (offline file)."""
    from playwright.sync_api import sync_playwright

    from mapapp.render.offers import offers_map

    pages = {"ours": _html(offers_map(offers, tiles=False))}
    if naive:
        pages["naive"] = naive_html(offers)
    out: dict[str, Any] = {"n": len(offers)}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for name, text in pages.items():
                path = workdir / f"{name}_{len(offers)}.html"
                path.write_text(text, encoding="utf-8")
                times = []
                for _ in range(2):
                    page = browser.new_page(viewport={"width": 1200, "height": 800})
                    t0 = time.perf_counter()
                    page.goto(path.as_uri())
                    page.wait_for_selector(".marker-cluster", state="attached", timeout=300_000)
                    times.append(time.perf_counter() - t0)
                    page.close()
                out[f"{name}_s"] = min(times)
                out[f"{name}_mb"] = len(text.encode()) / 1e6
        finally:
            browser.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--quick", action="store_true", help="1,000 / 10,000 instead of 10,000 / 100,000"
    )
    ap.add_argument(
        "--browser",
        action="store_true",
        help="also time the standalone map in headless chromium (/usr/bin/chromium)",
    )
    args = ap.parse_args(argv)
    small, large = (1_000, 10_000) if args.quick else (10_000, 100_000)
    t_all = time.perf_counter()
    land = shapely.union_all(load_boundaries(get_settings()).land.geometry.to_numpy())
    offers_large = synthetic_offers(large, seed=1, area=land)
    offers_small = offers_large[:small]

    print(f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
          f"numpy {np.__version__}, folium {folium.__version__}")  # fmt: skip
    print("SYNTHETIC offers: seeded, uniform in the NRW Land polygon, every text field filled.\n")

    print(
        "| offers | ours: build | ours: payload | naive Marker: build | naive: payload | build ratio | payload ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    r = bench_map(offers_small, naive=True)
    print(f"| {r['n']:,} | {r['fast_s']:.3f} s | {r['fast_mb']:.2f} MB | {r['naive_s']:.2f} s | "
          f"{r['naive_mb']:.2f} MB | {r['naive_s'] / r['fast_s']:.0f}x | {r['naive_mb'] / r['fast_mb']:.1f}x |")  # fmt: skip
    r = bench_map(offers_large, naive=False)
    print(f"| {r['n']:,} | {r['fast_s']:.3f} s | {r['fast_mb']:.2f} MB | not run | – | – | – |\n")

    r = bench_nearest(offers_large, queries=200)
    print(
        "| offers | index build (once per data version) | incl. reading the SQLite store | query, 10 nearest | with language filter | brute-force numpy | brute / ours | same result |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {r['n']:,} | {r['build_s']:.3f} s | {r['store_build_s']:.2f} s | {r['q_ms']:.3f} ms | {r['qf_ms']:.3f} ms | "
          f"{r['brute_ms']:.2f} ms | {r['brute_ms'] / r['q_ms']:.0f}x | {r['same']} |\n")  # fmt: skip

    r = bench_import(offers_small)
    print(
        "| rows (CSV with coordinates) | file | parse + validate + locate | store (new) | re-import (parse + upsert) | accepted / rejected | re-import inserted / updated |"
    )
    print("|---|---|---|---|---|---|---|")
    print(f"| {r['n']:,} | {r['mb']:.1f} MB | {r['parse_s']:.2f} s | {r['store_s']:.2f} s | {r['reimport_s']:.2f} s | "
          f"{r['accepted']:,} / {r['rejected']} | {r['reimport_inserted']} / {r['reimport_updated']} |\n")  # fmt: skip
    if args.browser:
        print(
            "| offers (standalone HTML, offline) | ours: file | ours: load → first clusters | naive Marker: file | naive: load → first clusters | ratio |"
        )
        print("|---|---|---|---|---|---|")
        with tempfile.TemporaryDirectory() as tmp:
            for offers, naive in ((offers_small, True), (offers_large, False)):
                b = bench_browser(offers, naive, Path(tmp))
                if naive:
                    print(f"| {b['n']:,} | {b['ours_mb']:.1f} MB | {b['ours_s']:.2f} s | {b['naive_mb']:.1f} MB | "
                          f"{b['naive_s']:.2f} s | {b['naive_s'] / b['ours_s']:.1f}x |")  # fmt: skip
                else:
                    print(
                        f"| {b['n']:,} | {b['ours_mb']:.1f} MB | {b['ours_s']:.2f} s | not run | – | – |"
                    )
        print()
    print(f"Total benchmark time: {time.perf_counter() - t_all:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
