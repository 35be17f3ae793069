"""Which distance a card may show (:func:`mapapp.analysis.offers.shown_distance_m`)."""

from __future__ import annotations

import dataclasses

import pytest

from mapapp.analysis.offers import NearestOffer, shown_distance_m
from mapapp.offers_model import Precision
from tests.fixtures.wegweiser import offer

PLACE = "05901004"  # the Gemeinde of the SYNTHETIC offer of tests.fixtures.wegweiser


@pytest.mark.parametrize(
    ("precision", "ags", "shown"),
    [
        (Precision.GEMEINDE_CENTRE, PLACE, None),  # only the centre of the searched Gemeinde
        (Precision.KREIS_SEAT_CENTRE, PLACE, None),
        (Precision.GEMEINDE_CENTRE, "05901008", 1234.0),  # centre of another Gemeinde
        (Precision.ADDRESS, PLACE, 1234.0),  # a real location in the same Gemeinde
        (Precision.PLZ_AREA, PLACE, 1234.0),  # a PLZ centre inside the Gemeinde says more
    ],
)
def test_shown_distance(precision: Precision, ags: str, shown: float | None) -> None:
    o = dataclasses.replace(offer(1, "SYNTHETIC"), precision=precision, ags=ags)
    assert shown_distance_m(NearestOffer(o, 1234.0), PLACE) == shown


def test_no_location_never_a_distance_and_unknown_place_keeps_it() -> None:
    o = dataclasses.replace(offer(1, "SYNTHETIC"), precision=Precision.GEMEINDE_CENTRE)
    assert shown_distance_m(NearestOffer(o, None), PLACE) is None
    assert shown_distance_m(NearestOffer(o, 500.0), None) == 500.0
