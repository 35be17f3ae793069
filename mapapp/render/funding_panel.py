"""The side panel of the Förderkarte sheet: legend with counts, counts per year, names, note.

Positions are fractions of the panel axes, filled top-down; every text is measured with the
sheet's renderer, so the next block starts right below the previous one.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from mapapp.analysis.funding import (
    CLASS_ELIGIBLE,
    CLASS_FUNDED_KREIS,
    CLASS_FUNDED_STADT,
    CLASSES,
)
from mapapp.model import UnitType
from mapapp.render import sheet
from mapapp.render.funding_labels import SYMBOL_PT, short_name
from mapapp.render.mpl import linestyle
from mapapp.render.sheet import FONT, INK, MUTED
from mapapp.render.style import FUNDING_STYLES, GEMEINDE_OUTLINE, LINE_SCALE, RB_OUTLINE
from mapapp.text import integer, t

_RB_WIDTH = float(str(RB_OUTLINE["weight"])) * LINE_SCALE


def side_panel(
    panel: Any,
    units: gpd.GeoDataFrame,
    years_label: str,
    note: str,
    renderer: RendererAgg,
    lang: str = "de",
) -> None:
    """Legend with counts, counts per year, names of funded units and the completeness note."""
    y = _legend(panel, units, renderer, lang)
    y = _panel_text(panel, y, t("fk.title", lang), size=10.5, weight="bold", renderer=renderer)
    y = _year_table(panel, y - 0.012, _year_rows(units, years_label), renderer, lang) - 0.03
    note_top = _note(panel, note, renderer) if note else 0.0
    _name_lists(panel, units, y, note_top, renderer, lang)


def legend_handles(counts: dict[str, int], lang: str = "de") -> tuple[list[Any], list[str]]:
    """Legend entries of the sheet: the classes (layered swatches, with counts) and the borders."""
    handles: list[Any] = []
    labels: list[str] = []
    for cls in CLASSES:
        st = FUNDING_STYLES[cls]
        layers: list[Any] = [
            Patch(
                facecolor=to_rgba(st.fill, st.fill_opacity),
                edgecolor=st.edge,
                linewidth=max(st.weight * LINE_SCALE, 0.5),
                linestyle=linestyle(st.dash),
            )
        ]
        if st.hatch:
            layers.append(Patch(facecolor="none", edgecolor=st.edge, linewidth=0.0, hatch=st.hatch))
        if st.symbol:
            layers.append(_stadt_symbol(st.edge))
        handles.append(tuple(layers) if len(layers) > 1 else layers[0])
        n = counts.get(cls, 0)
        show_count = cls in (CLASS_FUNDED_KREIS, CLASS_FUNDED_STADT, CLASS_ELIGIBLE)
        name = t(f"funding.class.{cls}", lang)
        labels.append(f"{name} ({integer(n, lang)})" if show_count else name)
    handles.append(Line2D([], [], color=str(RB_OUTLINE["color"]), linewidth=_RB_WIDTH))
    labels.append(t("fk.sheet.rb_border", lang))
    handles.append(Line2D([], [], color=str(GEMEINDE_OUTLINE["color"]), linewidth=0.5))
    labels.append(t("fk.sheet.gemeinde_border", lang))
    return handles, labels


def _stadt_symbol(edge: str) -> Line2D:
    return Line2D(
        [],
        [],
        marker="o",
        linestyle="none",
        markersize=SYMBOL_PT,
        markerfacecolor="white",
        markeredgecolor=edge,
        markeredgewidth=1.2,
    )


def _legend(panel: Any, units: gpd.GeoDataFrame, renderer: RendererAgg, lang: str) -> float:
    """The legend at the top of the panel; returns the y where the next block starts."""
    counts = {cls: int((units["map_class"] == cls).sum()) for cls in CLASSES}
    handles, labels = legend_handles(counts, lang)
    legend = sheet.legend(
        panel,
        handles,
        [_wrap_label(label) for label in labels],
        title=t("fk.sheet.legend", lang),
        anchor=(0.0, 1.0),
        size=9,
        title_size=10.5,
        handlelength=2.6,
        handleheight=1.6,
        labelspacing=0.8,
        borderaxespad=0.0,
        borderpad=0.0,
    )
    bottom = legend.get_window_extent(renderer).y0
    return _panel_y(panel, bottom) - 0.05


def _wrap_label(label: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(label, width=width, break_on_hyphens=False)) or label


def _year_rows(units: gpd.GeoDataFrame, years_label: str) -> list[tuple[str, int, int]]:
    """(period, Kreise, Städte) per funding year found in ``units`` and for all together."""
    funded = units[units["funded"].astype(bool)]
    is_kreis = (funded["map_class"] == CLASS_FUNDED_KREIS).to_numpy()
    years = sorted({int(y) for ys in funded["years"] for y in ys}) if "years" in funded else []
    rows = []
    for year in years:
        has = np.array([year in ys for ys in funded["years"]], dtype=bool)
        rows.append((str(year), int((has & is_kreis).sum()), int((has & ~is_kreis).sum())))
    if len(years) != 1 or not rows:
        rows.append((years_label, int(is_kreis.sum()), int((~is_kreis).sum())))
    return rows


def _year_table(
    panel: Any, y: float, rows: list[tuple[str, int, int]], renderer: RendererAgg, lang: str
) -> float:
    """Counts per funding year (header, years, total in bold); returns the y below it."""
    columns = (0.0, 0.42, 0.62, 0.82)
    header = tuple(t(f"fk.sheet.{key}", lang) for key in ("year", "kreise", "staedte", "total"))
    body = [(p, integer(k, lang), integer(s, lang), integer(k + s, lang)) for p, k, s in rows]
    for i, row in enumerate([header, *body]):
        bold = i == 0 or (i == len(rows) and len(rows) > 1)
        y_next = y
        for x, cell in zip(columns, row, strict=True):
            y_next = _panel_text(
                panel,
                y,
                cell,
                x=x,
                size=9,
                weight="bold" if bold else "normal",
                renderer=renderer,
                ha="left" if x == 0.0 else "right",
                offset=0.0 if x == 0.0 else 0.12,
            )
        y = y_next - 0.008
        if i == 0 or i == len(rows) - 1:
            panel.plot(
                [0.0, 0.95],
                [y + 0.004, y + 0.004],
                color="#bdbdbd",
                linewidth=0.6,
                transform=panel.transAxes,
                clip_on=False,
            )
            y -= 0.006
    return y


def _note(panel: Any, note: str, renderer: RendererAgg) -> float:
    """The completeness note at the foot of the panel; returns the y above it."""
    wrapped = "\n".join(textwrap.wrap(note, width=60, break_on_hyphens=False))
    t = panel.text(
        0.0,
        0.0,
        wrapped,
        transform=panel.transAxes,
        va="bottom",
        ha="left",
        size=8,
        color=MUTED,
        style="italic",
        linespacing=1.3,
        family=FONT,
    )
    return _panel_y(panel, t.get_window_extent(renderer).y1) + 0.015


def _name_lists(
    panel: Any,
    units: gpd.GeoDataFrame,
    y: float,
    note_top: float,
    renderer: RendererAgg,
    lang: str,
) -> None:
    """Names of the funded Kreise and Städte, cut to the space between ``y`` and the note."""
    funded = units[units["funded"].astype(bool)]
    groups = []
    kreise, staedte = t("fk.sheet.kreise", lang), t("fk.sheet.staedte", lang)
    for group, cls in ((kreise, CLASS_FUNDED_KREIS), (staedte, CLASS_FUNDED_STADT)):
        names = sorted(
            short_name(str(n), UnitType.KREISFREIE_STADT.value)
            for n in funded.loc[funded["map_class"] == cls, "name"]
        )
        groups.append((group, names))
    pitch = _line_pitch(panel, renderer)
    head = 2 * (pitch + 0.026)
    budget = max(2, int((y - note_top - head) / pitch))
    need_kreise = len(_wrap_names(groups[0][1]))
    limits = [min(need_kreise, max(1, budget // 3)), 0]
    limits[1] = max(1, budget - max(1, limits[0]))
    for (group, names), limit in zip(groups, limits, strict=True):
        y = _panel_text(panel, y, group, size=9, weight="bold", renderer=renderer)
        y = _panel_text(
            panel,
            y - 0.004,
            _name_list(names, max(1, limit), lang=lang) if names else "–",
            size=9,
            renderer=renderer,
            linespacing=1.3,
        )
        y -= 0.022


def _panel_y(panel: Any, y_px: float) -> float:
    return float(panel.transAxes.inverted().transform((0.0, y_px))[1])


def _line_pitch(panel: Any, renderer: RendererAgg) -> float:
    """Height of one more line of 9 pt list text (panel axes fraction)."""
    heights = []
    for s in ("Ag", "Ag\nAg"):
        t = panel.text(0, 0, s, size=9, linespacing=1.3, family=FONT, transform=panel.transAxes)
        ext = t.get_window_extent(renderer)
        heights.append(_panel_y(panel, ext.y1) - _panel_y(panel, ext.y0))
        t.remove()
    return heights[1] - heights[0]


def _wrap_names(names: Sequence[str], width: int = 50) -> list[str]:
    return textwrap.wrap(", ".join(names), width=width, break_on_hyphens=False)


def _name_list(names: Sequence[str], max_lines: int, width: int = 50, lang: str = "de") -> str:
    """Comma-separated names wrapped to ``width``; cut with "… und N weitere" at ``max_lines``."""
    lines = _wrap_names(names, width)
    if len(lines) <= max_lines:
        return "\n".join(lines)

    def more(n: int) -> str:
        return t("fk.sheet.more", lang, n=n)

    shown: list[str] = []
    for name in names:
        rest = len(names) - len(shown) - 1
        if len(_wrap_names([*shown, name, more(rest)], width)) > max_lines:
            break
        shown.append(name)
    rest = len(names) - len(shown)
    if not shown:
        return t("fk.sheet.count", lang, n=rest)
    return "\n".join(_wrap_names([*shown, more(rest)], width))


def _panel_text(
    panel: Any,
    y: float,
    s: str,
    *,
    renderer: RendererAgg,
    x: float = 0.0,
    ha: str = "left",
    offset: float = 0.0,
    **kwargs: Any,
) -> float:
    """Write ``s`` with its top at ``y`` (panel axes fraction); return the y below it."""
    kwargs.setdefault("color", INK)
    t = panel.text(
        x + offset,
        y,
        s,
        transform=panel.transAxes,
        va="top",
        ha=ha,
        family=FONT,
        **kwargs,
    )
    box = t.get_window_extent(renderer)
    return float(panel.transAxes.inverted().transform((0.0, box.y0))[1])
