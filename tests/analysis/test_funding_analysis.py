"""Funding analysis on the toy Land: classes per year, counts, completeness, table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mapapp.analysis.funding import (
    CLASS_ELIGIBLE,
    CLASS_FUNDED_KREIS,
    CLASS_FUNDED_STADT,
    available_years,
    completeness,
    funded_table,
    funding_counts,
    funding_units,
    select_years,
    summarize_units,
)
from mapapp.ingest.registry import validate_registry
from mapapp.io.boundaries import read_boundaries
from tests.fixtures.toy_land import registry_rows, status_frame, write_bkg_zip


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("toy")
    b = read_boundaries(write_bkg_zip(Path(tmp) / "vg250_toy.zip"))
    status = status_frame()
    registry = validate_registry(registry_rows(), status, file="toy.csv")
    return b, status, registry


def _classes(units: pd.DataFrame) -> dict[str, str]:
    return dict(zip(units["ags"], units["map_class"], strict=True))


def test_year_views_classify_kreis_and_stadt(toy) -> None:  # type: ignore[no-untyped-def]
    b, status, registry = toy
    y2005 = _classes(funding_units(b, status, registry, [2005]))
    # kreisfreie Stadt is drawn with its Kreis polygon under the 8-char Gemeinde key
    assert y2005 == {
        "05111000": CLASS_FUNDED_STADT,
        "05901": CLASS_ELIGIBLE,
        "05902": CLASS_ELIGIBLE,
        "05901008": CLASS_ELIGIBLE,  # große kreisangehörige Stadt with Ausländerbehörde
    }
    y2007 = _classes(funding_units(b, status, registry, [2007]))
    assert y2007["05901"] == CLASS_FUNDED_KREIS
    assert y2007["05111000"] == CLASS_ELIGIBLE
    all3 = _classes(funding_units(b, status, registry, [2005, 2006, 2007]))
    assert [k for k, v in all3.items() if v.startswith("funded")] == [
        "05111000",
        "05901",
        "05901008",
    ]


def test_unknown_years_only_when_asked(toy) -> None:  # type: ignore[no-untyped-def]
    b, status, registry = toy
    without = funding_units(b, status, registry, [2005, 2006, 2007])
    assert "05902016" not in set(without["ags"])  # not eligible, not funded -> not drawn as unit
    with_unknown = funding_units(b, status, registry, [2005, 2006, 2007], include_unknown=True)
    row = with_unknown.set_index("ags").loc["05902016"]
    assert row["map_class"] == CLASS_FUNDED_STADT and row["unit_type"] == "kreisangehörige Stadt"


def test_summary_sums_known_amounts_and_keeps_weakest_confidence(toy) -> None:  # type: ignore[no-untyped-def]
    _b, _s, registry = toy
    s = summarize_units(registry).set_index("ags")
    assert s.loc["05901008", "n_projects"] == 2
    assert s.loc["05901008", "amount_eur"] == 20000.0
    assert s.loc["05901008", "confidence"] == "inferred"
    assert s.loc["05901008", "years"] == (2006, 2009)
    assert pd.isna(s.loc["05111000", "amount_eur"])
    assert summarize_units(registry, years=[2006]).set_index("ags").loc["05901008", "years"] == (
        2006,
    )


def test_counts_per_year_count_each_kommune_once_in_the_combined_row(toy) -> None:  # type: ignore[no-untyped-def]
    _b, _s, registry = toy
    c = funding_counts(registry, [2005, 2006, 2007]).set_index("period")
    assert c.loc["2005"].to_dict() == {"Kreise": 0, "Städte": 1, "Kommunen": 1, "Projekte": 1}
    assert c.loc["2006"].to_dict() == {"Kreise": 0, "Städte": 2, "Kommunen": 2, "Projekte": 2}
    assert c.loc["2007"].to_dict() == {"Kreise": 1, "Städte": 0, "Kommunen": 1, "Projekte": 1}
    assert c.loc["2005–2007"].to_dict() == {"Kreise": 1, "Städte": 2, "Kommunen": 3, "Projekte": 3}


def test_completeness_against_published_cumulative_totals(toy) -> None:  # type: ignore[no-untyped-def]
    _b, _s, registry = toy
    totals = pd.DataFrame(
        [
            {
                "as_of": "2009-03-14",
                "period": "2005-2008",
                "kommunen": 10,
                "staedte": 8,
                "kreise": 2,
                "cumulative": "yes",
                "source": "S1",
            },
            {
                "as_of": "2009-10-21",
                "period": "2009",
                "kommunen": 71,
                "staedte": None,
                "kreise": None,
                "cumulative": "no",
                "source": "S2",
            },
        ]
    )
    found = completeness(registry, totals)
    # codes and values only: the words are the text layer's (mapapp.text.funding)
    assert [(c.group, c.first, c.last, c.as_of) for c in found] == [
        ("kommunen", 2005, 2008, "2009-03-14"),
        ("staedte", 2005, 2008, "2009-03-14"),
        ("kreise", 2005, 2008, "2009-03-14"),
    ]
    rows = {c.group: c for c in found}
    assert (rows["kommunen"].loaded, rows["kommunen"].published) == (3, 10)
    assert rows["kreise"].loaded == 1
    assert rows["staedte"].share == pytest.approx(2 / 8)
    assert not any(hasattr(c, "label") for c in found)


def test_table_and_years(toy) -> None:  # type: ignore[no-untyped-def]
    b, status, registry = toy
    table = funded_table(funding_units(b, status, registry, [2005, 2006, 2007]))
    assert list(table["name"]) == [
        "Nordkreis",
        "Alphastadt",
        "Gammastadt",
    ]  # Kreis, kreisfrei, kreisangehörig
    assert table.set_index("ags").loc["05111000", "years"] == "2005, 2006"
    assert available_years(registry) == [2005, 2006, 2007, 2009]
    assert len(select_years(registry, [2009])) == 1
