"""Generate SYNTHETIC integration offers for benchmarks and load tests (seeded, reproducible).

Nothing here is real: names ("Synthetisches Angebot 17"), providers ("Synthetischer Träger 3"),
streets, postcodes, phone numbers and ``example.org`` web addresses are invented; points are uniform
random inside the NRW Land polygon (from the BKG boundaries in the data directory) or, without it,
inside a box given in EPSG:25832. Every row's ``source`` says "SYNTHETIC".

Usage::

    python scripts/gen_synthetic_offers.py 10000 --seed 1 --out /tmp/offers_10k.csv
    python scripts/gen_synthetic_offers.py 1000 --format geojson --out /tmp/offers_1k.geojson
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

try:
    import mapapp  # noqa: F401
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mapapp.model import OfferCategory
from mapapp.offers_model import Accessibility, CoordSource, Offer, Precision, TargetGroup
from mapapp.projection import to_web

SYNTHETIC_SOURCE = "SYNTHETIC (scripts/gen_synthetic_offers.py) – keine echten Angebote"
#: Fallback area (EPSG:25832 metres) when no boundaries are at hand: a box over NRW's extent.
FALLBACK_BOX = (280_000.0, 5_577_000.0, 532_000.0, 5_820_000.0)

_LANGS = ["de", "en", "ar", "tr", "ru", "uk", "fa", "pl", "ro", "ku", "ti", "so"]
_HOURS = [
    "Mo–Fr 9–12 Uhr",
    "Di und Do 14–17 Uhr",
    "nach Vereinbarung",
    "Mo 10–16, Mi 10–13 Uhr",
    "",
]
_CATS = list(OfferCategory)
_GROUPS = list(TargetGroup)
_BF = list(Accessibility)


def random_points(n: int, seed: int, area: shapely.Geometry | None = None) -> np.ndarray:
    """``n`` uniform random points (EPSG:25832, shape (n, 2)) inside ``area`` (or the fallback box)."""
    rng = np.random.default_rng(seed)
    if area is None:
        area = shapely.box(*FALLBACK_BOX)
    shapely.prepare(area)
    x0, y0, x1, y1 = shapely.bounds(area)
    out = np.empty((0, 2))
    while len(out) < n:
        k = max(1024, 2 * (n - len(out)))
        cand = np.column_stack([rng.uniform(x0, x1, k), rng.uniform(y0, y1, k)])
        inside = shapely.contains_xy(area, cand[:, 0], cand[:, 1])
        out = np.vstack([out, cand[inside]])
    return out[:n]


def synthetic_offers(n: int, seed: int = 1, area: shapely.Geometry | None = None) -> list[Offer]:
    """``n`` SYNTHETIC offers with every field filled in a plausible shape (seeded)."""
    rng = np.random.default_rng(seed + 1)
    pts = random_points(n, seed, area)
    lon, lat = to_web(pts[:, 0], pts[:, 1])
    cats = rng.integers(0, len(_CATS), n)
    nlang = rng.integers(0, 4, n)
    offers = []
    for i in range(n):
        langs = tuple(dict.fromkeys(["de", *rng.choice(_LANGS, nlang[i]).tolist()]))
        groups = tuple(dict.fromkeys(rng.choice(_GROUPS, rng.integers(1, 3)).tolist()))
        offers.append(
            Offer(
                id=f"syn-{seed}-{i}",
                name=f"Synthetisches Angebot {i}",
                category=_CATS[cats[i]],
                lon=round(float(lon[i]), 6),
                lat=round(float(lat[i]), 6),
                precision=Precision.ADDRESS,
                coord_source=CoordSource.FILE,
                provider=f"Synthetischer Träger {int(rng.integers(0, 300))}",
                street=f"Synthetische Straße {int(rng.integers(1, 2000))} {int(rng.integers(1, 120))}",
                postcode=f"{int(rng.integers(40000, 59999)):05d}",
                city=f"Synthstadt {int(rng.integers(0, 396))}",
                languages=langs,
                target_groups=tuple(TargetGroup(g) for g in groups),
                opening_hours=_HOURS[int(rng.integers(0, len(_HOURS)))] or None,
                phone=f"0000 {int(rng.integers(100000, 999999))}",
                email=f"angebot{i}@example.org",
                website=f"https://example.org/angebot/{i}",
                barrier_free=_BF[int(rng.integers(0, 3))],
                capacity=float(rng.integers(5, 60)),
                source=SYNTHETIC_SOURCE,
            )
        )
    return offers


def to_import_csv(offers: list[Offer]) -> str:
    """An import file like a provider would send it (German headers, ``;``, decimal commas)."""
    rows = [
        {
            "ID": o.id,
            "Name": o.name,
            "Kategorie": o.category_label,
            "Träger": o.provider,
            "Straße": o.street,
            "PLZ": o.postcode,
            "Ort": o.city,
            "Breite": f"{o.lat:.6f}".replace(".", ","),
            "Länge": f"{o.lon:.6f}".replace(".", ","),
            "Sprachen": ", ".join(o.languages),
            "Zielgruppen": ", ".join(str(t) for t in o.target_groups),
            "Öffnungszeiten": o.opening_hours,
            "Telefon": o.phone,
            "E-Mail": o.email,
            "Web": o.website,
            "Barrierefrei": {"yes": "ja", "no": "nein"}.get(str(o.barrier_free), ""),
            "Kapazität (Plätze)": int(o.capacity or 0),
            "Quelle": o.source,
        }
        for o in offers
    ]
    return pd.DataFrame(rows).to_csv(sep=";", index=False, lineterminator="\n")


def _land_area() -> shapely.Geometry | None:
    try:
        from mapapp.config import get_settings
        from mapapp.io.datasets import load_boundaries

        land = load_boundaries(get_settings()).land
    except (OSError, ValueError):
        return None
    return shapely.union_all(land.geometry.to_numpy())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=("csv", "geojson"), default="csv")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    area = _land_area()
    if area is None:
        print(
            "Hinweis: keine Grenzen im Datenverzeichnis – Punkte im NRW-Rechteck", file=sys.stderr
        )
    offers = synthetic_offers(args.n, args.seed, area)
    if args.format == "csv":
        args.out.write_text(to_import_csv(offers), encoding="utf-8")
    else:
        from mapapp.io.offers_export import offers_to_geojson

        doc = offers_to_geojson(offers, SYNTHETIC_SOURCE)
        args.out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    print(f"{args.n} SYNTHETIC offers -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
