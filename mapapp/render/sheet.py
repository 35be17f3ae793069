"""The one A4-landscape page frame of every print map (PNG, SVG, PDF), offline and deterministic.

A sheet module (:mod:`~mapapp.render.funding_sheet`, :mod:`~mapapp.render.coverage_sheet`) passes
a ``build(page)`` function to :func:`render`; the frame supplies the page (a
:class:`matplotlib.figure.Figure` on the Agg canvas, never ``pyplot``, so rendering is safe inside
Streamlit's script threads), the house rc settings under one process-wide lock, text helpers with
mathtext off (names may contain ``$``), title and footer placement, map furniture (scale bar, north
arrow, legend) and the save with fixed metadata (no creation dates in SVG/PDF, fixed SVG id salt).
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib as mpl
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerTuple
from matplotlib.patches import FancyArrow
from matplotlib.text import Text
from matplotlib_scalebar.scalebar import ScaleBar

from mapapp.render.safe import plain_texts

#: Output formats of every sheet.
FORMATS = ("png", "svg", "pdf")
#: Page size (width, height) in millimetres: A4 landscape.
PAGE_MM = (297.0, 210.0)
FONT = "DejaVu Sans"
INK = "#1a1a1a"
MUTED = "#4d4d4d"
#: Left margin of title and footer, in millimetres.
MARGIN_MM = 8.0

_MM = 1.0 / 25.4  # inch per millimetre
# rcParams are process-global: hold them (and the save) under one lock so concurrent exports in
# Streamlit threads cannot see each other's temporary settings.
_RC_LOCK = threading.Lock()
_RC: Any = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "svg.fonttype": "none",  # real <text> elements: searchable, editable, small
    "pdf.fonttype": 42,  # embedded TrueType: text stays selectable/editable in PDF
    "hatch.linewidth": 0.6,
    # Unhinted glyphs: the label halos (text drawn as paths) then match the text exactly.
    "text.hinting": "none",
}
_SAVE_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": "mapapp (matplotlib)"},
    "svg": {"Date": None, "Creator": "mapapp (matplotlib)"},
    "pdf": {"CreationDate": None, "Creator": "mapapp (matplotlib)", "Producer": None},
}


def check_format(fmt: str) -> str:
    """``fmt`` normalised (``".PDF"`` -> ``"pdf"``); :class:`ValueError` if no sheet format."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"Format '{fmt}' wird nicht unterstützt (erlaubt: {', '.join(FORMATS)})")
    return fmt


def rect(mm: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """A box (x, y, width, height in mm from the lower-left page corner) as figure fractions."""
    x, y, w, h = mm
    pw, ph = PAGE_MM
    return (x / pw, y / ph, w / pw, h / ph)


def wrap(text: str, width: int) -> str:
    """Wrap each non-blank paragraph (line) of ``text`` to ``width`` characters."""
    return "\n".join(
        "\n".join(textwrap.wrap(par, width=width, break_on_hyphens=False))
        for par in text.split("\n")
        if par.strip()
    )


@dataclass(frozen=True)
class Page:
    """The figure of one sheet and the renderer that measures text on it."""

    fig: Figure
    renderer: RendererAgg

    def text(self, x_mm: float, y_mm: float, s: str, **kwargs: Any) -> Text:
        """Text at a page position in millimetres, in the house font, without mathtext."""
        kwargs.setdefault("color", INK)
        x, y = x_mm / PAGE_MM[0], y_mm / PAGE_MM[1]
        return self.fig.text(x, y, s, family=FONT, **kwargs)  # literal: save() calls plain_texts

    def axes(self, mm: tuple[float, float, float, float]) -> Any:
        """Map or panel axes in a box given in millimetres, without frame and ticks."""
        ax = self.fig.add_axes(rect(mm), frame_on=False)
        ax.set_axis_off()
        return ax

    def header(
        self, title: str, subtitle: str, *, title_size: float = 18, subtitle_size: float = 10.5
    ) -> None:
        """Title and a subtitle line (or paragraph) at the top left."""
        self.text(MARGIN_MM, 201, title, size=title_size, weight="bold", va="top")
        self.text(MARGIN_MM, 192, subtitle, size=subtitle_size, va="top", color=MUTED)

    def footer(self, attribution: str, note: str = "", *, size: float = 7.5) -> None:
        """Attribution at the foot of the page; ``note`` (e.g. which boundaries) below it."""
        self.text(MARGIN_MM, 10.5 if note else 5.5, attribution, size=size, va="bottom")
        if note:
            self.text(MARGIN_MM, 5.5, note, size=size, va="bottom", color=MUTED)


def _page(dpi: int, round_pixels: bool) -> Page:
    width, height = PAGE_MM[0] * _MM, PAGE_MM[1] * _MM
    if round_pixels:
        # Whole pixels at ``dpi`` (A4 at 300 dpi = 3508 x 2480 px); Agg truncates fractional sizes.
        width = (round(width * dpi) + 0.01) / dpi
        height = (round(height * dpi) + 0.01) / dpi
    fig = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    return Page(fig, canvas.get_renderer())  # type: ignore[no-untyped-call]


def render(
    build: Callable[[Page], None],
    *,
    fmt: str,
    dpi: int,
    salt: str,
    round_pixels: bool = True,
) -> bytes:
    """Build a page with ``build`` and encode it as ``fmt`` (``png``, ``svg`` or ``pdf``).

    Parameters
    ----------
    salt
        SVG id salt (one per kind of sheet), so SVG files are byte-identical across runs.
    round_pixels
        Size the page in whole pixels at ``dpi`` (rounded); otherwise exact A4 (Agg truncates).

    Renders are serialised by a module lock (matplotlib's rcParams are process-global), so
    calling this from several Streamlit threads is safe.
    """
    fmt = check_format(fmt)
    if dpi <= 0:
        raise ValueError(f"dpi muss positiv sein, nicht {dpi}")
    buffer = io.BytesIO()
    rc: Any = {**_RC, "svg.hashsalt": salt}
    with _RC_LOCK, mpl.rc_context(rc):
        page = _page(dpi, round_pixels)
        build(page)
        plain_texts(page.fig)
        page.fig.savefig(
            buffer, format=fmt, dpi=dpi, metadata=_SAVE_METADATA[fmt], facecolor="white"
        )
    return buffer.getvalue()


def legend(
    target: Any,
    handles: Sequence[Any],
    labels: Sequence[str],
    *,
    title: str,
    anchor: tuple[float, float],
    size: float,
    title_size: float,
    **kwargs: Any,
) -> Legend:
    """A frameless, left-aligned legend with its upper left corner at ``anchor`` (in ``target``'s
    coordinates; ``target`` is an axes or the figure). Layered handles are given as tuples."""
    result: Legend = target.legend(
        list(handles),
        list(labels),
        loc="upper left",
        bbox_to_anchor=anchor,
        frameon=False,
        title=title,
        title_fontproperties={"family": FONT, "size": title_size, "weight": "bold"},
        prop={"family": FONT, "size": size},
        alignment="left",
        handler_map={tuple: HandlerTuple(ndivide=1)},
        **kwargs,
    )
    return result


def scale_bar(ax: Any, location: str = "lower right") -> None:
    """A metric scale bar on a white box (the axes must be in metres)."""
    ax.add_artist(
        ScaleBar(
            1.0,
            units="m",
            location=location,
            length_fraction=0.22,
            width_fraction=0.008,
            box_alpha=0.85,
            box_color="white",
            frameon=True,
            color=INK,
            font_properties={"family": FONT, "size": 8.5},
            border_pad=0.4,
        )
    )


def north_arrow(ax: Any) -> None:
    """A plain north arrow in the upper-left corner (grid north of EPSG:25832; < 2° off true)."""
    ax.add_artist(
        FancyArrow(
            0.045,
            0.90,
            0.0,
            0.06,
            width=0.007,
            head_width=0.025,
            head_length=0.03,
            length_includes_head=True,
            transform=ax.transAxes,
            color=INK,
            zorder=6,
        )
    )
    ax.text(
        0.045,
        0.885,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="top",
        size=10,
        weight="bold",
        color=INK,
        family=FONT,
        zorder=6,
    )
