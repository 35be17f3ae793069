"""``mapapp offers responsible`` and the territorial rule of ``offers near`` on the SYNTHETIC toy
world (:mod:`tests.fixtures.toy_world`): Betadorf belongs to Nordkreis (Kreis Ausländerbehörde at
its seat Deltaheim), Gammastadt runs its own Ausländerbehörde, Alphastadt is a kreisfreie Stadt
whose Kommunales Integrationszentrum is in the seed."""

from __future__ import annotations

import json

import pytest

from mapapp.cli import main
from mapapp.model import DataError
from mapapp.services import offers
from tests.fixtures import toy_world as toy
from tests.fixtures.toy_files import ToyData


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    assert main(["offers", *args, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list)
    return data


def test_responsible_json_for_a_gemeinde_of_a_kreis(toy_data_dir: ToyData, capsys) -> None:
    got = run_json(capsys, "responsible", "Betadorf")
    assert [(r["category"], r["name"]) for r in got] == [
        ("auslaenderbehoerde", "Ausländerbehörde Nordkreis"),
        ("kommunales_integrationszentrum", "Kommunales Integrationszentrum Nordkreis"),
    ]
    for r in got:
        assert (r["responsible_for_ags"], r["responsible_for_name"]) == ("05901004", "Betadorf")
        assert r["label"] == "zuständig für Betadorf"
    abh, ki = got
    assert abh["precision"] == "kreis_seat_centre" and abh["address"] is None
    assert abh["city"] == "Deltaheim" and abh["unit_ags"] == "05901"
    assert ki["precision"] is None and ki["address_note"] == "Adresse nicht erfasst"


def test_responsible_json_for_a_town_with_its_own_office(toy_data_dir: ToyData, capsys) -> None:
    got = run_json(capsys, "responsible", "Gammastadt")
    assert got[0]["name"] == "Ausländerbehörde Gammastadt"
    assert got[0]["address"] == "Rathausplatz 3, 50908 Gammastadt"
    assert got[0]["precision"] == "address" and got[0]["address_note"] is None
    assert got[1]["unit_ags"] == "05901"


def test_responsible_for_a_point_uses_point_in_polygon(toy_data_dir: ToyData, capsys) -> None:
    lon, lat = toy.lonlat(21.0, 12.0)  # inside Gammastadt's square, not its centre
    got = run_json(capsys, "responsible", f"{lat:.6f},{lon:.6f}")
    assert {r["responsible_for_name"] for r in got} == {"Gammastadt"}


def test_responsible_text(toy_data_dir: ToyData, capsys) -> None:
    assert main(["offers", "responsible", "Alphastadt"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Zuständig für Alphastadt (AGS 05111000):"
    assert "Kommunales Integrationszentrum Alphastadt – Marktplatz 1, 50111 Alphastadt" in out
    assert "Ausländerbehörde Alphastadt – Adresse nicht erfasst" in out


def test_responsible_service_in_another_language(toy_data_dir: ToyData) -> None:
    found = offers.responsible(toy_data_dir.settings, "Betadorf", lang="en")
    assert [r.label for r in found] == ["responsible for Betadorf"] * 2
    assert found[1].address_note == "address not recorded"
    lon, lat = toy.lonlat(15.0, 15.0)
    assert offers.responsible(toy_data_dir.settings, (lon, lat))[0].responsible_for_ags == (
        "05901004"
    )


def test_responsible_outside_the_land_is_an_error(toy_data_dir: ToyData) -> None:
    with pytest.raises(DataError):
        offers.responsible(toy_data_dir.settings, "48.1,11.5")


def test_near_never_lists_offices_with_a_territory(toy_data_dir: ToyData, capsys) -> None:
    got = run_json(capsys, "near", "Betadorf", "--limit", "20")
    cats = {r["category"] for r in got}
    assert cats and not cats & {"auslaenderbehoerde", "kommunales_integrationszentrum"}
    assert [r["name"] for r in got] == [
        "Migrationsberatung Betadorf", "Jobcenter Deltaheim", "Jugendmigrationsdienst Epsilonstadt"
    ]  # fmt: skip


@pytest.mark.data
def test_real_plz_and_responsible_offices(real_data_cache, tmp_path, monkeypatch, capsys) -> None:
    """On the real mirror: 44801 (Bochum-Querenburg, no seat PLZ) is found offline as a PLZ
    area in Bochum; Kerpen (Rhein-Erft-Kreis) runs its own Ausländerbehörde (status table)."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "raw").symlink_to(real_data_cache / "raw", target_is_directory=True)
    monkeypatch.setenv("MAPAPP_DATA_DIR", str(data))
    monkeypatch.delenv("MAPAPP_GEOCODER_URL", raising=False)
    monkeypatch.delenv("MAPAPP_REFERENCE_DIR", raising=False)
    assert main(["offers", "near", "44801", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nächste Angebote zu 44801 Bochum – PLZ-Gebiet")
    assert "OpenStreetMap" in out  # the PLZ centres' credit
    got = run_json(capsys, "responsible", "Kerpen")
    assert [r["category"] for r in got] == ["auslaenderbehoerde", "kommunales_integrationszentrum"]
    assert {r["responsible_for_ags"] for r in got} == {"05362032"}
    assert got[0]["unit_ags"] == "05362032"  # Kerpen's own
    assert got[1]["unit_ags"] == "05362"  # the Rhein-Erft-Kreis' KI
    bochum = run_json(capsys, "responsible", "44801")
    assert {r["responsible_for_name"] for r in bochum} == {"Bochum"}
