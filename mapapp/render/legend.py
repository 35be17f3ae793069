"""The one legend control of the folium maps (Förderkarte, offers, coverage).

A legend is a title and rows; each row is a swatch (markup we build from colours, never from
user text) and a label (escaped here). The control is a Leaflet ``L.control`` whose content
travels as JSON (:func:`mapapp.render.safe.json_for_script`) and is set with ``innerHTML``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from branca.element import MacroElement
from jinja2 import Template

from mapapp.render.safe import esc, json_for_script

#: CSS of the swatch box in front of a row (``{style}`` adds colours and borders).
BOX = "display:inline-block;width:{w}px;height:12px;margin-right:6px;vertical-align:middle;"


@dataclass(frozen=True)
class Row:
    """One legend row: ``swatch`` is trusted markup (built from our colours), ``label`` is text."""

    swatch: str
    label: str
    style: str = ""  # CSS of the row's <div>, e.g. a top margin before a group


def box_swatch(css: str, width: int = 18) -> str:
    """An inline box with ``css`` (background, border) appended to the common box style."""
    return f'<span style="{BOX.format(w=width)}{css}"></span>'


def legend_html(title: str, rows: Sequence[Row], *, collapsible: bool = False) -> str:
    """Escaped legend content: a bold title, then one ``<div>`` per row.

    ``collapsible`` puts the rows in a ``<details>`` element whose summary is the title.
    """
    body = "".join(_row_html(r) for r in rows)
    if collapsible:
        return f"<details><summary><b>{esc(title)}</b></summary>{body}</details>"
    return f"<div style='font-weight:bold;margin-bottom:4px'>{esc(title)}</div>{body}"


def _row_html(row: Row) -> str:
    style = f" style='{row.style}'" if row.style else ""
    return f"<div{style}>{row.swatch}{esc(row.label)}</div>"


class Legend(MacroElement):
    """A static legend box at ``position`` (``"topright"``, ``"bottomright"``, …).

    ``content`` is escaped HTML (:func:`legend_html`); ``css_class`` names the box for page CSS
    and scripts (the Förderkarte keeps its fitted area clear of ``.mapapp-legend``). A
    collapsible legend (``legend_html(..., collapsible=True)``) opens when the map is at least
    ``open_from_px`` wide and stays folded (title only, click to open) on narrower maps.
    """

    _template = Template(
        """{% macro html(this, kwargs) %}{% endmacro %}
        {% macro script(this, kwargs) %}
        (function() {
          var legend = L.control({position: {{ this.position_json }}});
          var map = {{ this._parent.get_name() }};
          legend.onAdd = function () {
            var div = L.DomUtil.create('div', {{ this.class_json }});
            div.innerHTML = {{ this.content_json }};
            div.style.background = 'rgba(255,255,255,0.92)';
            div.style.padding = '6px 8px';
            div.style.font = '12px/1.35 sans-serif';
            div.style.borderRadius = '4px';
            div.style.boxShadow = '0 1px 4px rgba(0,0,0,.3)';
            div.style.maxWidth = '260px';
            div.style.maxHeight = '60vh';
            div.style.overflow = 'auto';
            var folded = div.querySelector('details');
            var openFrom = {{ this.open_from_json }};
            if (folded && openFrom !== null) {
              // folded (title only) on narrow maps, so it does not cover a phone's map
              folded.open = map.getSize().x >= openFrom;
              div.querySelector('summary').style.cursor = 'pointer';
            }
            return div;
          };
          legend.addTo(map);
        })();
        {% endmacro %}"""
    )

    def __init__(
        self,
        content: str,
        *,
        position: str = "topright",
        css_class: str = "mapapp-legend",
        open_from_px: int | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.open_from_json = json_for_script(open_from_px)
        self.content_json = json_for_script(content)
        self.position_json = json_for_script(position)
        self.class_json = json_for_script(css_class)
