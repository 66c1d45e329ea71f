"""Speed and memory of the person-level caseload engine on the synthetic LA.

Run: python benchmarks/bench_person_engine.py [--sizes 1] [--sims 1000] [--horizon 5] [--repeat 3]

The synthetic LA is generated once per size. Each run is a fresh child process that derives the
January snapshots and transitions (timed apart), then fits the engine at the last January and
simulates ``--sims`` paths ``--horizon`` years ahead. The figures are the in-process time of
fit and of simulate, and the child's peak resident memory (``os.wait4`` ``ru_maxrss``), also
before the fit, so the engine's own share is visible. Goal: fit + simulate under 2 s for one
LA of about 3,500 children, 1,000 simulations, 5 years.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import resource, sys, time
from pathlib import Path
from dbv.dataret.derive import snapshots, transitions
from dbv.dataret.reader import read_return
from dbv.dataret.years import census_years
from dbv.forecast.person import PersonLevelModel
folder, sims, horizon = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
ret = read_return(folder)
snaps = snapshots(ret, census_years(ret))
trans = transitions(snaps, ret)
pop = ret.typed("population")
origin = int(snaps["year"].max())
t1 = time.perf_counter()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
model = PersonLevelModel().fit(snaps, trans, pop, origin)
t2 = time.perf_counter()
out = model.simulate(horizon, sims, seed=2025)
t3 = time.perf_counter()
children = int(model.stock_.sum())
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {t3 - t2:.3f} {before} {children} {out.shape[1]}")
"""


def child(folder: Path, sims: int, horizon: int) -> dict[str, float]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(folder), str(sims), str(horizon)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # reap it ourselves to read its peak memory
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"benchmark child failed ({proc.returncode})")
    derive, fit, simulate, before, children, states = out.split()
    return {
        "derive": float(derive),
        "fit": float(fit),
        "simulate": float(simulate),
        "peak_mb": usage.ru_maxrss / 1024,
        "before_mb": int(before) / 1024,
        "children": float(children),
        "states": float(states),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0])
    parser.add_argument("--sims", type=int, default=1000)
    parser.add_argument("--horizon", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    a = parser.parse_args()
    from dbv.synth import generate

    print(
        "| size | children at origin | states | sims x years | derive s | fit s | simulate s "
        "| fit+simulate s | goal | peak MB | before fit MB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in a.sizes:
            folder = Path(tmp) / f"size{size}"
            generate(folder, seed=2025, size=size, defects=False)
            runs = [child(folder, a.sims, a.horizon) for _ in range(a.repeat)]

            def med(key: str, runs: list[dict[str, float]] = runs) -> float:
                return statistics.median(r[key] for r in runs)

            both = statistics.median(r["fit"] + r["simulate"] for r in runs)
            peak = max(r["peak_mb"] for r in runs)
            before = max(r["before_mb"] for r in runs)
            print(
                f"| {size:g} | {med('children'):,.0f} | {med('states'):,.0f} "
                f"| {a.sims:,} x {a.horizon} | {med('derive'):.2f} | {med('fit'):.2f} "
                f"| {med('simulate'):.2f} | {both:.2f} | {'< 2 s' if size == 1 else '—'} "
                f"| {peak:.0f} | {before:.0f} |"
            )


if __name__ == "__main__":
    main()
