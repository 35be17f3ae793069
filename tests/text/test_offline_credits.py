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
