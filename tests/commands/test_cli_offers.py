"""``mapapp offers import|near|export`` through ``mapapp.cli.main`` on a SYNTHETIC data dir.

The data dir holds a tiny GeoPackage and GV-ISys-like workbook (tests/fixtures/offers_geography.py); one
``data``-marked test runs against the real mirror.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mapapp.commands.offers as offers_cmd
from mapapp.cli import main
from mapapp.config import Settings
from mapapp.store import SqliteOfferStore
from tests.fixtures.offers_geography import centre, write_data_dir

SEEDED = 4  # synthetic seed: 2 rows + ABH Cstadt + ABH Testkreis (ABH Aheim is in the seed)
LON_A, LAT_A = centre("05111000")


@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    s = write_data_dir(tmp_path)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(s.data_dir))
    monkeypatch.delenv("MAPAPP_GEOCODER_URL", raising=False)
    monkeypatch.setattr(offers_cmd, "get_settings", lambda: s)
    return s


def db(s: Settings) -> SqliteOfferStore:
    return SqliteOfferStore(s.store_dir / "offers.sqlite")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    "Name;Kategorie;Straße;PLZ;Ort;lat;lon;Sprachen\n"
    f"Beratung A;MBE;Weg 1;40213;Aheim;{LAT_A:.6f};{LON_A:.6f};de,ar\n"
    "Kurs C;Integrationskurs;Platz 2;;Cstadt;;;de\n"
)
MIXED = GOOD + "Weit weg;MBE;;;;48.1;11.5;\n;MBE;;;Aheim;;;\nUnbekannt;Sprachcafé;;;Aheim;;;\n"


def test_import_ok_exit_0_and_report(settings, tmp_path, capsys):
    report = tmp_path / "out" / "report.json"
    code = main(["offers", "import", str(write(tmp_path, "a.csv", GOOD)), "--report", str(report)])
    assert code == 0
    data = json.loads(report.read_text("utf-8"))
    assert data["accepted"] == 2 and data["rejected"] == [] and data["stored"] is True
    assert {
        "row": 3,
        "field": "city",
        "message": "nur auf die Gemeinde geokodiert (Cstadt, Gemeindezentrum)",
    } in data["warnings"]
    assert db(settings).count() == SEEDED + 2
    assert "2 angenommen" in capsys.readouterr().out


def test_reimport_updates_instead_of_duplicating(settings, tmp_path):
    path = write(tmp_path, "a.csv", GOOD)
    assert main(["offers", "import", str(path)]) == 0
    ids = [o.id for o in db(settings).all()]
    report = tmp_path / "r.json"
    assert main(["offers", "import", str(path), "--report", str(report)]) == 0
    data = json.loads(report.read_text())
    assert (data["inserted"], data["updated"]) == (0, 0)
    write(tmp_path, "a.csv", GOOD.replace("de,ar", "de,ar,tr"))
    assert main(["offers", "import", str(path), "--report", str(report)]) == 0
    data = json.loads(report.read_text())
    assert (data["inserted"], data["updated"]) == (0, 1)
    assert [o.id for o in db(settings).all()] == ids


def test_some_rows_rejected_exit_1_others_stored(settings, tmp_path):
    report = tmp_path / "r.json"
    code = main(["offers", "import", str(write(tmp_path, "m.csv", MIXED)), "--report", str(report)])
    assert code == 1
    data = json.loads(report.read_text())
    assert data["accepted"] == 2
    assert [(r["row"], r["field"]) for r in data["rejected"]] == [
        (4, "lat"),
        (5, "name"),
        (6, "category"),
    ]
    assert all(isinstance(r["reason"], str) and r["reason"] for r in data["rejected"])
    assert db(settings).count() == SEEDED + 2


def test_all_or_nothing_stores_nothing(settings, tmp_path):
    code = main(["offers", "import", str(write(tmp_path, "m.csv", MIXED)), "--all-or-nothing"])
    assert code == 1
    assert db(settings).count() == SEEDED


def test_dry_run_stores_nothing(settings, tmp_path, capsys):
    report = tmp_path / "r.json"
    code = main(
        [
            "offers",
            "import",
            str(write(tmp_path, "m.csv", MIXED)),
            "--dry-run",
            "--report",
            str(report),
        ]
    )
    assert code == 1
    assert json.loads(report.read_text())["dry_run"] is True
    assert not (settings.store_dir / "offers.sqlite").exists()
    assert "Probelauf" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "extra", "needle"),
    [
        ("Ort;PLZ\nAheim;40213\n", [], "Namen"),
        (GOOD, ["--max-bytes", "20"], "Grenze"),
        ("", [], "leer"),
    ],
)
def test_unusable_file_exit_2_one_line(settings, tmp_path, capsys, content, extra, needle):
    report = tmp_path / "r.json"
    code = main(
        [
            "offers",
            "import",
            str(write(tmp_path, "x.csv", content)),
            "--report",
            str(report),
            *extra,
        ]
    )
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and needle in err and err.startswith("mapapp:")
    assert not any(o.name == "Beratung A" for o in db(settings).all())  # nothing imported
    assert "error" in json.loads(report.read_text())


def test_missing_file_exit_2(settings, tmp_path, capsys):
    assert main(["offers", "import", str(tmp_path / "nope.csv")]) == 2
    assert "nicht gefunden" in capsys.readouterr().err


def test_crash_mid_import_keeps_previous_state(settings, tmp_path, monkeypatch):
    path = write(tmp_path, "a.csv", GOOD)
    assert main(["offers", "import", str(path)]) == 0
    before = db(settings).all()
    import mapapp.store.writes as writes_mod

    real_dump = writes_mod.dump
    calls = {"n": 0}

    def failing_dump(offer):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("injected failure")
        return real_dump(offer)

    monkeypatch.setattr(writes_mod, "dump", failing_dump)
    with pytest.raises(RuntimeError, match="injected"):
        main(["offers", "import", str(write(tmp_path, "a.csv", GOOD.replace("Weg 1", "Weg 9")))])
    assert db(settings).all() == before


def test_near_json_sorted_with_filters(settings, tmp_path, capsys):
    main(["offers", "import", str(write(tmp_path, "a.csv", GOOD))])
    capsys.readouterr()
    assert main(["offers", "near", "Aheim", "--format", "json", "--limit", "10"]) == 0
    hits = json.loads(capsys.readouterr().out)
    # the seed holds only offices with a territory (Ausländerbehörden, KI): never "nearest"
    # alternatives, so only the two imported offers are listed
    assert [h["name"] for h in hits] == ["Beratung A", "Kurs C"]
    dists = [h["distance_m"] for h in hits]
    assert dists == sorted(dists)
    for h in hits:
        assert {"name", "category", "distance_m", "lat", "lon"} <= set(h)
    assert (
        main(["offers", "near", f"{LAT_A},{LON_A}", "--language", "Arabisch", "--format", "json"])
        == 0
    )
    assert [h["name"] for h in json.loads(capsys.readouterr().out)] == ["Beratung A"]
    assert (
        main(["offers", "near", "Cstadt", "--category", "Ausländerbehörde", "--format", "json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out) == []
    assert main(["offers", "responsible", "Cstadt", "--format", "json"]) == 0
    abh, ki = json.loads(capsys.readouterr().out)
    assert (abh["name"], abh["responsible_for_name"]) == ("Ausländerbehörde Cstadt", "Cstadt")
    assert ki["name"] == "KI Cstadt"


KREIS_ONLY = "Name;Kategorie;Kreis\nMBE Testkreis;MBE;Kreis Testkreis\nMBE X;MBE;Kreis Nirgendwo\n"


def test_rows_naming_only_their_kreis_are_accepted_without_a_location(settings, tmp_path):
    report = tmp_path / "r.json"
    path = write(tmp_path, "k.csv", KREIS_ONLY)
    assert main(["offers", "import", str(path), "--report", str(report)]) == 1
    data = json.loads(report.read_text("utf-8"))
    assert data["accepted"] == 1
    assert [(i["row"], i["field"]) for i in data["rejected"]] == [(3, "kreis")]
    assert {
        "row": 2,
        "field": "kreis",
        "message": "nur der Kreis ist bekannt (Testkreis, 05999) – ohne Standort übernommen "
        "(Standort nicht erfasst, keine Entfernung)",
    } in data["warnings"]
    (stored,) = [o for o in db(settings).all() if o.name == "MBE Testkreis"]
    assert (stored.lon, stored.lat, stored.ags, stored.kreis_ags) == (None, None, None, "05999")
    assert stored.precision.value == "kreis_area" and not stored.located


def test_near_lists_an_offer_known_only_by_its_kreis_without_distance(settings, tmp_path, capsys):
    """An offer known only by its Kreis is listed for a place in that Kreis, after the measured
    hits, with no distance and no coordinates (never an invented point); the Testkreis
    Ausländerbehörde (no seat row, so also unlocated) is not listed: it has a territory."""
    main(["offers", "import", str(write(tmp_path, "k.csv", KREIS_ONLY))])
    main(["offers", "import", str(write(tmp_path, "a.csv", GOOD))])
    capsys.readouterr()
    assert main(["offers", "near", "Bdorf", "--format", "json", "--limit", "1"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["name"] for h in hits] == ["Kurs C", "MBE Testkreis"]
    last = hits[-1]
    assert last["distance_m"] is None and last["lat"] is None and last["lon"] is None
    assert last["precision"] == "kreis_area" and last["kreis_ags"] == "05999"
    assert main(["offers", "near", "Bdorf", "--limit", "1"]) == 0
    assert "im Kreis 05999 – Standort nicht erfasst" in capsys.readouterr().out


def test_near_errors_exit_2(settings, capsys):
    assert main(["offers", "near", "Atlantis"]) == 2
    assert "Atlantis" in capsys.readouterr().err
    assert main(["offers", "near", "Aheim", "--category", "quatsch"]) == 2
    assert main(["offers", "near", "Aheim", "--language", "klingonisch"]) == 2


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--limit", "0"),
        ("--limit", "-3"),
        ("--limit", "2.5"),
        ("--max-distance-km", "-1"),
        ("--max-distance-km", "0"),
        ("--max-distance-km", "nan"),
        ("--max-distance-km", "inf"),
    ],
)
def test_near_refuses_non_positive_or_non_finite_numbers(settings, capsys, option, value):
    """'--max-distance-km -1' and 'nan' used to be accepted (and ignored)."""
    with pytest.raises(SystemExit) as info:
        main(["offers", "near", "Aheim", option, value])
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert f"argument {option}: " in captured.err and captured.out == ""


def test_near_point_outside_nrw_exit_2(settings, capsys):
    """'0,0' (the Gulf of Guinea) used to list offers 5,665 km away."""
    capsys.readouterr()
    assert main(["offers", "near", "0,0", "--format", "json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("mapapp: ") and captured.err.count("\n") == 1
    assert "0,0 liegt außerhalb von NRW" in captured.err


def test_export_csv_geojson_html(settings, tmp_path):
    xss = '"<img src=x onerror=alert(1)>";KI;;;Aheim;;;\n'
    main(["offers", "import", str(write(tmp_path, "a.csv", GOOD + xss))])
    out_csv, out_geo, out_html = tmp_path / "o.csv", tmp_path / "o.geojson", tmp_path / "o.html"
    assert main(["offers", "export", "--format", "csv", "--out", str(out_csv)]) == 0
    assert main(["offers", "export", "--format", "geojson", "--out", str(out_geo)]) == 0
    assert main(["offers", "export", "--format", "html", "--out", str(out_html)]) == 0
    text = out_csv.read_text("utf-8")
    assert text.startswith("id,name,")  # no comment line; the sources are beside it
    sources = (tmp_path / "o.quellen.txt").read_text("utf-8")
    assert "Integrationsangebote" in sources and "GeoBasis-DE / BKG" in sources
    assert len(text.splitlines()) == 1 + SEEDED + 3
    geo = json.loads(out_geo.read_text("utf-8"))
    assert len(geo["features"]) == SEEDED + 3 and "Destatis" in geo["attribution"]
    page = out_html.read_text("utf-8")
    assert "<img src=x onerror" not in page
    # an offer without a location is in the tables with empty coordinates, not on the map
    assert '<script src="http' not in page and "Ausländeramt Aheim" in page
    assert "Ausländerbehörde Testkreis" not in page
    (testkreis,) = [
        f for f in geo["features"] if f["properties"]["name"] == "Ausländerbehörde Testkreis"
    ]
    assert testkreis["geometry"] is None


@pytest.mark.data
def test_real_mirror_seed_and_near(real_data_cache, tmp_path, monkeypatch, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "raw").symlink_to(real_data_cache / "raw", target_is_directory=True)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(data))
    monkeypatch.delenv("MAPAPP_GEOCODER_URL", raising=False)
    assert main(["offers", "near", "Münster", "--format", "json", "--limit", "3"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3 and all(h["ags"] == "05515000" for h in hits)
    store = SqliteOfferStore(data / "store" / "offers.sqlite")
    offers = store.all()
    abh = [o for o in offers if o.id.startswith("abh-")]
    # 88 units with an Ausländerbehörde in nrw_municipal_status.csv, minus Münster (in the seed)
    # and Düsseldorf (in offers_found_2015-2022.csv); 15 seed rows, 31 found rows
    assert len(abh) == 86 and len(offers) == 15 + 31 + 86
    found = [o for o in offers if o.source and "offers_found" not in o.source and o.source_date]
    assert any(o.source_date == "2018" for o in found)  # the source's date, as written
    assert all(o.address == "" or o.street is None for o in abh)
    # every Kreis office at its seat's centre (nrw_kreis_seats.csv), none without a location
    kreis = {o.kreis_ags for o in abh if o.precision.value == "kreis_seat_centre"}
    assert len(kreis) == 31 and all(o.located for o in abh)


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_import_refuses_a_non_positive_size_limit(
    value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x.csv").write_text("name;category;lat;lon\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["offers", "import", str(tmp_path / "x.csv"), "--max-bytes", value])
    assert exc.value.code == 2
    assert "--max-bytes" in capsys.readouterr().err
