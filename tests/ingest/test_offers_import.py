"""Offer import: parsing, column mapping, validation and offline geocoding on tiny messy files.

All places and coordinates are SYNTHETIC (see tests/fixtures/offers_geography.py).
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import Workbook

from mapapp.ingest.offers import map_offer_columns
from mapapp.ingest.values import parse_number
from mapapp.io.offers import parse_offers
from mapapp.io.offers_export import offers_to_csv, offers_to_geojson
from mapapp.model import DataError, OfferCategory
from mapapp.offers_model import Accessibility, CoordSource, Precision, TargetGroup
from tests.fixtures.files import zip_member
from tests.fixtures.offers_geography import centre, context, lonlat

LON_A, LAT_A = centre("05111000")  # synthetic Aheim
LON_C, LAT_C = centre("05999008")  # synthetic Cstadt


def _de(x: float) -> str:
    return f"{x:.6f}".replace(".", ",")


def parse(text: str | bytes, name: str = "angebote.csv", **kw):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_offers(data, name, context(), **kw)


def issues(items):
    return [(i.row, i.field) for i in items]


# ---- encodings, delimiters, decimal commas, empty lines ---------------------------------------


def test_semicolon_bom_decimal_commas_and_empty_lines():
    text = (
        "\ufeffName;Kategorie;Straße;PLZ;Ort;Breite;Längengrad;Sprachen;Barrierefrei\n"
        f'Beratung Eins;MBE;Weg 1;40213;Aheim;{_de(LAT_A)};{_de(LON_A)};"Deutsch, Arabisch";ja\n'
        ";;;;;;;;\n"
        "\n"
        f"Beratung Zwei;Jugendmigrationsdienst;;;Cstadt;;;tr/ru;nein\n"
    )
    res = parse(text)
    rep = res.report
    assert rep.delimiter == ";"
    assert rep.encoding == "utf-8-sig"
    assert rep.rejected == []
    assert rep.accepted == 2
    one, two = res.offers
    assert one.name == "Beratung Eins"
    assert one.category is OfferCategory.MBE
    assert one.lat == pytest.approx(LAT_A, abs=1e-6) and one.lon == pytest.approx(LON_A, abs=1e-6)
    assert one.precision is Precision.ADDRESS and one.coord_source is CoordSource.FILE
    assert one.ags == "05111000" and one.kreis_ags == "05111"
    assert one.languages == ("de", "ar")
    assert one.barrier_free is Accessibility.YES
    # row numbers as a spreadsheet shows them: empty lines 3 and 4 count
    assert two.category is OfferCategory.JMD
    assert two.precision is Precision.GEMEINDE_CENTRE and two.coord_source is CoordSource.GAZETTEER
    assert (two.lon, two.lat) == pytest.approx((LON_C, LAT_C))
    assert two.ags == "05999008"
    assert two.languages == ("tr", "ru")
    assert two.barrier_free is Accessibility.NO
    assert (5, "city") in issues(rep.warnings)  # "only geocoded to the Gemeinde"


def test_windows_1252_is_decoded():
    text = "Name;Träger;Ort\nBüro für Zuwanderung;Caritasverband Straße;Aheim\n"
    res = parse(text.encode("cp1252"))
    assert res.report.encoding == "cp1252"
    assert res.offers[0].name == "Büro für Zuwanderung"
    assert res.offers[0].provider == "Caritasverband Straße"


def test_comma_csv_with_unquoted_decimal_comma_is_rejected_with_hint():
    text = f"name,city,lat,lon\nA,Aheim,{_de(LAT_A)},{_de(LON_A)}\n"
    res = parse(text)
    assert res.report.accepted == 0
    (rej,) = res.report.rejected
    assert rej.row == 2 and "Dezimalkomma" in rej.message


def test_parse_number_variants():
    assert parse_number("51,9613") == 51.9613
    assert parse_number(" 7.62 ") == 7.62
    assert parse_number("5.761.234,5") == 5761234.5
    assert parse_number("5,761,234.5") == 5761234.5
    assert parse_number(7) == 7.0
    with pytest.raises(ValueError):
        parse_number("nördlich")


# ---- column mapping -----------------------------------------------------------------------


def test_german_and_english_aliases_map_to_fields():
    columns = map_offer_columns(
        ["Bezeichnung", "Art", "Träger", "Strasse", "Postleitzahl", "Stadt", "Breitengrad",
         "Longitude", "Zielgruppen", "E-Mail", "Homepage", "Öffnungszeiten", "Lieblingsfarbe",
         "Name"]
    )  # fmt: skip
    mapping = {k: v[0] for k, v in columns.targets.items()}
    unknown, dup = list(columns.unknown), list(columns.duplicates)
    assert mapping["name"] == "Bezeichnung" and mapping["category"] == "Art"
    assert mapping["provider"] == "Träger" and mapping["street"] == "Strasse"
    assert mapping["postcode"] == "Postleitzahl" and mapping["city"] == "Stadt"
    assert mapping["lat"] == "Breitengrad" and mapping["lon"] == "Longitude"
    assert mapping["target_groups"] == "Zielgruppen" and mapping["email"] == "E-Mail"
    assert mapping["website"] == "Homepage" and mapping["opening_hours"] == "Öffnungszeiten"
    assert unknown == ["Lieblingsfarbe"]
    assert dup == ["Name"]


def test_unknown_column_is_reported_on_header_row():
    res = parse("Name;Ort;Lieblingsfarbe\nA;Aheim;blau\n")
    assert (1, None) in issues(res.report.warnings)
    assert any("Lieblingsfarbe" in w.message for w in res.report.warnings)
    assert res.report.accepted == 1


def test_missing_name_column_makes_file_unusable():
    with pytest.raises(DataError) as err:
        parse("Ort;PLZ\nAheim;40213\n")
    assert err.value.row == 1 and "Namen" in err.value.message


def test_no_location_columns_makes_file_unusable():
    with pytest.raises(DataError, match="Koordinaten"):
        parse("Name;Telefon\nA;0123\n")


# ---- coordinates --------------------------------------------------------------------------


def test_swapped_lat_lon_is_corrected_with_warning():
    text = f"name;lat;lon\nVertauscht;{LON_A:.6f};{LAT_A:.6f}\n"
    res = parse(text)
    (offer,) = res.offers
    assert offer.lat == pytest.approx(LAT_A, abs=1e-6)
    assert offer.lon == pytest.approx(LON_A, abs=1e-6)
    assert any(
        w.row == 2 and w.field == "lat" and "vertauscht" in w.message for w in res.report.warnings
    )


def test_point_outside_nrw_is_rejected_with_clear_message():
    # 48.14 N, 11.58 E is far outside the synthetic Land square
    res = parse("name;lat;lon;Ort\nWeit weg;48.14;11.58;Aheim\n")
    assert res.report.accepted == 0
    (rej,) = res.report.rejected
    assert (rej.row, rej.field) == (2, "lat")
    assert "außerhalb von NRW" in rej.message and "48.14" in rej.message


def test_utm_coordinates_and_swapped_utm():
    text = "name;Rechtswert;Hochwert\nUTM;425000;5725000\nUTM vertauscht;5675000;425000\n"
    res = parse(text)
    assert res.report.rejected == []
    utm, swapped = res.offers
    assert (utm.lon, utm.lat) == pytest.approx(lonlat(425_000, 5_725_000), abs=1e-6)
    assert utm.ags == "05999004"
    assert swapped.ags == "05999008"
    assert any(w.row == 3 and "vertauscht" in w.message for w in res.report.warnings)


def test_point_in_tolerance_band_gets_nearest_gemeinde():
    lon, lat = lonlat(349_800, 5_700_000)  # 200 m west of the synthetic Land edge (tolerance 500 m)
    res = parse(f"name;lat;lon\nRand;{lat:.7f};{lon:.7f}\n")
    assert res.offers[0].ags == "05111000"


def test_non_numeric_coordinate_rejects_row_with_field():
    res = parse("name;lat;lon\nKaputt;einundfünfzig;7\n")
    assert issues(res.report.rejected) == [(2, "lat")]


def test_ags_given_in_file_is_cross_checked():
    lon, lat = centre("05999004")
    res = parse(f"name;lat;lon;AGS\nX;{lat:.6f};{lon:.6f};5111000\n")
    assert res.offers[0].ags == "05999004"
    assert any(w.field == "ags" and "05111000" in w.message for w in res.report.warnings)


# ---- validation -------------------------------------------------------------------------------


def test_unknown_category_is_rejected_empty_becomes_sonstiges():
    res = parse(
        "Name;Kategorie;Ort\nA;Sprachcafé deluxe;Aheim\nB;;Aheim\nC;integration point;Aheim\n"
    )
    assert issues(res.report.rejected) == [(2, "category")]
    assert "Sprachcafé deluxe" in res.report.rejected[0].message
    b, c = res.offers
    assert b.category is OfferCategory.SONSTIGES
    assert (3, "category") in issues(res.report.warnings)
    assert c.category is OfferCategory.INTEGRATION_POINT


def test_free_text_category_keeps_original_text():
    res = parse("Name;Kategorie;Ort\nA;Flüchtlingsberatung (NGO);Aheim\n")
    (offer,) = res.offers
    assert offer.category is OfferCategory.FLUECHTLINGSBERATUNG
    assert offer.category_original == "Flüchtlingsberatung (NGO)"


def test_missing_name_rejects_row():
    res = parse("Name;Ort\n;Aheim\nB;Aheim\n")
    assert issues(res.report.rejected) == [(2, "name")]
    assert res.report.accepted == 1


def test_unknown_place_rejected_with_field_city():
    res = parse("Name;Ort\nA;Atlantis\n")
    assert issues(res.report.rejected) == [(2, "city")]
    assert "Atlantis" in res.report.rejected[0].message


def test_duplicated_rows_are_merged_and_conflicts_rejected():
    text = (
        "Name;Straße;Ort;Telefon\n"
        "Treff;Weg 1;Aheim;0123\n"
        "Treff;Weg 1;Aheim;0123\n"  # exact duplicate
        "TREFF;weg  1;aheim;0999\n"  # same key (normalised), other phone
    )
    res = parse(text)
    assert res.report.accepted == 1
    assert any(w.row == 3 and "doppelte Zeile" in w.message for w in res.report.warnings)
    assert issues(res.report.rejected) == [(4, "id")]


def test_file_id_column_is_the_stable_id():
    res = parse("ID;Name;Ort\ncaritas-1;A;Aheim\ncaritas-2;A;Aheim\n")
    assert [o.id for o in res.offers] == ["caritas-1", "caritas-2"]


def test_hash_id_ignores_case_and_spacing():
    a = parse("Name;Straße;Ort\nTreff;Hafenstraße 3-5;Aheim\n").offers[0]
    b = parse("Name;Straße;Ort\nTREFF;HAFENSTRASSE  3-5;aheim\n").offers[0]
    assert a.id == b.id and a.id.startswith("o-")


def test_contact_fields_are_validated():
    text = (
        "Name;Ort;E-Mail;Web;Kapazität;Geprüft am;Zielgruppe\n"
        "A;Aheim;mailto:info@example.org;www.example.org;12;01.02.2024;Frauen, Familien, Marsianer\n"
        "B;Aheim;kein-mail;javascript:alert(1);viele;gestern;alle\n"
    )
    res = parse(text)
    a, b = res.offers
    assert a.email == "info@example.org" and a.website == "https://www.example.org"
    assert a.capacity == 12 and a.last_verified.isoformat() == "2024-02-01"
    assert a.target_groups == (TargetGroup.WOMEN, TargetGroup.FAMILIES)
    assert b.email is None and b.website is None and b.capacity is None
    assert b.last_verified is None and b.target_groups == (TargetGroup.ALL,)
    warned = issues(res.report.warnings)
    for fld in ("email", "website", "capacity", "last_verified"):
        assert (3, fld) in warned
    assert (2, "target_groups") in warned  # "Marsianer"


def test_html_in_text_is_kept_as_plain_text():
    res = parse('Name;Ort\n"<img src=x onerror=alert(1)>";Aheim\n')
    assert res.offers[0].name == "<img src=x onerror=alert(1)>"


# ---- file-level limits --------------------------------------------------------------------


def test_size_limit_refuses_whole_file():
    with pytest.raises(DataError, match="Grenze"):
        parse("Name;Ort\nA;Aheim\n", max_bytes=10)


def test_row_limit_refuses_whole_file():
    with pytest.raises(DataError, match="mehr als 1"):
        parse("Name;Ort\nA;Aheim\nB;Aheim\n", max_rows=1)


def test_empty_and_binary_files_are_unusable():
    with pytest.raises(DataError, match="leer"):
        parse("   \n")
    with pytest.raises(DataError):
        parse(b"PK\x03\x04garbage", name="angebote.csv")
    with pytest.raises(DataError, match="xlsx"):
        parse(b"PK\x03\x04garbage", name="angebote.xlsx")


# ---- Excel and GeoJSON -----------------------------------------------------------------------


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_with_numbers_and_blank_rows():
    data = _xlsx(
        [
            [],
            ["Name", "PLZ", "Ort", "lat", "lon", "Kapazität (Plätze)"],
            ["Kurs", 40213, "Aheim", LAT_A, LON_A, 20],
            [None, None, None, None, None, None],
            ["Kurs 2", 42651, None, None, None, None],
        ]
    )
    res = parse(data, name="liste.xlsx")
    assert res.report.rejected == []
    one, two = res.offers
    assert one.postcode == "40213" and one.capacity == 20
    assert str(one.capacity_unit) == "places"
    assert two.ags == "05999008"  # found by the seat PLZ alone
    assert any(w.row == 5 for w in res.report.warnings)  # header in row 2 -> "Kurs 2" is row 5


def test_xlsx_zip_bomb_guard():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zip_member("xl/huge.xml"), "0" * 2_000_000)
    with pytest.raises(DataError, match="zu groß"):
        parse(buf.getvalue(), name="bomb.xlsx", max_bytes=50_000)


def test_geojson_points_rows_are_feature_numbers():
    doc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [LON_A, LAT_A]},
             "properties": {"name": "Punkt", "languages": ["de", "uk"]}},
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[7, 51], [7.1, 51]]},
             "properties": {"name": "Linie"}},
            {"type": "Feature", "geometry": None, "properties": {"name": "Ohne", "city": "Cstadt"}},
        ],
    }  # fmt: skip
    res = parse(json.dumps(doc), name="a.geojson")
    assert issues(res.report.rejected) == [(2, "geometry")]
    p, ohne = res.offers
    assert p.languages == ("de", "uk") and p.ags == "05111000"
    assert ohne.ags == "05999008" and ohne.precision is Precision.GEMEINDE_CENTRE


def test_geojson_declared_utm_crs():
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25832"}},
        "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [425000, 5725000]},
                      "properties": {"Name": "UTM"}}],
    }  # fmt: skip
    res = parse(json.dumps(doc), name="a.geojson")
    assert res.offers[0].ags == "05999004"


def test_invalid_geojson_is_unusable():
    with pytest.raises(DataError, match="JSON"):
        parse("{not json", name="a.geojson")
    with pytest.raises(DataError, match="FeatureCollection"):
        parse('{"type": "Point", "coordinates": [7, 51]}', name="a.geojson")


# ---- exports round-trip -----------------------------------------------------------------------


def test_csv_export_is_formula_safe_and_reimports_to_same_ids():
    text = (
        "Name;Ort;Telefon;Kategorie;Sprachen\n"
        '=HYPERLINK("http://x");Aheim;+49 123;KI;de,ar\n'
        "Normal;Cstadt;;MBE;\n"
    )
    res = parse(text)
    csv_text = offers_to_csv(res.offers)
    lines = csv_text.splitlines()
    assert lines[0].startswith("id,name,category,")  # no comment line: sources go beside it
    assert "'=HYPERLINK" in csv_text and "'+49 123" in csv_text
    again = parse_offers(csv_text.encode(), "export.csv", context())
    assert again.report.rejected == []
    # the neutralising quote becomes part of the name, so only the plain row keeps its id
    assert res.offers[1].id in {o.id for o in again.offers}
    plain = next(o for o in again.offers if o.id == res.offers[1].id)
    assert plain.precision is Precision.GEMEINDE_CENTRE  # precision column is honoured


def test_geojson_export_carries_attribution_and_roundtrips():
    res = parse(f"Name;Ort;lat;lon;Sprachen\nA;Aheim;{LAT_A};{LON_A};de;ar\n".replace(";ar", ""))
    doc = offers_to_geojson(res.offers, "Quelle X")
    assert doc["attribution"] == "Quelle X" and "licence" in doc
    feat = doc["features"][0]
    assert feat["geometry"]["coordinates"] == [res.offers[0].lon, res.offers[0].lat]
    again = parse_offers(json.dumps(doc).encode(), "x.geojson", context())
    assert [o.id for o in again.offers] == [res.offers[0].id]
    assert again.offers[0] == res.offers[0]


def test_mailto_parameters_and_non_http_websites_are_dropped_with_a_warning():
    text = (
        "Name;Ort;E-Mail;Web\n"
        "A;Aheim;info@example.org?subject=Termin&body=bitte.anrufen.de;javascript:alert(1)\n"
        "B;Aheim;mailto:info@example.org?cc=alle@example.org;data:text/html,<b>x</b>\n"
        "C;Aheim;Beratung <c@example.org>;https://bank.example@evil.example/\n"
        "D;Aheim;d@example.org;https://example.org/d?x=1&y=2\n"
    )
    res = parse(text)
    assert [o.name for o in res.offers] == ["A", "B", "C", "D"]  # the rows stay
    assert [(o.email, o.website) for o in res.offers] == [
        (None, None),
        (None, None),
        (None, None),
        ("d@example.org", "https://example.org/d?x=1&y=2"),
    ]
    warned = issues(res.report.warnings)
    for row in (2, 3, 4):
        assert (row, "email") in warned and (row, "website") in warned
    assert (5, "email") not in warned and (5, "website") not in warned


# ---- realistic files are read right (nothing dropped silently) ----------------------------------


def _dms(value: float, pos: str, neg: str) -> str:
    hemi = pos if value >= 0 else neg
    value = abs(value)
    deg = int(value)
    minutes = int((value - deg) * 60)
    seconds = (value - deg - minutes / 60) * 3600
    return f"{deg}°{minutes}'{seconds:.3f}\"{hemi}"


def _csv_cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def test_title_row_and_excel_sep_line_above_the_header():
    text = (
        "sep=;\n"
        "Integrationsangebote im Testkreis, Stand 2024;;\n"
        ";;\n"
        "Name;Ort;PLZ\n"
        "Beratung A;Aheim;40213\n"
    )
    res = parse(text)
    assert [o.name for o in res.offers] == ["Beratung A"]
    assert res.report.rejected == []
    assert res.offers[0].postcode == "40213"


def test_merged_two_row_header_in_csv():
    text = f"Name;Lage;\n;Breite;Länge\nBeratung A;{_de(LAT_A)};{_de(LON_A)}\n"
    res = parse(text)
    assert res.report.rejected == []
    assert res.offers[0].precision is Precision.ADDRESS
    assert res.offers[0].lat == pytest.approx(LAT_A, abs=1e-6)


def test_mostly_utf8_file_with_one_windows_1252_line():
    data = (
        "Name;Träger;Ort\n".encode()
        + "Büro Süd;Caritas;Aheim\n".encode()
        + "Büro Nord;Diakonie Straße;Aheim\n".encode("cp1252")
        + "Büro Ost;Jugendhilfe Köln;Aheim\n".encode()
    )
    res = parse(data)
    assert [o.name for o in res.offers] == ["Büro Süd", "Büro Nord", "Büro Ost"]
    assert res.offers[1].provider == "Diakonie Straße"
    assert (3, None) in issues(res.report.warnings)


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (f"{LAT_A:.6f}° N", f"{LON_A:.6f}° O"),
        (f"{LAT_A:.6f}N", f"{LON_A:.6f}E"),
        (_dms(LAT_A, "N", "S"), _dms(LON_A, "E", "W")),
        (_dms(LON_A, "E", "W"), _dms(LAT_A, "N", "S")),  # letters say: swapped
    ],
)
def test_coordinates_with_degree_signs_hemispheres_and_dms(lat, lon):
    res = parse(f"Name;Breite;Länge\nA;{_csv_cell(lat)};{_csv_cell(lon)}\n")
    assert res.report.rejected == []
    (a,) = res.offers
    assert a.precision is Precision.ADDRESS
    assert (a.lat, a.lon) == pytest.approx((LAT_A, LON_A), abs=1e-5)


@pytest.mark.parametrize(
    "pair",
    [
        f"{LAT_A:.6f}, {LON_A:.6f}",
        f"{_de(LAT_A)}; {_de(LON_A)}",
        f"{_dms(LAT_A, 'N', 'S')} {_dms(LON_A, 'E', 'W')}",
    ],
)
def test_lat_lon_in_one_column(pair):
    res = parse(f"Name;Koordinaten\nA;{_csv_cell(pair)}\n", name="a.csv")
    assert res.report.rejected == []
    (a,) = res.offers
    assert (a.lat, a.lon) == pytest.approx((LAT_A, LON_A), abs=1e-5)
    res = parse(f'Name,"lat, lon"\nA,{_csv_cell(pair)}\n')
    assert (res.offers[0].lat, res.offers[0].lon) == pytest.approx((LAT_A, LON_A), abs=1e-5)


def test_unreadable_coordinate_pair_is_a_row_level_rejection():
    res = parse("Name;Koordinaten\nA;irgendwo\n")
    assert issues(res.report.rejected) == [(2, "latlon")]


@pytest.mark.parametrize("plz", ["40213.0", "D-40213", "D 40213", "40 213", "DE-40213"])
def test_postcode_spellings(plz):
    res = parse(f"Name;PLZ;Ort\nA;{plz};Aheim\n")
    assert res.offers[0].postcode == "40213"
    assert (2, "postcode") not in issues(res.report.warnings)


@pytest.mark.parametrize(
    ("cell", "number", "unit"),
    [("12 Plätze", 12, "places"), ("20 Std.", 20, "counsellor_hours_per_week"), ("7,5", 7.5, None)],
)
def test_capacity_with_unit_words(cell, number, unit):
    res = parse(f"Name;Ort;Kapazität\nA;Aheim;{cell}\n")
    (a,) = res.offers
    assert a.capacity == number
    assert (a.capacity_unit.value if a.capacity_unit else None) == unit
    assert (2, "capacity") not in issues(res.report.warnings)


def test_capacity_with_unknown_words_is_warned_not_silently_dropped():
    res = parse("Name;Ort;Kapazität\nA;Aheim;viele Plätze\n")
    assert res.offers[0].capacity is None
    assert (2, "capacity") in issues(res.report.warnings)


def test_xlsx_notes_sheet_first_and_title_row():
    wb = Workbook()
    notes = wb.active
    notes.title = "Hinweise"
    notes.append(["Diese Liste enthält SYNTHETISCHE Testdaten"])
    data = wb.create_sheet("Angebote")
    data.append(["Angebote Testkreis 2024"])
    data.append([])
    data.append(["Name", "Kategorie", "Ort", "PLZ"])
    data.append(["Beratung A", "MBE", "Aheim", 40213])
    other = wb.create_sheet("Archiv")
    other.append(["Name", "Ort"])
    other.append(["Alt", "Aheim"])
    buf = io.BytesIO()
    wb.save(buf)
    res = parse(buf.getvalue(), name="angebote.xlsx")
    assert [o.name for o in res.offers] == ["Beratung A"]
    assert res.offers[0].category is OfferCategory.MBE
    assert res.offers[0].postcode == "40213"
    skipped = [w.message for w in res.report.warnings if w.row == 1]
    assert any("'Hinweise'" in m for m in skipped) and any("'Archiv'" in m for m in skipped)


def test_billion_laughs_xlsx_is_refused_with_one_sentence(tmp_path):
    from tests.fixtures.files import billion_laughs_xlsx

    data = billion_laughs_xlsx(tmp_path / "lol.xlsx").read_bytes()
    with pytest.raises(DataError) as info:
        parse(data, name="lol.xlsx")
    assert info.value.file == "lol.xlsx" and "\n" not in str(info.value)
