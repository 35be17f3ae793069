"""The offer map in the page's language: popup labels, legend, layer names (built HTML).
SYNTHETIC offers; the texts come from the catalogues, the data stay as entered."""

from __future__ import annotations

import datetime as dt
import json

from mapapp.model import OfferCategory
from mapapp.offers_model import Accessibility, CoordSource, Offer, Precision, TargetGroup
from mapapp.render.offers import offers_search_map
from mapapp.render.offers_layer import legend_html
from mapapp.render.offers_payload import offers_payload
from mapapp.render.safe import json_for_script

OFFERS = [
    Offer(
        id="a",
        name="Beratungsstelle Aheim",
        category=OfferCategory.ABH,
        lon=7.0,
        lat=51.0,
        precision=Precision.GEMEINDE_CENTRE,
        coord_source=CoordSource.FILE,
        city="Aheim",
        provider="Stadt Aheim",
        languages=("de", "ar"),
        target_groups=(TargetGroup.WOMEN,),
        barrier_free=Accessibility.YES,
        last_verified=dt.date(2024, 3, 12),
    )
]


def forms(text: str) -> tuple[str, str, str]:
    """``text`` as it may appear in the page: as is, or inside JSON (non-ASCII kept or escaped)."""
    return text, json_for_script(text, ensure_ascii=False)[1:-1], json_for_script(text)[1:-1]


def test_ukrainian_payload_labels() -> None:
    p = offers_payload(OFFERS, detail="full", lang="uk")
    assert p["labels"]["provider"] == "Організація" and p["labels"]["bf"] == "Безбар'єрний доступ"
    assert p["labels"]["lang"] == "Мови" and p["labels"]["addr"] == "Адреса"
    assert dict((c[0], c[1]) for c in p["cats"])["auslaenderbehoerde"].startswith("Відомство")
    assert dict(p["prec"])["gemeinde_centre"] == "Розташування: центр громади (приблизно)"
    assert p["bfl"][0] == "так"
    strings = p["s"] + sum(p["v"].values(), [])
    assert "німецька, арабська" in strings  # language names, not codes
    assert "Жінки" in strings or "жінки" in strings  # target group
    assert "Stadt Aheim" in strings and "Beratungsstelle Aheim" in strings  # data as entered


def test_arabic_map_html_has_arabic_popup_labels_legend_and_layers() -> None:
    fmap = offers_search_map(
        OFFERS, point=(51.0, 7.0), hits=OFFERS, gemeinden=_no_gemeinden(), attribution="", lang="ar"
    )
    html = fmap.get_root().render()
    for text in (
        "الجهة المقدِّمة",
        "العنوان",
        "الموقع: مركز البلدية (تقريبي)",
        "دليل الخريطة: الخدمات",
    ):
        assert any(f in html for f in forms(text)), text
    assert any(f in html for f in forms("خدمات الاندماج"))  # layer name in the layer control
    assert any(f in html for f in forms("المكان المبحوث عنه"))  # tooltip of the searched place
    for german in ("Träger", "Legende", "Suchort", "Lage ungefähr", "barrierefrei", "Sprachen"):
        assert german not in html, german


def test_german_stays_the_default() -> None:
    legend = legend_html([OfferCategory.ABH])
    assert "Legende: Angebote" in legend and "Angebot, Standort ungefähr" in legend
    p = offers_payload(OFFERS, detail="map")
    assert p["labels"]["provider"] == "Träger" and p["bfl"][0] == "ja"
    assert json.dumps(p, ensure_ascii=False).count("Deutsch, Arabisch") == 1


def _no_gemeinden():  # type: ignore[no-untyped-def]
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame(geometry=[box(380000, 5650000, 390000, 5660000)], crs="EPSG:25832")


def test_foerderkarte_legend_and_tooltip_in_ukrainian() -> None:
    from mapapp.render.captions import funding_attribution, funding_title
    from mapapp.render.funding_map import funding_legend_html, unit_popup, unit_tooltip

    legend = funding_legend_html(funding_title("2005–2007", "uk"), {"funded_kreis": 3}, "uk")
    assert "Округ (з фінансуванням) (3)" in legend and "KOMM-IN NRW – громади" in legend
    rec = {
        "name": "Kreis Aheim",
        "unit_type": "Kreis",
        "map_class": "funded_kreis",
        "funded": True,
        "years": [2005, 2006],
        "projects": "Netzwerk",
        "amount_eur": 120000.0,
        "sources": ["https://example.org/a"],
    }
    tip, popup = unit_tooltip(rec, "uk"), unit_popup(rec, "uk")
    assert "Роки фінансування: 2005, 2006" in tip and "округ (Kreis)" in tip
    assert "Сума: 120\xa0000 €" in popup and "Джерело" in popup
    assert "(дані змінено)" in funding_attribution(2021, "uk")
    for german in ("Förderjahre", "gefördert", "Betrag", "Quelle", "Daten verändert"):
        assert german not in tip + popup + legend, german
