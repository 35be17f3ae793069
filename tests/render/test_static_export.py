"""Static Förderkarte (PNG/SVG/PDF) and the standalone HTML export on a toy Land of squares.

The toy Land (EPSG:25832, 10 km squares, see ``tests/fixtures/toy_land.py``)::

    +------------+------------+------------+
    | 05111000   | 05901004   | 05901008   |   05111 Alphastadt = kreisfreie Stadt
    | Alphastadt | Betadorf   | Gammastadt |   05901 Nordkreis = 004, 008, 012
    +------------+------------+------------+   05902 Südkreis  = 016
                 | 05901012   | 05902016   |
                 | Deltaheim  | Epsilonst. |   RB 051 = {05111}, RB 059 = {05901, 05902}
                 +------------+------------+

Funded 2005–2007 in ``builders.registry_rows``: Alphastadt (2005, 2006), Nordkreis (2007),
Gammastadt (2006); Epsilonstadt has no year; Südkreis runs an Ausländerbehörde but is not funded.
"""

from __future__ import annotations

import io
import json
import re
import threading
import xml.etree.ElementTree as ET

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from PIL import Image
from shapely.ops import unary_union

from mapapp.analysis.funding import (
    CLASS_ELIGIBLE,
    CLASS_FUNDED_KREIS,
    CLASS_FUNDED_STADT,
    CLASSES,
    funding_units,
)
from mapapp.ingest.registry import validate_registry
from mapapp.io.boundaries import Boundaries
from mapapp.render.captions import DEFAULT_NOTE, funding_attribution, funding_title
from mapapp.render.funding_labels import short_name
from mapapp.render.funding_map import funding_html
from mapapp.render.funding_sheet import _draw_map, static_funding_map
from mapapp.render.mpl import metric
from mapapp.render.style import FUNDING_STYLES
from tests.fixtures.toy_land import GEMEINDEN, registry_rows, sq, status_frame

CRS = "EPSG:25832"
YEARS = (2005, 2006, 2007)
LABEL = "2005–2007"
EVIL = "<script>alert('x')</script> & $x^2$"
SVG_NS = "{http://www.w3.org/2000/svg}"
# The only URLs an SVG from matplotlib may carry: XML namespaces and the DTD.
NAMESPACE_URLS = (
    "http://www.w3.org/",
    "http://purl.org/dc/",
    "http://creativecommons.org/ns",
)


def toy_boundaries() -> Boundaries:
    kreis_names = {"05111": "Alphastadt", "05901": "Nordkreis", "05902": "Südkreis"}
    rb_of = {"05111": "051", "05901": "059", "05902": "059"}
    gem = gpd.GeoDataFrame(
        [
            {
                "ags": ags,
                "name": name,
                "bez": "Stadt",
                "kreis_ags": ags[:5],
                "rb": rb_of[ags[:5]],
                "geometry": sq(col, row),
            }
            for ags, name, col, row in GEMEINDEN
        ],
        geometry="geometry",
        crs=CRS,
    )
    kreise = gpd.GeoDataFrame(
        [
            {
                "ags": k,
                "name": kreis_names[k],
                "bez": "Kreisfreie Stadt" if k == "05111" else "Kreis",
                "rb": rb_of[k],
                "geometry": unary_union(list(gem.geometry[gem["kreis_ags"] == k])),
            }
            for k in kreis_names
        ],
        geometry="geometry",
        crs=CRS,
    )
    rb = gpd.GeoDataFrame(
        [
            {
                "ags": r,
                "name": n,
                "bez": "Regierungsbezirk",
                "geometry": unary_union(list(gem.geometry[gem["rb"] == r])),
            }
            for r, n in (("051", "Westbezirk"), ("059", "Ostbezirk"))
        ],
        geometry="geometry",
        crs=CRS,
    )
    land = gpd.GeoDataFrame(
        [
            {
                "ags": "05",
                "name": "Testland",
                "bez": "Land",
                "geometry": unary_union(list(gem.geometry)),
            }
        ],
        geometry="geometry",
        crs=CRS,
    )
    return Boundaries(land=land, rb=rb, kreise=kreise, gemeinden=gem, product="VG5000", year=2021)


@pytest.fixture(scope="module")
def boundaries() -> Boundaries:
    return toy_boundaries()


@pytest.fixture(scope="module")
def units(boundaries: Boundaries) -> gpd.GeoDataFrame:
    status = status_frame()
    registry = validate_registry(registry_rows(), status, file="toy.csv")
    return funding_units(boundaries, status, registry, YEARS)


@pytest.fixture(scope="module")
def svg(units: gpd.GeoDataFrame, boundaries: Boundaries) -> str:
    return static_funding_map(units, boundaries, years_label=LABEL, fmt="svg").decode("utf-8")


def svg_texts(svg_text: str) -> list[str]:
    """Text content of every <text> element, in document order (XML-unescaped)."""
    root = ET.fromstring(svg_text)
    return ["".join(el.itertext()) for el in root.iter(f"{SVG_NS}text")]


def test_toy_units_have_the_expected_classes(units: gpd.GeoDataFrame) -> None:
    classes = dict(zip(units["ags"], units["map_class"], strict=True))
    assert classes["05111000"] == CLASS_FUNDED_STADT
    assert classes["05901"] == CLASS_FUNDED_KREIS
    assert classes["05901008"] == CLASS_FUNDED_STADT
    assert classes["05902"] == CLASS_ELIGIBLE


def test_png_is_a4_landscape_at_300_dpi(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    data = static_funding_map(units, boundaries, years_label=LABEL, fmt="png")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as im:
        width, height = im.size
        dpi = im.info["dpi"]
    assert abs(width - 3508) <= 1 and abs(height - 2480) <= 1
    assert dpi == pytest.approx((300, 300), abs=0.01)


def test_png_resolution_follows_dpi(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    data = static_funding_map(units, boundaries, years_label=LABEL, fmt="png", dpi=100)
    with Image.open(io.BytesIO(data)) as im:
        assert im.size == (1169, 827)  # 297 x 210 mm at 100 dpi, rounded


def test_png_shows_the_class_colours(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    """The Stadt fill colour (Okabe-Ito vermillion at its opacity on white) is on the page."""
    data = static_funding_map(units, boundaries, years_label=LABEL, fmt="png", dpi=60)
    with Image.open(io.BytesIO(data)) as im:
        colours = {c for _n, c in im.convert("RGB").getcolors(maxcolors=1 << 20)}
    # #D55E00 at alpha 0.75 over white
    expected = tuple(round(0.75 * c + 0.25 * 255) for c in (0xD5, 0x5E, 0x00))
    assert any(all(abs(a - b) <= 2 for a, b in zip(c, expected, strict=True)) for c in colours)


def test_svg_has_title_attribution_legend_and_note(svg: str) -> None:
    texts = svg_texts(svg)
    joined = " ".join(texts)
    assert funding_title(LABEL) in texts
    assert funding_attribution(2021) in texts
    assert "© GeoBasis-DE / BKG 2021 (Daten verändert)" in joined and "dl-de/by-2-0" in joined
    # Legend: the web map's labels, with counts for the classes that have them.
    assert f"{FUNDING_STYLES[CLASS_FUNDED_KREIS].label} (1)" in joined
    assert f"{FUNDING_STYLES[CLASS_FUNDED_STADT].label} (2)" in joined
    assert f"{FUNDING_STYLES[CLASS_ELIGIBLE].label} (1)" in joined
    for cls in CLASSES:
        assert FUNDING_STYLES[cls].label in joined
    assert " ".join(DEFAULT_NOTE.split()) in joined
    assert f"Förderjahre {LABEL}" in joined
    # Names of the funded units: on the map and in the side panel.
    assert {"Alphastadt", "Gammastadt"} <= set(texts)
    assert texts.count("Nordkreis") == 2  # map label and the side panel's list of Kreise
    assert "Alphastadt, Gammastadt" in texts
    # Scale bar in metric units.
    assert any(re.fullmatch(r"\d+ (m|km)", t) for t in texts)


def test_svg_text_is_real_text_in_dejavu_sans(svg: str) -> None:
    assert "font-family: 'DejaVu Sans'" in svg
    assert len(svg_texts(svg)) > 20


def test_svg_has_no_tiles_and_no_links(svg: str) -> None:
    assert "<image" not in svg
    assert "openstreetmap" not in svg.lower() and "tile" not in svg.lower()
    urls = re.findall(r"https?://[^\s\"'<>)]+", svg)
    assert urls, "the SVG namespaces are expected"
    assert all(u.startswith(NAMESPACE_URLS) for u in urls), urls


def test_names_are_escaped_in_svg_and_not_read_as_mathtext(
    units: gpd.GeoDataFrame, boundaries: Boundaries
) -> None:
    evil = units.copy()
    evil.loc[evil["ags"] == "05901008", "name"] = EVIL
    svg_text = static_funding_map(evil, boundaries, years_label=LABEL, fmt="svg").decode("utf-8")
    assert "<script" not in svg_text
    assert "&lt;script&gt;" in svg_text
    assert EVIL in svg_texts(svg_text)  # the map label, verbatim ($ is not mathtext)


def test_names_are_escaped_in_html(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    evil = units.copy()
    evil.loc[evil["ags"] == "05901008", "name"] = EVIL
    html = funding_html(evil, boundaries, LABEL)
    assert "<script>alert('x')</script>" not in html
    assert "\\u0026lt;script\\u0026gt;alert(" in html  # escaped, then JSON in the script


def test_html_export_is_offline_and_attributed(
    units: gpd.GeoDataFrame, boundaries: Boundaries
) -> None:
    html = funding_html(units, boundaries, LABEL)
    for cdn in ("cdn.jsdelivr", "unpkg", "cdnjs"):
        assert cdn not in html
    assert "tile.openstreetmap.org" not in html
    attribution = funding_attribution(2021)
    # The attribution reaches the page as a JSON string (non-ASCII may be \u-escaped).
    assert attribution in html or json.dumps(attribution)[1:-1] in html


def test_pdf_is_one_a4_landscape_page(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    data = static_funding_map(units, boundaries, years_label=LABEL, fmt="pdf")
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert len(boxes) == 1
    width, height = (float(v) for v in boxes[0])
    assert (round(width), round(height)) == (842, 595)
    assert b"/CreationDate" not in data
    assert b"DejaVuSans" in data  # embedded font


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_output_is_deterministic(fmt: str, units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    dpi = 50
    first = static_funding_map(units, boundaries, years_label=LABEL, fmt=fmt, dpi=dpi)
    second = static_funding_map(units, boundaries, years_label=LABEL, fmt=fmt, dpi=dpi)
    assert first == second


def test_title_and_note_can_be_replaced(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    data = static_funding_map(
        units, boundaries, years_label=LABEL, fmt="svg", title="Folie 3: $Förderung$", note=""
    )
    texts = svg_texts(data.decode("utf-8"))
    assert "Folie 3: $Förderung$" in texts
    assert funding_title(LABEL) not in texts
    assert not any("Förderdaten: in öffentlichen Quellen" in t for t in texts)


def test_labels_can_be_switched_off(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    data = static_funding_map(units, boundaries, years_label=LABEL, fmt="svg", labels=False)
    texts = svg_texts(data.decode("utf-8"))
    assert "Gammastadt" not in texts and "Alphastadt" not in texts
    assert texts.count("Nordkreis") == 1  # only in the side panel's list of Kreise
    assert "Alphastadt, Gammastadt" in texts  # the side panel still lists the Städte


def test_counts_per_year_in_the_side_panel(svg: str) -> None:
    texts = svg_texts(svg)
    # header, then per year: year, Kreise, Städte, gesamt; then the combined row
    start = texts.index("Förderjahr")
    assert texts[start : start + 4] == ["Förderjahr", "Kreise", "Städte", "gesamt"]
    rows = texts[start + 4 : start + 4 + 16]
    assert rows == [
        "2005", "0", "1", "1",
        "2006", "0", "2", "2",
        "2007", "1", "0", "1",
        LABEL, "1", "2", "3",
    ]  # fmt: skip


def test_units_in_another_crs_are_drawn_in_metres(
    units: gpd.GeoDataFrame, boundaries: Boundaries
) -> None:
    geographic = units.to_crs("EPSG:4326")
    data = static_funding_map(geographic, boundaries, years_label=LABEL, fmt="svg")
    texts = svg_texts(data.decode("utf-8"))
    assert {"Alphastadt", "Gammastadt", "Nordkreis"} <= set(texts)


def test_nothing_funded_still_renders(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    none = units.assign(
        funded=False,
        map_class=[CLASS_ELIGIBLE if e else "other" for e in units["eligible"]],
        years=[() for _ in range(len(units))],
    )
    texts = svg_texts(
        static_funding_map(none, boundaries, years_label="2012", fmt="svg").decode("utf-8")
    )
    assert f"{FUNDING_STYLES[CLASS_FUNDED_KREIS].label} (0)" in texts
    assert "–" in texts  # empty name lists


def test_rejects_bad_arguments(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    with pytest.raises(ValueError, match="jpg"):
        static_funding_map(units, boundaries, years_label=LABEL, fmt="jpg")
    with pytest.raises(ValueError, match="dpi"):
        static_funding_map(units, boundaries, years_label=LABEL, fmt="png", dpi=0)
    with pytest.raises(ValueError, match="map_class"):
        static_funding_map(
            units.drop(columns="map_class"), boundaries, years_label=LABEL, fmt="png"
        )
    with pytest.raises(ValueError, match="Kartenklassen"):
        static_funding_map(
            units.assign(map_class="funded_dorf"), boundaries, years_label=LABEL, fmt="png"
        )


def test_rc_params_are_left_alone(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    before = {k: mpl.rcParams[k] for k in ("svg.fonttype", "svg.hashsalt", "pdf.fonttype")}
    static_funding_map(units, boundaries, years_label=LABEL, fmt="svg")
    assert {k: mpl.rcParams[k] for k in before} == before


def test_concurrent_renders_match_serial_ones(
    units: gpd.GeoDataFrame, boundaries: Boundaries
) -> None:
    """Streamlit runs pages in threads: parallel exports must not disturb each other."""
    fmts = ["svg", "pdf", "svg", "pdf"]
    expected = {
        f: static_funding_map(units, boundaries, years_label=LABEL, fmt=f) for f in set(fmts)
    }
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def work(i: int, fmt: str) -> None:
        try:
            results[i] = static_funding_map(units, boundaries, years_label=LABEL, fmt=fmt)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, f)) for i, f in enumerate(fmts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(results[i] == expected[f] for i, f in enumerate(fmts))


@pytest.mark.parametrize(
    ("name", "unit_type", "expected"),
    [
        ("Bochum, Stadt", "kreisfreie Stadt", "Bochum"),
        ("Hagen, Stadt der FernUniversität", "kreisfreie Stadt", "Hagen"),
        ("Düren", "Kreis", "Kreis Düren"),
        ("Ennepe-Ruhr-Kreis", "Kreis", "Ennepe-Ruhr-Kreis"),
        ("Städteregion Aachen", "Kreis", "Städteregion Aachen"),
        ("Gammastadt", "kreisangehörige Stadt", "Gammastadt"),
    ],
)
def test_short_name(name: str, unit_type: str, expected: str) -> None:
    assert short_name(name, unit_type) == expected


def test_unit_frame_is_not_modified(units: gpd.GeoDataFrame, boundaries: Boundaries) -> None:
    before = units.copy()
    static_funding_map(units, boundaries, years_label=LABEL, fmt="png", dpi=40)
    pd.testing.assert_frame_equal(pd.DataFrame(units), pd.DataFrame(before))


@pytest.fixture(scope="module")
def units_with_eligible_town(boundaries: Boundaries) -> gpd.GeoDataFrame:
    """The toy units with Deltaheim (05901012) running an Ausländerbehörde: an eligible,
    unfunded town inside the funded Nordkreis (as in the web map's test)."""
    status = status_frame()
    status.loc[status["ags"] == "05901012", "has_auslaenderbehoerde"] = True
    registry = validate_registry(registry_rows(), status, file="toy.csv")
    units = funding_units(boundaries, status, registry, YEARS)
    classes = dict(zip(units["ags"], units["map_class"], strict=True))
    assert classes["05901012"] == CLASS_ELIGIBLE and classes["05901"] == CLASS_FUNDED_KREIS
    return units


def _over(colour: str, alpha: float, below: tuple[float, ...]) -> tuple[float, ...]:
    rgb = mpl.colors.to_rgb(colour)
    return tuple(alpha * 255 * c + (1 - alpha) * b for c, b in zip(rgb, below, strict=True))


def test_town_inside_a_funded_kreis_is_outline_only_as_on_the_web_map(
    units_with_eligible_town: gpd.GeoDataFrame, boundaries: Boundaries
) -> None:
    """The sheet's artists: no filled collection covers Deltaheim but the Kreis's own fill
    (the grey of 'eligible' fills Südkreis only); its dashed outline is still drawn."""
    units = metric(units_with_eligible_town)
    ax = Figure().add_subplot()
    _draw_map(ax, units, metric(boundaries.gemeinden), metric(boundaries.rb))
    inside = units.loc[units["ags"] == "05901012"].geometry.iloc[0].representative_point()
    filled_here = []
    for coll in ax.collections:
        faces = coll.get_facecolors()
        if not len(faces) or faces[:, 3].max() == 0:
            continue  # outlines and hatch layers
        for path, face in zip(coll.get_paths(), np.resize(faces, (len(coll.get_paths()), 4))):
            if path.contains_point((inside.x, inside.y)):
                filled_here.append(mpl.colors.to_hex(face[:3]))
    assert filled_here == [FUNDING_STYLES[CLASS_FUNDED_KREIS].fill.lower()]
    eligible = FUNDING_STYLES[CLASS_ELIGIBLE]
    dashed = [c for c in ax.collections if any(ls[1] is not None for ls in c.get_linestyles())]
    edges = {mpl.colors.to_hex(e[:3]) for c in dashed for e in c.get_edgecolors()}
    assert eligible.edge.lower() in edges  # the town keeps its class outline


def test_png_shows_the_kreis_fill_through_the_town(
    units_with_eligible_town: gpd.GeoDataFrame, boundaries: Boundaries
) -> None:
    """No pixel has the grey of 'eligible' laid over the Kreis blue (it did before)."""
    data = static_funding_map(
        units_with_eligible_town, boundaries, years_label=LABEL, fmt="png", dpi=60, labels=False
    )
    with Image.open(io.BytesIO(data)) as im:
        colours = {c for _n, c in im.convert("RGB").getcolors(maxcolors=1 << 20)}
    kreis, eligible = FUNDING_STYLES[CLASS_FUNDED_KREIS], FUNDING_STYLES[CLASS_ELIGIBLE]
    blue = _over(kreis.fill, kreis.fill_opacity, (255.0, 255.0, 255.0))
    grey_on_blue = _over(eligible.fill, eligible.fill_opacity, blue)

    def present(rgb: tuple[float, ...]) -> bool:
        return any(all(abs(a - b) <= 2 for a, b in zip(c, rgb, strict=True)) for c in colours)

    assert present(blue) and not present(grey_on_blue)
