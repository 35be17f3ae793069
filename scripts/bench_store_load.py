"""Benchmark: the offer store under load – concurrent editors on shared offers and concurrent
nearest-offer readers, on PostgreSQL/PostGIS and on the embedded SQLite file, in the same run;
plus the nearest search alone (PostGIS KNN vs. the in-memory index). SYNTHETIC offers in the
toy world of the tests.

    export MAPAPP_TEST_DATABASE_URL="$(bash scripts/start_postgres.sh)"
    .venv/bin/python scripts/bench_store_load.py [--editors 20] [--edits 50] [--readers 200]
        [--reads 5] [--processes 4] [--hot 10] [--offers 500]

Each back end gets a fresh database (PostgreSQL: a new schema on the server of
``MAPAPP_TEST_DATABASE_URL``, dropped afterwards). The editors and readers are threads spread
over ``--processes`` worker processes (like app processes with many sessions each), started
together; each editor makes ``--edits`` edits on one of ``--hot`` shared offers (read with
version, save with ``--if-version``, retry on a version conflict); each reader runs ``--reads``
searches through ``services.offers.search_near``. Afterwards the invariants of
``tests/fixtures/store_load.check`` are proved (no lost update, no error but conflicts). Prints
Markdown for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fixtures.databases import database_url  # noqa: E402
from tests.fixtures.store_load import (  # noqa: E402
    _point,
    check,
    percentile,
    run_load,
    synthetic_offers,
)
from tests.fixtures.toy_files import REFERENCE_ENV, build_toy_data  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def load_row(backend: str, toy, args: argparse.Namespace, tmp: Path) -> str:  # type: ignore[no-untyped-def]
    from mapapp.config import get_settings
    from mapapp.services.offers import open_store

    with database_url(backend, tmp) as url:
        env = dict(os.environ)
        env["MAPAPP_DATA_DIR"] = str(toy.data_dir)
        env[REFERENCE_ENV] = str(toy.reference_dir)
        env["MAPAPP_DATABASE_URL"] = url if backend != "sqlite" else ""
        if backend == "sqlite":  # a fresh file, seeded again below
            for name in ("offers.sqlite", "offers.sqlite-wal", "offers.sqlite-shm"):
                (toy.data_dir / "store" / name).unlink(missing_ok=True)
        os.environ.update(env)
        store = open_store(get_settings())
        offers = synthetic_offers(args.offers)
        store.upsert(offers, actor="setup", via="import")
        hot = [o.id for o in offers[: args.hot]]
        run = run_load(
            env,
            hot=hot,
            editors=args.editors,
            edits=args.edits,
            readers=args.readers,
            reads=args.reads,
            processes=args.processes,
        )
        problems = check(store, run, hot)
        lost = sum("fehlt" in p or "Notiz" in p for p in problems)
        others = len(run.errors)
        r, w, e = run.read_s, run.write_s, run.edit_s
        return (
            f"| {backend} | {len(run.accepted):,} | {run.conflicts:,} | {lost} | {others} | "
            f"{_ms(percentile(r, 50))} / {_ms(percentile(r, 95))} | "
            f"{_ms(percentile(w, 50))} / {_ms(percentile(w, 95))} | "
            f"{_ms(percentile(e, 50))} / {_ms(percentile(e, 95))} | "
            f"{len(r) / run.wall_s:.0f} / s | {run.wall_s:.1f} s |"
        ) + ("" if not problems else f"\n\nProblems ({backend}): " + "; ".join(problems[:5]))


def nearest_rows(n_offers: int, tmp: Path, searches: int = 200) -> list[str]:
    """Median time of one nearest search (limit 10): PostGIS in the database, the in-memory
    index built from all offers (a process without a cache: ``offers near``), and an index
    already built (the app's cached one)."""
    from mapapp.analysis.offers import OfferIndex
    from mapapp.services.offers_spatial import nearest_hits
    from mapapp.store.sql import SqlOfferStore

    rng = random.Random(11)
    points = [_point(rng) for _ in range(searches)]  # in the toy Land, where the offers are
    offers = synthetic_offers(n_offers)
    with database_url("postgres", tmp) as url:
        store = SqlOfferStore(url)
        store.upsert(offers)
        times: dict[str, list[float]] = {"postgis": [], "build": [], "cached": []}
        index = OfferIndex(store.all())
        for lon, lat in points:
            t0 = time.perf_counter()
            a = nearest_hits(store, lon, lat, limit=10)
            t1 = time.perf_counter()
            b = OfferIndex(store.all()).nearest(lon, lat, limit=10)
            t2 = time.perf_counter()
            c = index.nearest(lon, lat, limit=10)
            t3 = time.perf_counter()
            assert [h.offer.id for h in a] == [h.offer.id for h in b] == [h.offer.id for h in c]
            times["postgis"].append(t1 - t0)
            times["build"].append(t2 - t1)
            times["cached"].append(t3 - t2)
    med = {k: statistics.median(v) for k, v in times.items()}
    return [
        f"| {n_offers:,} | {_ms(med['postgis'])} | {_ms(med['build'])} | {_ms(med['cached'])} | "
        f"{med['build'] / med['postgis']:.1f}x | {med['postgis'] / med['cached']:.0f}x |"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--reads", type=int, default=5)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--hot", type=int, default=10)
    parser.add_argument("--offers", type=int, default=500)
    parser.add_argument("--nearest-sizes", type=int, nargs="*", default=[500, 5000])
    args = parser.parse_args()
    if not os.environ.get("MAPAPP_TEST_DATABASE_URL"):
        sys.exit("MAPAPP_TEST_DATABASE_URL fehlt (bash scripts/start_postgres.sh)")
    import psycopg
    import sqlalchemy

    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"SQLAlchemy {sqlalchemy.__version__}, psycopg {psycopg.__version__}\n"
    )
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        toy = build_toy_data(tmp / "toy")
        print(
            f"{args.editors} editors x {args.edits} edits on {args.hot} shared offers, "
            f"{args.readers} readers x {args.reads} nearest searches, {args.processes} processes, "
            f"{args.offers} offers\n"
        )
        print(
            "| back end | edits saved | version conflicts (retried) | lost updates | other errors "
            "| read p50 / p95 | write p50 / p95 | edit incl. retries p50 / p95 | reads | wall |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for backend in ("postgres", "sqlite"):
            print(load_row(backend, toy, args, tmp), flush=True)
        print("\nNearest search alone (limit 10, median of 200 searches, one process)\n")
        print(
            "| offers | PostGIS KNN | index built per search | cached index "
            "| built / PostGIS | PostGIS / cached |"
        )
        print("|---|---|---|---|---|---|")
        for n in args.nearest_sizes:
            print(*nearest_rows(n, tmp), sep="\n", flush=True)


if __name__ == "__main__":
    main()
