"""argparse ``type=`` functions for numeric options: a bad value stops the parser (exit code 2)
with ``argument --max-cost: '-1' ist keine endliche Zahl > 0`` instead of silently computing
nonsense (negative radii, ``nan``, ``inf``)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def positive_float(text: str) -> float:
    """A finite number > 0 (distances, thresholds, catchments, widths)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} ist keine Zahl") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} ist keine endliche Zahl > 0")
    return value


def int_range(low: int, high: int | None = None) -> Callable[[str], int]:
    """A whole number ``low <= n`` (and ``<= high`` when given)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} ist keine ganze Zahl") from None
        if value < low or (high is not None and value > high):
            bound = f"von {low} bis {high}" if high is not None else f">= {low}"
            raise argparse.ArgumentTypeError(f"{text!r} ist keine ganze Zahl {bound}")
        return value

    return parse


__all__ = ["int_range", "positive_float"]
