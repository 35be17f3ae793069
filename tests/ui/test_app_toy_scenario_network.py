"""The scenario panel in walk mode, through AppTest on the SYNTHETIC toy world plus the SYNTHETIC
street lattice (walking 75 m per minute; cell centres and whole/half kilometres are lattice
nodes, so a walk is the Manhattan distance).

At 90 minutes the foreign people beyond come from the naive loop of
:mod:`tests.ui.test_app_toy_versorgungsluecken_network`. A new Ausländerbehörde at toy km
(8.5, 17.5), from a file, brings every cell within 6.75 km (Manhattan) of it in reach: the
after side equals the naive loop with that office added, and the cell (8.5, 18.5) of Alphastadt
(93.3 minutes before) gains.
"""

from __future__ import annotations

from tests.fixtures import toy_world as toy
from tests.fixtures.toy_files import ToyData
from tests.ui.test_app_toy_scenario import scenario_metrics, scenario_tables
from tests.ui.test_app_toy_versorgungsluecken import ABH, num
from tests.ui.test_app_toy_versorgungsluecken_network import (  # noqa: F401
    M_PER_MIN,
    MINUTES,
    walk_network,
    walk_page,
)

NEW_AT = (8.5, 17.5)
ALPHASTADT = "05111000"


def beyond(places: list[tuple[float, float]]) -> dict[str, float]:
    """Foreign people per Gemeinde farther than :data:`MINUTES` on foot from all ``places``."""
    out: dict[str, float] = {}
    for ags, x, y, _, foreign in toy.cells_km():
        if min(abs(x - a) + abs(y - b) for a, b in places) * 1000 / M_PER_MIN > MINUTES:
            out[ags] = out.get(ags, 0.0) + foreign
    return out


def new_office_csv() -> bytes:
    lon, lat = toy.lonlat(*NEW_AT)
    return (
        f"name,category,lat,lon\nNeue Ausländerbehörde West,Ausländerbehörde,{lat:.7f},{lon:.7f}\n"
    ).encode()


def test_a_new_office_in_walk_mode(walk_network: ToyData) -> None:  # noqa: F811
    offices = [o.at_km for o in toy.OFFERS if o.category == ABH]
    before, after = beyond(offices), beyond([*offices, NEW_AT])
    gain = {a: before.get(a, 0.0) - after.get(a, 0.0) for a in before}
    assert gain[ALPHASTADT] > 0 and sum(after.values()) < sum(before.values())
    at = walk_page()
    captions = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "wie die vorhandenen an den nächsten Punkt des Straßennetzes angebunden" in captions
    assert "zu Fuß" in captions
    at.file_uploader(key="gap_scn_file").set_value(("neu.csv", new_office_csv(), "text/csv")).run()
    at.button(key="gap_scn_add_file").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error
    labels = [m.label.replace("\\", "") for m in at.metric][4:10]
    assert labels[0] == labels[3] == "Anteil über 90 Min. zu Fuß"
    assert labels[2] == labels[5] == "Reisezeit (Min.) – NRW"
    _, people_before, value_before, _, people_after, value_after = scenario_metrics(at)
    assert num(people_before) == round(sum(before.values()))
    assert num(people_after) == round(sum(after.values()))
    assert value_before.endswith("Min.") and value_after.endswith("Min.")
    gemeinden, _ = scenario_tables(at)
    table = gemeinden.set_index("ags")
    for ags, people in gain.items():
        if people:
            assert table.loc[ags, "gain"] == round(people)
    assert table["lose"].sum() == 0
    texts = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert f"gewinnen **{round(sum(gain.values()))}** Menschen" in texts
    assert "höchstens 90 Min. zu Fuß entfernt" in texts
    # the gain/lose table's measure reads in minutes
    assert table.loc[ALPHASTADT, "value_after"] < table.loc[ALPHASTADT, "value_before"]
