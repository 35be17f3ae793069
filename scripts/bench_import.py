"""Benchmark the funding-list importer (``mapapp funding import``) on SYNTHETIC approval lists.

Usage::

    .venv/bin/python scripts/bench_import.py [--rows 50000] [--old-rows 2000] [--repeat 3]

Measures, in one run, on this machine (rows per second, median of ``--repeat`` runs):

- **new**: :func:`mapapp.ingest.funding.import_file` on a CSV with ``--rows`` rows (read, match
  names, check every row, build the registry);
- **baseline, old check**: the approval-list check as it was before it was vectorised (the copy
  :func:`old_collect_registry_errors` below, called once per row with a one-row frame, as
  ``import_table`` did) on the first ``--old-rows`` rows of the same list (it costs ~5 ms per row,
  the whole list would take minutes);
- **baseline, plain parse**: ``pandas.read_csv`` of the same file (the cost of reading alone);
- the refusal of a list above :data:`mapapp.ingest.read.MAX_IMPORT_ROWS` rows (must be quick).

The rows are SYNTHETIC: real NRW unit names and types from ``nrw_municipal_status.csv`` (Kreise,
kreisfreie and große kreisangehörige Städte), with random years 2005–2012, invented project titles
("Projekt 17") and amounts. They are written to a temporary folder and deleted afterwards.
No assertions; the numbers go into docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from mapapp.ingest.funding import import_file  # noqa: E402
from mapapp.ingest.funding_table import read_funding_table as read_table  # noqa: E402
from mapapp.ingest.read import MAX_IMPORT_ROWS  # noqa: E402
from mapapp.ingest.registry import parse_unit_type  # noqa: E402
from mapapp.ingest.values import parse_amount, parse_years  # noqa: E402
from mapapp.model import (  # noqa: E402
    AGS_GEMEINDE_LEN,
    AGS_KREIS_LEN,
    DataError,
    UnitType,
    normalize_ags,
)

STATUS_CSV = REPO_ROOT / "geodata" / "reference" / "nrw_municipal_status.csv"
_TYPE = {"kreis": "Kreis", "kreisfreie_stadt": "kreisfreie Stadt"}


def load_status() -> pd.DataFrame:
    frame = pd.read_csv(STATUS_CSV, dtype=str, keep_default_na=False)
    frame["has_auslaenderbehoerde"] = frame["has_auslaenderbehoerde"].str.lower().eq("yes")
    return frame


def synthetic_list(status: pd.DataFrame, rows: int, path: Path, seed: int = 1) -> Path:
    """A SYNTHETIC approval list: real unit names, invented projects, years and amounts."""
    units = status[
        status["status"].isin(["kreis", "kreisfreie_stadt", "grosse_kreisangehoerige_stadt"])
    ]
    recs = units.to_dict("records")
    rnd = random.Random(seed)
    lines = ["Kommune;Typ;Förderjahr;Projekttitel;Betrag (EUR)"]
    for i in range(rows):
        unit = rnd.choice(recs)
        kind = _TYPE.get(unit["status"], "kreisangehörige Stadt")
        year = rnd.randint(2005, 2012)
        lines.append(f"{unit['name']};{kind};{year};Projekt {i};{rnd.randint(1, 200)}.000,00")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def old_collect_registry_errors(
    raw: pd.DataFrame, status: pd.DataFrame, *, file: str, first_row: int = 2
) -> list[DataError]:
    """The check before it was vectorised (kept verbatim as the baseline): re-indexes the status
    table on every call and looks every row up with ``.loc``."""
    missing = [c for c in ("ags", "unit_type", "funding_years") if c not in raw.columns]
    if missing:
        return [DataError(f"Spalten fehlen: {', '.join(missing)}", file=file, row=1)]
    known = status.set_index("ags")
    errors: list[DataError] = []
    for i, rec in enumerate(raw.to_dict("records")):
        row = first_row + i
        try:
            unit = parse_unit_type(rec.get("unit_type"), file=file, row=row)
            length = AGS_KREIS_LEN if unit is UnitType.KREIS else AGS_GEMEINDE_LEN
            try:
                ags = normalize_ags(rec.get("ags"), length)
            except ValueError as exc:
                raise DataError(str(exc), file=file, row=row, field="ags") from exc
            if ags not in known.index:
                raise DataError(f"AGS {ags} unbekannt", file=file, row=row, field="ags")
            st = known.loc[ags]
            if unit is UnitType.KREISFREIE_STADT and st["status"] != "kreisfreie_stadt":
                raise DataError("keine kreisfreie Stadt", file=file, row=row, field="unit_type")
            if unit is UnitType.KREISANGEHOERIGE_STADT and st["status"] in (
                "kreisfreie_stadt",
                "kreis",
            ):
                raise DataError("nicht kreisangehörig", file=file, row=row, field="unit_type")
            parse_years(rec.get("funding_years"), file=file, row=row)
            parse_amount(rec.get("amount_eur"), file=file, row=row)
        except DataError as exc:
            errors.append(exc)
    return errors


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times: list[float] = []
    out: Any = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=MAX_IMPORT_ROWS)
    parser.add_argument("--old-rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    status = load_status()
    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic_list(status, args.rows, Path(tmp) / "synthetic_bewilligungen.csv")
        size_mb = path.stat().st_size / 1e6

        t_new, result = timed(lambda: import_file(path, status), args.repeat)
        assert result.ok, [str(e) for e in result.errors[:3]]
        registry = result.registry

        t_parse, _ = timed(lambda: pd.read_csv(path, sep=";", dtype=str), args.repeat)

        # The old check, one row at a time on a one-row frame (as import_table called it).
        raw = registry.head(args.old_rows).assign(
            funding_years=[
                ";".join(map(str, y)) for y in registry["funding_years"].head(args.old_rows)
            ]
        )

        def old_check() -> int:
            n = 0
            for i in range(len(raw)):
                n += len(
                    old_collect_registry_errors(raw.iloc[[i]], status, file="x", first_row=i + 2)
                )
            return n

        t_old, old_errors = timed(old_check, 1)
        assert old_errors == 0

        big = synthetic_list(status, MAX_IMPORT_ROWS * 4, Path(tmp) / "synthetic_gross.csv")
        big_mb = big.stat().st_size / 1e6
        t0 = time.perf_counter()
        try:
            read_table(big)
            refused = "not refused"
        except DataError as exc:
            refused = str(exc)
        t_refuse = time.perf_counter() - t0

    new_rate = args.rows / t_new
    old_rate = len(raw) / t_old
    parse_rate = args.rows / t_parse
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, pandas {pd.__version__}"
    )
    print(f"SYNTHETIC list: {args.rows:,} rows, {size_mb:.1f} MB (median of {args.repeat} runs)")
    print("| step | rows | time (s) | rows/s |")
    print("|---|---|---|---|")
    print(f"| import_file (new, whole import) | {args.rows:,} | {t_new:.2f} | {new_rate:,.0f} |")
    print(f"| baseline: old per-row check only | {len(raw):,} | {t_old:.2f} | {old_rate:,.0f} |")
    print(f"| baseline: pandas.read_csv only | {args.rows:,} | {t_parse:.2f} | {parse_rate:,.0f} |")
    print(f"whole import (new) vs. old check alone: {new_rate / old_rate:.0f}x the rows per second")
    print(f"plain parse vs. whole import: {parse_rate / new_rate:.1f}x")
    print(
        f"a list of {MAX_IMPORT_ROWS * 4:,} rows ({big_mb:.1f} MB) refused in {t_refuse:.2f} s: "
        f"{refused}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
