"""User text as data, never as code, in every map the project renders.

Three contexts need care, and each has one helper here:

* **Jinja2.** branca (0.8) renders each ``MacroElement`` macro and then wraps the *result* in
  ``Element(...)``, which compiles that text as a template a second time. Any ``{{ … }}``,
  ``{% … %}`` or ``{# … #}`` inside a rendered name, popup or GeoJSON property would then be
  evaluated on the server (template injection up to command execution) or break the page
  (``TemplateSyntaxError``). :func:`install` replaces that second compile by a verbatim element,
  so rendered output is never parsed again; :class:`RawHtml` is the same for markup we add
  ourselves (instead of ``folium.Element(text)``).
* **JavaScript.** Text reaches scripts only as JSON (:func:`json_for_script`), never inside a
  JavaScript template literal (folium's ``Tooltip`` puts its text between backticks, where
  `` ` `` and ``${`` break out; :class:`TextTooltip` binds a JSON string instead).
* **HTML.** :func:`esc` escapes for element content and quoted attributes and also neutralises
  template delimiters (``{``, ``}``) and backticks, so an escaped string is inert in every
  context a folium template may place it.

:func:`install` runs when :mod:`mapapp.render` is imported, before any map is built.
"""

from __future__ import annotations

import html
import json
from typing import Any

import branca.element as _branca
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

_HTML_EXTRA = str.maketrans({"{": "&#123;", "}": "&#125;", "`": "&#96;", "$": "&#36;"})


def esc(value: object) -> str:
    """Escape a value for HTML element content or a quoted attribute (also ``{ } ` $``)."""
    text = "" if value is None else str(value)
    return html.escape(text, quote=True).translate(_HTML_EXTRA)


_JSON_SCRIPT = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "'": "\\u0027",
        "`": "\\u0060",
        "{": "\\u007b",
        "}": "\\u007d",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def json_for_script(obj: Any, *, ensure_ascii: bool = True) -> str:
    """JSON safe inside ``<script>`` and inside a branca template (after our :func:`install`, and
    also without it): no raw ``< > & ' ` { }`` in strings, no line separators.

    Braces are escaped only inside JSON strings (``\\u007b``); structural braces of objects stay,
    they can never form ``{{``, ``{%`` or ``{#`` (an object key is always a string).
    """
    text = json.dumps(obj, ensure_ascii=ensure_ascii, separators=(",", ":"))
    return "".join(_json_chunks(text))


def _json_chunks(text: str) -> list[str]:
    """Split JSON text into structure and string literals; escape the string literals."""
    chunks: list[str] = []
    i, n = 0, len(text)
    start = 0
    while i < n:
        ch = text[i]
        if ch == '"':
            chunks.append(text[start:i])
            j = i + 1
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text[j] == '"':
                    break
                j += 1
            chunks.append(text[i : j + 1].translate(_JSON_SCRIPT))
            i = start = j + 1
            continue
        i += 1
    chunks.append(text[start:])
    return chunks


class RawHtml(Element):
    """Markup that is written out verbatim: never compiled as a Jinja2 template."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawHtml"
        self.text = text


def _add_rendered(
    figure: Figure, macro_name: str, element: Element, kwargs: dict[str, Any]
) -> None:
    macro = element._template.module.__dict__.get(macro_name)
    if macro is None:
        return
    target = getattr(figure, macro_name)
    target.add_child(RawHtml(str(macro(element, kwargs))), name=element.get_name())


def _macro_render(self: MacroElement, **kwargs: Any) -> None:
    """branca's ``MacroElement.render`` without compiling the rendered macros a second time."""
    figure = self.get_root()
    if not isinstance(figure, Figure):
        raise TypeError("You cannot render this Element if it is not in a Figure.")
    for part in ("header", "html", "script"):
        _add_rendered(figure, part, self, kwargs)
    for element in self._children.values():
        element.render(**kwargs)


class _RenderedElement(Element):
    """``Element(text)`` for text that is already rendered: kept verbatim, not compiled.

    Without text it is an ordinary container (its children are rendered as usual).
    """

    def __init__(self, template: str | None = None, template_name: str | None = None) -> None:
        super().__init__(template=None, template_name=template_name)
        if template is not None:
            self._template = _VERBATIM
            self.text = template

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        if "text" in state:
            self._template = _VERBATIM


_VERBATIM = Template("{{ this.text }}")


def install() -> None:
    """Make branca and folium write rendered macro output verbatim (idempotent).

    branca's ``MacroElement.render`` and folium's own ``render`` methods (``Popup``,
    ``GeoJsonTooltip``, class includes, Vega) wrap their rendered text in ``Element(text)``; in
    those modules ``Element`` is replaced by :class:`_RenderedElement`.
    """
    import folium.features
    import folium.map

    if _branca.MacroElement.render is not _macro_render:
        _branca.MacroElement.render = _macro_render  # type: ignore[method-assign]
    for module in (folium.map, folium.features):
        if getattr(module, "Element", None) is Element:
            module.Element = _RenderedElement  # type: ignore[attr-defined]


class TextTooltip(MacroElement):
    """A tooltip with plain text (shown with ``textContent``; nothing in it is markup or code)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (layer, text, opts) {
            var div = document.createElement("div");
            div.textContent = text;
            layer.bindTooltip(div, opts);
        })({{ this._parent.get_name() }}, {{ this.text_json }}, {{ this.opts_json }});
        {% endmacro %}"""
    )

    def __init__(self, text: str, *, sticky: bool = False, direction: str = "auto") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TextTooltip"
        self.text_json = json_for_script(str(text))
        self.opts_json = json_for_script({"sticky": sticky, "direction": direction})


class HtmlTooltip(TextTooltip):
    """A tooltip from HTML that *we* built with every data value passed through :func:`esc`."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.bindTooltip({{ this.text_json }}, {{ this.opts_json }});
        {% endmacro %}"""
    )


def with_tooltip(layer: Any, tooltip: TextTooltip) -> Any:
    """``layer`` (a folium marker or path) with ``tooltip`` bound to it."""
    layer.add_child(tooltip)
    return layer


install()


def plain_texts(fig: Any) -> None:
    """Make every text of a matplotlib figure literal: no mathtext (``$…$``), no TeX."""
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        text.set_parse_math(False)
        text.set_usetex(False)
