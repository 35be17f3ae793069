"""Benchmark the Förderkarte: first render, rerun after a year change, and the map payload.

Usage::

    .venv/bin/python scripts/bench_foerderkarte.py [--data-dir DIR] [--mirror DIR] [--repeat 3]
                                                   [--no-browser] [--json OUT.json]

Measures, in one run, on this machine:

(a) cold start: ``streamlit run`` from process start to ``/_stcore/health`` and to the Förderkarte drawn
    in headless chromium (>= 50 Leaflet paths in the st_folium iframe), with the derived boundary
    cache already on disk but a fresh server (empty ``st.cache_data``); plus a warm page load (second
    browser session on the same server);
(b) rerun after a year change: in the browser from the pointer-down on the year button to the first
    animation frame showing the new legend (measured inside the page), the websocket bytes that the
    rerun sends; and server-side with ``AppTest`` (script run time);
(c) the map payload: the st_folium component arguments (JSON, what the browser receives for the map)
    for the app's map and two baselines built in the same run: the same map from unsimplified
    boundaries (``simplify_m=0``), and a naive ``folium.GeoJson(gdf)`` map (unsimplified, unrounded
    coordinates, all columns). Also the time to build the folium map and the component arguments.

Goals (issue 2): rerun < 0.3 s, payload < 1 MB for the whole NRW Gemeinde layer, first render < 3 s.
No assertions here; the numbers go into docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

YEAR_SEQUENCE = ["2005", "2007", "2006", "2005–2007", "2005", "2007", "2006", "2005–2007"]
DEFAULT_CHOICE = "2005–2007"
#: Requests off the local server (basemap tiles) are aborted: the benchmark runs offline.
EXTERNAL = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")
GOALS = {"rerun_s": 0.3, "payload_bytes": 1_000_000, "first_render_s": 3.0}


# ----------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Median seconds of ``repeat`` calls (after one warm-up call) and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return median(times), result


def timed_fresh_thread(fn: Callable[[], Any], repeat: int) -> float:
    """Median seconds of ``fn`` run in a new thread each time, as Streamlit runs every rerun.

    pyproj keeps its PROJ context and CRS cache per thread, so ``to_crs`` in a fresh thread pays
    the set-up again.
    """
    times: list[float] = []

    def run() -> None:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)

    for _ in range(repeat):
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
    return median(times)


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB"


def prepare_data_dir(data_dir: Path | None, mirror: Path | None) -> tuple[Path, Path | None]:
    """A data dir with the official files (filled from the mirror if needed); temp dir to delete."""
    from mapapp.config import Settings
    from mapapp.io.fetch import fetch_all

    if data_dir is None and os.environ.get("MAPAPP_DATA_DIR"):
        data_dir = Path(os.environ["MAPAPP_DATA_DIR"])
    tmp = None
    if data_dir is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench_foerderkarte_"))
        data_dir = tmp
    if not any((data_dir / "raw" / "bkg").glob("vg*.zip")):
        source = mirror or Path(
            os.environ.get("MAPAPP_MIRROR") or REPO_ROOT.parent / "shared" / "geodata"
        )
        report = fetch_all(Settings(data_dir=data_dir), source=source)
        if not report.ok:
            raise SystemExit("\n".join(report.summary_lines()))
    os.environ["MAPAPP_DATA_DIR"] = str(data_dir)
    os.environ.pop("MAPAPP_MIRROR", None)
    return data_dir, tmp


def capture_component_args(m: Any) -> dict[str, Any]:
    """The arguments ``st_folium`` sends to the browser for map ``m`` (its component is stubbed)."""
    import streamlit_folium

    captured: dict[str, Any] = {}
    original = streamlit_folium._component_func
    streamlit_folium._component_func = lambda **kw: captured.update(kw)
    try:
        streamlit_folium.st_folium(
            m,
            key="bench",
            height=620,
            use_container_width=True,
            returned_objects=["last_active_drawing"],
        )
    finally:
        streamlit_folium._component_func = original
    captured.pop("on_change", None)
    return captured


def json_bytes(obj: Any) -> int:
    return len(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


# ----------------------------------------------------------------------------------------------
# (c) payload and map-building time, with baselines
# ----------------------------------------------------------------------------------------------


def naive_map(units: Any, gemeinden: Any, rb: Any) -> Any:
    """Baseline: what a first attempt looks like -- folium.GeoJson(gdf) with every column."""
    import folium

    from mapapp.render.funding_map import _style_for

    m = folium.Map(location=[51.45, 7.6], zoom_start=7, tiles=None)
    folium.GeoJson(gemeinden.to_crs(4326), name="Gemeinden").add_to(m)
    cols = [c for c in units.columns if c not in ("years", "sources")]
    folium.GeoJson(
        units[cols].to_crs(4326),
        style_function=lambda f: _style_for(f["properties"]["map_class"]),
        tooltip=folium.GeoJsonTooltip(fields=["name", "unit_type"]),
    ).add_to(m)
    folium.GeoJson(rb.to_crs(4326), name="Regierungsbezirke").add_to(m)
    return m


def bench_payload(repeat: int) -> dict[str, Any]:
    from mapapp.analysis.funding import funding_units
    from mapapp.config import get_settings
    from mapapp.io import datasets
    from mapapp.model import YearSelection
    from mapapp.render.assets import localize_assets
    from mapapp.render.captions import funding_attribution, funding_title
    from mapapp.render.funding_map import funding_map
    from mapapp.render.maps import web_features

    s = get_settings()
    status = datasets.load_status(s)
    registry = datasets.load_registry(s)
    years = YearSelection.parse(DEFAULT_CHOICE.replace("–", "-")).years
    out: dict[str, Any] = {}
    variants = [
        ("app", datasets.WEB_SIMPLIFY_M, "app"),
        ("unsimplified", 0.0, "app"),
        ("naive", 0.0, "naive"),
    ]
    for name, simplify_m, kind in variants:
        b = datasets.load_boundaries(s, simplify_m=simplify_m)
        units = funding_units(b, status, registry, years)

        def build(b: Any = b, units: Any = units, kind: str = kind) -> Any:
            if kind == "naive":
                return naive_map(units, b.gemeinden, b.rb)
            m = funding_map(
                units,
                b.gemeinden,
                b.rb,
                title=funding_title(DEFAULT_CHOICE),
                attribution=funding_attribution(b.year),
            )
            localize_assets(m)
            return m

        build_s, m = timed(build, repeat)
        build_thread_s = timed_fresh_thread(build, repeat)
        args_s, args = timed(lambda: capture_component_args(build()), repeat)
        args_s -= build_s  # capture_component_args(build()) includes one build
        payload = json_bytes(args)
        gem_layer = json_bytes(web_features(b.gemeinden, []))
        out[name] = {
            "simplify_m": simplify_m,
            "product": f"{b.product} {b.year}",
            "gemeinden": len(b.gemeinden),
            "gemeinde_vertices": int(b.gemeinden.geometry.count_coordinates().sum()),
            "payload_bytes": payload,
            "payload_gzip_bytes": len(gzip.compress(json.dumps(args).encode("utf-8"))),
            "gemeinde_layer_bytes": gem_layer if kind == "app" else None,
            "build_map_s": build_s,
            "build_map_fresh_thread_s": build_thread_s,
            "component_args_s": max(args_s, 0.0),
        }
    return out


# ----------------------------------------------------------------------------------------------
# (b2) server-side rerun with AppTest
# ----------------------------------------------------------------------------------------------


def bench_apptest() -> dict[str, Any]:
    """Script run times with AppTest: wall time of ``run()`` and of the page function itself."""
    from streamlit.testing.v1 import AppTest

    from mapapp.ui.pages import foerderkarte

    page_times: list[float] = []
    original = foerderkarte.render

    def timed_render() -> None:  # streamlit_app.py passes foerderkarte.render to st.Page
        t0 = time.perf_counter()
        try:
            original()
        finally:
            page_times.append(time.perf_counter() - t0)

    foerderkarte.render = timed_render
    try:
        at = AppTest.from_file(str(REPO_ROOT / "streamlit_app.py"), default_timeout=300)
        t0 = time.perf_counter()
        at.run()
        first = time.perf_counter() - t0
        if at.exception:
            raise SystemExit(f"AppTest raised: {[e.message for e in at.exception]}")
        seen: set[str] = {DEFAULT_CHOICE}
        new_wall, new_page, seen_wall, seen_page = [], [], [], []
        for label in YEAR_SEQUENCE:
            control = at.button_group(key="fk_years")
            t0 = time.perf_counter()
            control.set_value(label).run()
            wall = time.perf_counter() - t0
            if label in seen:
                seen_wall.append(wall)
                seen_page.append(page_times[-1])
            else:
                new_wall.append(wall)
                new_page.append(page_times[-1])
            seen.add(label)
    finally:
        foerderkarte.render = original
    return {
        "first_run_s": first,
        "first_page_s": page_times[0],
        "rerun_new_year_s": median(new_wall),
        "rerun_new_year_page_s": median(new_page),
        "rerun_cached_year_s": median(seen_wall),
        "rerun_cached_year_page_s": median(seen_page),
        "reruns": len(YEAR_SEQUENCE),
    }


# ----------------------------------------------------------------------------------------------
# (a) + (b) real browser
# ----------------------------------------------------------------------------------------------

#: Installed in the top frame before any page script runs. ``__benchWatch(label, oldFrame)`` records,
#: per animation frame, when the app root, a (new) map iframe, the Leaflet container and the finished
#: map (>= 50 paths, legend ending with ``label``) first appear; ``performance.now()`` milliseconds
#: (0 = navigation start). A capture-phase pointerdown listener records the click time.
MONITOR_JS = """
(() => {
  if (window.top !== window) return;
  const SEL = %s;
  window.__bench = {current: null, start: null};
  document.addEventListener('pointerdown', () => { window.__bench.start = performance.now(); }, true);
  window.__benchWatch = (label, oldFrame) => {
    const m = {};
    window.__bench.current = m;
    // A year switch either replaces the iframe or (since the units layer is streamed as a
    // feature group) only the units layer inside it: tag the current unit paths as old.
    for (const f of document.querySelectorAll(SEL)) {
      const d = f.contentDocument;
      if (d) d.querySelectorAll('path.leaflet-interactive').forEach((p) => p.setAttribute('data-bench-old', ''));
    }
    const tick = () => {
      const now = performance.now();
      if (m.app === undefined && document.querySelector("[data-testid='stApp']")) m.app = now;
      const frames = [...document.querySelectorAll(SEL)];
      if (m.iframe === undefined && frames.some((f) => f !== oldFrame)) m.iframe = now;
      if (label !== null) {
        const caption = [...document.querySelectorAll('strong')].some(
          (s) => s.textContent.includes('Kommunen ' + label));
        if (!caption) { requestAnimationFrame(tick); return; }
      }
      for (const f of frames) {
        const d = f.contentDocument;
        if (!d) continue;
        if (m.leaflet === undefined && d.querySelector('.leaflet-container')) m.leaflet = now;
        if (d.querySelectorAll('path.leaflet-interactive:not([data-bench-old])').length < 50) continue;
        if (m.iframe === undefined) m.iframe = now;
        m.drawn = now;
        return;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  window.__benchWatch(null, null);
})();
"""
WAIT_DRAWN_JS = (
    "() => window.__bench && window.__bench.current && window.__bench.current.drawn !== undefined"
)


def new_page(browser: Any, monitor: str) -> tuple[Any, Any, list[int]]:
    """A fresh context/page, offline, with the monitor installed and websocket bytes counted."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    ctx.route(EXTERNAL, lambda route: route.abort())
    ctx.add_init_script(monitor)
    page = ctx.new_page()
    ws_bytes = [0]

    def on_ws(ws: Any) -> None:
        ws.on("framereceived", lambda payload: ws_bytes.__setitem__(0, ws_bytes[0] + len(payload)))

    page.on("websocket", on_ws)
    return ctx, page, ws_bytes


def load_marks(page: Any, url: str) -> dict[str, float]:
    """Open ``url`` and return the monitor's marks in seconds since navigation start."""
    page.goto(url, wait_until="commit")
    page.wait_for_function(WAIT_DRAWN_JS, polling="raf", timeout=120_000)
    marks = page.evaluate("() => window.__bench.current")
    return {k: v / 1000 for k, v in marks.items()}


def bench_browser(data_dir: Path, repeat: int, workdir: Path) -> dict[str, Any]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    from tests.browser.harness import (
        CHROMIUM,
        CHROMIUM_ARGS,
        CURRENT_MAP_IFRAME,
        start_streamlit,
        wait_healthy,
    )

    monitor = MONITOR_JS % json.dumps(CURRENT_MAP_IFRAME)
    health, process_to_map, cold, warm = [], [], [], []
    ws_initial: list[int] = []
    switches: list[dict[str, Any]] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for i in range(repeat):
                t_spawn = time.perf_counter()
                server = start_streamlit(data_dir, workdir / f"streamlit_{i}.log")
                try:
                    health.append(wait_healthy(server))
                    ctx, page, ws_bytes = new_page(browser, monitor)
                    cold.append(load_marks(page, server.url + "/"))
                    process_to_map.append(time.perf_counter() - t_spawn)
                    ws_initial.append(ws_bytes[0])

                    # warm page load: a second session on the same, now warm, server
                    ctx2, page2, _ = new_page(browser, monitor)
                    warm.append(load_marks(page2, server.url + "/"))
                    ctx2.close()

                    # (b) year switches, timed inside the page: pointerdown -> new map drawn
                    seen = {DEFAULT_CHOICE}
                    group = page.get_by_role("radiogroup", name="Förderjahr(e)")
                    for label in YEAR_SEQUENCE:
                        ws_bytes[0] = 0
                        page.evaluate(
                            "([label, sel]) => window.__benchWatch(label, document.querySelector(sel))",
                            [label, CURRENT_MAP_IFRAME],
                        )
                        group.get_by_role("radio", name=label, exact=True).click()
                        page.wait_for_function(WAIT_DRAWN_JS, polling="raf", timeout=60_000)
                        marks = page.evaluate(
                            "() => ({start: window.__bench.start, ...window.__bench.current})"
                        )
                        t0 = marks.pop("start")
                        switch = {k: (v - t0) / 1000 for k, v in marks.items() if k != "app"}
                        switch["new_year"] = label not in seen
                        switch["ws_bytes"] = ws_bytes[0]
                        switches.append(switch)
                        seen.add(label)
                    ctx.close()
                except PlaywrightError as exc:
                    raise SystemExit(
                        f"benchmark run {i + 1} failed: {exc}\n--- streamlit output ---\n"
                        f"{server.output()[-4000:]}"
                    ) from exc
                finally:
                    server.stop()
        finally:
            browser.close()

    def med(rows: list[dict[str, Any]], key: str) -> float:
        return median([r[key] for r in rows if key in r])

    new = [s for s in switches if s["new_year"]]
    again = [s for s in switches if not s["new_year"]]
    return {
        "cold_starts": repeat,
        "process_to_health_s": median(health),
        "process_to_map_s": median(process_to_map),
        "first_render": {k: med(cold, k) for k in ("app", "iframe", "leaflet", "drawn")},
        "first_render_max_s": max(r["drawn"] for r in cold),
        "warm_render": {k: med(warm, k) for k in ("app", "iframe", "leaflet", "drawn")},
        "ws_initial_bytes": int(median([float(x) for x in ws_initial])),
        "switch_new_year": {k: med(new, k) for k in ("iframe", "leaflet", "drawn")},
        "switch_seen_year": {k: med(again, k) for k in ("iframe", "leaflet", "drawn")},
        "switch_max_s": max(s["drawn"] for s in switches),
        "ws_per_switch_bytes": int(median([float(s["ws_bytes"]) for s in switches])),
        "switches": len(switches),
    }


# ----------------------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------------------


def verdict(value: float, goal: float) -> str:
    return "met" if value < goal else "**missed**"


def report(results: dict[str, Any]) -> str:
    p = results["payload"]
    app, unsimp = p["app"], p["unsimplified"]
    lines = [
        f"Machine: {results['machine']}; load average before/after: {results['load_before']} / "
        f"{results['load_after']}.",
        "",
        f"Boundaries: {app['product']}, {app['gemeinden']} Gemeinden, "
        f"{app['gemeinde_vertices']:,} Gemeinde vertices at {app['simplify_m']:.0f} m "
        f"({unsimp['gemeinde_vertices']:,} unsimplified).",
        "",
        "| payload (st_folium args, years 2005–2007) | bytes | gzip | ratio to app |",
        "|---|---:|---:|---:|",
    ]
    for name, label in (
        ("app", "app map (web-simplified, 5 decimals)"),
        ("unsimplified", "baseline: same map, simplify_m=0"),
        ("naive", "baseline: naive folium.GeoJson(gdf), unsimplified"),
    ):
        v = p[name]
        lines.append(
            f"| {label} | {kb(v['payload_bytes'])} | {kb(v['payload_gzip_bytes'])} | "
            f"{v['payload_bytes'] / app['payload_bytes']:.2f}× |"
        )
    lines += [
        f"| of which the Gemeinde outline layer (app) | {kb(app['gemeinde_layer_bytes'])} | | |",
        "",
        "| map building per rerun (median) | build folium map (same thread) | build, fresh thread "
        "(as a Streamlit rerun) | st_folium args | total (fresh thread) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in ("app", "unsimplified", "naive"):
        v = p[name]
        lines.append(
            f"| {name} | {v['build_map_s'] * 1000:.0f} ms | {v['build_map_fresh_thread_s'] * 1000:.0f} ms | "
            f"{v['component_args_s'] * 1000:.0f} ms | "
            f"{(v['build_map_fresh_thread_s'] + v['component_args_s']) * 1000:.0f} ms |"
        )
    a = results["apptest"]
    lines += [
        "",
        "| AppTest (server-side script run) | AppTest.run() | of which the page function |",
        "|---|---:|---:|",
        f"| first run (fresh st.cache, derived cache on disk) | {a['first_run_s']:.2f} s | "
        f"{a['first_page_s']:.2f} s |",
        f"| rerun, year not seen before (median) | {a['rerun_new_year_s']:.2f} s | "
        f"{a['rerun_new_year_page_s']:.2f} s |",
        f"| rerun, year seen before (median) | {a['rerun_cached_year_s']:.2f} s | "
        f"{a['rerun_cached_year_page_s']:.2f} s |",
    ]
    br = results.get("browser")
    if br:
        fr, wr = br["first_render"], br["warm_render"]
        sn, ss = br["switch_new_year"], br["switch_seen_year"]
        lines += [
            "",
            f"| browser (headless chromium, {br['cold_starts']} cold starts, "
            f"{br['switches']} year switches; medians) | app root | map iframe | Leaflet | map drawn |",
            "|---|---:|---:|---:|---:|",
            f"| first render: page open → … (fresh server) | {fr['app']:.2f} s | {fr['iframe']:.2f} s | "
            f"{fr['leaflet']:.2f} s | **{fr['drawn']:.2f} s** (max {br['first_render_max_s']:.2f}) |",
            f"| warm render: page open → … (second session) | {wr['app']:.2f} s | {wr['iframe']:.2f} s | "
            f"{wr['leaflet']:.2f} s | **{wr['drawn']:.2f} s** |",
            f"| year switch, year not seen before: click → … | | {sn['iframe']:.2f} s | "
            f"{sn['leaflet']:.2f} s | **{sn['drawn']:.2f} s** |",
            f"| year switch, year seen before: click → … | | {ss['iframe']:.2f} s | "
            f"{ss['leaflet']:.2f} s | **{ss['drawn']:.2f} s** (max {br['switch_max_s']:.2f}) |",
            "",
            "| browser, other | value |",
            "|---|---:|",
            f"| process start → /_stcore/health | {br['process_to_health_s']:.2f} s |",
            f"| process start → map drawn (incl. page open) | {br['process_to_map_s']:.2f} s |",
            f"| websocket bytes received until the first map is drawn | {kb(br['ws_initial_bytes'])} |",
            f"| websocket bytes per year switch | {kb(br['ws_per_switch_bytes'])} |",
        ]
    rerun = br["switch_seen_year"]["drawn"] if br else a["rerun_cached_year_s"]
    first = br["first_render"]["drawn"] if br else float("nan")
    lines += [
        "",
        "| goal | measured | |",
        "|---|---:|---|",
        f"| rerun < {GOALS['rerun_s']} s | {rerun:.2f} s | {verdict(rerun, GOALS['rerun_s'])} |",
        f"| payload < 1 MB | {kb(app['payload_bytes'])} | "
        f"{verdict(app['payload_bytes'], GOALS['payload_bytes'])} |",
        f"| first render < {GOALS['first_render_s']} s | {first:.2f} s | "
        f"{verdict(first, GOALS['first_render_s']) if br else 'not measured'} |",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--data-dir", type=Path, help="data dir (default: MAPAPP_DATA_DIR, else a temp dir)"
    )
    ap.add_argument("--mirror", type=Path, help="mirror to fill an empty data dir from")
    ap.add_argument(
        "--repeat", type=int, default=3, help="cold starts / timing repeats (default 3)"
    )
    ap.add_argument("--no-browser", action="store_true", help="skip the chromium measurements")
    ap.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = ap.parse_args()

    data_dir, tmp = prepare_data_dir(args.data_dir, args.mirror)
    workdir = Path(tempfile.mkdtemp(prefix="bench_logs_"))
    try:
        from mapapp.config import get_settings
        from mapapp.io import datasets

        # "data already cached": the derived GeoParquet caches exist before anything is timed.
        for simplify_m in (datasets.WEB_SIMPLIFY_M, 0.0):
            datasets.load_boundaries(get_settings(), simplify_m=simplify_m)
        results: dict[str, Any] = {
            "load_before": " ".join(f"{x:.1f}" for x in os.getloadavg()),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}",
            "payload": bench_payload(max(args.repeat, 3)),
            "apptest": bench_apptest(),
        }
        if not args.no_browser:
            results["browser"] = bench_browser(data_dir, args.repeat, workdir)
        results["load_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), "utf-8")


if __name__ == "__main__":
    main()
