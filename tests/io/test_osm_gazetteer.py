"""The offline OpenStreetMap gazetteer (:mod:`mapapp.io.osm_gazetteer`) on a small SYNTHETIC OSM
XML file the test writes: invented nodes and a building way with ``addr:*`` tags and two place
nodes, read with pyosmium into the SQLite cache, then looked up offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from mapapp.config import Settings
from mapapp.io import osm_gazetteer as og
from mapapp.offers_model import Precision

SYNTHETIC_OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="SYNTHETIC test data, not real places">
  <node id="1" version="1" lat="51.4800000" lon="7.2100000">
    <tag k="addr:street" v="Kortumstraße"/><tag k="addr:housenumber" v="12"/>
    <tag k="addr:postcode" v="44787"/><tag k="addr:city" v="Bochum"/>
  </node>
  <node id="2" version="1" lat="51.4810000" lon="7.2120000">
    <tag k="addr:street" v="Kortumstraße"/><tag k="addr:housenumber" v="14 a"/>
    <tag k="addr:postcode" v="44787"/><tag k="addr:city" v="Bochum"/>
  </node>
  <node id="3" version="1" lat="51.9000000" lon="7.6000000">
    <tag k="addr:street" v="Kortumstraße"/><tag k="addr:housenumber" v="12"/>
    <tag k="addr:postcode" v="48143"/><tag k="addr:city" v="Elsewhere"/>
  </node>
  <node id="10" version="1" lat="51.0000000" lon="7.0000000"/>
  <node id="11" version="1" lat="51.0000000" lon="7.0020000"/>
  <node id="12" version="1" lat="51.0020000" lon="7.0020000"/>
  <node id="13" version="1" lat="51.0020000" lon="7.0000000"/>
  <way id="100" version="1">
    <nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/>
    <tag k="building" v="yes"/><tag k="addr:street" v="Am Born"/>
    <tag k="addr:housenumber" v="10"/><tag k="addr:postcode" v="44892"/>
  </way>
  <node id="20" version="1" lat="51.4450000" lon="7.2600000">
    <tag k="place" v="suburb"/><tag k="name" v="Querenburg"/>
  </node>
  <node id="21" version="1" lat="51.3000000" lon="7.1000000">
    <tag k="place" v="shop"/><tag k="name" v="Not a place"/>
  </node>
</osm>
"""


@pytest.fixture
def gazetteer(tmp_path: Path) -> og.OsmGazetteer:
    settings = Settings(data_dir=tmp_path / "data")
    settings.osm_dir.mkdir(parents=True)
    (settings.osm_dir / "synthetic.osm").write_text(SYNTHETIC_OSM, encoding="utf-8")
    found = og.load_osm_gazetteer(settings)
    assert found is not None
    return found


def test_house_number_resolves_to_the_house(gazetteer: og.OsmGazetteer) -> None:
    hit = gazetteer.address("Kortumstraße", "12", "44787", "Bochum")
    assert hit is not None and hit.precision is Precision.ADDRESS
    assert (hit.lon, hit.lat) == pytest.approx((7.21, 51.48))
    assert hit.label == "Kortumstraße 12, 44787 Bochum"
    # the same street and number in another PLZ is another house
    other = gazetteer.address("Kortumstr.", "12", "48143", None)
    assert other is not None and (other.lon, other.lat) == pytest.approx((7.6, 51.9))
    # spelling: abbreviation, case, blank in the number
    assert gazetteer.address("KORTUMSTR.", "14A", None, "Bochum") is not None


def test_unknown_number_gives_the_street_and_unknown_street_nothing(gazetteer) -> None:
    hit = gazetteer.address("Kortumstraße", "99", "44787", None)
    assert hit is not None and hit.precision is Precision.STREET
    assert (hit.lon, hit.lat) == pytest.approx((7.211, 51.4805))
    assert gazetteer.address("Nirgendweg", "1", "44787", None) is None
    assert gazetteer.address("Kortumstraße", "12", "40210", None) is None


def test_building_way_is_placed_at_the_mean_of_its_corners(gazetteer) -> None:
    hit = gazetteer.address("Am Born", "10", "44892", None)
    assert hit is not None and (hit.lon, hit.lat) == pytest.approx((7.001, 51.001))


def test_place_names(gazetteer: og.OsmGazetteer) -> None:
    (hit,) = gazetteer.places("querenburg")
    assert (hit.lon, hit.lat, hit.label) == (
        pytest.approx(7.26),
        pytest.approx(51.445),
        "Querenburg",
    )
    assert gazetteer.places("Not a place") == []


def test_cache_is_built_once_and_rebuilt_for_a_new_extract(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    assert og.load_osm_gazetteer(settings) is None  # no extract: no gazetteer
    settings.osm_dir.mkdir(parents=True)
    extract = settings.osm_dir / "synthetic.osm"
    extract.write_text(SYNTHETIC_OSM, encoding="utf-8")
    first = og.load_osm_gazetteer(settings)
    assert first is not None and first.path.exists()
    stamp = first.path.stat().st_mtime_ns
    again = og.load_osm_gazetteer(settings)
    assert again is not None and again.path == first.path
    assert again.path.stat().st_mtime_ns == stamp  # read from the cache, not rebuilt
    extract.write_text(SYNTHETIC_OSM.replace("Querenburg", "Laer"), encoding="utf-8")
    import os

    os.utime(extract, (1_700_000_000, 1_700_000_000))
    changed = og.load_osm_gazetteer(settings)
    assert changed is not None and changed.path != first.path
    assert changed.places("Laer") and not changed.places("Querenburg")


def test_split_street() -> None:
    assert og.split_street("Kortumstraße 12") == ("Kortumstraße", "12")
    assert og.split_street("Am Born 10 a") == ("Am Born", "10 a")
    assert og.split_street("Goebenstraße 4-8") == ("Goebenstraße", "4-8")
    assert og.split_street("Marktplatz") == ("Marktplatz", None)


def test_search_resolves_a_house_and_a_district_offline(tmp_path: Path) -> None:
    """The search of the page and the CLI on the synthetic geography of
    :mod:`tests.fixtures.offers_geography`, with a SYNTHETIC extract of one house and one suburb
    in Aheim (05111000) and a suburb of the same name in Bdorf (05999004)."""
    from mapapp.services.offers import resolve_search
    from tests.fixtures.offers_geography import context, lonlat

    house = lonlat(360_000, 5_660_000)
    north, east = lonlat(380_000, 5_740_000), lonlat(430_000, 5_740_000)
    osm = f"""<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="SYNTHETIC">
  <node id="1" version="1" lat="{house[1]:.7f}" lon="{house[0]:.7f}">
    <tag k="addr:street" v="Teststraße"/><tag k="addr:housenumber" v="5"/>
    <tag k="addr:postcode" v="40213"/><tag k="addr:city" v="Aheim"/>
  </node>
  <node id="2" version="1" lat="{north[1]:.7f}" lon="{north[0]:.7f}">
    <tag k="place" v="suburb"/><tag k="name" v="Nordviertel"/>
  </node>
  <node id="3" version="1" lat="{east[1]:.7f}" lon="{east[0]:.7f}">
    <tag k="place" v="suburb"/><tag k="name" v="Nordviertel"/>
  </node>
</osm>"""
    settings = Settings(data_dir=tmp_path / "data")
    settings.osm_dir.mkdir(parents=True)
    (settings.osm_dir / "synthetic.osm").write_text(osm, encoding="utf-8")
    ctx = context()
    ctx.osm = og.load_osm_gazetteer(settings)
    p = resolve_search("Teststraße 5, 40213 Aheim", ctx)
    assert (p.precision, p.source, p.ags, p.approximate) == (
        Precision.ADDRESS, "osm", "05111000", False
    )  # fmt: skip
    assert (p.lon, p.lat) == pytest.approx(house, abs=1e-6)
    # two suburbs of that name: the town decides; alone the name is ambiguous
    q = resolve_search("Aheim-Nordviertel", ctx)
    assert (q.ags, q.precision) == ("05111000", Precision.PLACE)
    assert resolve_search("Nordviertel, Bdorf", ctx).ags == "05999004"
    with pytest.raises(Exception, match="Nordviertel"):
        resolve_search("Nordviertel", ctx)
