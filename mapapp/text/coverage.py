"""German texts about coverage results: labels, the headline sentence, method and data texts.

Pure functions from parameters and results (:mod:`mapapp.analysis.coverage`) to German text; the
page, the map sheet and ``mapapp coverage nrw`` show the same words. (The wording is kept as it
was; a later step moves it into the translated catalogues.)
"""

from __future__ import annotations

from collections.abc import Iterable

from mapapp.analysis.accessibility import StepWeights
from mapapp.analysis.coverage.params import (
    FCA_PER,
    GRID_SIMPLIFY_M,
    PER_CAPITA_PER,
    POPULATION_ZENSUS,
    POPULATION_ZENSUS_GRID,
    CoverageParams,
    DemandKind,
    Method,
)
from mapapp.analysis.coverage.result import CoverageResult, Headline
from mapapp.config import (
    ATTRIBUTION_DESTATIS,
    ATTRIBUTION_INKAR,
    ATTRIBUTION_ZENSUS,
    ATTRIBUTION_ZENSUS_GRID,
    bkg_attribution,
)
from mapapp.text import label

#: German measure labels with their unit (tables, legend titles, the map sheet): the catalogue's.
METHOD_LABELS_DE: dict[Method, str] = {m: label("method", m) for m in Method}
DEMAND_LABELS_DE: dict[DemandKind, str] = {d: label("demand", d) for d in DemandKind}


def _grid_label(resolution_m: float | None) -> str:
    """``1000`` -> ``"1 km"``, ``100`` -> ``"100 m"``, ``None`` -> ``""``."""
    if resolution_m is None:
        return ""
    if resolution_m >= 1000:
        return f"{resolution_m / 1000:g} km".replace(".", ",")
    return f"{resolution_m:g} m"


def zensus_grid_attribution(resolution_m: float | None = None) -> str:
    """Attribution of the Zensus 2022 population grid, with the cell size when known."""
    label = _grid_label(resolution_m)
    return ATTRIBUTION_ZENSUS_GRID.format(size=f" {label}" if label else "")


def attribution_text(
    boundary_year: int,
    population_source: str,
    *,
    offers: bool = True,
    foreign_year: int | None = None,
    grid_resolution_m: float | None = None,
) -> str:
    """``© GeoBasis-DE / BKG <year> (Daten verändert)`` plus the population source used (and, with
    ``offers``, where the offers come from; maps credit each offer in its tooltip instead).

    ``grid_resolution_m`` names the cell size of the Zensus population grid
    (:data:`POPULATION_ZENSUS_GRID`; ignored for the other sources)."""
    if population_source == POPULATION_ZENSUS_GRID:
        people = zensus_grid_attribution(grid_resolution_m)
    elif population_source == POPULATION_ZENSUS:
        people = ATTRIBUTION_ZENSUS
    else:
        people = ATTRIBUTION_DESTATIS
    if foreign_year is not None:
        people += f"; {ATTRIBUTION_INKAR}"
    text = f"{bkg_attribution(boundary_year)}, dl-de/by-2-0 | Bevölkerung: {people}"
    return text + " | Angebote: KOMM-IN NRW Karte (Quellen je Angebot)" if offers else text


def category_text_de(categories: Iterable[str]) -> str:
    cats = list(categories)
    if not cats:
        return "alle Kategorien"
    return ", ".join(label("category", c) for c in cats)


def data_sources(
    product: str,
    year: int,
    population_source: str,
    foreign_year: int | None = None,
    *,
    foreign_known: bool = True,
    grid_resolution_m: float | None = None,
) -> tuple[str, ...]:
    """The data vintages used (one line each).

    ``foreign_known`` and ``grid_resolution_m`` matter only for :data:`POPULATION_ZENSUS_GRID`:
    whether the Zensus foreign share per Gemeinde was available, and the grid's cell size.
    """
    if population_source == POPULATION_ZENSUS_GRID:
        label = _grid_label(grid_resolution_m)
        people = (
            f"Bevölkerung: Zensus 2022, Einwohner je Gitterzelle{' ' + label if label else ''} "
            f"(Stichtag 15.05.2022), {zensus_grid_attribution(grid_resolution_m)}; "
            + (
                "ausländische Bevölkerung = Einwohner der Zelle × Ausländeranteil ihrer Gemeinde "
                f"(Zensus 2022 je Gemeinde, {ATTRIBUTION_ZENSUS})"
                if foreign_known
                else "ausländische Bevölkerung unbekannt (Zensus-Datei je Gemeinde fehlt)"
            )
        )
    elif population_source == POPULATION_ZENSUS:
        people = (
            "Bevölkerung und ausländische Bevölkerung je Gemeinde: Zensus 2022 "
            f"(Stichtag 15.05.2022), {ATTRIBUTION_ZENSUS}"
        )
    else:
        people = (
            "Bevölkerung je Gemeinde: GV-ISys, Fortschreibung zum 31.12.2023, "
            f"{ATTRIBUTION_DESTATIS} – ausländische Bevölkerung unbekannt (Zensus-Datei fehlt)"
        )
    if foreign_year is not None:
        if population_source == POPULATION_ZENSUS_GRID:
            label = _grid_label(grid_resolution_m)
            base = (
                f"Bevölkerung: Zensus 2022, Einwohner je Gitterzelle{' ' + label if label else ''}, "
                f"{zensus_grid_attribution(grid_resolution_m)}"
            )
            whose = "Einwohner der Zelle"
        else:
            zensus = population_source == POPULATION_ZENSUS
            base = f"Bevölkerung je Gemeinde: {'Zensus 2022' if zensus else 'GV-ISys 31.12.2023'}"
            whose = "Bevölkerung"
        people = (
            f"{base}; ausländische Bevölkerung = {whose} × "
            f"Ausländeranteil des Kreises {foreign_year} (INKAR, BBSR Bonn, dl-de/by-2-0) – "
            "Näherung: heutige Bevölkerung, Anteil von damals"
        )
    return (
        f"Gemeindegrenzen: BKG {product}, Stand 01.01.{year}, um {GRID_SIMPLIFY_M:g} m vereinfacht, "
        f"{bkg_attribution(year)}, dl-de/by-2-0",
        people,
        "Angebote: Angebotsdaten der App (mitgelieferte Startdaten bzw. importierte Listen), "
        "Quelle je Angebot im Datensatz",
    )


def sources(result: CoverageResult) -> tuple[str, ...]:
    """The data vintages ``result`` was computed on (one line each)."""
    return data_sources(
        result.boundary_product,
        result.boundary_year,
        result.population_source,
        result.foreign_year,
        foreign_known=result.foreign_known,
        grid_resolution_m=result.params.cell_size_m,
    )


def _de_number(value: float, decimals: int = 0) -> str:
    """German number format: ``35010`` -> ``35.010``, ``2.5`` -> ``2,5``."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _fmt_km(metres: float) -> str:
    """``3333.3`` -> ``3,33 km``, ``10000`` -> ``10 km``."""
    text = f"{metres / 1000:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + " km"


def precision_text_de(counts: Iterable[tuple[str, int]]) -> str:
    parts = [f"{n} {label('precision', p)}" for p, n in counts]
    return ", ".join(parts) if parts else "keine"


#: Dative forms ("gewichtet mit der ...").
_DEMAND_DATIVE_DE: dict[DemandKind, str] = {
    DemandKind.ALL: "Bevölkerung",
    DemandKind.FOREIGN: "ausländischen Bevölkerung",
}


def _fca_text(params: CoverageParams, who: str) -> str:
    weights = ""
    if params.method is Method.E2SFCA:
        w = params.e2sfca_weights
        if isinstance(w, StepWeights):
            bands = "; ".join(
                f"bis {_fmt_km(t)}: {_de_number(g, 2)}"
                for t, g in zip(w.thresholds, w.weights, strict=True)
            )
            weights = f" Distanzgewichte in beiden Stufen: {bands}, darüber 0."
        else:
            weights = f" Gauß-Gewicht exp(−d²/2σ²) in beiden Stufen, σ = {_fmt_km(w.sigma)}."
    return (
        "**Berechnung:** Zwei-Stufen-Verfahren (2SFCA, wie PySAL access): je Angebot 1 geteilt "
        f"durch die {who} im Umkreis von {_fmt_km(params.catchment_m)}, je Zelle die Summe über "
        f"die erreichbaren Angebote, angegeben je {_de_number(FCA_PER)} Menschen; je Gebiet der "
        f"mit der {who} gewichtete Mittelwert. 0 = kein Angebot im Einzugsbereich.{weights}"
    )


def _demand_text(result: CoverageResult, size: str) -> str:
    """The "Nachfrage" paragraph: people spread by area, or the Zensus result."""
    if result.population_source != POPULATION_ZENSUS_GRID:
        return (
            "**Nachfrage:** Die Menschen jeder Gemeinde sind nach Fläche gleichmäßig auf Quadrate "
            f"von {size} m × {size} m (EPSG:25832) verteilt – {_de_number(result.n_cells)} Zellen, "
            "an Gemeindegrenzen geteilt. Wo innerhalb einer Gemeinde Menschen wohnen, ist nicht "
            "bekannt (keine Siedlungs- oder 100-m-Zensusdaten geladen)."
        )
    label = _grid_label(result.params.cell_size_m)
    if result.foreign_year is not None:
        foreign = (
            "die ausländische Bevölkerung ist Einwohner der Zelle × Ausländeranteil ihres Kreises "
            f"{result.foreign_year} (INKAR)"
        )
    elif result.foreign_known:
        foreign = (
            "die ausländische Bevölkerung ist Einwohner der Zelle × Ausländeranteil ihrer Gemeinde "
            "(Zensus 2022 je Gemeinde)"
        )
    else:
        foreign = "die ausländische Bevölkerung ist unbekannt"
    return (
        f"**Nachfrage:** Einwohner je Gitterzelle {label} des Zensus 2022 (Stichtag 15.05.2022) – "
        f"{_de_number(len(result.cells))} Zellen. Jede Zelle gehört zu der Gemeinde, in der ihr "
        "Mittelpunkt liegt; Zellen mit Mittelpunkt außerhalb der NRW-Gemeinden sind weggelassen "
        "(ihre Einwohner zählen nicht). Die Einwohnerzahlen der Zellen sind nicht auf die "
        f"Gemeindesummen umgerechnet; {foreign}."
    )


def method_text(result: CoverageResult) -> str:
    """What was computed on which data, in German (Markdown paragraphs)."""
    params, headline = result.params, result.headline
    who = _DEMAND_DATIVE_DE[params.demand]
    size = _de_number(params.cell_size_m)
    km = _fmt_km(params.threshold_m)
    from_grid = result.population_source == POPULATION_ZENSUS_GRID
    lines = [
        f"**Kennzahl:** {METHOD_LABELS_DE[params.method]}; Nachfrage: "
        f"{DEMAND_LABELS_DE[params.demand]}; Angebote: {category_text_de(params.categories)}; "
        f"Schwelle {km}.",
        _demand_text(result, size),
        f"**Angebote:** {headline.n_offers} Angebote; Standortgenauigkeit: "
        f"{precision_text_de(headline.precision_counts)}. Jedes Angebot zählt 1 (Kapazitäten sind "
        "nicht erfasst)."
        + (
            ""
            if params.include_kreis_area
            else " Angebote, die nur über ihren Kreis verortet sind, zählen nicht."
        ),
        "**Entfernung:** Luftlinie vom "
        + ("Mittelpunkt jeder Gitterzelle" if from_grid else "Schwerpunkt jedes Zellstücks")
        + " zum nächsten Angebot – keine Wege, keine Fahrzeiten. Angebote außerhalb von NRW sind "
        "nicht enthalten (am Landesrand werden Entfernungen überschätzt).",
    ]
    if params.method is Method.NEAREST:
        lines.append(
            f"**Berechnung:** je Gebiet der Mittelwert der Entfernung, gewichtet mit der {who}."
        )
    elif params.method is Method.SHARE:
        lines.append(
            f"**Berechnung:** Anteil der {who}, deren Zelle weiter als {km} vom nächsten "
            "Angebot liegt."
        )
    elif params.method in (Method.TWO_SFCA, Method.E2SFCA):
        lines.append(_fca_text(params, who))
    else:
        lines.append(
            "**Berechnung:** Zahl der Angebote mit Standort in der Gemeinde je "
            f"{_de_number(PER_CAPITA_PER)} Menschen der {who}; bei Kreisen zählen auch Angebote, "
            "die nur über den Kreis verortet sind. Entfernungen spielen hier keine Rolle."
        )
    lines += [
        f"**Betroffene (Rangliste):** Menschen der {who} in Zellen weiter als {km} Luftlinie "
        "vom nächsten Angebot; Gemeinden und Kreise nach dieser Zahl geordnet.",
        (
            f"**Rasterkarte:** Jede Gitterzelle (EPSG:3035) wird dem {size}-m-Quadrat in "
            "EPSG:25832 zugeordnet, in dem ihr Mittelpunkt liegt – nur für die Darstellung; "
            "gerechnet wird mit den echten Mittelpunkten. Quadrate ohne Gitterzelle bleiben leer."
            if from_grid
            else "**Rasterweite:** Standard 1 km (etwa 35.000 Zellen in NRW). Das ist deutlich "
            "feiner als die betrachteten Entfernungen von einigen Kilometern; weil die Bevölkerung "
            "nur je Gemeinde bekannt ist, brächten feinere Zellen keine genaueren Wohnorte, nur "
            "längere Rechenzeit."
        ),
        "**Vorsicht:** Die Angebotsdaten sind unvollständig (wenige recherchierte Stellen und "
        "ungefähr verortete Ausländerbehörden). Die Ergebnisse zeigen Lücken in den Daten ebenso "
        "wie echte Versorgungslücken.",
        "**Daten:** " + " · ".join(sources(result)),
    ]
    return "\n\n".join(lines)


def export_comment(result: CoverageResult) -> str:
    """One-line header for CSV exports: parameters and attribution."""
    p = result.params
    return (
        f"Versorgungslücken NRW – {METHOD_LABELS_DE[p.method]}; Nachfrage {DEMAND_LABELS_DE[p.demand]}; "
        f"Angebote {category_text_de(p.categories)} ({result.headline.n_offers}); "
        f"Schwelle {p.threshold_m:g} m; Raster {p.cell_size_m:g} m | {attribution(result)}"
    )


def headline_sentence(headline: Headline) -> str:
    """The headline as one German sentence (numbers rounded for reading)."""
    who = (
        "der ausländischen Bevölkerung"
        if headline.demand is DemandKind.FOREIGN
        else "der Bevölkerung"
    )
    what = category_text_de(headline.categories)
    share = _de_number(headline.share_beyond_pct, 1)
    people = _de_number(headline.demand_beyond)
    km = f"{headline.threshold_m / 1000:g}".replace(".", ",")
    return (
        f"{share} % {who} ({people} Menschen) leben mehr als {km} km Luftlinie "
        f"vom nächsten Angebot entfernt ({what}; {headline.n_offers} Angebote in den Daten)."
    )


def attribution(result: CoverageResult) -> str:
    """Source line for maps and exports of ``result``."""
    return attribution_text(
        result.boundary_year,
        result.population_source,
        foreign_year=result.foreign_year,
        grid_resolution_m=result.params.cell_size_m,
    )
