"""Importing opening hours (OpenStreetMap syntax) and "nur mit Termin" (SYNTHETIC offers)."""

from __future__ import annotations

import pytest

from mapapp.ingest.hours import check_opening_hours, is_valid_opening_hours
from mapapp.io.offers import parse_offers
from mapapp.io.offers_export import offers_to_csv
from tests.fixtures.offers_geography import centre, context

LON_A, LAT_A = centre("05111000")  # synthetic Aheim


def parse(text: str, name: str = "angebote.csv"):  # type: ignore[no-untyped-def]
    return parse_offers(text.encode("utf-8"), name, context())


def test_osm_rules_are_accepted_and_others_named_with_position() -> None:
    assert check_opening_hours("  Mo-Fr 09:00-12:00; Sa 10:00-13:00 ") == (
        "Mo-Fr 09:00-12:00; Sa 10:00-13:00"
    )
    assert is_valid_opening_hours('Tu 09:00-12:00 "nur mit Termin"; PH off')
    assert not is_valid_opening_hours("Mo-Fr 9-12")
    assert not is_valid_opening_hours("")
    with pytest.raises(ValueError, match="Mo-Fr 9-12.*Zeichen 7"):
        check_opening_hours("Mo-Fr 9-12")


def test_hours_column_kept_and_unreadable_rule_reported_with_file_row_field() -> None:
    text = (
        "Name;Kategorie;Breite;Länge;Öffnungszeiten;Nur mit Termin\n"
        f"Beratung Eins;MBE;{LAT_A};{LON_A};Mo,Tu 09:00-12:00; ja\n"
        f"Beratung Zwei;MBE;{LAT_A};{LON_A};montags vormittags;nein\n"
        f"Beratung Drei;MBE;{LAT_A};{LON_A};;vielleicht\n"
    )
    res = parse(text, "sprechzeiten.csv")
    rep = res.report
    assert rep.accepted == 3 and rep.rejected == []  # no row is lost
    one, two, three = res.offers
    assert one.opening_hours == "Mo,Tu 09:00-12:00" and one.appointment_only is True
    assert two.opening_hours is None and two.appointment_only is False
    assert three.opening_hours is None and three.appointment_only is None
    report = rep.to_dict()
    assert report["file"] == "sprechzeiten.csv"
    warned = {(w["row"], w["field"]): w["message"] for w in report["warnings"]}
    assert "montags vormittags" in warned[(3, "opening_hours")]
    assert "ohne Öffnungszeiten" in warned[(3, "opening_hours")]
    assert (4, "appointment_only") in warned


def test_hours_and_appointment_survive_export_and_reimport() -> None:
    text = (
        "Name;Kategorie;Breite;Länge;opening_hours;termin\n"
        f"Beratung Eins;MBE;{LAT_A};{LON_A};We 14:00-18:00;ja\n"
    )
    (offer,) = parse(text).offers
    (again,) = parse(offers_to_csv([offer])).offers
    assert again.opening_hours == "We 14:00-18:00"
    assert again.appointment_only is True
