"""The credits of the offline place data (PLZ centres, an OpenStreetMap extract) shown on the
Angebote page: the German catalogue entry is the licensor's wording kept in ``config``, and every
language names OpenStreetMap and the ODbL."""

from __future__ import annotations

import pytest

from mapapp.config import ATTRIBUTION_OSM_DATA, ATTRIBUTION_PLZ
from mapapp.text import available_languages, t


def test_german_credit_is_the_config_wording() -> None:
    assert t("of.plz.credit", "de") == ATTRIBUTION_PLZ
    assert t("of.osm.credit", "de") == ATTRIBUTION_OSM_DATA


@pytest.mark.parametrize("lang", available_languages())
def test_every_language_names_osm_and_the_licence(lang: str) -> None:
    for key in ("of.plz.credit", "of.osm.credit"):
        text = t(key, lang)
        assert "OpenStreetMap" in text and "ODbL 1.0" in text
        assert "Mitwirkende" not in text or lang == "de"


@pytest.mark.parametrize("lang", available_languages())
def test_download_sources_credit_the_place_data_in_the_visitors_language(lang: str) -> None:
    import dataclasses

    from mapapp.offers_model import CoordSource
    from mapapp.services.offers_download import sources_lines
    from tests.fixtures.wegweiser import offer

    offers = [
        dataclasses.replace(offer(1, "SYNTHETIC A"), coord_source=CoordSource.PLZ),
        dataclasses.replace(offer(2, "SYNTHETIC B"), coord_source=CoordSource.OSM),
        dataclasses.replace(offer(3, "SYNTHETIC C"), coord_source=CoordSource.GEOCODER),
    ]
    text = "\n".join(sources_lines(offers, lang))
    assert t("of.plz.credit", lang) in text and t("of.osm.credit", lang) in text
    assert t("map.osm", lang) in text
    assert ("Mitwirkende" in text) is (lang == "de")
