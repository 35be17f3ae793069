"""Whole-process benchmark of ``mapapp coverage --method e2sfca`` against PySAL ``access``.

SYNTHETIC points (the generator of ``scripts/bench_coverage.py``: seeded uniform points in an
NRW-sized box in EPSG:25832, demand 0-499, capacity 1-10), written as CSV files into a temporary
folder. Measured in the same run:

- **mapapp (whole process)**: wall time of ``mapapp coverage --demand D.csv --supply S.csv
  --method e2sfca --max-cost 15000 --steps ...`` as a subprocess: interpreter start, imports,
  reading and checking both CSV files, the E2SFCA, writing ``id,value``; median of ``--repeat``;
  the 1-minute load average before and after the run is printed (other jobs share the cores);
- **access (in-process)**: the pairs within 15 km built with cKDTree plus ``Access(...)
  .enhanced_two_stage_fca`` on frames already in memory (no interpreter start, no file reading or
  writing); one run.

The values of both are compared (max relative difference; the CLI writes 0 where access has NaN).

    .venv/bin/python scripts/bench_coverage_cli.py                 # 200,000 x 5,000
    .venv/bin/python scripts/bench_coverage_cli.py --demand 20000 --supply 1000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_coverage import MAX_COST, STEPS, access_e2sfca, synthetic  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def write_inputs(folder: Path, n: int, m: int) -> tuple[Path, Path, pd.DataFrame, pd.DataFrame]:
    demand, supply = synthetic(n, m)
    demand.index = [f"d{i}" for i in range(n)]
    supply.index = [f"s{j}" for j in range(m)]
    d_path, s_path = folder / "demand.csv", folder / "supply.csv"
    demand.rename_axis("id").reset_index().to_csv(d_path, index=False)
    supply.rename_axis("id").reset_index().to_csv(s_path, index=False)
    return d_path, s_path, demand, supply


def run_cli(d_path: Path, s_path: Path, out: Path) -> float:
    steps = ",".join(f"{t:g}:{w:g}" for t, w in STEPS.items())
    command = [
        str(ROOT / ".venv" / "bin" / "mapapp"),
        "coverage",
        "--demand", str(d_path),
        "--supply", str(s_path),
        "--method", "e2sfca",
        "--max-cost", f"{MAX_COST:g}",
        "--steps", steps,
        "--out", str(out),
    ]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demand", type=int, default=200_000)
    parser.add_argument("--supply", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        d_path, s_path, demand, supply = write_inputs(folder, args.demand, args.supply)
        out = folder / "out.csv"
        run_cli(d_path, s_path, out)  # warm the file cache once
        times = [run_cli(d_path, s_path, out) for _ in range(args.repeat)]
        ours = pd.read_csv(out)["value"].to_numpy(dtype=float)
        start = time.perf_counter()
        theirs = access_e2sfca(demand.reset_index(drop=True), supply.reset_index(drop=True))
        t_access = time.perf_counter() - start
    theirs = np.where(np.isnan(theirs), 0.0, theirs)
    scale = np.maximum(np.abs(theirs), 1e-300)
    diff = float(np.max(np.abs(ours - theirs) / scale))
    t_ours = statistics.median(times)
    load_after = os.getloadavg()[0]
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}"
    )
    print()
    print(
        "| demand / supply | mapapp coverage e2sfca (whole process, median) | "
        "access pairs + E2SFCA (in-process) | access / mapapp | max rel diff | "
        "load average (1 min) before / after |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.demand:,} / {args.supply:,} | {t_ours:.2f} s "
        f"({', '.join(f'{t:.2f}' for t in times)}) | {t_access:.2f} s | "
        f"{t_access / t_ours:.1f}x | {diff:.1e} | {load_before:.2f} / {load_after:.2f} |"
    )


if __name__ == "__main__":
    main()
