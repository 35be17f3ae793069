"""Screenshot a running app page with Debian's chromium (for the README and manual checks).

Usage: python scripts/screenshot.py URL OUT.png [--width 1400] [--height 1000] [--wait-map]
"""

from __future__ import annotations

import argparse

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("out")
    p.add_argument("--width", type=int, default=1400)
    p.add_argument("--height", type=int, default=1000)
    p.add_argument(
        "--wait-map", action="store_true", help="wait for Leaflet paths in the map iframe"
    )
    p.add_argument("--full", action="store_true", help="full-page screenshot")
    a = p.parse_args()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": a.width, "height": a.height})
        page.goto(a.url, wait_until="domcontentloaded")
        page.wait_for_selector("[data-testid='stApp']", timeout=60_000)
        if a.wait_map:
            frame = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
            frame.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        page.wait_for_load_state("networkidle", timeout=60_000)
        page.screenshot(path=a.out, full_page=a.full)
        browser.close()


if __name__ == "__main__":
    main()
