"""The SYNTHETIC toy world (:mod:`tests.fixtures.toy_world`) is what its docstring says, and the
core, the services and the CLI read it from the toy data directory (no data mirror)."""

from __future__ import annotations

import json

import pytest

from mapapp import config
from mapapp.cli import main
from mapapp.io import datasets
from mapapp.services import offers
from tests.fixtures import toy_world as toy
from tests.fixtures.toy_files import ToyData


def test_data_dir_has_the_mirror_files_and_a_manifest(toy_data_cache: ToyData) -> None:
    raw = toy_data_cache.data_dir / "raw"
    names = {p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file()}
    assert {
        f"bkg/{toy.BKG_NAME}",
        f"destatis/{toy.GV_NAME}",
        f"zensus2022/{toy.ZENSUS_NAME}",
        f"inkar/{toy.INKAR_NAME}",
        "manifest.json",
    } <= names


def test_settings_point_at_the_toy_world(toy_data_dir: ToyData) -> None:
    # through the module: a name imported into a test module before the fixture ran is not patched
    settings = config.get_settings()
    assert settings.data_dir == toy_data_dir.data_dir
    assert settings.reference_dir == toy_data_dir.reference_dir
    assert "SYNTHETIC" in (settings.reference_dir / "nrw_municipal_status.csv").read_text("utf-8")


def test_readers_see_the_toy_people(toy_data_dir: ToyData) -> None:
    settings = toy_data_dir.settings
    b = datasets.load_boundaries(settings)
    assert sorted(b.gemeinden["ags"]) == sorted(g.ags for g in toy.GEMEINDEN)  # Land 06 dropped
    assert sorted(b.kreise["ags"]) == sorted(toy.KREISE)
    gv = datasets.load_gvisys(settings).set_index("ags")
    assert gv["population"].sum() == 156_000
    for g in toy.GEMEINDEN:
        lon, lat = toy.lonlat(*g.centre_km)
        assert (gv.loc[g.ags, "lon"], gv.loc[g.ags, "lat"]) == (
            pytest.approx(lon, abs=1e-6),
            pytest.approx(lat, abs=1e-6),
        )


def test_bundled_offers_are_the_eight_toy_offers(toy_data_dir: ToyData) -> None:
    got = {o.name: o for o in offers.load_offers(toy_data_dir.settings)}
    assert set(got) == {o.name for o in toy.OFFERS}
    for want in toy.OFFERS:
        o = got[want.name]
        assert (o.category.value, o.precision.value) == (want.category, want.precision), want.name
        assert (o.ags, o.kreis_ags) == (want.ags, want.kreis_ags), want.name
        lon, lat = toy.lonlat(*want.at_km)
        assert (o.lon, o.lat) == (pytest.approx(lon, abs=1e-6), pytest.approx(lat, abs=1e-6))


def test_cli_offers_near_betadorf(
    toy_data_dir: ToyData, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["offers", "near", "Betadorf", "--limit", "2", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["name"] for h in hits] == [
        "Migrationsberatung Betadorf",
        "Jobcenter Deltaheim",  # the Ausländerbehörden and the KI are no "nearest" alternatives
    ]
    assert [round(h["distance_m"]) for h in hits] == [1000, 12369]


def test_cli_funding_show_2005_2007(
    toy_data_dir: ToyData, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["funding", "show", "--format", "json", "--years", "2005-2007"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["ags"] for r in rows} == toy.FUNDED_2005_2007
    assert len(rows) == toy.FUNDING_COUNTS["2005–2007"]["Projekte"]
