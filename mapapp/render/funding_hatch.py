"""The Kreis hatch on the web: one SVG pattern per hatched class, used by the map and its legend.

The print sheet hatches funded Kreise (matplotlib ``hatch``); on the web the same class is filled
with an SVG ``<pattern>`` (the class colour at its fill opacity, crossed by lines in the edge
colour), and the legend swatch is filled with that very pattern, so legend, web map and print read
the same. The pattern lives in a zero-size ``<svg>`` in the map's document; Leaflet's paths refer
to it with ``fill="url(#…)"``.
"""

from __future__ import annotations

from branca.element import MacroElement
from jinja2 import Template

from mapapp.render.safe import esc, json_for_script
from mapapp.render.style import FUNDING_STYLES, ClassStyle

#: Distance between two hatch lines, and their width (CSS pixels).
SPACING_PX = 6
LINE_PX = 1.5


def pattern_id(cls: str) -> str:
    """The element id of the hatch pattern of map class ``cls``."""
    return f"mapapp-hatch-{cls}"


def hatch_fill(cls: str) -> str:
    """The SVG paint that fills a path of class ``cls`` with its hatch pattern."""
    return f"url(#{pattern_id(cls)})"


def hatched_classes() -> list[str]:
    """The map classes drawn hatched (:data:`mapapp.render.style.FUNDING_STYLES`)."""
    return [cls for cls, st in FUNDING_STYLES.items() if st.hatch]


def pattern_svg(cls: str, st: ClassStyle) -> str:
    """One ``<pattern>``: the fill colour at its opacity, lines rising to the right ("///")."""
    s = SPACING_PX
    return (
        f'<pattern id="{esc(pattern_id(cls))}" patternUnits="userSpaceOnUse" '
        f'width="{s}" height="{s}" patternTransform="rotate(45)">'
        f'<rect width="{s}" height="{s}" fill="{esc(st.fill)}" fill-opacity="{st.fill_opacity}"/>'
        f'<line x1="0" y1="0" x2="0" y2="{s}" stroke="{esc(st.edge)}" stroke-width="{LINE_PX}"/>'
        "</pattern>"
    )


def defs_svg() -> str:
    """The zero-size ``<svg>`` holding the patterns of every hatched class."""
    patterns = "".join(pattern_svg(cls, FUNDING_STYLES[cls]) for cls in hatched_classes())
    return (
        '<svg id="mapapp-hatch-defs" width="0" height="0" aria-hidden="true" '
        'style="position:absolute;width:0;height:0;overflow:hidden">'
        f"<defs>{patterns}</defs></svg>"
    )


def hatch_swatch(cls: str, *, width: int = 18, height: int = 12) -> str:
    """A legend swatch filled with the class' pattern and framed in its edge colour."""
    st = FUNDING_STYLES[cls]
    return (
        f'<svg width="{width}" height="{height}" aria-hidden="true" '
        'style="display:inline-block;margin-right:6px;vertical-align:middle">'
        f'<rect x="1" y="1" width="{width - 2}" height="{height - 2}" '
        f'fill="{esc(hatch_fill(cls))}" stroke="{esc(st.edge)}" stroke-width="2"/></svg>'
    )


class HatchPatterns(MacroElement):
    """Puts :func:`defs_svg` into the map's document once (the map script may run again when
    Streamlit re-sends the units layer)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (markup) {
          if (document.getElementById('mapapp-hatch-defs')) { return; }
          var holder = document.createElement('div');
          holder.innerHTML = markup;
          document.body.appendChild(holder.firstChild);
        })({{ this.markup_json }});
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "HatchPatterns"
        self.markup_json = json_for_script(defs_svg())
