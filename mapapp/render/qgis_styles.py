"""QGIS layer styles (QML) with the app's colours and classes, for GeoPackages.

The colours and classes are the ones the web map and the print sheets use: the Förderkarte
classes of :data:`mapapp.render.style.FUNDING_STYLES`, the offer colours of
:data:`mapapp.render.offers_payload.CATEGORY_COLOURS` (filled at an exact address, hollow where the
location is approximate, as on the maps) and the coverage legend classes of
:func:`mapapp.render.coverage_classes.measure_classes`. Nothing is copied: every value is read
from those tables when a style is written.

QML is QGIS's own style format (``<qgis>`` root, ``renderer-v2``); symbol layer properties are
written both as ``<Option type="Map">`` (QGIS ≥ 3.26) and as the older ``<prop k v>`` pairs, so
QGIS 3.x of any minor version reads them. Field aliases carry the translated column labels.
The ``styleSLD`` column of the GeoPackage stays empty: QGIS loads the QML.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mapapp.analysis.funding import CLASSES
from mapapp.model import OfferCategory
from mapapp.offers_model import Precision
from mapapp.render.coverage_classes import NODATA_COLOUR, Classes
from mapapp.render.offers_payload import CATEGORY_COLOURS
from mapapp.render.style import FUNDING_STYLES, LINE_SCALE
from mapapp.text import label, t

#: QGIS version the QML says it was written for (any 3.x reads it).
QGIS_VERSION = "3.28.0-Firenze"
#: One Leaflet pixel of line weight on paper: LINE_SCALE points, in millimetres.
_PX_TO_MM = LINE_SCALE * 25.4 / 72
_GEOMETRY_TYPE = {"point": "0", "line": "1", "polygon": "2"}
#: Marker size of offers (mm) and its outline.
_MARKER_MM = "3"
_HATCH_SPACING_MM = "2"


@dataclass(frozen=True)
class Symbol:
    """One symbol: a filled area (``kind="fill"``) or a round marker (``kind="marker"``)."""

    kind: str
    fill: str  # "#rrggbb"
    fill_opacity: float
    edge: str
    edge_mm: float
    dashed: bool = False
    hatch: bool = False
    centroid: bool = False  # a round white symbol inside the area (the Förderkarte's Städte)


@dataclass(frozen=True)
class Rule:
    """One legend entry: a QGIS expression (``ELSE`` for the rest), its label and symbol."""

    expression: str
    label: str
    symbol: Symbol


def rgba(colour: str, opacity: float = 1.0) -> str:
    """``"#E69F00"`` -> ``"230,159,0,255"`` (QGIS colour strings)."""
    c = colour.lstrip("#")
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return f"{r},{g},{b},{round(max(0.0, min(1.0, opacity)) * 255)}"


def _options(parent: ET.Element, props: Mapping[str, str]) -> None:
    """Symbol layer properties as ``<Option type="Map">`` and as legacy ``<prop>`` pairs."""
    option_map = ET.SubElement(parent, "Option", type="Map")
    for key, value in props.items():
        ET.SubElement(option_map, "Option", name=key, type="QString", value=value)
    for key, value in props.items():
        ET.SubElement(parent, "prop", k=key, v=value)


def _symbol_element(name: str, sym: Symbol) -> ET.Element:
    el = ET.Element(
        "symbol",
        type=sym.kind,
        name=name,
        alpha="1",
        clip_to_extent="1",
        force_rhr="0",
    )
    if sym.kind == "marker":
        layer = ET.SubElement(el, "layer", {"class": "SimpleMarker"}, enabled="1", locked="0")
        layer.set("pass", "0")
        _options(
            layer,
            {
                "name": "circle",
                "color": rgba(sym.fill, sym.fill_opacity),
                "outline_color": rgba(sym.edge),
                "outline_style": "solid",
                "outline_width": f"{sym.edge_mm:g}",
                "outline_width_unit": "MM",
                "size": _MARKER_MM,
                "size_unit": "MM",
                "scale_method": "diameter",
            },
        )
        return el
    layer = ET.SubElement(el, "layer", {"class": "SimpleFill"}, enabled="1", locked="0")
    layer.set("pass", "0")
    _options(
        layer,
        {
            "color": rgba(sym.fill, sym.fill_opacity),
            "style": "solid" if sym.fill_opacity > 0 else "no",
            "outline_color": rgba(sym.edge),
            "outline_style": "no" if sym.edge_mm <= 0 else "dash" if sym.dashed else "solid",
            "outline_width": f"{sym.edge_mm:g}",
            "outline_width_unit": "MM",
            "joinstyle": "bevel",
        },
    )
    if sym.hatch:
        el.append(_hatch_layer(name, sym.edge))
    if sym.centroid:
        el.append(_centroid_layer(name, sym.edge, len(el.findall("layer"))))
    return el


def _centroid_layer(name: str, colour: str, index: int) -> ET.Element:
    """A white circle with a ``colour`` ring on a point inside the area (like the web map's
    Stadt symbol)."""
    layer = ET.Element("layer", {"class": "CentroidFill"}, enabled="1", locked="0")
    layer.set("pass", "0")
    _options(layer, {"point_on_surface": "1", "point_on_all_parts": "0"})
    marker = Symbol("marker", "#ffffff", 1.0, colour, 0.5)
    layer.append(_symbol_element(f"@{name}@{index}", marker))
    return layer


def _hatch_layer(name: str, colour: str) -> ET.Element:
    """Diagonal lines over the fill (the print map's ``///`` hatch of funded Kreise)."""
    layer = ET.Element("layer", {"class": "LinePatternFill"}, enabled="1", locked="0")
    layer.set("pass", "0")
    _options(
        layer,
        {
            "angle": "45",
            "distance": _HATCH_SPACING_MM,
            "distance_unit": "MM",
            "line_width": "0.26",
            "line_width_unit": "MM",
            "color": rgba(colour),
        },
    )
    line = ET.SubElement(layer, "symbol", type="line", name=f"@{name}@1", alpha="1")
    line.set("clip_to_extent", "1")
    line.set("force_rhr", "0")
    simple = ET.SubElement(line, "layer", {"class": "SimpleLine"}, enabled="1", locked="0")
    simple.set("pass", "0")
    _options(
        simple,
        {
            "line_color": rgba(colour),
            "line_style": "solid",
            "line_width": "0.26",
            "line_width_unit": "MM",
        },
    )
    return layer


def _document(renderer: ET.Element, geometry: str, aliases: Mapping[str, str]) -> str:
    root = ET.Element("qgis", version=QGIS_VERSION, styleCategories="Symbology|Fields")
    root.append(renderer)
    if aliases:
        el = ET.SubElement(root, "aliases")
        for index, (field, alias) in enumerate(aliases.items()):
            ET.SubElement(el, "alias", field=field, index=str(index), name=alias)
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "featureBlendMode").text = "0"
    ET.SubElement(root, "layerOpacity").text = "1"
    ET.SubElement(root, "layerGeometryType").text = _GEOMETRY_TYPE[geometry]
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body + "\n"


def categorized_qml(
    field: str,
    categories: Sequence[tuple[str, str, Symbol]],
    geometry: str,
    aliases: Mapping[str, str] | None = None,
) -> str:
    """QML of a categorized renderer on ``field``: ``(value, label, symbol)`` per category."""
    renderer = ET.Element(
        "renderer-v2", type="categorizedSymbol", attr=field, symbollevels="0", forceraster="0"
    )
    renderer.set("enableorderby", "0")
    cats = ET.SubElement(renderer, "categories")
    symbols = ET.SubElement(renderer, "symbols")
    for i, (value, text, sym) in enumerate(categories):
        ET.SubElement(cats, "category", value=value, symbol=str(i), label=text, render="true")
        symbols.append(_symbol_element(str(i), sym))
    return _document(renderer, geometry, aliases or {})


def rule_qml(rules: Sequence[Rule], geometry: str, aliases: Mapping[str, str] | None = None) -> str:
    """QML of a rule-based renderer (QGIS draws every rule that matches: keep them disjoint)."""
    renderer = ET.Element("renderer-v2", type="RuleRenderer", symbollevels="0", forceraster="0")
    renderer.set("enableorderby", "0")
    root_rule = ET.SubElement(renderer, "rules", key="{root}")
    symbols = ET.SubElement(renderer, "symbols")
    for i, rule in enumerate(rules):
        ET.SubElement(
            root_rule, "rule", key=f"{{rule-{i}}}", filter=rule.expression, label=rule.label
        ).set("symbol", str(i))
        symbols.append(_symbol_element(str(i), rule.symbol))
    return _document(renderer, geometry, aliases or {})


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# -- the app's layers --------------------------------------------------------------------------


def funding_qml(lang: str = "de", aliases: Mapping[str, str] | None = None) -> str:
    """The Förderkarte classes on ``map_class`` (fill, edge, dash, the Kreis hatch)."""
    categories = []
    for cls in CLASSES:
        s = FUNDING_STYLES[cls]
        sym = Symbol(
            kind="fill",
            fill=s.fill,
            fill_opacity=s.fill_opacity,
            edge=s.edge,
            edge_mm=round(s.weight * _PX_TO_MM, 3),
            dashed=s.dash is not None,
            hatch=s.hatch is not None,
            centroid=s.symbol,
        )
        categories.append((cls, t(f"funding.class.{cls}", lang), sym))
    return categorized_qml("map_class", categories, "polygon", aliases)


def offers_qml(lang: str = "de", aliases: Mapping[str, str] | None = None) -> str:
    """One colour per category; filled at an exact address, hollow (white) where approximate."""
    rules = []
    for category in OfferCategory:
        colour = CATEGORY_COLOURS[category]
        name = label("category", category, lang)
        is_cat = f'"category" = {_quote(category.value)}'
        exact = f'{is_cat} AND "precision" = {_quote(Precision.ADDRESS.value)}'
        rules.append(Rule(exact, name, Symbol("marker", colour, 1.0, "#000000", 0.2)))
        inexact = f'{is_cat} AND "precision" <> {_quote(Precision.ADDRESS.value)}'
        hollow = Symbol("marker", "#ffffff", 1.0, colour, 0.6)
        rules.append(Rule(inexact, t("gpkg.offer.approx", lang, category=name), hollow))
    return rule_qml(rules, "point", aliases)


def classes_qml(
    classes: Classes,
    field: str = "value",
    aliases: Mapping[str, str] | None = None,
    *,
    outline: bool = True,
) -> str:
    """The legend classes of a coverage map on ``field``: ``v <= upper[0]``, then
    ``upper[k-1] < v <= upper[k]``, the last class open; no value: the no-data colour.
    ``outline=False`` for grid cells (drawn without borders, as on the map)."""
    column = f'"{field}"'
    edge_mm = 0.1 if outline else 0.0
    rules = [
        Rule(
            f"{column} IS NULL",
            classes.nodata_label,
            Symbol("fill", NODATA_COLOUR, 1.0, "#777777", edge_mm),
        )
    ]
    lower: float | None = None
    for upper, text, colour in zip(classes.upper, classes.labels, classes.colours, strict=True):
        parts = [] if lower is None else [f"{column} > {lower!r}"]
        if math.isfinite(upper):
            parts.append(f"{column} <= {upper!r}")
        expression = " AND ".join(parts) or f"{column} IS NOT NULL"
        rules.append(Rule(expression, text, Symbol("fill", colour, 1.0, "#777777", edge_mm)))
        lower = upper
    return rule_qml(rules, "polygon", aliases)
