"""Serve Leaflet and plugins locally instead of from CDNs (maps must work offline).

folium elements declare their assets in ``default_js`` / ``default_css`` (name, CDN URL). We replace
them per element with the vendored copies in ``mapapp/static/vendor``:

- in the Streamlit app, as URLs of Streamlit's static file serving (``/app/static/vendor/...``);
- in standalone HTML exports, inlined (``<script>``/``<style>`` with the file contents), so one file
  opens offline.

An asset we do not vendor raises :class:`UnvendoredAssetError`, so no CDN link slips through.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from branca.element import Figure

from mapapp.config import PACKAGE_DIR
from mapapp.render.safe import RawHtml

VENDOR_DIR = PACKAGE_DIR / "static" / "vendor"
#: URL prefix under which Streamlit serves ``static/`` (``server.enableStaticServing``).
STATIC_URL_PREFIX = "/app/static/vendor"

#: folium asset name -> vendored file (relative to VENDOR_DIR). Unused assets (jQuery, Bootstrap,
#: awesome-markers, Font Awesome) are dropped: our maps do not use folium.Icon markers.
LOCAL_ASSETS: dict[str, str | None] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    "markerclusterjs": "markercluster/leaflet.markercluster.js",
    "markerclustercss": "markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "markercluster/MarkerCluster.Default.css",
    "jquery": None,
    "bootstrap": None,
    "awesome_markers": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers_font_css": None,
    "awesome_markers_css": None,
    "awesome_rotate_css": None,
}


class UnvendoredAssetError(RuntimeError):
    """A folium element wants a CDN asset that is not vendored."""


def _walk(element: Any) -> list[Any]:
    found = [element]
    for child in getattr(element, "_children", {}).values():
        found.extend(_walk(child))
    return found


def _localize_list(items: list[tuple[str, str]], url_for: dict[str, str]) -> list[tuple[str, str]]:
    out = []
    for name, url in items:
        if name not in LOCAL_ASSETS:
            raise UnvendoredAssetError(f"Asset '{name}' ({url}) ist nicht lokal vorhanden")
        rel = LOCAL_ASSETS[name]
        if rel is not None:
            out.append((name, url_for[rel]))
    return out


def localize_assets(root: Any, prefix: str = STATIC_URL_PREFIX) -> None:
    """Point every element's JS/CSS at the vendored copies under ``prefix`` (in place)."""
    url_for = {rel: f"{prefix}/{rel}" for rel in LOCAL_ASSETS.values() if rel}
    for el in _walk(root):
        if hasattr(el, "default_js"):
            el.default_js = _localize_list(list(el.default_js), url_for)
        if hasattr(el, "default_css"):
            el.default_css = _localize_list(list(el.default_css), url_for)


def _css_with_inlined_images(css: str, css_dir: Path) -> str:
    def repl(m: re.Match[str]) -> str:
        target = (css_dir / m.group(1)).resolve()
        if target.is_file() and target.suffix in {".png", ".svg"}:
            mime = "image/svg+xml" if target.suffix == ".svg" else "image/png"
            data = base64.b64encode(target.read_bytes()).decode()
            return f"url(data:{mime};base64,{data})"
        return m.group(0)

    return re.sub(r"url\(['\"]?(?!data:)([^'\")]+)['\"]?\)", repl, css)


def standalone_html(root: Any) -> str:
    """Render a folium map/figure as one self-contained HTML page (assets inlined, no CDN).

    Leaflet's default marker icon path is pointed at an inlined image as well.
    """
    figure = root.get_root() if not isinstance(root, Figure) else root
    # Collect the assets, then strip them from the elements so folium emits no <script src>.
    js_files: list[str] = []
    css_files: list[str] = []
    for el in _walk(figure):
        for attr, bucket in (("default_js", js_files), ("default_css", css_files)):
            if hasattr(el, attr):
                for name, url in getattr(el, attr):
                    if name not in LOCAL_ASSETS:
                        raise UnvendoredAssetError(
                            f"Asset '{name}' ({url}) ist nicht lokal vorhanden"
                        )
                    rel = LOCAL_ASSETS[name]
                    if rel and rel not in bucket:
                        bucket.append(rel)
                setattr(el, attr, [])
    head = []
    for rel in css_files:
        path = VENDOR_DIR / rel
        head.append(
            f"<style>{_css_with_inlined_images(path.read_text('utf-8'), path.parent)}</style>"
        )
    for rel in js_files:
        code = (VENDOR_DIR / rel).read_text("utf-8").replace("</script", "<\\/script")
        head.append(f"<script>{code}</script>")
    images = {
        name: base64.b64encode((VENDOR_DIR / f"leaflet/images/{name}.png").read_bytes()).decode()
        for name in ("marker-icon", "marker-icon-2x", "marker-shadow")
    }
    head.append(
        "<script>(function(o){o.imagePath='';"
        f"o.iconUrl='data:image/png;base64,{images['marker-icon']}';"
        f"o.iconRetinaUrl='data:image/png;base64,{images['marker-icon-2x']}';"
        f"o.shadowUrl='data:image/png;base64,{images['marker-shadow']}';"
        "})(L.Icon.Default.prototype.options);</script>"
    )
    figure.header.add_child(RawHtml("\n".join(head)), name="mapapp_inline_assets", index=0)
    html: str = figure.render()
    return html
