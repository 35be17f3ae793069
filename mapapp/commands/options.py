"""argparse ``type=`` functions for numeric options: a bad value stops the parser (exit code 2)
with ``argument --max-cost: '-1' ist keine endliche Zahl > 0`` instead of silently computing
nonsense (negative radii, ``nan``, ``inf``)."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from mapapp.analysis.accessibility.weights import (
    GaussianWeights,
    StepWeights,
    gaussian_weights,
)
from mapapp.ingest.values import parse_years
from mapapp.model import DataError


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


def years_option(text: str, option: str = "--years") -> tuple[int, ...]:
    """``--years`` (``2005``, ``2005-2007``, ``2005,2007``, ``2005/06``) within the programme
    years, parsed by the one year parser; a :class:`DataError` names the option."""
    try:
        years = parse_years(text, field=None)
    except DataError as exc:
        raise DataError(f"{option}: {exc.message}") from exc
    if not years:
        raise DataError(f"{option}: keine Jahre angegeben")
    return years


def weight_options(args: argparse.Namespace) -> StepWeights | GaussianWeights | None:
    """The E2SFCA weights of ``--steps`` / ``--gaussian`` (``None`` when neither is given).

    Raises
    ------
    DataError
        One of them with another ``--method`` than ``e2sfca``, or steps that do not parse
        (the field names the option).
    """
    if args.method != "e2sfca":
        for option, given in (("--steps", args.steps), ("--gaussian", args.gaussian)):
            if given is not None:
                raise DataError("nur mit --method e2sfca", field=option)
        return None
    try:
        if args.steps is not None:
            return StepWeights.parse(args.steps)
        if args.gaussian is not None:
            return gaussian_weights(args.gaussian)
    except ValueError as exc:
        raise DataError(
            str(exc), field="--steps" if args.steps is not None else "--gaussian"
        ) from None
    return None


__all__ = ["int_range", "positive_float", "weight_options", "years_option"]
