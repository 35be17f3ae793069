"""Offline PLZ areas (:mod:`mapapp.io.plz`): SYNTHETIC centres on the synthetic geography of
:mod:`tests.fixtures.offers_geography` (Aheim x 350–400 km, Bdorf/Cstadt x 400–450 km), and the
centres the package ships (no network: the table is part of the installed package)."""

from __future__ import annotations

import pytest

from mapapp.io.offers import parse_offers
from mapapp.io.plz import build_plz_index, package_centres
from mapapp.offers_model import CoordSource, Precision
from mapapp.services.offers import resolve_search
from tests.fixtures.offers_geography import context, lonlat

# SYNTHETIC centres (lat, lon): one in Aheim, one in Bdorf, one far outside the toy Land
_A = lonlat(375_000, 5_700_000)
_B = lonlat(425_000, 5_725_000)
CENTRES = {"11111": (_A[1], _A[0]), "22222": (_B[1], _B[0]), "99999": (48.1, 11.5)}


def test_only_centres_inside_a_gemeinde_count() -> None:
    index = build_plz_index(context().locator, CENTRES, "synthetic")
    assert len(index) == 2 and "99999" not in index
    area = index.get(" 11111 ")
    assert area is not None and area.ags == "05111000"
    assert (area.lon, area.lat) == pytest.approx(_A)
    assert index.get("22222").ags == "05999004"  # type: ignore[union-attr]
    assert index.get("1111") is None and index.get(None) is None


def test_a_plz_search_gives_the_area_centre_with_its_gemeinde() -> None:
    ctx = context()
    ctx.plz = build_plz_index(ctx.locator, CENTRES)
    p = resolve_search("22222", ctx)
    assert (p.lon, p.lat) == pytest.approx(_B)
    assert (p.ags, p.precision, p.source, p.approximate) == (
        "05999004", Precision.PLZ_AREA, "plz", True
    )  # fmt: skip
    assert p.label == "22222 Bdorf"
    # a seat PLZ of GV-ISys that is no known area still finds its Gemeinde centre
    seat = resolve_search("42651", ctx)
    assert seat.precision is Precision.GEMEINDE_CENTRE and seat.ags == "05999008"


def test_importer_places_a_row_at_its_plz_area_when_it_fits_the_town() -> None:
    ctx = context()
    ctx.plz = build_plz_index(ctx.locator, CENTRES)
    text = "Name;PLZ;Ort\nA;22222;Bdorf\nB;11111;Bdorf\nC;22222;\n"
    res = parse_offers(text.encode(), "plz.csv", ctx)
    a, b, c = res.offers
    assert (a.precision, a.coord_source, a.ags) == (
        Precision.PLZ_AREA, CoordSource.PLZ, "05999004"
    )  # fmt: skip
    assert (a.lon, a.lat) == pytest.approx(_B, abs=1e-6)
    # PLZ of another Gemeinde than the town: the town's centre, not the PLZ's
    assert b.precision is Precision.GEMEINDE_CENTRE and b.ags == "05999004"
    # no town, a PLZ that is no seat PLZ: the area finds the Gemeinde
    assert c.precision is Precision.PLZ_AREA and c.ags == "05999004"
    assert any("PLZ-Gebiet" in w.message for w in res.report.warnings)


def test_the_package_ships_every_german_plz_offline() -> None:
    centres, version = package_centres()
    assert version and len(centres) > 8000
    lat, lon = centres["44801"]  # Bochum-Querenburg
    assert 51.3 < lat < 51.6 and 7.1 < lon < 7.4
