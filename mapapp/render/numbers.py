"""German number texts for maps and sheets (``1.234,5``; kilometres from metres).

Interim home: a later step moves number formatting into :mod:`mapapp.text` (Babel).
"""

from __future__ import annotations

import math


def _german(text: str) -> str:
    """Swap English separators for German ones: ``1,234.5`` -> ``1.234,5``."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def number(value: object, decimals: int = 1) -> str:
    """``value`` with thousands separators and ``decimals`` places; ``–`` for none/NaN/inf."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return _german(f"{float(value):,.{decimals}f}")  # type: ignore[arg-type]


def km(metres: float) -> str:
    """Kilometres without trailing zeros: ``1500`` -> ``1,5``."""
    return f"{metres / 1000:g}".replace(".", ",")


def class_bound(value: float) -> str:
    """A legend class bound: whole numbers from 100, one place from 10, two digits below."""
    if value >= 100:
        text = f"{value:,.0f}"
    elif value >= 10:
        text = f"{value:,.1f}"
    else:
        text = f"{value:.2g}" if value < 1 else f"{value:.2f}"
    return _german(text)
